import {
  type ConnectionLimit,
  type EngineConnection,
  type EngineContext,
  type EngineDriver,
  type ServerConnectionList,
  type SessionState,
  type ShadowDatabase,
} from '@prisma-pool/core/engine'
import {
  DriverAdapterError,
  type ColumnType,
  type ConnectionInfo,
  type IsolationLevel,
  type SqlQuery,
  type SqlResultSet,
} from '@prisma/driver-adapter-utils'
import mysql, { type ResultSetHeader } from 'mysql2'
import { columnType, convertRows, geometryAsBytes, inlineArgs, quoteString, toBinaryArg, toLiteral, typeName, type Field } from './conversion.js'
import { ConnectionGivenUpError, convertMySqlError, mySqlConnectionLoss, SideConnectionError } from './errors.js'
import type { ResolvedMySqlOptions } from './options.js'
import {
  checkMySqlSession,
  endMySqlSession,
  NEW_SESSION_SQL,
  newSessionOf,
  readConnectionLimits,
  readServerConnections,
  tagAttributes,
  type MySqlSession,
  type ViewQuery,
} from './server-views.js'

export const ADAPTER_NAME = '@prisma-pool/mysql'

// Server status flags of the OK packet (include/mysql_com.h).
const STATUS_IN_TRANS = 0x0001
const STATUS_AUTOCOMMIT = 0x0002
const STATUS_NO_BACKSLASH_ESCAPES = 0x0200

/** ER_UNSUPPORTED_PS: the statement cannot be prepared (MySQL 8: CREATE TRIGGER, CREATE PROCEDURE …). */
const NOT_PREPARABLE = 1295

/** How long a polite COM_QUIT may take before the socket is simply destroyed. */
const QUIT_TIMEOUT_MS = 1000

/** TCP keepalive from a minute of silence on: keeps NAT and load-balancer flows alive, and finds a vanished peer. */
const KEEPALIVE_DELAY_MS = 60_000

const quoteIdentifier = (name: string) => `\`${name.replaceAll('`', '``')}\``

/** What mysql2 keeps of the server's handshake and its socket, not in its typings. */
type RawConnection = mysql.Connection & {
  _handshakePacket?: { serverVersion?: string; statusFlags?: number }
  stream?: { destroy(error?: Error): void; on(event: 'data', listener: () => void): unknown; writableLength: number }
}

type Callback = (error: unknown, result?: unknown, fields?: unknown) => void
/** A running mysql2 command: it announces the result's columns before it reads any row. */
type Command = { on(event: 'fields', listener: (fields: Field[] | undefined) => void): unknown; options: { typeCast?: unknown } }

const isHeader = (result: unknown): result is ResultSetHeader =>
  typeof result === 'object' && result !== null && !Array.isArray(result) && 'affectedRows' in result

/** The OK packet of a result: the result itself, or the last of the results of a CALL. */
const headerOf = (result: unknown): ResultSetHeader | undefined =>
  isHeader(result) ? result : Array.isArray(result) && isHeader(result.at(-1)) ? (result.at(-1) as ResultSetHeader) : undefined

/** Closes the socket now, with no goodbye (mysql2's destroy() only half-closes it). */
function destroy(conn: mysql.Connection): void {
  conn.destroy()
  ;(conn as RawConnection).stream?.destroy()
}

/**
 * Cuts a connection off that something still waits on (a handshake, a statement): its socket is destroyed with a fatal
 * error, which mysql2 hands to whatever waits. Not mysql2's destroy(): it marks the close as wanted, and the waiting
 * callbacks would never be called.
 */
function cutOff(conn: mysql.Connection, why: string): void {
  ;(conn as RawConnection).stream?.destroy(Object.assign(new Error(`Connection lost: ${why}`), { code: 'PROTOCOL_CONNECTION_LOST', fatal: true }))
}

/** Runs one statement in the text protocol. */
function run(conn: mysql.Connection, sql: string): Promise<unknown> {
  return new Promise((resolve, reject) => conn.query(sql, (error: unknown, result: unknown) => (error ? reject(error) : resolve(result))))
}

