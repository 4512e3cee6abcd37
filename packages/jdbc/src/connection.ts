// One JDBC connection as the pool holds it: statements go through the Java helper in one crossing each, their
// results come back as one JSON text and are read into Prisma's types by the dialect.
import type { ConnectionLimit, ConnectionLoss, EngineConnection, ServerConnectionList, SessionId } from '@prisma-pool/core/engine'
import { DriverAdapterError, type IsolationLevel, type SqlQuery, type SqlResultSet } from '@prisma/driver-adapter-utils'
import { encodeArgs } from './bind.js'
import type { ColumnReader, JdbcColumn, JdbcDialect, PlannedStatement, SessionFacts, Translated } from './dialect.js'
import { jdbcErrorOf } from './errors.js'
import type { NodeJava } from './jvm.js'
import { call, parseRun, RUN_COUNT_ROWS, RUN_GENERATED_KEYS, sessionIdOf, type JavaSession, type RunResult } from './session.js'

/** java.sql.Connection's TRANSACTION_* constants. */
const JDBC_ISOLATION: Record<string, number> = {
  READ_UNCOMMITTED: 1,
  READ_COMMITTED: 2,
  REPEATABLE_READ: 4,
  SERIALIZABLE: 8,
}

/**
 * How long a connection is quiet before isBroken() asks the driver whether it is still open (JdbcSession.alive: no
 * round trip, but a crossing into the JVM): a connection reused at once, under load, is not asked; one idle for longer
 * is, so that a session the server ended meanwhile, even a few milliseconds before, is not handed out.
 */
const ALIVE_CHECK_AFTER_MS = 1

/** Added to the state of a statement that changed the session, not to be handed on (JdbcSession.SESSION_CHANGED). */
const SESSION_CHANGED = 4

