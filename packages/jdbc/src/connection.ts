// One JDBC connection as the pool holds it: statements go through the Java helper in one crossing each, their
// results come back as one JSON text and are read into Prisma's types by the dialect.
import type { ConnectionLimit, ConnectionLoss, EngineConnection, ServerConnectionList, SessionId } from '@prisma-pool/core/engine'
import { DriverAdapterError, type IsolationLevel, type SqlQuery, type SqlResultSet } from '@prisma/driver-adapter-utils'
import { encodeArgs } from './bind.js'
import type { ColumnReader, JdbcColumn, JdbcDialect, SessionFacts, Translated } from './dialect.js'
import type { NodeJava } from './jvm.js'
import { call, parseRun, sessionIdOf, type JavaSession, type RunResult } from './session.js'

/** java.sql.Connection's TRANSACTION_* constants. */
const JDBC_ISOLATION: Record<string, number> = {
  READ_UNCOMMITTED: 1,
  READ_COMMITTED: 2,
  REPEATABLE_READ: 4,
  SERIALIZABLE: 8,
}

/** How long a connection is quiet before isBroken() asks the driver whether it is still open. */
const ALIVE_CHECK_AFTER_MS = 10

/** The translations of one driver's statements by SQL text (PostgreSQL's `$1` → `?`), the least recently used first. */
export class TranslationCache {
  readonly #entries = new Map<string, Translated>()
  constructor(
    readonly dialect: JdbcDialect,
    readonly size = 1000,
  ) {}

  get(sql: string): Translated {
    const translate = this.dialect.translate
    if (!translate) return { sql }
    let entry = this.#entries.get(sql)
    if (entry) return entry
    entry = translate(sql)
    if (this.#entries.size >= this.size) this.#entries.delete(this.#entries.keys().next().value!)
    this.#entries.set(sql, entry)
    return entry
  }
}

export class JdbcConnection implements EngineConnection {
  readonly #java: NodeJava
  readonly #session: JavaSession
  readonly #dialect: JdbcDialect
  readonly #translations: TranslationCache
  readonly #pingTimeoutSeconds: number
  /** Whether the driver may return generated keys (MySQL's lastInsertId). */
  readonly #generatedKeys: boolean
  /** Whether an error ends this connection (JdbcDriver.connectionLoss). */
  readonly #lossOf: (error: unknown) => ConnectionLoss | undefined
  /** 0 outside a transaction, 1 inside, 2 unknown: what the last call reported. */
  #state = 0
  #broken = false
  /** Calls into Java under way on this connection. */
  #busy = 0
  /** When the last call ended, or isBroken() last asked the driver (performance.now()). */
  #quietSince = performance.now()
  /** The server's id of the session; undefined behind a pooler, or where the driver does not tell. */
  sessionId: SessionId | undefined
  /** What the dialect learnt of the session at connect (see learn()). */
  #facts: SessionFacts = { pooled: false }

  constructor(
    java: NodeJava,
    session: JavaSession,
    dialect: JdbcDialect,
    translations: TranslationCache,
    pingTimeoutMs: number,
    lossOf: (error: unknown) => ConnectionLoss | undefined,
  ) {
    this.#lossOf = lossOf
    this.#java = java
    this.#session = session
    this.#dialect = dialect
    this.#translations = translations
    this.#pingTimeoutSeconds = Math.max(1, Math.ceil(pingTimeoutMs / 1000))
    this.#generatedKeys = dialect.provider === 'mysql'
    this.sessionId = sessionIdOf(session)
  }

