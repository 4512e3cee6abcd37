// One node-oracledb Thin connection, as the pool holds it: Prisma's PostgreSQL statements run as the Oracle plans the
// translator makes of them (plan.ts), Oracle's values read in Prisma's encodings, and Oracle's transactions.
//
// How a plan runs:
// - its steps run in order on this connection; binds come from Prisma's arguments (binds.ts) or the plan's fixed
//   values; a RETURNING … INTO step gets out-binds typed from its table's columns (ALL_TAB_COLUMNS, looked up once
//   per table by the driver), whose arrays (one value per changed row) become its rows;
// - consecutive steps of the same SQL that return nothing (createMany's rows) go in one executeMany round trip;
//   skipDuplicate rows (ON CONFLICT DO NOTHING) with batchErrors, so that a row's ORA-00001 skips that row alone;
// - outside a transaction a one-step plan runs with autoCommit; a plan of several steps runs as a transaction of its
//   own, committed with its last change (autoCommit; an upsert's re-read of its row comes after) or by a COMMIT of its
//   own, and rolled back if a step fails; inside the caller's transaction, a plan of two changes or more is wrapped in
//   a savepoint, so that a failure leaves none of them;
// - an ifPreviousCounted step (an upsert's re-read) runs only if the step before changed a row.
import type { ConnectionLimit, EngineConnection, ServerConnectionList } from '@prisma-pool/core/engine'
import { DriverAdapterError, type ColumnType, type IsolationLevel, type SqlQuery, type SqlResultSet } from '@prisma/driver-adapter-utils'
import oracledb, { type BindParameter, type Connection, type ExecuteOptions } from 'oracledb'
import { asParameter, batchDefinitions, stepBinds, type InBind } from './binds.js'
import {
  fetchedColumn,
  fetchTypeHandler,
  readRows,
  resolveLob,
  returningColumn,
  type ColumnReader,
  type ReturningReader,
  TABLE_COLUMNS_SQL,
  type TableColumn,
} from './conversion.js'
import { oracleDbConnectionLoss, oraNumberOf } from './errors.js'
import { UNIQUE_VIOLATION } from './oracle-errors.js'
import type { OraclePlan, OracleStep } from './plan.js'
import { splitStatements } from './script.js'
import { readConnectionLimits, readServerConnections, sessionIdOf, type SessionFacts, type ViewQuery } from './server-views.js'
import {
  isolationLevelSql,
  isolationRefusal,
  ORACLE_ISOLATION_LEVELS,
  PLAN_SAVEPOINT,
  rollbackToSavepointSql,
  savepointSql,
} from './transaction-sql.js'

/** What a connection needs of its driver, shared by the driver's connections. */
export interface ConnectionServices {
  /** The Oracle plan of one of Prisma's statements with these arguments (the driver's TranslationCache). */
  plan(sql: string, args: readonly unknown[]): OraclePlan
  /** The columns of `owner`.`table`, by name: cached by the driver, read with `load` (TABLE_COLUMNS_SQL) when not. */
  tableColumns(owner: string, table: string, load: () => Promise<Record<string, unknown>[]>, refresh: boolean): Promise<Map<string, TableColumn>>
  /** Closes the socket at once (node-oracledb has no public call for it). */
  destroy(conn: Connection): void
}

/** Rows are fetched this many at a time (node-oracledb's default is 100, and 2 with the execute round trip). */
const FETCH_SIZE = 1000

const QUERY_OPTIONS: ExecuteOptions = { outFormat: oracledb.OUT_FORMAT_ARRAY, fetchTypeHandler, fetchArraySize: FETCH_SIZE, prefetchRows: FETCH_SIZE }

