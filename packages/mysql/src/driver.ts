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
import { columnType, convertRows, inlineArgs, QUERY_OPTIONS, quoteString, toBinaryArg, toLiteral, typeName, type Field } from './conversion.js'
import { convertMySqlError, mySqlConnectionLoss } from './errors.js'
import type { ResolvedMySqlOptions } from './options.js'

export const ADAPTER_NAME = '@prisma-pool/mysql'

const ISOLATION_LEVELS: readonly IsolationLevel[] = ['READ UNCOMMITTED', 'READ COMMITTED', 'REPEATABLE READ', 'SERIALIZABLE']

// Server status flags of the OK packet (include/mysql_com.h).
const STATUS_IN_TRANS = 0x0001
const STATUS_AUTOCOMMIT = 0x0002
const STATUS_NO_BACKSLASH_ESCAPES = 0x0200

/** ER_UNSUPPORTED_PS: the statement cannot be prepared (some administrative commands). */
const NOT_PREPARABLE = 1295

const quoteIdentifier = (name: string) => `\`${name.replaceAll('`', '``')}\``

/** What mysql2 keeps of the server's handshake, not in its typings. */
type HandshakeConnection = mysql.Connection & { _handshakePacket?: { serverVersion?: string; statusFlags?: number } }

type Result = mysql.RowDataPacket[][] | unknown[][] | ResultSetHeader | unknown[]

const isHeader = (result: unknown): result is ResultSetHeader =>
  typeof result === 'object' && result !== null && !Array.isArray(result) && 'affectedRows' in result