/** The shared views' queries (server-views.ts) on `conn`: rows as objects by column label, none for a statement. */
const viewQuery =
  (conn: mysql.Connection): ViewQuery =>
  (sql) =>
    new Promise((resolve, reject) =>
      conn.query({ sql, rowsAsArray: false }, (error: unknown, rows: unknown) => (error ? reject(error) : resolve(Array.isArray(rows) ? (rows as Record<string, unknown>[]) : []))),
    )

/**
 * A server's refusal of one statement (a missing privilege, an unknown table), after which the connection stays usable:
 * its errno; undefined for any other error.
 */
const statementRefusal = (error: unknown): number | undefined => {
  const { errno, fatal } = error instanceof Error ? (error as { errno?: unknown; fatal?: unknown }) : {}
  return typeof errno === 'number' && fatal !== true ? errno : undefined
}

/** Whether relation joins (LATERAL) work: MySQL from 8.0.14; no MariaDB has them. */
export function supportsRelationJoins(version: string | undefined): boolean {
  if (!version || /mariadb/i.test(version)) return false
  const [major = 0, minor = 0, patch = 0] = (/^(\d+)\.(\d+)\.(\d+)/.exec(version) ?? []).slice(1).map(Number)
  return major > 8 || (major === 8 && (minor > 0 || patch >= 14))
}

/**
 * The connection attributes sent in the handshake, which the server shows in performance_schema.session_connect_attrs:
 * `prisma_pool`, the worker's tag, and `program_name` (the name MySQL's own clients use), its application part. They
 * come before the user's own (whose names the options keep apart), so that a server keeping only the first bytes of
 * each connection's attributes (performance_schema_session_connect_attrs_size) still has them; mysql2 puts its
 * `_client_name` and `_client_version` first.
 */
function connectAttributes(tag: string | undefined, own: Record<string, string> | undefined): Record<string, string> {
  if (tag === undefined) return { ...own }
  return { ...tagAttributes(tag), ...own }
}

/** A connection outside the pool: for a script (several statements per query, set up like the pool's), or plain. */
type SideConnection = 'script' | 'plain'
/** A side connection carries the tag of the pool connection it serves (none for the shadow database's) and its connect timeout. */
interface SideConnectionOptions {
  tag?: string
  timeoutMs: number
}

/** What a new session reports after its set-up. */
interface NewSession {
  status: number
  idleTimeoutMs: number | undefined
  /** CONNECTION_ID(), when it is the handshake's (a proxy in between, ProxySQL or MaxScale, makes up its own). */
  sessionId: number | undefined
  /** `@@hostname:@@port` of the server: another server behind the same address must not be asked about it. */
  server: string | undefined
}

/** One mysql2 connection, as the pool holds it. */
export class MySqlConnection implements EngineConnection {
  readonly #conn: mysql.Connection
  readonly #driver: MySqlDriver
  readonly #options: ResolvedMySqlOptions
  /** The socket is gone (the server closed it, the network failed, or close() was called). */
  #broken = false
  /** A statement timed out and its KILL QUERY is on its way: nothing else may run here. */
  #givenUp = false
  /** A statement changed the session's time zone or character set, which the encodings depend on. */
  #sessionChanged = false
  /** The server status flags of the last OK packet: transaction state, autocommit, NO_BACKSLASH_ESCAPES. */
  #status: number
  /** The session's wait_timeout: the server closes the connection after that long without a statement. */
  readonly idleTimeoutMs: number | undefined
  /** How its side connections (scripts, KILL QUERY) are opened: with the worker's tag it carries, and the pool's connect timeout. */
  readonly #side: SideConnectionOptions
  readonly sessionId: number | undefined
  /** The session as the server knows it: for checkSession and endSession. */
  readonly session: MySqlSession | undefined
  #lastReceivedAt = 0
  /** Scripts under way on a connection of their own: this one waits for them, silent but alive. */
  scripts = 0