/** The translations of one driver's statements by SQL text (PostgreSQL's `$1` → `?`), the oldest first, at most `size`. */
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
  releaseSavepoint: ((name: string) => Promise<void>) | undefined
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
    // Absent where the database has none (EngineConnection.releaseSavepoint): the core then leaves savepoints be.
    this.releaseSavepoint = dialect.releaseSavepoint === false ? undefined : (name) => this.#releaseSavepoint(name)
    this.#java = java
    this.#session = session
    this.#dialect = dialect
    this.#translations = translations
    this.#pingTimeoutSeconds = Math.max(1, Math.ceil(pingTimeoutMs / 1000))
    this.#generatedKeys = dialect.lastInsertId === true
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
      // A failed statement may have ended the transaction (a deadlock rolls it back): the driver knew, on its thread.
      this.#state = this.#broken ? 2 : this.#session.lastStateSync()
      throw error
    } finally {
      this.#busy--
      this.#quietSince = performance.now()
    }
  }

  async #run(query: SqlQuery, flags: number): Promise<RunResult> {
    if (this.#dialect.plan) return this.#runPlan(this.#dialect.plan(query), flags)
    const { sql, argOrder } = this.#translations.get(query.sql)
    return this.#runText(sql, encodeArgs(this.#dialect, query.args, query.argTypes, argOrder), flags)
  }

  async #runText(sql: string, args: string, flags: number): Promise<RunResult> {
    const text = await this.#call(this.#session.runPromise(sql, args, flags))
    const result = parseRun(text)
    this.#state = this.#stateOf(result.state)
    return result
  }

  /**
   * The statements a dialect made of one of Prisma's (JdbcDialect.plan), as one result: the rows of those that yield
   * rows, one after the other, and the sum of the counts. Several run all or nothing, as Prisma's one statement would.
   */
  async #runPlan(statements: readonly PlannedStatement[], flags: number): Promise<RunResult> {
    const runOne = (statement: PlannedStatement) =>
      this.#runText(statement.sql, encodeArgs(this.#dialect, statement.args, statement.argTypes), statement.yields === 'rows' ? flags : 0)
    if (statements.length === 1 && !statements[0]!.skipDuplicate) return runOne(statements[0]!)
    const own = statements.length > 1 && this.#state === 0
    if (own) await this.begin()
    try {
      let rows: RunResult | undefined
      let count = 0
      let previous = 0
      for (const statement of statements) {
        if (statement.ifPreviousCounted && previous === 0) continue
        let result: RunResult
        try {
          result = await runOne(statement)
        } catch (error) {
          if (!statement.skipDuplicate || !this.#isDuplicate(error)) throw error
          previous = 0
          continue
        }
        previous = result.updateCount >= 0 ? result.updateCount : result.cells.length / Math.max(result.columns.length, 1)
        if (statement.yields === 'nothing') continue
        count += previous
        if (statement.yields === 'rows') rows = rows ? { ...rows, cells: rows.cells.concat(result.cells) } : result
      }
      if (own) await this.commit()
      return { columns: rows?.columns ?? [], cells: rows?.cells ?? [], updateCount: count, generatedKey: null, state: this.#state }
    } catch (error) {
      if (own && !this.#broken) await this.rollback().catch(() => {})
      throw error
    }
  }

  #isDuplicate(error: unknown): boolean {
    const jdbc = jdbcErrorOf(error)
    return jdbc !== undefined && this.#dialect.convertError(jdbc)?.kind === 'UniqueConstraintViolation'
  }

  async query(query: SqlQuery): Promise<SqlResultSet> {
    const result = await this.#run(query, this.#generatedKeys ? RUN_GENERATED_KEYS : 0)
    let readers: ColumnReader[]
    try {
      readers = result.columns.map((column) => this.#dialect.column(column))
    } catch (error) {
      throw await this.#unsupported(error, result.columns)
    }
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

  /** A column type Prisma cannot read, named (the dialect may have to ask the server, from its OID alone). */
  async #unsupported(error: unknown, columns: readonly JdbcColumn[]): Promise<unknown> {
    const typeName = this.#dialect.typeName
    if (!(error instanceof DriverAdapterError) || error.cause.kind !== 'UnsupportedNativeDataType' || !typeName) return error
    for (const column of columns) {
      try {
        this.#dialect.column(column)
      } catch {
        return new DriverAdapterError({ kind: 'UnsupportedNativeDataType', type: await typeName(column, this.#rows) })
      }
    }
    return error
  }

  async execute(query: SqlQuery): Promise<number> {
    // A statement that returns rows (RETURNING, a SELECT) counts them, as node-postgres' rowCount does.
    return Math.max((await this.#run(query, RUN_COUNT_ROWS)).updateCount, 0)
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

  /** The server's idle timeout of the session (SessionFacts.idleTimeoutMs): the pool closes the connection before it. */
  get idleTimeoutMs(): number | undefined {
    return this.#facts.idleTimeoutMs
  }

  /** A statement's transaction state; one that changed the session (SESSION_CHANGED) leaves the connection broken. */
  #stateOf(state: number): number {
    if (state & SESSION_CHANGED) this.#broken = true
    return state & ~SESSION_CHANGED
  }

  /** Rows of a query of the engine's own (the server's limits and sessions), as objects by column name. */
  readonly #rows = async (sql: string, args: readonly unknown[] = []): Promise<Record<string, unknown>[]> => {
    const result = await this.query({ sql, args: [...args], argTypes: args.map(() => undefined as never) })
    return result.rows.map((row) => Object.fromEntries(result.columnNames.map((name, i) => [name, row[i]])))
  }

  async executeScript(script: string): Promise<void> {
    const statements = this.#dialect.splitScript ? this.#dialect.splitScript(script) : [script]
    try {
      for (const statement of statements) await this.#script(statement)
    } catch (error) {
      const jdbc = jdbcErrorOf(error)
      const alone = jdbc && statements.length === 1 ? this.#dialect.statementsAfterFailure?.(jdbc, script) : undefined
      if (!alone) throw error
      for (const statement of alone) await this.#script(statement)
    }
  }

  #script(sql: string): Promise<number> {
    return this.#call(this.#session.scriptPromise(sql), (state) => this.#stateOf(state))
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
    const isolationSql = isolationLevel && this.#dialect.isolationSql ? this.#dialect.isolationSql(isolationLevel) : null
    await this.#call(this.#session.beginPromise(isolationSql ? -1 : level, isolationSql), (state) => state)
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

  async #releaseSavepoint(name: string): Promise<void> {
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