/** Whether relation joins (LATERAL) work: MySQL from 8.0.14; no MariaDB has them. */
export function supportsRelationJoins(version: string | undefined): boolean {
  if (!version || /mariadb/i.test(version)) return false
  const [major = 0, minor = 0, patch = 0] = (/^(\d+)\.(\d+)\.(\d+)/.exec(version) ?? []).slice(1).map(Number)
  return major > 8 || (major === 8 && (minor > 0 || patch >= 14))
}

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
  #broken = false
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

  /** Runs a mysql2 call that takes a callback; notes the status flags of its OK packet. */
  #call<T>(start: (done: never) => void): Promise<[T, unknown]> {
    return new Promise((resolve, reject) => {
      const done = (error: unknown, result?: T, fields?: unknown) => {
        if (error) {
          reject(error)
          return
        }
        if (isHeader(result)) this.#status = result.serverStatus
        resolve([result as T, fields])
      }
      start(done as never)
    })
  }

  /** A statement of the adapter's own (transaction control, session setup), in the text protocol. */
  async #command(sql: string): Promise<void> {
    await this.#call<Result>((done) => this.#conn.query({ sql }, done))
  }

  get #noBackslashEscapes(): boolean {
    return (this.#status & STATUS_NO_BACKSLASH_ESCAPES) !== 0
  }

  #textQuery(query: SqlQuery, timeout: number | undefined) {
    const { sql, args, argTypes } = query
    const text = args.length ? inlineArgs(sql, args.map((arg, i) => toLiteral(arg, argTypes[i], this.#noBackslashEscapes)), this.#noBackslashEscapes) : sql
    return this.#call<Result>((done) => this.#conn.query({ sql: text, timeout }, done))
  }

  async #run(query: SqlQuery): Promise<[Result, unknown]> {
    const timeout = this.#options.queryTimeoutMs
    try {
      if (!this.#options.preparedStatements) return await this.#textQuery(query, timeout)
      const values = query.args.map((arg, i) => toBinaryArg(arg, query.argTypes[i]))
      try {
        return await this.#call<Result>((done) => this.#conn.execute({ sql: query.sql, values, timeout }, done))
      } catch (error) {
        if ((error as { errno?: unknown }).errno !== NOT_PREPARABLE) throw error
        return await this.#textQuery(query, timeout)
      }
    } catch (error) {
      // mysql2 gives up waiting but the server goes on: stop the statement, and let the pool close the connection.
      if ((error as { code?: unknown }).code === 'PROTOCOL_SEQUENCE_TIMEOUT') {
        this.#broken = true
        void this.cancel()
      }
      throw error
    }
  }

  async query(query: SqlQuery): Promise<SqlResultSet> {
    let [result, fields] = await this.#run(query)
    // A CALL returns several results: the first one with columns is the one asked for.
    if (Array.isArray(fields) && Array.isArray(fields[0])) {
      const index = fields.findIndex((f) => Array.isArray(f))
      result = (result as unknown[][])[index]!
      fields = fields[index]
    }
    if (isHeader(result)) {
      return { columnNames: [], columnTypes: [], rows: [], lastInsertId: String(result.insertId) }
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
    return isHeader(result) ? result.affectedRows : 0
  }

  /**
   * Runs the script as one multi-statement query, on a connection of its own: the pool's connections do
   * not accept several statements at once, so an injection into a raw query cannot append any.
   */
  async executeScript(script: string): Promise<void> {
    const { conn } = await this.#driver.open(this.#driver.connectTimeoutMs, { multipleStatements: true })
    try {
      await new Promise<void>((resolve, reject) => conn.query(script, (error) => (error ? reject(error) : resolve())))
    } finally {
      conn.destroy()
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

  rollback(): Promise<void> {
    return this.#command('ROLLBACK')
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
  async cancel(): Promise<void> {
    const { conn } = await this.#driver.open(this.#driver.connectTimeoutMs)
    try {
      await new Promise<void>((resolve) => conn.query(`KILL QUERY ${this.#conn.threadId}`, () => resolve()))
    } finally {
      conn.destroy()
    }
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
    return this.#broken
  }

  async close(): Promise<void> {
    if (this.#broken) {
      this.#conn.destroy()
      return
    }
    this.#broken = true
    await new Promise<void>((resolve) => this.#conn.end(() => resolve()))
    this.#conn.destroy()
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
  connectTimeoutMs = 10_000

  constructor(options: ResolvedMySqlOptions) {
    this.#options = options
    this.target = options.target
  }

  get serverVersion(): string | undefined {
    return this.#serverVersion
  }

  /**
   * Opens and sets up one mysql2 connection (UTC session, the user's session variables); `status` is the
   * session's status flags after the set-up.
   */
  async open(timeoutMs: number, extra: mysql.ConnectionOptions = {}): Promise<{ conn: mysql.Connection; status: number }> {
    // The pool's own timer (timeoutMs) reports the timeout; mysql2's, a little later, closes the socket.
    const conn = mysql.createConnection({
      ...this.#options.connection,
      ...QUERY_OPTIONS,
      jsonStrings: true,
      connectTimeout: timeoutMs + 1000,
      maxPreparedStatements: this.#options.statementCacheSize,
      ...extra,
    }) as HandshakeConnection
    // Until the connection is handed over, a socket error must not become an uncaught 'error' event.
    const onConnectError = () => {}
    conn.on('error', onConnectError)
    try {
      await new Promise<void>((resolve, reject) => conn.connect((error) => (error ? reject(error) : resolve())))
      const handshake = conn._handshakePacket
      this.#serverVersion ??= handshake?.serverVersion
      const noBackslashEscapes = ((handshake?.statusFlags ?? 0) & STATUS_NO_BACKSLASH_ESCAPES) !== 0
      const settings = [`time_zone = '+00:00'`]
      for (const [name, value] of Object.entries(this.#options.sessionVariables)) {
        settings.push(`${name} = ${typeof value === 'string' ? quoteString(value, noBackslashEscapes) : String(value)}`)
      }
      const header = await new Promise<ResultSetHeader>((resolve, reject) =>
        conn.query(`SET ${settings.join(', ')}`, (error, result) => (error ? reject(error) : resolve(result as ResultSetHeader))),
      )
      return { conn, status: header.serverStatus }
    } catch (error) {
      conn.destroy()
      throw error
    } finally {
      conn.removeListener('error', onConnectError)
    }
  }

  async connect(timeoutMs: number): Promise<EngineConnection> {
    this.connectTimeoutMs = timeoutMs
    const { conn, status } = await this.open(timeoutMs)
    try {
      // The pool closes idle connections before the server's wait_timeout does: no "gone away" to ping for.
      const rows = await new Promise<unknown[][]>((resolve, reject) =>
        conn.query('SELECT @@session.wait_timeout', (error, result) => (error ? reject(error) : resolve(result as unknown[][]))),
      )
      const waitTimeout = Number(rows[0]?.[0])
      const idleTimeoutMs = Number.isFinite(waitTimeout) && waitTimeout > 0 ? waitTimeout * 1000 : undefined
      return new MySqlConnection(conn, this, this.#options, { status, idleTimeoutMs })
    } catch (error) {
      conn.destroy()
      throw error
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

  /** Runs one statement on a connection of its own, outside the pool (CREATE / DROP DATABASE). */
  async #runAlone(statement: string, timeoutMs: number): Promise<void> {
    const { conn } = await this.open(timeoutMs)
    try {
      await new Promise<void>((resolve, reject) => conn.query(statement, (error) => (error ? reject(error) : resolve())))
    } finally {
      conn.destroy()
    }
  }

  async createShadowDatabase(timeoutMs: number): Promise<ShadowDatabase> {
    const database = `prisma_migrate_shadow_db_${globalThis.crypto.randomUUID()}`
    await this.#runAlone(`CREATE DATABASE ${quoteIdentifier(database)}`, timeoutMs)
    const shadowOptions: ResolvedMySqlOptions = {
      ...this.#options,
      connection: { ...this.#options.connection, database },
      target: this.#options.target.replace(/\/[^/?]*(\?|$)/, `/${database}$1`),
    }
    return {
      driver: new MySqlDriver(shadowOptions),
      drop: () => this.#runAlone(`DROP DATABASE IF EXISTS ${quoteIdentifier(database)}`, timeoutMs),
    }
  }
}
