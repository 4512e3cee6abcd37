// A private PgBouncer in front of a test PostgreSQL, for the tests of what a pooler between the pool and the server
// changes (transaction pooling: consecutive transactions of one client on different server connections, and one
// server connection serving several clients). Its own directory (configuration, auth file, log) and port, removed
// when stopped. The binary is the machine's (Debian's pgbouncer): there is none on npm.
import { execFileSync } from 'node:child_process'
import { chownSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import pg from 'pg'
import { findCommand, freePort, serverDirectory, ServerProcess, serverUser, type RunAs } from './process.js'

export interface PgBouncerServerOptions {
  /** The PostgreSQL it forwards every database to, e.g. `testServer('pg').url`: its host, port, user and password. */
  target: string
  /** Default: 'transaction'. */
  poolMode?: 'transaction' | 'session' | 'statement'
  /** More [pgbouncer] settings, over the test defaults (default_pool_size 5, max_client_conn 200 …). */
  settings?: Record<string, string | number>
}

const NO_BINARY =
  "no pgbouncer on this machine (looked on the PATH and in /usr/sbin): install Debian's pgbouncer (apt-get install pgbouncer; " +
  'the tests start a private one of their own, the package\'s service may stay stopped), or put a pgbouncer 1.18 or newer on the PATH.'

/** `"name" "value"` of PgBouncer's auth_file, a double quote doubled. */
const quoted = (value: string) => `"${value.replaceAll('"', '""')}"`

export class PgBouncerServer extends ServerProcess {
  /** The target's URL (user, password, database, parameters) on PgBouncer's port of 127.0.0.1. */
  readonly url: string
  readonly #target: string
  readonly #poolMode: string
  /** `PgBouncer 1.18.0`. */
  readonly version: string

  private constructor(port: number, dir: string, options: { command: string; runAs: RunAs | undefined; version: string; target: string; poolMode: string }) {
    const [major = 0, minor = 0] = options.version.replace(/^PgBouncer /, '').split('.').map(Number)
    // The immediate shutdown, which ends the clients' sessions: SIGTERM until 1.23, which made it wait for the clients.
    const stopSignal = major > 1 || (major === 1 && minor >= 23) ? 'SIGQUIT' : 'SIGTERM'
    super(dir, port, { command: options.command, args: [join(dir, 'pgbouncer.ini')], runAs: options.runAs, ready: /process up: PgBouncer/, what: 'PgBouncer', stopSignal })
    const url = new URL(options.target)
    url.host = `127.0.0.1:${port}`
    this.url = url.toString()
    this.version = options.version
    this.#target = options.target
    this.#poolMode = options.poolMode
  }

  /** What this server is, for messages (never with a password). */
  get description(): string {
    const target = new URL(this.#target)
    return `a private ${this.version} on 127.0.0.1:${this.port}, pool_mode ${this.#poolMode}, in front of ${target.hostname}:${target.port || 5432} (in ${this.dir})`
  }

  /** Its directory: configuration, auth file, log. */
  get directory(): string {
    return this.dir
  }

  /** Writes the configuration, starts PgBouncer and checks that a query reaches the target through it. */
  static async start(options: PgBouncerServerOptions): Promise<PgBouncerServer> {
    const command = findCommand('pgbouncer')
    if (!command) throw new Error(NO_BINARY)
    const version = execFileSync(command, ['--version'], { encoding: 'utf8' }).split('\n')[0]!.trim()
    // PgBouncer refuses to run as root.
    const runAs = serverUser('postgres')
    const dir = await serverDirectory('pgbouncer', runAs)
    let server: PgBouncerServer | undefined
    try {
      const target = new URL(options.target)
      const poolMode = options.poolMode ?? 'transaction'
      const user = decodeURIComponent(target.username) || 'postgres'
      // The port is chosen just before the server binds it, so that little can take it meanwhile.
      const port = await freePort()
      const settings: Record<string, string | number> = {
        listen_addr: '127.0.0.1',
        listen_port: port,
        // No Unix socket: its directory could be too long, or not writable by the server's user.
        unix_socket_dir: '',
        // Clients are not checked (the test server trusts them too), but PgBouncer must know their user: the target's
        // is in the auth file (with the password PgBouncer gives if the server asks), any other (a role a test
        // creates) is looked up in the server's pg_shadow as that user (auth_query), when it may read it.
        auth_type: 'trust',
        auth_file: join(dir, 'userlist.txt'),
        auth_user: user,
        logfile: join(dir, 'pgbouncer.log'),
        pidfile: join(dir, 'pgbouncer.pid'),
        pool_mode: poolMode,
        max_client_conn: 200,
        default_pool_size: 5,
        // What drivers send at start-up that PgBouncer does not track (pg's `options`, JDBC's extra_float_digits).
        ignore_startup_parameters: 'extra_float_digits,options',
        ...options.settings,
      }
      const host = target.hostname.replace(/^\[(.*)\]$/, '$1')
      const files = {
        'pgbouncer.ini':
          `[databases]\n* = host=${host} port=${target.port || 5432}\n\n[pgbouncer]\n` +
          Object.entries(settings).map(([name, value]) => `${name} = ${value}`).join('\n') + '\n',
        'userlist.txt': `${quoted(user)} ${quoted(decodeURIComponent(target.password))}\n`,
      }
      for (const [name, text] of Object.entries(files)) {
        const path = join(dir, name)
        writeFileSync(path, text, { mode: 0o600 })
        if (runAs) chownSync(path, runAs.uid, runAs.gid)
      }
      server = new PgBouncerServer(port, dir, { command, runAs, version, target: options.target, poolMode })
      await server.restart()
      // Ready to accept connections, and forwarding them: a query reaches the target.
      const client = new pg.Client({ connectionString: server.url })
      await client.connect()
      try {
        await client.query('SELECT 1')
      } finally {
        await client.end()
      }
      return server
    } catch (error) {
      // A server that started and then failed its set-up is stopped, not left running; stop() removes the directory.
      if (server) {
        const log = server.logTail()
        await server.stop().catch(() => {})
        if (log && error instanceof Error) error.message += `\nPgBouncer's log:\n${log}`
      } else rmSync(dir, { recursive: true, force: true })
      throw error
    }
  }
}