/** Whether a statement changes data (it is not a query). */
const changesData = (step: OracleStep) => !/^\s*(?:\(\s*)*(?:SELECT|WITH)\b/i.test(step.sql)

/** The steps of a plan in the calls that run them: one step, or a batch of consecutive steps of one SQL (executeMany). */
type Unit = { kind: 'one'; step: OracleStep; binds: InBind[] } | { kind: 'batch'; step: OracleStep; rows: InBind[][] }

/** Whether `next` may join a batch of `first`: the same statement, returning nothing, skipping duplicates alike. */
const batchable = (first: OracleStep, next: OracleStep) =>
  next.sql === first.sql && !first.returning && !next.returning && first.yields !== 'rows' && next.yields === first.yields && !!next.skipDuplicate === !!first.skipDuplicate

/** The plan's steps with their binds, batched where they can be (see Unit). */
function unitsOf(plan: OraclePlan, query: SqlQuery): Unit[] {
  const units: Unit[] = []
  const { steps } = plan
  for (let i = 0; i < steps.length; ) {
    const step = steps[i]!
    let end = i + 1
    while (end < steps.length && batchable(step, steps[end]!)) end++
    const rows = steps.slice(i, end).map((s) => stepBinds(s.binds, query.args, query.argTypes))
    const defs = end - i > 1 ? batchDefinitions(rows) : undefined
    if (defs) units.push({ kind: 'batch', step, rows })
    else rows.forEach((binds, k) => units.push({ kind: 'one', step: steps[i + k]!, binds }))
    i = end
  }
  return units
}

/** What a plan gave: the rows of its steps that yield rows (with the first one's columns), and its count. */
interface Outcome {
  columns: { names: string[]; types: ColumnType[] } | undefined
  rows: unknown[][]
  count: number
}

/** What one call gave, and whether it committed (autoCommit is not applied when a batch has row errors). */
interface UnitOutcome {
  columns?: { names: string[]; types: ColumnType[] }
  rows?: unknown[][]
  /** What it adds to the plan's count (nothing for a step that yields 'nothing'). */
  count: number
  /** The rows the statement counted, whatever it yields (for a following ifPreviousCounted step). */
  changed: number
  committed: boolean
}

/** One node-oracledb connection, as the pool holds it. */
export class OracleConnection implements EngineConnection {
  readonly #conn: Connection
  readonly #services: ConnectionServices
  readonly #facts: SessionFacts
  readonly #log: (message: string) => void
  /** begin() was called and neither commit() nor rollback() since: statements must not autoCommit. */
  #inTransaction = false
  #broken = false
  #running = 0
  readonly sessionId: string | undefined
  readonly idleTimeoutMs: number | undefined

  constructor(conn: Connection, services: ConnectionServices, facts: SessionFacts, log: (message: string) => void = () => {}) {
    this.#conn = conn
    this.#services = services
    this.#facts = facts
    this.#log = log
    this.sessionId = facts.session && sessionIdOf(facts.session)
    this.idleTimeoutMs = facts.idleTimeoutMs
  }

  /** Who the session is, for the driver's checks of a statement without an answer. */
  get facts(): SessionFacts {
    return this.#facts
  }

  /** A call on the connection: counted (cancel() interrupts only a running one), and a lost connection noted. */
  async #call<T>(work: () => Promise<T>): Promise<T> {
    this.#running++
    try {
      return await work()
    } catch (error) {
      if (oracleDbConnectionLoss(error)) this.#broken = true
      throw error
    } finally {
      this.#running--
    }
  }

  #execute(sql: string, binds: BindParameter[] | Record<string, BindParameter>, options: ExecuteOptions) {
    return this.#call(() => this.#conn.execute<unknown[]>(sql, binds, options))
  }

  /** A statement of the adapter's own (transaction control), never committing by itself. */
  async #command(sql: string): Promise<void> {
    await this.#execute(sql, [], { autoCommit: false })
  }

  /** The adapter's queries of the data dictionary and the V$ views: rows as objects by column name. */
  readonly #view: ViewQuery = async (sql, binds = []) => {
    const result = await this.#call(() =>
      this.#conn.execute<Record<string, unknown>>(sql, binds as BindParameter[], { outFormat: oracledb.OUT_FORMAT_OBJECT, autoCommit: false }),
    )
    return result.rows ?? []
  }

  async query(query: SqlQuery): Promise<SqlResultSet> {
    const { columns, rows } = await this.#runPlan(query)
    return { columnNames: columns?.names ?? [], columnTypes: columns?.types ?? [], rows }
  }

  async execute(query: SqlQuery): Promise<number> {
    return (await this.#runPlan(query)).count
  }

  async #runPlan(query: SqlQuery): Promise<Outcome> {
    const plan = this.#services.plan(query.sql, query.args)
    // Everything that can be refused is, before anything runs: arguments that cannot be bound, columns not found.
    const units = unitsOf(plan, query)
    const returning = await this.#returningReaders(plan.steps)
    const inTransaction = this.#inTransaction
    const ownTransaction = !inTransaction && plan.steps.length > 1
    // The last statement that changes data commits the plan's own transaction (with autoCommit): what runs after it
    // only reads (an upsert's re-read). A query's COMMIT flag is not relied on.
    const lastChange = units.findLastIndex((unit) => changesData(unit.step))
    // In the caller's transaction, a plan with two changes or more could be left half-done by a failure: a savepoint
    // makes it all or nothing there too. (One change needs none: Oracle rolls a failed statement back by itself.)
    const savepoint = inTransaction && plan.steps.filter(changesData).length > 1
    if (savepoint) await this.#command(savepointSql(PLAN_SAVEPOINT))
    const outcome: Outcome = { columns: undefined, rows: [], count: 0 }
    try {
      let uncommitted = ownTransaction && lastChange !== -1
      let previousChanged = 0
      for (const [i, unit] of units.entries()) {
        // An upsert's re-read, where its MERGE left the row alone (DO UPDATE … WHERE): no row, as PostgreSQL's RETURNING.
        if (unit.step.ifPreviousCounted && previousChanged === 0) continue
        const autoCommit = !inTransaction && (!ownTransaction || i === lastChange)
        const result = await this.#runUnit(unit, autoCommit, returning.get(unit.step))
        if (i === lastChange && result.committed) uncommitted = false
        previousChanged = result.changed
        if (result.rows) {
          outcome.columns ??= result.columns
          for (const row of result.rows) outcome.rows.push(row)
        }
        outcome.count += result.count
      }
      // Its last change did not commit (a duplicate skipped, batch errors, or never ran): the plan's transaction must.
      if (uncommitted) await this.#call(() => this.#conn.commit())
    } catch (error) {
      const undo = ownTransaction ? () => this.#conn.rollback() : savepoint ? () => this.#command(rollbackToSavepointSql(PLAN_SAVEPOINT)) : undefined
      if (undo) await this.#call(undo).catch((undoError: unknown) => this.#log(`undoing a failed plan failed: ${String(undoError)}`))
      throw error
    }
    return outcome
  }

  async #runUnit(unit: Unit, autoCommit: boolean, returning: ReturningReader[] | undefined): Promise<UnitOutcome> {
    if (unit.kind === 'batch') return this.#runBatch(unit.step, unit.rows, autoCommit)
    const { step } = unit
    const binds = unit.binds.map(asParameter)
    if (step.returning && returning) return this.#runReturning(step, binds, returning, autoCommit)
    if (step.yields === 'rows') {
      const result = await this.#execute(step.sql, binds, { ...QUERY_OPTIONS, autoCommit })
      const readers = (result.metaData ?? []).map(fetchedColumn)
      const rows = readRows(result.rows ?? [], readers)
      const columns = columnsOf((result.metaData ?? []).map((meta) => meta.name), readers)
      return { columns, rows, count: rows.length, changed: rows.length, committed: autoCommit }
    }
    try {
      const result = await this.#execute(step.sql, binds, { autoCommit })
      const changed = result.rowsAffected ?? 0
      return { count: step.yields === 'count' ? changed : 0, changed, committed: autoCommit }
    } catch (error) {
      // ON CONFLICT DO NOTHING: the row is not inserted, and the statement (only it) was rolled back by Oracle.
      if (step.skipDuplicate && oraNumberOf(error) === UNIQUE_VIOLATION) return { count: 0, changed: 0, committed: false }
      throw error
    }
  }

  /** A RETURNING … INTO: the out-binds' arrays (a value per changed row) are the step's rows. */
  async #runReturning(step: OracleStep, binds: BindParameter[], readers: ReturningReader[], autoCommit: boolean): Promise<UnitOutcome> {
    const result = await this.#execute(step.sql, [...binds, ...readers.map((reader) => reader.outBind)], { autoCommit })
    const outBinds = (result.outBinds ?? []) as unknown[]
    const columns = readers.map((_, i) => (Array.isArray(outBinds[i]) ? (outBinds[i] as unknown[]) : outBinds[i] === undefined ? [] : [outBinds[i]]))
    const returned = Math.max(0, ...columns.map((values) => values.length))
    const raw: unknown[][] = []
    // A LOB column's values are Lob objects: their data is read one after the other (one call at a time per connection).
    for (let r = 0; r < returned; r++) {
      const row: unknown[] = []
      for (const values of columns) row.push(await this.#call(() => resolveLob(values[r] ?? null)))
      raw.push(row)
    }
    const rows = readRows(raw, readers)
    const names = step.returning!.columns.map((column) => column.name)
    const changed = result.rowsAffected ?? rows.length
    if (step.yields !== 'rows') return { count: step.yields === 'count' ? changed : 0, changed, committed: autoCommit }
    return { columns: columnsOf(names, readers), rows, count: rows.length, changed, committed: autoCommit }
  }

  /**
   * Steps of one SQL in one executeMany. Skipping duplicates, each row's error comes back in batchErrors instead of
   * failing the call, and its row is not inserted: ORA-00001 is what ON CONFLICT DO NOTHING skips, any other error fails
   * the plan (whose undo removes the rows that went in). The count is of the rows inserted (dmlRowCounts: 0 for a
   * skipped row). With row errors, node-oracledb does not commit even with autoCommit.
   */
  async #runBatch(step: OracleStep, rows: InBind[][], autoCommit: boolean): Promise<UnitOutcome> {
    const skip = !!step.skipDuplicate
    const bindDefs = batchDefinitions(rows)!
    const values = rows.map((row) => row.map((bind) => bind.val))
    const result = await this.#call(() => this.#conn.executeMany(step.sql, values, { autoCommit, bindDefs, ...(skip ? { batchErrors: true, dmlRowCounts: true } : {}) }))
    const errors = result.batchErrors ?? []
    const failed = errors.find((error) => oraNumberOf(error) !== UNIQUE_VIOLATION)
    if (failed) throw failed
    const inserted = result.dmlRowCounts ? result.dmlRowCounts.reduce((sum, n) => sum + n, 0) : (result.rowsAffected ?? 0)
    return { count: step.yields === 'count' ? inserted : 0, changed: inserted, committed: autoCommit && errors.length === 0 }
  }

  /** The readers (and out-binds) of the RETURNING steps, by step: their tables' columns are read first if not cached. */
  async #returningReaders(steps: readonly OracleStep[]): Promise<Map<OracleStep, ReturningReader[]>> {
    const readers = new Map<OracleStep, ReturningReader[]>()
    for (const step of steps) {
      if (!step.returning) continue
      const { table, columns } = step.returning
      const owner = step.returning.schema ?? this.#facts.schema
      const load = () => this.#view(TABLE_COLUMNS_SQL, [owner, table])
      let known = await this.#services.tableColumns(owner, table, load, false)
      // A column added since the table was read (a migration): read it again, once.
      if (columns.some((column) => !known.has(column.column))) known = await this.#services.tableColumns(owner, table, load, true)
      readers.set(
        step,
        columns.map((column) => {
          const found = known.get(column.column)
          if (!found) {
            throw new DriverAdapterError(
              known.size === 0 ? { kind: 'TableDoesNotExist', table: `${owner}.${table}` } : { kind: 'ColumnNotFound', column: `${table}.${column.column}` },
            )
          }
          return returningColumn(found, column.asText)
        }),
      )
    }
    return readers
  }

  /**
   * Runs the script's statements one by one (see script.ts for how it is split): Oracle takes one per call. Outside a
   * transaction each commits (DDL always does); a failing statement stops the script, the ones before it stay done.
   */
  async executeScript(script: string): Promise<void> {
    for (const statement of splitStatements(script)) await this.#execute(statement, [], { autoCommit: !this.#inTransaction })
  }

  async ping(): Promise<void> {
    await this.#call(() => this.#conn.ping())
  }

  /** Oracle has no BEGIN: the transaction starts with its first statement, which sets its level when one is asked for. */
  async begin(isolationLevel?: IsolationLevel): Promise<void> {
    if (isolationLevel !== undefined && !ORACLE_ISOLATION_LEVELS.includes(isolationLevel)) {
      throw new DriverAdapterError({ kind: 'InvalidIsolationLevel', level: isolationRefusal(isolationLevel) })
    }
    const sql = isolationLevelSql(isolationLevel)
    if (sql) await this.#command(sql)
    this.#inTransaction = true
  }

  async commit(): Promise<void> {
    try {
      await this.#call(() => this.#conn.commit())
    } finally {
      this.#inTransaction = false
    }
  }

  async rollback(): Promise<void> {
    try {
      await this.#call(() => this.#conn.rollback())
    } finally {
      this.#inTransaction = false
    }
  }

  async createSavepoint(name: string): Promise<void> {
    await this.#command(savepointSql(name))
  }

  async rollbackToSavepoint(name: string): Promise<void> {
    await this.#command(rollbackToSavepointSql(name))
  }

  // No releaseSavepoint: Oracle has no RELEASE SAVEPOINT (a savepoint lasts until the transaction ends).

  /** A break on the wire: the running call fails with ORA-01013 and the session stays usable. */
  async cancel(): Promise<void> {
    if (this.#running > 0) await this.#conn.break()
  }

  /**
   * In a transaction when begin() opened one, or when the last round trip said one is in progress (node-oracledb Thin's
   * transactionInProgress, from the server's call status: a raw statement's uncommitted change, say).
   */
  inTransaction(): boolean | undefined {
    if (this.#inTransaction) return true
    const reported = this.#conn.transactionInProgress
    return typeof reported === 'boolean' ? reported : undefined
  }

  /** Lost (seen by an error, or closed here), or no longer healthy by node-oracledb's check, which reads no socket while a call runs. */
  isBroken(): boolean {
    if (this.#broken) return true
    if (this.#running === 0 && !this.#conn.isHealthy()) this.#broken = true
    return this.#broken
  }

  /** A goodbye (LOGOFF); node-oracledb rolls back an open transaction first. The pool bounds the wait, then destroys. */
  async close(): Promise<void> {
    this.#broken = true
    await this.#conn.close()
  }

  destroy(): void {
    this.#broken = true
    this.#services.destroy(this.#conn)
  }

  /**
   * The instance's sessions and processes limits and the user's SESSIONS_PER_USER (server-views.ts). What the user may
   * not read is left out, and each limit's description says which grant would show the rest.
   */
  async connectionLimits(): Promise<ConnectionLimit[]> {
    const { limits, notes } = await readConnectionLimits(this.#view, oraNumberOf, this.#facts.user)
    if (notes.length === 0) return limits
    for (const note of notes) this.#log(note)
    return limits.map((limit) => ({ ...limit, what: `${limit.what} (${notes.join('; ')})` }))
  }

  /** The instance's user sessions, named by the worker tag each carries (server-views.ts). */
  serverConnections(): Promise<ServerConnectionList> {
    return readServerConnections(this.#view, oraNumberOf, this.#facts.user)
  }
}

/** The columns of a result, for SqlResultSet. */
const columnsOf = (names: string[], readers: readonly ColumnReader[]) => ({ names, types: readers.map((reader) => reader.type) })

