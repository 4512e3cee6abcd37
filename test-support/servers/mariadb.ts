// A private MariaDB (or MySQL) for the tests, from the machine's server binaries: its own data directory, port
// and configuration (performance_schema on, which the accounting tests read), removed when stopped.
import { execFileSync } from 'node:child_process'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import mysql from 'mysql2/promise'
import { findCommand, freePort, runCommand, serverDirectory, ServerProcess } from './process.js'

export interface MariaDbServerOptions {
  /** Server settings (`name = value` under [mysqld]), over the test defaults. */
  settings?: Record<string, string | number>
  /** TLS on (clients may still connect without it): PEM files of the server's certificate and its key. */
  tls?: { cert: string; key: string }
}

/** What the tests need of a server, whatever the machine's own server says. */
const SETTINGS_FOR_TESTS = {
  'bind-address': '127.0.0.1',
  // Accounts are matched by address: 127.0.0.1 is not 'localhost'.
  'skip-name-resolve': 'ON',
  // The connection attributes every pool connection carries (its worker's tag) are kept only with it on.
  performance_schema: 'ON',
  // Speed over durability: the data is thrown away.
  innodb_flush_log_at_trx_commit: 0,
  'innodb-buffer-pool-size': '64M',
  'skip-log-bin': 'ON',
}

const NO_BINARIES =
  "no MariaDB or MySQL server binaries on this machine (mariadbd or mysqld): install Debian's mariadb-server " +
  '(apt-get install mariadb-server; the tests start a private server of their own, the machine\'s may stay stopped), ' +
  'or set MYSQL_TEST_URL to a server the tests may use.'

/** The server binary, and how to create a data directory for it. */
function binaries(): { server: string; install: (config: string, cwd: string) => Promise<void>; mariadb: boolean } {
  const server = findCommand('mariadbd', '/usr/sbin/mariadbd', 'mysqld', '/usr/sbin/mysqld')
  if (!server) throw new Error(NO_BINARIES)
  const mariadb = /mariadb/i.test(execFileSync(server, ['--version'], { encoding: 'utf8' }))
  const installer = mariadb ? findCommand('mariadb-install-db', 'mysql_install_db') : undefined
  if (mariadb && !installer) throw new Error(`${server} is here, but not mariadb-install-db to create a data directory for it: install Debian's mariadb-server.`)
  return {
    server,
    mariadb,
    install: (config, cwd) =>
      mariadb
        ? runCommand(installer!, [`--defaults-file=${config}`, '--auth-root-authentication-method=normal', '--skip-test-db'], { runAs: undefined, cwd, what: 'mariadb-install-db' })
        : runCommand(server, [`--defaults-file=${config}`, '--initialize-insecure'], { runAs: undefined, cwd, what: 'mysqld --initialize-insecure' }),
  }
}

export class MariaDbServer extends ServerProcess {
  /** `mysql://root@127.0.0.1:PORT/test`: root, no password, on the `test` database. */
  readonly url: string
  readonly #server: string
  /** `MariaDB 10.11.19-MariaDB-0+deb12u1`, once started. */
  version = ''

  private constructor(port: number, dir: string, server: string, config: string) {
    // SIGTERM: a clean shutdown, which ends the sessions.
    super(dir, port, { command: server, args: [`--defaults-file=${config}`, `--port=${port}`], runAs: undefined, ready: /(mariadbd|mysqld): ready for connections/, what: 'MariaDB', stopSignal: 'SIGTERM' })
    this.url = `mysql://root@127.0.0.1:${port}/test`
    this.#server = server
  }

  get description(): string {
    return `a private ${this.version} on 127.0.0.1:${this.port} (${this.#server}; data in ${this.dir})`
  }

  /** Creates a data directory, starts the server and creates the `test` database. */
  static async start(options: MariaDbServerOptions = {}): Promise<MariaDbServer> {
    const bins = binaries()
    const dir = await serverDirectory('mysql', undefined)
    let server: MariaDbServer | undefined
    try {
      const settings: Record<string, string | number> = {
        datadir: join(dir, 'data'),
        socket: join(dir, 'mysqld.sock'),
        'pid-file': join(dir, 'mysqld.pid'),
        // Its own temporary files too: two servers bootstrapping at once in the system's /tmp collided on one (seen once).
        tmpdir: join(dir, 'tmp'),
        ...SETTINGS_FOR_TESTS,
        // mariadbd refuses to run as root unless told to; a data directory created by root is root's.
        ...(process.getuid?.() === 0 ? { user: 'root' } : {}),
        ...(options.tls ? { ssl_cert: options.tls.cert, ssl_key: options.tls.key } : {}),
        ...options.settings,
      }
      mkdirSync(join(dir, 'tmp'))
      const config = join(dir, 'my.cnf')
      writeFileSync(config, `[mysqld]\n${Object.entries(settings).map(([name, value]) => `${name} = ${value}`).join('\n')}\n`)
      await bins.install(config, dir)
      // The port is chosen just before the server binds it, so that little can take it meanwhile.
      const port = await freePort()
      server = new MariaDbServer(port, dir, bins.server, config)
      await server.restart()
      if (!bins.mariadb) await server.#viaSocket("CREATE USER 'root'@'127.0.0.1'; GRANT ALL ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION")
      await server.#query('CREATE DATABASE IF NOT EXISTS test')
      const [{ version }] = (await server.#query('SELECT VERSION() AS version')) as [{ version: string }]
      server.version = `${/mariadb/i.test(version) ? 'MariaDB' : 'MySQL'} ${version}`
      return server
    } catch (error) {
      // A server that started and then failed its set-up is stopped, not left running; stop() removes the directory.
      if (server) await server.stop().catch(() => {})
      else rmSync(dir, { recursive: true, force: true })
      throw error
    }
  }

  async #query(sql: string): Promise<unknown> {
    const connection = await mysql.createConnection({ host: '127.0.0.1', port: this.port, user: 'root' })
    try {
      return (await connection.query(sql))[0]
    } finally {
      await connection.end()
    }
  }

  /** As root over the Unix socket: MySQL's new data directory knows only root@localhost. */
  async #viaSocket(sql: string): Promise<void> {
    const connection = await mysql.createConnection({ socketPath: join(this.dir, 'mysqld.sock'), user: 'root', multipleStatements: true })
    try {
      await connection.query(sql)
    } finally {
      await connection.end()
    }
  }
}