  /** Runs a call into Java, keeping its transaction state; an error that ends the connection marks it broken. */
  async #call<T>(work: Promise<T>, state?: (value: T) => number): Promise<T> {
    this.#busy++
    try {
      const value = await call(this.#java, work)
      if (state) this.#state = state(value)
      return value
    } catch (error) {
      if (this.#lossOf(error) !== undefined) this.#broken = true
      // A failed statement may have ended the transaction (a deadlock rolls it back): the driver knows.
      this.#state = this.#broken ? 2 : this.#session.transactionStateSync()
      throw error
    } finally {
      this.#busy--
      this.#quietSince = performance.now()
    }
  }

  async #run(query: SqlQuery, generatedKeys: boolean): Promise<RunResult> {
    const { sql, argOrder } = this.#translations.get(query.sql)
    const args = encodeArgs(this.#dialect, query.args, query.argTypes, argOrder)
    const text = await this.#call(this.#session.runPromise(sql, args, generatedKeys))
    const result = parseRun(text)
    this.#state = result.state
    return result
  }

  async query(query: SqlQuery): Promise<SqlResultSet> {
    const result = await this.#run(query, this.#generatedKeys)
    const readers: ColumnReader[] = []
    for (const column of result.columns) readers.push(await this.#reader(column))
    const width = readers.length
    const rows: unknown[][] = []
    const { cells } = result
    for (let at = 0; at < cells.length; at += width) {
      const row = new Array<unknown>(width)
      for (let i = 0; i < width; i++) {
        const cell = cells[at + i]
        row[i] = cell === null || cell === undefined ? null : readers[i]!.read(cell)
      }
      rows.push(row)
    }
    const set: SqlResultSet = { columnNames: result.columns.map((column) => column.name), columnTypes: readers.map((reader) => reader.type), rows }
    if (result.generatedKey !== null) set.lastInsertId = result.generatedKey
    return set
  }

  /** The dialect's reader of a column; an unsupported type is named (the dialect may have to ask the server). */
  async #reader(column: JdbcColumn): Promise<ColumnReader> {
    try {
      return this.#dialect.column(column)
    } catch (error) {
      const typeName = this.#dialect.typeName
      if (!(error instanceof DriverAdapterError) || error.cause.kind !== 'UnsupportedNativeDataType' || !typeName) throw error
      throw new DriverAdapterError({ kind: 'UnsupportedNativeDataType', type: await typeName(column, this.#rows) })
    }
  }

  async execute(query: SqlQuery): Promise<number> {
    return Math.max((await this.#run(query, false)).updateCount, 0)
  }

  /**
   * Asks the server about the new session (JdbcDialect.session): its id, and whether a pooler sits between, where
   * nothing is kept prepared on the server and the server's limits are not the pool's.
   */
  async learn(): Promise<void> {
    if (!this.#dialect.session) return
    this.#facts = await this.#dialect.session(this.#rows, this.sessionId as number | undefined)
    this.sessionId = this.#facts.id
    if (this.#facts.pooled) this.#session.unpreparedSync()
  }

  /** The session as the server knows it (SessionFacts.server), for the driver's session checks. */
  get server(): unknown {
    return this.#facts.server
  }

  /** Rows of a query of the engine's own (the server's limits and sessions), as objects by column name. */
  readonly #rows = async (sql: string, args: readonly unknown[] = []): Promise<Record<string, unknown>[]> => {
    const result = await this.query({ sql, args: [...args], argTypes: args.map(() => undefined as never) })
    return result.rows.map((row) => Object.fromEntries(result.columnNames.map((name, i) => [name, row[i]])))
  }

  async executeScript(script: string): Promise<void> {
    const statements = this.#dialect.splitScript ? this.#dialect.splitScript(script) : [script]
    for (const statement of statements) await this.#call(this.#session.scriptPromise(statement), (state) => state)
  }

  async ping(): Promise<void> {
    const valid = await this.#call(this.#session.isValidPromise(this.#pingTimeoutSeconds))
    if (!valid) {
      this.#broken = true
      throw new Error(`the ${this.#dialect.name} JDBC connection is no longer valid (Connection.isValid returned false)`)
    }
  }

  async begin(isolationLevel?: IsolationLevel): Promise<void> {
    const level = isolationLevel === undefined ? -1 : JDBC_ISOLATION[isolationLevel.replaceAll(' ', '_')]
    if (level === undefined) throw new Error(`isolation level ${isolationLevel} has no JDBC equivalent`)
    await this.#call(this.#session.beginPromise(level), (state) => state)
  }

  async commit(): Promise<void> {
    await this.#call(this.#session.commitPromise(), (state) => state)
  }

  async rollback(): Promise<void> {
    await this.#call(this.#session.rollbackPromise(), (state) => state)
  }

  async createSavepoint(name: string): Promise<void> {
    await this.#call(this.#session.savepointPromise(name), (state) => state)
  }

  async rollbackToSavepoint(name: string): Promise<void> {
    await this.#call(this.#session.rollbackToPromise(name), (state) => state)
  }

  async releaseSavepoint(name: string): Promise<void> {
    await this.#call(this.#session.releasePromise(name), (state) => state)
  }

  /** Statement.cancel() from another of libuv's threads than the one the statement runs on. */
  async cancel(): Promise<void> {
    await call(this.#java, this.#session.cancelPromise())
  }

  inTransaction(): boolean | undefined {
    return this.#state === 2 ? undefined : this.#state === 1
  }

  /**
   * JDBC tells nothing of a session the server ended while it sat idle: once the connection has been quiet for a
   * moment, the driver is asked (JdbcSession.alive, no round trip; pgjdbc reads the FATAL message the server sent), at
   * most once per such moment, so that a busy connection, reused at once, costs nothing.
   */
  isBroken(): boolean {
    if (this.#broken || this.#busy > 0) return this.#broken
    const now = performance.now()
    if (now - this.#quietSince < ALIVE_CHECK_AFTER_MS) return false
    this.#quietSince = now
    if (!this.#session.aliveSync()) this.#broken = true
    return this.#broken
  }

  /** Called by the driver when an error of this connection ends it (see JdbcDriver.connectionLoss). */
  markBroken(): void {
    this.#broken = true
  }

  /** Run by the driver on a connection of its own (see JdbcDriver.checkSession). */
  rows(sql: string, args?: readonly unknown[]): Promise<Record<string, unknown>[]> {
    return this.#rows(sql, args)
  }

  async connectionLimits(): Promise<ConnectionLimit[]> {
    // Behind a pooler the pool's connections end at the pooler, which opens the server's: no budget to check here.
    if (this.#facts.pooled || !this.#dialect.connectionLimits) return []
    return this.#dialect.connectionLimits(this.#rows)
  }

  async serverConnections(): Promise<ServerConnectionList> {
    if (!this.#dialect.serverConnections) return { connections: [], note: `the ${this.#dialect.name} JDBC route has no view of the server's connections` }
    return this.#dialect.serverConnections(this.#rows)
  }

  async close(): Promise<void> {
    this.#broken = true
    await call(this.#java, this.#session.closePromise())
  }

  destroy(): void {
    this.#broken = true
    // Connection.abort: the socket closes now, a statement still running fails.
    this.#session.abortPromise().catch(() => {})
  }
}