  constructor(conn: mysql.Connection, driver: MySqlDriver, options: ResolvedMySqlOptions, session: NewSession, side: SideConnectionOptions) {
    this.#conn = conn
    this.#driver = driver
    this.#options = options
    this.#side = side
    this.#status = session.status
    this.idleTimeoutMs = session.idleTimeoutMs
    this.sessionId = session.sessionId
    this.session = session.sessionId !== undefined && session.server !== undefined ? { id: session.sessionId, server: session.server, connectedAt: Date.now() } : undefined
    if (this.sessionId !== undefined) (conn as RawConnection).stream?.on('data', () => (this.#lastReceivedAt = performance.now()))
    // An idle connection the server drops (wait_timeout, KILL, restart) emits 'error'; without a listener
    // that would crash the process. The pool replaces it at its next checkout.
    conn.on('error', () => {
      this.#broken = true
    })
    conn.on('end', () => {
      this.#broken = true
    })
  }

  /**
   * Runs a mysql2 call that takes a callback. Notes the status flags of its OK packet, and whether the
   * statement changed the session's time zone or character set (then the pool will not reuse it).
   */
  #call(start: (done: Callback) => Command): Promise<[unknown, unknown]> {
    if (this.#givenUp) return Promise.reject(new ConnectionGivenUpError())
    return new Promise((resolve, reject) => {
      const command = start((error, result, fields) => {
        if (error) return reject(error)
        const header = headerOf(result)
        if (header) {
          this.#status = header.serverStatus
          const changed = (header as { stateChanges?: { systemVariables?: Record<string, string> } }).stateChanges?.systemVariables
          if (changed && Object.keys(changed).some((name) => name === 'time_zone' || name.startsWith('character_set'))) {
            this.#sessionChanged = true
          }
        }
        resolve([result, fields])
      })
      // GEOMETRY columns are read as bytes; only results that have one pay for mysql2's per-value typeCast.
      command.on('fields', (columns) => {
        if (columns?.some((field) => field.columnType === mysql.Types.GEOMETRY)) command.options.typeCast = geometryAsBytes
      })
    })
  }

  /** A statement of the adapter's own (transaction control), in the text protocol, under the query timeout too. */
  async #command(sql: string): Promise<void> {
    const timeout = this.#options.queryTimeoutMs
    await this.#timed(() => this.#call((done) => this.#conn.query({ sql, timeout }, done) as unknown as Command))
  }

  /** Runs a statement under mysql2's timeout: when it fires, the server goes on, so the statement is killed. */
  async #timed<T>(statement: () => Promise<T>): Promise<T> {
    try {
      return await statement()
    } catch (error) {
      // The connection is given up (the pool closes it), so its session is ended on the server: with KILL, not KILL
      // QUERY, it goes even when the path to it is dead, and a transaction's locks with it.
      if ((error as { code?: unknown }).code === 'PROTOCOL_SEQUENCE_TIMEOUT') {
        this.#givenUp = true
        this.#kill('CONNECTION').catch(() => {})
      }
      throw error
    }
  }

