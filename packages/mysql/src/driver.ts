import type { EngineConnection, EngineDriver, ShadowDatabase } from '@prisma-pool/core'
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

export const ADAPTER_NAME = '@prisma-pool/mysql'

const ISOLATION_LEVELS: readonly IsolationLevel[] = ['READ UNCOMMITTED', 'READ COMMITTED', 'REPEATABLE READ', 'SERIALIZABLE']

// Server status flags of the OK packet (include/mysql_com.h).
const STATUS_IN_TRANS = 0x0001
const STATUS_AUTOCOMMIT = 0x0002
const STATUS_NO_BACKSLASH_ESCAPES = 0x0200

/** ER_UNSUPPORTED_PS: the statement cannot be prepared (MySQL 8: CREATE TRIGGER, CREATE PROCEDURE …). */
const NOT_PREPARABLE = 1295

/** How long a polite COM_QUIT may take before the socket is simply destroyed. */
const QUIT_TIMEOUT_MS = 1000

const quoteIdentifier = (name: string) => `\`${name.replaceAll('`', '``')}\``

/** What mysql2 keeps of the server's handshake and its socket, not in its typings. */
type RawConnection = mysql.Connection & {
  _handshakePacket?: { serverVersion?: string; statusFlags?: number }
  stream?: { destroy(): void }
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

/** Runs one statement in the text protocol. */
function run(conn: mysql.Connection, sql: string): Promise<unknown> {
  return new Promise((resolve, reject) => conn.query(sql, (error: unknown, result: unknown) => (error ? reject(error) : resolve(result))))
}

/** Whether relation joins (LATERAL) work: MySQL from 8.0.14; no MariaDB has them. */
export function supportsRelationJoins(version: string | undefined): boolean {
  if (!version || /mariadb/i.test(version)) return false
  const [major = 0, minor = 0, patch = 0] = (/^(\d+)\.(\d+)\.(\d+)/.exec(version) ?? []).slice(1).map(Number)
  return major > 8 || (major === 8 && (minor > 0 || patch >= 14))
}

/** A connection outside the pool: for a script (several statements per query, set up like the pool's), or plain. */
type SideConnection = 'script' | 'plain'

/** What a new session reports after its set-up. */
interface SessionState {
  status: number
  idleTimeoutMs: number | undefined
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

  constructor(conn: mysql.Connection, driver: MySqlDriver, options: ResolvedMySqlOptions, session: SessionState) {
    this.#conn = conn
    this.#driver = driver
    this.#options = options
    this.#status = session.status
    this.idleTimeoutMs = session.idleTimeoutMs
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

  /** A statement of the adapter's own (transaction control), in the text protocol. */
  async #command(sql: string): Promise<void> {
    await this.#call((done) => this.#conn.query({ sql }, done) as unknown as Command)
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

  async #run(query: SqlQuery): Promise<[unknown, unknown]> {
    const timeout = this.#options.queryTimeoutMs
    try {
      if (!this.#options.preparedStatements) return await this.#textQuery(query, timeout)
      const values = query.args.map((arg, i) => toBinaryArg(arg, query.argTypes[i]))
      try {
        return await this.#call((done) => this.#conn.execute({ sql: query.sql, values, timeout }, done) as unknown as Command)
      } catch (error) {
        if ((error as { errno?: unknown }).errno !== NOT_PREPARABLE) throw error
        return await this.#textQuery(query, timeout)
      }
    } catch (error) {
      // mysql2 gives up waiting but the server goes on: stop the statement, and let the pool close the connection.
      if ((error as { code?: unknown }).code === 'PROTOCOL_SEQUENCE_TIMEOUT') {
        this.#givenUp = true
        this.cancel().catch(() => {})
      }
      throw error
    }
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
    try {
      await this.#driver.withSideConnection('script', (conn) => run(conn, script))
    } catch (error) {
      throw mySqlConnectionLoss(error) && error instanceof Error ? new SideConnectionError(error) : error
    }
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
    return this.#driver.withSideConnection('plain', async (conn) => {
      await run(conn, `KILL QUERY ${this.#conn.threadId}`)
    })
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
}

/** Opens mysql2 connections for the pool and knows MySQL's errors and transaction SQL. */
export class MySqlDriver implements EngineDriver {
  readonly provider = 'mysql' as const
  readonly adapterName = ADAPTER_NAME
  readonly isolationLevels = ISOLATION_LEVELS
  readonly connectionInfoFromServer = true
  readonly target: string
  // Private (#) so that printing the adapter never shows the password inside.
  readonly #options: ResolvedMySqlOptions
  /** The server's version, from the handshake of the first connection. */
  #serverVersion: string | undefined
  /** The pool's connect timeout, for the side connections of executeScript and cancel. */
  #connectTimeoutMs = 10_000

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
  async #open(timeoutMs: number, kind: SideConnection | 'pool'): Promise<{ conn: mysql.Connection; session: SessionState }> {
    const conn = mysql.createConnection({
      ...this.#options.connection,
      rowsAsArray: true,
      supportBigNumbers: true,
      bigNumberStrings: true,
      dateStrings: true,
      decimalNumbers: false,
      jsonStrings: true,
      // The pool's own timer (timeoutMs) reports the timeout; these, a little later, close the socket.
      connectTimeout: timeoutMs + 1000,
      maxPreparedStatements: this.#options.statementCacheSize,
      multipleStatements: kind === 'script',
    }) as RawConnection
    // Until the connection is handed over, a socket error must not become an uncaught 'error' event.
    const onConnectError = () => {}
    conn.on('error', onConnectError)
    // mysql2's timer covers the handshake only; a server that stops answering after it is cut off here.
    const deadline = setTimeout(() => destroy(conn), timeoutMs + 1000)
    try {
      await new Promise<void>((resolve, reject) => conn.connect((error) => (error ? reject(error) : resolve())))
      this.#serverVersion ??= conn._handshakePacket?.serverVersion
      const session: SessionState = { status: conn._handshakePacket?.statusFlags ?? STATUS_AUTOCOMMIT, idleTimeoutMs: undefined }
      if (kind !== 'plain') session.status = ((await run(conn, this.#sessionSetup)) as ResultSetHeader).serverStatus
      if (kind === 'pool') {
        // The pool closes idle connections before the server's wait_timeout does: no "gone away" to ping for.
        const [[waitTimeout]] = (await run(conn, 'SELECT @@session.wait_timeout')) as [[unknown]]
        const seconds = Number(waitTimeout)
        session.idleTimeoutMs = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined
      }
      return { conn, session }
    } catch (error) {
      destroy(conn)
      throw error
    } finally {
      clearTimeout(deadline)
      conn.removeListener('error', onConnectError)
    }
  }

  async connect(timeoutMs: number): Promise<EngineConnection> {
    this.#connectTimeoutMs = timeoutMs
    const { conn, session } = await this.#open(timeoutMs, 'pool')
    return new MySqlConnection(conn, this, this.#options, session)
  }

  /** Runs `work` on a short-lived connection outside the pool (scripts, KILL QUERY, CREATE / DROP DATABASE). */
  async withSideConnection<T>(kind: SideConnection, work: (conn: mysql.Connection) => Promise<T>): Promise<T> {
    const { conn } = await this.#open(this.#connectTimeoutMs, kind)
    try {
      return await work(conn)
    } finally {
      destroy(conn)
    }
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
    this.#connectTimeoutMs = timeoutMs
    const database = `prisma_migrate_shadow_db_${globalThis.crypto.randomUUID()}`
    await this.withSideConnection('plain', (conn) => run(conn, `CREATE DATABASE ${quoteIdentifier(database)}`))
    const shadowOptions: ResolvedMySqlOptions = {
      ...this.#options,
      connection: { ...this.#options.connection, database },
      target: this.#options.target.replace(/\/[^/?]*(\?|$)/, `/${database}$1`),
    }
    return {
      driver: new MySqlDriver(shadowOptions),
      drop: async () => {
        await this.withSideConnection('plain', (conn) => run(conn, `DROP DATABASE IF EXISTS ${quoteIdentifier(database)}`))
      },
    }
  }
}
