// One node-oracledb Thin connection, as the pool holds it: Prisma's PostgreSQL statements run as the Oracle plans the
// translator makes of them (plan.ts), Oracle's values read in Prisma's encodings, and Oracle's transactions.
//
// How a plan runs:
// - its steps run in order on this connection; binds come from Prisma's arguments (binds.ts) or the plan's fixed
//   values, every argument checked before anything runs; a RETURNING … INTO step gets out-binds typed from its table's
//   columns (ALL_TAB_COLUMNS, looked up once per table by the driver), whose arrays (one value per changed row) become
//   its rows. Should the cached columns be out of date (NJS-016, ORA-00932, ORA-06502 from such a step: a column
//   altered since), the plan is undone, the table read again and the plan run once more;
// - consecutive steps of the same SQL that return nothing (createMany's rows) go in one executeMany round trip;
//   skipDuplicate rows (ON CONFLICT DO NOTHING) with batchErrors, so that a row's ORA-00001 skips that row alone;
// - outside a transaction a one-step plan runs with autoCommit, unless it is a RETURNING; a plan of several steps, or
//   a RETURNING, runs as a transaction of its own: its last statement commits it (autoCommit) only when it is a change
//   whose result is complete when its call ends; otherwise (an upsert's re-read of its row, a RETURNING whose out-binds
//   and LOBs are read after the call) a COMMIT follows once everything is read, so that no error after a change can
//   leave it committed. A failure rolls the plan's transaction back;
// - inside the caller's transaction, a plan in which any step follows its first change is wrapped in a savepoint, so
//   that a failure leaves none of it. Where nothing can undo a change whose result could not be read (a one-step
//   RETURNING), the transaction can only be rolled back from then on, as PostgreSQL's aborted transaction;
// - an ifPreviousCounted step (an upsert's re-read) runs only if the step before changed a row.
import type { ConnectionLimit, EngineConnection, ServerConnectionList } from '@prisma-pool/core/engine'
import { DriverAdapterError, type ColumnType, type IsolationLevel, type SqlQuery, type SqlResultSet } from '@prisma/driver-adapter-utils'
import oracledb, { type BindParameter, type Connection, type ExecuteOptions, type Result } from 'oracledb'
import { asParameter, batchDefinitions, stepBinds, type BindSettings, type EmptyStrings, type InBind } from './binds.js'
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
import { codeOf, DestroyedConnectionError, oracleDbConnectionLoss, oraNumberOf } from './errors.js'
import { featureNotSupported, UNIQUE_VIOLATION } from './oracle-errors.js'
import type { OraclePlan, OracleStep } from './plan.js'
import { splitStatements } from './script.js'
import { readConnectionLimits, readServerConnections, sessionIdOf, UNICODE_CHARSETS, type SessionFacts, type ViewQuery } from './server-views.js'
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
  /** The Oracle plan of one of Prisma's statements with these arguments and their types (the driver's TranslationCache). */
  plan(sql: string, args: readonly unknown[], argTypes: SqlQuery['argTypes']): OraclePlan
  /** The columns of `owner`.`table`, by name: cached by the driver, read with `load` (TABLE_COLUMNS_SQL) when not. */
  tableColumns(owner: string, table: string, load: () => Promise<Record<string, unknown>[]>, refresh: boolean): Promise<Map<string, TableColumn>>
  /** Closes the socket at once (node-oracledb has no public call for it). */
  destroy(conn: Connection): void
  /** The adapter's emptyStrings option. */
  readonly emptyStrings: EmptyStrings
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
function unitsOf(plan: OraclePlan, query: SqlQuery, settings: BindSettings): Unit[] {
  const units: Unit[] = []
  const { steps } = plan
  for (let i = 0; i < steps.length; ) {
    const step = steps[i]!
    let end = i + 1
    while (end < steps.length && batchable(step, steps[end]!)) end++
    const rows = steps.slice(i, end).map((s) => stepBinds(s.binds, query.args, query.argTypes, settings))
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

/** Errors of a RETURNING step that cached columns out of date can cause (a column altered since it was read). */
const STALE_COLUMNS = new Set(['NJS-016', 'ORA-00932', 'ORA-06502'])

/**
 * A RETURNING statement ran (its change is made) but what it returned could not be read: its out-binds did not fit
 * (NJS-016, raised by node-oracledb after the server's answer) or a LOB's data could not be fetched.
 */
class UnreadChangeError extends Error {
  constructor(readonly original: unknown) {
    super(original instanceof Error ? original.message : String(original), { cause: original })
  }
}

/** A plan that failed in a way the table's columns read again may fix (STALE_COLUMNS), and that was undone. */
class StaleColumnsError extends Error {
  constructor(readonly original: unknown) {
    super(original instanceof Error ? original.message : String(original), { cause: original })
  }
}

const unwrap = (error: unknown) => (error instanceof UnreadChangeError || error instanceof StaleColumnsError ? error.original : error)

/** PostgreSQL's SQLSTATE for a statement in a transaction that can only be rolled back (in_failed_sql_transaction). */
const FAILED_TRANSACTION = '25P02'

/** One node-oracledb connection, as the pool holds it. */
/** Oracle 21c: where a top-level scalar (Prisma's JsonNull is `null`) is JSON, which whole-value JSON filters need. */
const JSON_SCALARS_VERSION = 2100000000

const refusedBefore21c = () =>
  new DriverAdapterError(
    featureNotSupported(
      'JSON equality filters need Oracle Database 21c or later: before it, a stored top-level scalar (JsonNull, 42, "text") ' +
        'is not JSON to JSON_EQUAL and would silently compare unequal. Filter in application code, or with $queryRaw.',
    ),
  )

export class OracleConnection implements EngineConnection {
  readonly #conn: Connection
  readonly #services: ConnectionServices
  readonly #facts: SessionFacts
  readonly #log: (message: string) => void
  readonly #bindSettings: BindSettings
  /** begin() was called and neither commit() nor rollback() since: statements must not autoCommit. */
  #inTransaction = false
  /** The caller's savepoints in this transaction, oldest first (Oracle erases those after one rolled back to). */
  #savepoints: string[] = []
  /**
   * The caller's transaction holds a change this connection could not undo and whose statement failed: only a rollback
   * (or one to a savepoint set before it) may follow. The message says why; `savepoints` are those that predate it.
   */
  #mustRollBack: { why: string; savepoints: ReadonlySet<string> } | undefined
  /** cancel() sent a break: Oracle may answer the next call with ORA-01013 rather than the call it interrupted. */
  #breakSent = false
  #broken = false
  /** destroy() was called: what fails from now on failed because the pool gave up on this connection. */
  #destroyed = false
  #running = 0
  readonly sessionId: string | undefined
  readonly idleTimeoutMs: number | undefined

  constructor(conn: Connection, services: ConnectionServices, facts: SessionFacts, log: (message: string) => void = () => {}) {
    this.#conn = conn
    this.#services = services
    this.#facts = facts
    this.#log = log
    this.#bindSettings = { national: facts.charset !== undefined && !UNICODE_CHARSETS.has(facts.charset), emptyStrings: services.emptyStrings }
    this.sessionId = facts.session && sessionIdOf(facts.session)
    this.idleTimeoutMs = facts.idleTimeoutMs
  }

  /** Who the session is, for the driver's checks of a statement without an answer. */
  get facts(): SessionFacts {
    return this.#facts
  }

  /**
   * A call on the connection: counted (cancel() interrupts only a running one), and a lost connection noted. After
   * destroy(), whatever fails failed because the pool gave up on this connection (DestroyedConnectionError), not
   * because the server went away.
   */
  async #call<T>(work: () => Promise<T>): Promise<T> {
    if (this.#destroyed) throw new DestroyedConnectionError(new Error('the connection was destroyed'))
    this.#running++
    try {
      return await work()
    } catch (error) {
      if (this.#destroyed) throw error instanceof DestroyedConnectionError ? error : new DestroyedConnectionError(error)
      if (oracleDbConnectionLoss(error)) this.#broken = true
      throw error
    } finally {
      this.#running--
    }
  }

  /**
   * A rollback (of the transaction, or to a savepoint). After a cancel(), Oracle may answer it with the ORA-01013 of the
   * break, which arrived after the call it was meant for had ended: it is sent once more.
   */
  async #rollbackCall(work: () => Promise<void>): Promise<void> {
    try {
      await this.#call(work)
    } catch (error) {
      if (!this.#breakSent || oraNumberOf(error) !== 1013) throw error
      this.#breakSent = false
      await this.#call(work)
    }
  }

  /** Refuses a statement in a transaction that can only be rolled back (see #mustRollBack). */
  #checkUsable(): void {
    if (!this.#mustRollBack) return
    throw new DriverAdapterError({
      kind: 'postgres',
      code: FAILED_TRANSACTION,
      severity: 'ERROR',
      message: `current transaction can only be rolled back: ${this.#mustRollBack.why}`,
      detail: undefined,
      column: undefined,
      hint: 'roll the transaction back (or back to a savepoint set before the failed statement)',
    })
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
    this.#checkUsable()
    const plan = this.#services.plan(query.sql, query.args, query.argTypes)
    if (plan.requires?.jsonScalars && (this.#conn.oracleServerVersion ?? 0) < JSON_SCALARS_VERSION) throw refusedBefore21c()
    // Everything that can be refused is, before anything runs: arguments that cannot be bound, columns not found.
    const units = unitsOf(plan, query, this.#bindSettings)
    let refresh = false
    for (;;) {
      const returning = await this.#returningReaders(plan.steps, refresh)
      try {
        return await this.#runUnits(plan, units, returning)
      } catch (error) {
        if (refresh || !(error instanceof StaleColumnsError)) throw unwrap(error)
        // Undone already: the tables' columns are read again, and the plan runs once more.
        this.#log(`a RETURNING failed with ${codeOf(error.original) ?? 'an error'}: its table's columns are read again and the statement run once more`)
        refresh = true
      }
    }
  }

  /** Runs a plan's units (see the top of this file for how it commits and undoes). */
  async #runUnits(plan: OraclePlan, units: readonly Unit[], returning: Map<OracleStep, ReturningReader[]>): Promise<Outcome> {
    const inTransaction = this.#inTransaction
    const hasReturning = units.some((unit) => returning.has(unit.step))
    const ownTransaction = !inTransaction && (plan.steps.length > 1 || hasReturning)
    // In the caller's transaction, a failure after the plan's first change could leave it half-done: a savepoint makes
    // it all or nothing there too. (A change alone needs none: Oracle rolls a failed statement back by itself.)
    const firstChange = plan.steps.findIndex(changesData)
    const savepoint = inTransaction && firstChange !== -1 && firstChange < plan.steps.length - 1
    if (savepoint) await this.#command(savepointSql(PLAN_SAVEPOINT))
    const outcome: Outcome = { columns: undefined, rows: [], count: 0 }
    let failed: OracleStep | undefined
    try {
      let committed = false
      let changed = false
      let previousChanged = 0
      for (const [i, unit] of units.entries()) {
        // An upsert's re-read, where its MERGE left the row alone (DO UPDATE … WHERE): no row, as PostgreSQL's RETURNING.
        if (unit.step.ifPreviousCounted && previousChanged === 0) continue
        const last = i === units.length - 1
        // Only the plan's last statement may commit it, and only a change whose result is complete when its call ends.
        const autoCommit = !inTransaction && (!ownTransaction || (last && changesData(unit.step) && !returning.has(unit.step)))
        failed = unit.step
        const result = await this.#runUnit(unit, autoCommit, returning.get(unit.step))
        failed = undefined
        if (changesData(unit.step)) changed = true
        if (last && result.committed) committed = true
        previousChanged = result.changed
        if (result.rows) {
          outcome.columns ??= result.columns
          for (const row of result.rows) outcome.rows.push(row)
        }
        outcome.count += result.count
      }
      // Not committed by its last statement (a re-read or a RETURNING came last, a duplicate skipped, batch errors): now.
      if (ownTransaction && changed && !committed) await this.#call(() => this.#conn.commit())
    } catch (error) {
      const undo = ownTransaction ? () => this.#conn.rollback() : savepoint ? () => this.#command(rollbackToSavepointSql(PLAN_SAVEPOINT)) : undefined
      let undone = true
      if (undo) {
        await this.#rollbackCall(undo).catch((undoError: unknown) => {
          undone = false
          this.#log(`undoing a failed plan failed: ${String(undoError)}`)
        })
      }
      const unread = error instanceof UnreadChangeError
      // Left in the caller's transaction: a plan half-done whose savepoint could not be rolled back to, or a one-step
      // RETURNING that changed rows it could not read. Committing that would keep what Prisma was told failed.
      if (inTransaction && ((savepoint && !undone) || (!savepoint && unread))) {
        const original = unwrap(error)
        const why =
          `a statement of it changed rows but failed (${original instanceof Error ? original.message.split('\n')[0] : String(original)}), ` +
          'and its change could not be undone alone'
        this.#mustRollBack = { why, savepoints: new Set(this.#savepoints) }
        if (original instanceof Error) original.message = `${original.message}\nThe change was made in this transaction and cannot be undone alone: the transaction can only be rolled back now.`
        throw original
      }
      // Cached columns out of date, and nothing of the failed attempt left: it may run again with the table read anew.
      const stale = failed?.returning !== undefined && STALE_COLUMNS.has(codeOf(unwrap(error)) ?? '')
      if (stale && undone && !(unread && !undo)) throw new StaleColumnsError(unwrap(error))
      throw unwrap(error)
    }
    return outcome
  }

  async #runUnit(unit: Unit, autoCommit: boolean, returning: ReturningReader[] | undefined): Promise<UnitOutcome> {
    if (unit.kind === 'batch') return this.#runBatch(unit.step, unit.rows, autoCommit)
    const { step } = unit
    const binds = unit.binds.map(asParameter)
    if (step.returning && returning) return this.#runReturning(step, binds, returning)
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

  /**
   * A RETURNING … INTO: the out-binds' arrays (a value per changed row) are the step's rows. It never commits: the plan
   * does, once its values (LOBs included) are read. A duplicate skipped (ON CONFLICT DO NOTHING: createManyAndReturn
   * with skipDuplicates) returns no row.
   */
  async #runReturning(step: OracleStep, binds: BindParameter[], readers: ReturningReader[]): Promise<UnitOutcome> {
    const names = step.returning!.columns.map((column) => column.name)
    let result: Result<unknown[]>
    try {
      result = await this.#execute(step.sql, [...binds, ...readers.map((reader) => reader.outBind)], { autoCommit: false })
    } catch (error) {
      if (step.skipDuplicate && oraNumberOf(error) === UNIQUE_VIOLATION) {
        return { ...(step.yields === 'rows' ? { columns: columnsOf(names, readers), rows: [] } : {}), count: 0, changed: 0, committed: false }
      }
      // node-oracledb raises NJS-016 after the server's answer: the statement ran, its change is made.
      if (codeOf(error) === 'NJS-016') throw new UnreadChangeError(error)
      throw error
    }
    const outBinds = (result.outBinds ?? []) as unknown[]
    const columns = readers.map((_, i) => (Array.isArray(outBinds[i]) ? (outBinds[i] as unknown[]) : outBinds[i] === undefined ? [] : [outBinds[i]]))
    const returned = Math.max(0, ...columns.map((values) => values.length))
    const raw: unknown[][] = []
    // A LOB column's values are Lob objects: their data is read one after the other (one call at a time per connection).
    try {
      for (let r = 0; r < returned; r++) {
        const row: unknown[] = []
        for (const values of columns) row.push(await this.#call(() => resolveLob(values[r] ?? null)))
        raw.push(row)
      }
    } catch (error) {
      if (error instanceof DestroyedConnectionError || oracleDbConnectionLoss(error)) throw error
      throw new UnreadChangeError(error)
    }
    const rows = readRows(raw, readers)
    const changed = result.rowsAffected ?? rows.length
    if (step.yields !== 'rows') return { count: step.yields === 'count' ? changed : 0, changed, committed: false }
    return { columns: columnsOf(names, readers), rows, count: rows.length, changed, committed: false }
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

  /**
   * The readers (and out-binds) of the RETURNING steps, by step: their tables' columns are read first if not cached, or
   * when `refresh` (the cached ones failed), each table once.
   */
  async #returningReaders(steps: readonly OracleStep[], refresh = false): Promise<Map<OracleStep, ReturningReader[]>> {
    const readers = new Map<OracleStep, ReturningReader[]>()
    const refreshed = new Set<string>()
    for (const step of steps) {
      if (!step.returning) continue
      const { table, columns } = step.returning
      const owner = step.returning.schema ?? this.#facts.schema
      const load = () => this.#view(TABLE_COLUMNS_SQL, [owner, table])
      const key = `${owner}\0${table}`
      let known = await this.#services.tableColumns(owner, table, load, refresh && !refreshed.has(key))
      if (refresh) refreshed.add(key)
      // A column added since the table was read (a migration): read it again, once.
      if (columns.some((column) => !known.has(column.column)) && !refreshed.has(key)) {
        known = await this.#services.tableColumns(owner, table, load, true)
        refreshed.add(key)
      }
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
    this.#checkUsable()
    for (const statement of splitStatements(script)) {
      const result = await this.#execute(statement, [], { autoCommit: !this.#inTransaction })
      // Oracle creates a PL/SQL unit (or a view) that does not compile, and says so with a warning only (NJS-700,
      // ORA-24344): the script must stop there, as it would at an error.
      if (result.warning && isCompilationWarning(result.warning)) throw await this.#compilationError(statement, result.warning)
    }
  }

  /** The error for a statement that created an object with compilation errors: the object, and its errors if readable. */
  async #compilationError(statement: string, warning: Error): Promise<DriverAdapterError> {
    const object = createdObject(statement, this.#facts.schema)
    let errors = ''
    if (object) {
      try {
        const rows = await this.#view(COMPILATION_ERRORS_SQL, [object.owner, object.name, object.type])
        errors = rows.map((row) => `line ${String(row.LINE)}, column ${String(row.POSITION)}: ${String(row.TEXT).trim()}`).join('; ')
      } catch (error) {
        this.#log(`reading the compilation errors of ${object.type} ${object.owner}.${object.name} failed: ${String(error)}`)
      }
    }
    const what = object ? `${object.type} ${quoteName(object.owner)}.${quoteName(object.name)}` : `the object of "${statement.slice(0, 80)}${statement.length > 80 ? '…' : ''}"`
    const message =
      `${what} was created with compilation errors, and Oracle leaves it invalid (${warning.message.split('\n')[0]})` +
      (errors ? `: ${errors}` : object ? ' (its errors are in ALL_ERRORS)' : '')
    return new DriverAdapterError({ kind: 'postgres', code: 'ORA-24344', severity: 'ERROR', message, detail: undefined, column: undefined, hint: undefined })
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
    this.#endTransaction()
    this.#inTransaction = true
  }

  /** A transaction that can only be rolled back (#mustRollBack) is rolled back, and its commit fails saying why. */
  async commit(): Promise<void> {
    try {
      if (this.#mustRollBack) {
        const { why } = this.#mustRollBack
        await this.#rollbackCall(() => this.#conn.rollback())
        throw new DriverAdapterError({
          kind: 'postgres',
          code: FAILED_TRANSACTION,
          severity: 'ERROR',
          message: `the transaction was rolled back, not committed: ${why}`,
          detail: undefined,
          column: undefined,
          hint: undefined,
        })
      }
      await this.#call(() => this.#conn.commit())
    } finally {
      this.#endTransaction()
    }
  }

  async rollback(): Promise<void> {
    try {
      await this.#rollbackCall(() => this.#conn.rollback())
    } finally {
      this.#endTransaction()
    }
  }

  #endTransaction(): void {
    this.#inTransaction = false
    this.#savepoints = []
    this.#mustRollBack = undefined
    this.#breakSent = false
  }

  async createSavepoint(name: string): Promise<void> {
    this.#checkUsable()
    await this.#command(savepointSql(name))
    this.#savepoints = [...this.#savepoints.filter((saved) => saved !== name), name]
  }

  async rollbackToSavepoint(name: string): Promise<void> {
    await this.#rollbackCall(() => this.#command(rollbackToSavepointSql(name)))
    const at = this.#savepoints.indexOf(name)
    if (at !== -1) this.#savepoints = this.#savepoints.slice(0, at + 1)
    // Back to before the change that could not be undone: the transaction is usable again.
    if (this.#mustRollBack?.savepoints.has(name)) this.#mustRollBack = undefined
  }

  // No releaseSavepoint: Oracle has no RELEASE SAVEPOINT (a savepoint lasts until the transaction ends).

  /**
   * A break on the wire: the running call fails with ORA-01013 and the session stays usable. Should the call have ended
   * before the break arrived, the next call gets the ORA-01013 instead: a rollback then is sent again (#rollbackCall).
   */
  async cancel(): Promise<void> {
    if (this.#running === 0) return
    this.#breakSent = true
    await this.#conn.break()
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

  /** The socket closed at once; the calls waiting on it fail with DestroyedConnectionError (this connection alone is lost). */
  destroy(): void {
    this.#broken = true
    this.#destroyed = true
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

/** node-oracledb's warning of an object created with compilation errors (NJS-700, the server's ORA-24344). */
const isCompilationWarning = (warning: Error) => ['NJS-700', 'ORA-24344'].includes(codeOf(warning) ?? '') || /compilation errors/i.test(warning.message)

/** An object's errors, as ALL_ERRORS lists them (the user's own objects and those it may see). Binds: owner, name, type. */
const COMPILATION_ERRORS_SQL =
  'SELECT LINE, POSITION, TEXT FROM ALL_ERRORS WHERE OWNER = :1 AND NAME = :2 AND TYPE = :3 ORDER BY SEQUENCE FETCH FIRST 20 ROWS ONLY'

/** An Oracle name as written: a quoted one as it is, an unquoted one in upper case. */
const nameOf = (text: string) => (text.startsWith('"') ? text.slice(1, -1).replaceAll('""', '"') : text.toUpperCase())
const quoteName = (name: string) => (/^[A-Z][A-Z0-9_$#]*$/.test(name) ? name : `"${name.replaceAll('"', '""')}"`)

const NAME = String.raw`(?:"(?:[^"]|"")+"|[A-Za-z][\w$#]*)`
/** `CREATE [OR REPLACE] [EDITIONABLE] [FORCE] <type> [owner.]name`, or `ALTER <type> [owner.]name COMPILE`. */
const CREATED_OBJECT = new RegExp(
  String.raw`^\s*(?:CREATE\s+(?:OR\s+REPLACE\s+)?(?:(?:NON)?EDITIONABLE\s+)?(?:(?:NO\s+)?FORCE\s+)?|ALTER\s+)` +
    String.raw`(PACKAGE\s+BODY|TYPE\s+BODY|PACKAGE|PROCEDURE|FUNCTION|TRIGGER|TYPE|VIEW|MATERIALIZED\s+VIEW|LIBRARY|JAVA\s+SOURCE)\s+` +
    String.raw`(${NAME})(?:\s*\.\s*(${NAME}))?`,
  'i',
)

/** The object a statement creates (or compiles), for ALL_ERRORS: its owner (the session's schema if unqualified), name and type. */
function createdObject(statement: string, schema: string): { owner: string; name: string; type: string } | undefined {
  const text = statement.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, ' ')
  const found = CREATED_OBJECT.exec(text)
  if (!found) return undefined
  const type = found[1]!.toUpperCase().replace(/\s+/g, ' ')
  const [owner, name] = found[3] !== undefined ? [nameOf(found[2]!), nameOf(found[3])] : [schema, nameOf(found[2]!)]
  return { owner, name, type }
}