  /** The rows of a query of the adapter's own (the server's views), as objects by column name. */
  async #objects(sql: string): Promise<Record<string, unknown>[]> {
    const [rows] = await this.#call((done) => this.#conn.query({ sql, rowsAsArray: false }, done) as unknown as Command)
    return rows as Record<string, unknown>[]
  }

  get #noBackslashEscapes(): boolean {
    return (this.#status & STATUS_NO_BACKSLASH_ESCAPES) !== 0
  }

  #textQuery(query: SqlQuery, timeout: number | undefined) {
    const { sql, args, argTypes } = query
    const nbe = this.#noBackslashEscapes
    const text = args.length ? inlineArgs(sql, args.map((arg, i) => toLiteral(arg, argTypes[i], nbe)), nbe) : sql
    return this.#call((done) => this.#conn.query({ sql: text, timeout }, done) as unknown as Command)
  }

  #run(query: SqlQuery): Promise<[unknown, unknown]> {
    const timeout = this.#options.queryTimeoutMs
    return this.#timed(async () => {
      if (!this.#options.preparedStatements) return await this.#textQuery(query, timeout)
      const values = query.args.map((arg, i) => toBinaryArg(arg, query.argTypes[i]))
      try {
        return await this.#call((done) => this.#conn.execute({ sql: query.sql, values, timeout }, done) as unknown as Command)
      } catch (error) {
        if ((error as { errno?: unknown }).errno !== NOT_PREPARABLE) throw error
        return await this.#textQuery(query, timeout)
      }
    })
  }

  async query(query: SqlQuery): Promise<SqlResultSet> {
    let [result, fields] = await this.#run(query)
    // A CALL returns several results: the first one is the one asked for.
    if (Array.isArray(fields) && Array.isArray(fields[0])) {
      result = (result as unknown[])[0]
      fields = fields[0]
    }
    if (isHeader(result)) {
      // insertId is read as a signed number: an id of BIGINT UNSIGNED past 2^63 comes back negative.
      return { columnNames: [], columnTypes: [], rows: [], lastInsertId: BigInt.asUintN(64, BigInt(result.insertId)).toString() }
    }
    const columns = (fields ?? []) as Field[]
    const columnTypes: ColumnType[] = []
    for (const field of columns) {
      const type = columnType(field)
      if (type === undefined) throw new DriverAdapterError({ kind: 'UnsupportedNativeDataType', type: typeName(field) })
      columnTypes.push(type)
    }
    return {
      columnNames: columns.map((field) => field.name),
      columnTypes,
      rows: convertRows(result as unknown[][], columns, columnTypes),
    }
  }

  async execute(query: SqlQuery): Promise<number> {
    const [result] = await this.#run(query)
    return headerOf(result)?.affectedRows ?? 0
  }

  /**
   * Runs the script as one multi-statement query, on a connection of its own: the pool's connections do
   * not accept several statements at once, so an injection into a raw query cannot append any.
   */
  async executeScript(script: string): Promise<void> {
    this.scripts++
    try {
      await this.#driver.withSideConnection('script', (conn) => run(conn, script), this.#side)
    } catch (error) {
      throw mySqlConnectionLoss(error) && error instanceof Error ? new SideConnectionError(error) : error
    } finally {
      this.scripts--
    }
  }

  lastReceivedAt(): number {
    return this.#lastReceivedAt
  }

  /** Whether bytes of a statement still wait to be sent (a large one on a slow link): then it is under way. */
  sending(): boolean {
    return ((this.#conn as RawConnection).stream?.writableLength ?? 0) > 0
  }

  async ping(): Promise<void> {
    await new Promise<void>((resolve, reject) => this.#conn.ping((error) => (error ? reject(error) : resolve())))
  }

  async begin(isolationLevel?: IsolationLevel): Promise<void> {
    // MySQL applies SET TRANSACTION to the next transaction only, so it must come first.
    if (isolationLevel) await this.#command(`SET TRANSACTION ISOLATION LEVEL ${isolationLevel}`)
    await this.#command('BEGIN')
  }

  commit(): Promise<void> {
    return this.#command('COMMIT')
  }

  async rollback(): Promise<void> {
    // A connection given up mid-statement is closed by the pool, which ends its transaction on the server.
    if (this.#givenUp) return
    await this.#command('ROLLBACK')
  }

  createSavepoint(name: string): Promise<void> {
    return this.#command(`SAVEPOINT ${name}`)
  }

  rollbackToSavepoint(name: string): Promise<void> {
    return this.#command(`ROLLBACK TO SAVEPOINT ${name}`)
  }

  releaseSavepoint(name: string): Promise<void> {
    return this.#command(`RELEASE SAVEPOINT ${name}`)
  }

  /** KILL QUERY from a connection of its own: the statement stops, this connection stays usable. */
  cancel(): Promise<void> {
    return this.#kill('QUERY')
  }

  /** KILL QUERY (the statement) or KILL CONNECTION (the whole session), sent on a connection of its own. */
  async #kill(scope: 'QUERY' | 'CONNECTION'): Promise<void> {
    await this.#driver.withSideConnection('plain', (conn) => run(conn, `KILL ${scope} ${this.#conn.threadId}`), this.#side)
  }

  /**
   * From the status flags of the last OK packet. With autocommit off every statement opens a transaction,
   * including SELECTs whose status is not seen: then the state is unknown and the pool always resets.
   */
  inTransaction(): boolean | undefined {
    if ((this.#status & STATUS_AUTOCOMMIT) === 0) return undefined
    return (this.#status & STATUS_IN_TRANS) !== 0
  }

  isBroken(): boolean {
    return this.#broken || this.#givenUp || this.#sessionChanged
  }

  /** The limits on this account's connections (see server-views.ts). */
  connectionLimits(): Promise<ConnectionLimit[]> {
    return readConnectionLimits((sql) => this.#objects(sql), statementRefusal)
  }

  /** The server's client connections, named by the worker tag each one sent (see server-views.ts). */
  serverConnections(): Promise<ServerConnectionList> {
    return readServerConnections((sql) => this.#objects(sql), statementRefusal)
  }

  async close(): Promise<void> {
    const conn = this.#conn
    if (!this.#broken) {
      this.#broken = true
      // A polite COM_QUIT, unless the socket is stuck (a dead network path): then it is simply destroyed.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, QUIT_TIMEOUT_MS)
        conn.end(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
    destroy(conn)
  }

  destroy(): void {
    this.#broken = true
    cutOff(this.#conn, 'closed by prisma-pool, the server gave no answer.')
  }
}

/** Opens mysql2 connections for the pool and knows MySQL's errors and transaction SQL. */
export class MySqlDriver implements EngineDriver {
  readonly provider = 'mysql' as const
  readonly adapterName = ADAPTER_NAME
  readonly connectionInfoFromServer = true
  /** KILL QUERY (a query timeout, a rollback under a running statement) and a script each need a connection of their own. */
  readonly sideConnections = 1
  readonly target: string
  // Private (#) so that printing the adapter never shows the password inside.
  readonly #options: ResolvedMySqlOptions
  /** The server's version, from the handshake of the first connection. */
  #serverVersion: string | undefined

  /** The SET every new session runs: UTC, and the user's session variables. */
  readonly #sessionSetup: string

  constructor(options: ResolvedMySqlOptions) {
    this.#options = options
    this.target = options.target
    const settings = [`time_zone = '+00:00'`]
    for (const [name, value] of Object.entries(options.sessionVariables)) {
      // Values hold no backslash (checked with the options), so one quoting fits every SQL mode.
      settings.push(`${name} = ${typeof value === 'string' ? quoteString(value, true) : String(value)}`)
    }
    this.#sessionSetup = `SET ${settings.join(', ')}`
  }

  /**
   * Opens one mysql2 connection: for the pool, for a script (several statements per query), or plain (no
   * session set-up, for KILL and CREATE DATABASE). Handshake and set-up must finish within `timeoutMs`.
   */
  async #open(
    timeoutMs: number,
    kind: SideConnection | 'pool',
    tag: string | undefined,
    signal?: AbortSignal,
  ): Promise<{ conn: mysql.Connection; session: NewSession }> {
    const conn = mysql.createConnection({
      ...this.#options.connection,
      connectAttributes: connectAttributes(tag, this.#options.connection.connectAttributes),
      rowsAsArray: true,
      supportBigNumbers: true,
      bigNumberStrings: true,
      dateStrings: true,
      decimalNumbers: false,
      jsonStrings: true,
      // The pool's own timer (timeoutMs) reports the timeout; these, a little later, close the socket.
      connectTimeout: timeoutMs + 1000,
      maxPreparedStatements: this.#options.statementCacheSize,
      keepAliveInitialDelay: this.#options.connection.keepAliveInitialDelay ?? KEEPALIVE_DELAY_MS,
      multipleStatements: kind === 'script',
    }) as RawConnection
    // Until the connection is handed over, a socket error must not become an uncaught 'error' event.
    const onConnectError = () => {}
    conn.on('error', onConnectError)
    // mysql2's timer covers the handshake only; a server that stops answering after it is cut off here.
    const deadline = setTimeout(() => cutOff(conn, `no answer from the server within ${timeoutMs + 1000} ms of connecting.`), timeoutMs + 1000)
    // The pool gave up (timed out, or disposed): the socket goes now, with an error, so that whatever waits on it fails
    // (mysql2's own destroy() would mark the close as wanted, and the handshake's callback would never come).
    const onAbort = () => cutOff(conn, `connect aborted: ${String(signal?.reason)}`)
    signal?.addEventListener('abort', onAbort, { once: true })
    try {
      signal?.throwIfAborted()
      await new Promise<void>((resolve, reject) => conn.connect((error) => (error ? reject(error) : resolve())))
      this.#serverVersion ??= conn._handshakePacket?.serverVersion
      const session: NewSession = { status: conn._handshakePacket?.statusFlags ?? STATUS_AUTOCOMMIT, idleTimeoutMs: undefined, sessionId: undefined, server: undefined }
      if (kind !== 'plain') session.status = ((await run(conn, this.#sessionSetup)) as ResultSetHeader).serverStatus
      if (kind === 'pool') {
        const [row] = await viewQuery(conn)(NEW_SESSION_SQL)
        const known = newSessionOf(row, conn.threadId ?? undefined)
        session.idleTimeoutMs = known.idleTimeoutMs
        session.sessionId = known.session?.id
        session.server = known.session?.server
      }
      return { conn, session }
    } catch (error) {
      destroy(conn)
      throw error
    } finally {
      clearTimeout(deadline)
      signal?.removeEventListener('abort', onAbort)
      conn.removeListener('error', onConnectError)
    }
  }

  async connect(context: EngineContext, signal: AbortSignal): Promise<EngineConnection> {
    const { conn, session } = await this.#open(context.connectTimeoutMs, 'pool', context.tag, signal)
    return new MySqlConnection(conn, this, this.#options, session, { tag: context.tag, timeoutMs: context.connectTimeoutMs })
  }

  /**
   * Runs `work` on a short-lived connection outside the pool (scripts, KILL QUERY, CREATE / DROP DATABASE).
   * Those of a pool connection carry its worker's tag: they count against the same server limits, and the live
   * view should show whose they are. The shadow database's, opened before any pool, carry none.
   */
  async withSideConnection<T>(kind: SideConnection, work: (conn: mysql.Connection) => Promise<T>, { tag, timeoutMs }: SideConnectionOptions): Promise<T> {
    const { conn } = await this.#open(timeoutMs, kind, tag)
    try {
      return await work(conn)
    } finally {
      destroy(conn)
    }
  }

  async checkSession(engineConn: EngineConnection, timeoutMs: number): Promise<SessionState> {
    const conn = engineConn as MySqlConnection
    if (conn.scripts > 0 || conn.sending()) return 'running'
    const { session } = conn
    return session ? this.#aboutSession(timeoutMs, (run) => checkMySqlSession(session, run)) : 'unknown'
  }

  async endSession(engineConn: EngineConnection, timeoutMs: number): Promise<void> {
    const { session } = engineConn as MySqlConnection
    if (session) await this.#aboutSession(timeoutMs, (run) => endMySqlSession(session, run))
  }

  /** Asks the server about a session (the shared SQL, server-views.ts) on a connection of its own, within `timeoutMs`. */
  async #aboutSession<T>(timeoutMs: number, ask: (run: ViewQuery) => Promise<T>): Promise<T> {
    return this.withSideConnection('plain', async (side) => {
      // The check may run into the same dead path: by the deadline its connection is destroyed, and it fails.
      const deadline = setTimeout(() => cutOff(side, `no answer about the session within ${timeoutMs} ms.`), timeoutMs)
      try {
        return await ask(viewQuery(side))
      } finally {
        clearTimeout(deadline)
      }
    }, { timeoutMs })
  }

  convertError(error: unknown) {
    return convertMySqlError(error)
  }

  connectionLoss(error: unknown) {
    return mySqlConnectionLoss(error)
  }

  connectionInfo(): ConnectionInfo {
    return { supportsRelationJoins: supportsRelationJoins(this.#serverVersion) }
  }

  async createShadowDatabase(timeoutMs: number): Promise<ShadowDatabase> {
    const database = `prisma_migrate_shadow_db_${globalThis.crypto.randomUUID()}`
    await this.withSideConnection('plain', (conn) => run(conn, `CREATE DATABASE ${quoteIdentifier(database)}`), { timeoutMs })
    const shadowOptions: ResolvedMySqlOptions = {
      ...this.#options,
      connection: { ...this.#options.connection, database },
      target: this.#options.target.replace(/\/[^/?]*(\?|$)/, `/${database}$1`),
    }
    return {
      driver: new MySqlDriver(shadowOptions),
      drop: async () => {
        await this.withSideConnection('plain', (conn) => run(conn, `DROP DATABASE IF EXISTS ${quoteIdentifier(database)}`), { timeoutMs })
      },
    }
  }
}
