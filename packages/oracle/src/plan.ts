// What the translator (translate.ts) makes of one of Prisma's PostgreSQL statements, and what an engine runs: a plan
// of one or more Oracle statements. Shared by @prisma-pool/oracle (oracledb) and @prisma-pool/jdbc (ojdbc, and H2 in
// Oracle mode), which differ only in how a statement returns the rows a RETURNING clause asked for (`ReturningStyle`).
import type { SqlQuery } from '@prisma/driver-adapter-utils'

/**
 * How the database hands back the rows of an INSERT / UPDATE / DELETE … RETURNING:
 * - `into`: Oracle's `RETURNING col, … INTO :o1, …`, one out-bind per column (arrays when many rows change): oracledb;
 * - `final-table`: `SELECT … FROM FINAL TABLE (INSERT …)` / `OLD TABLE (DELETE …)`: H2, which has no RETURNING.
 */
export type ReturningStyle = 'into' | 'final-table'

/**
 * The database the SQL is for: Oracle Database (12.2 or later: OFFSET/FETCH, identity columns, 128-byte names), or H2
 * in Oracle mode, the stand-in the tests run on, which takes a RETURNING as `final-table` and, unlike Oracle, lets a
 * MERGE update the columns of its ON clause.
 */
export type TranslationTarget = 'oracle' | 'h2'

export const RETURNING_STYLE: Record<TranslationTarget, ReturningStyle> = { oracle: 'into', h2: 'final-table' }

export interface TranslateOptions {
  readonly target: TranslationTarget
  /**
   * The schema Prisma qualifies every name with (the connection's `schemaName`, `public` by default). Qualified with
   * `public`, names are the session's own schema's: the qualifier is dropped; any other is kept (quoted, as Prisma wrote it).
   */
  readonly schema: string
}

/** Where a bind of an Oracle statement takes its value from. */
export type BindSource =
  /**
   * Prisma's argument at this index (its type is Prisma's argTypes[index]). `likePattern`: the bind is a part of a LIKE
   * pattern concatenated with a non-empty literal (`LIKE ('%' || :1 || '%')`, contains / startsWith / endsWith), where
   * '' is exact on Oracle too (the pattern is '%%'): an engine that refuses empty strings may let this one through.
   */
  | { readonly arg: number; readonly likePattern?: true }
  /** A value the translator fixed (the `1`/`0` of a boolean literal Oracle has no syntax for, a LIKE escape …). */
  | { readonly value: string | number | null }

/** A column of a RETURNING clause run the `into` way: the out-bind's table column and the result column's name. */
export interface ReturningColumn {
  /** The table's column (unquoted name, as Prisma wrote it): its type, from the data dictionary, types the out-bind. */
  readonly column: string
  /** The name of the result column (what Prisma's RETURNING names it: the column's name). */
  readonly name: string
  /** Prisma cast the column in its RETURNING list (`"role"::text`): the value is read as text. */
  readonly asText: boolean
}

export interface OracleStep {
  /** Oracle SQL; placeholders `:1`, `:2` … in order of occurrence, one per bind (Oracle binds by position). */
  readonly sql: string
  /** One per placeholder, in order. */
  readonly binds: readonly BindSource[]
  /** `into` RETURNING only: the table the statement changes, and the out-binds, after `binds`, one per column. */
  readonly returning?: { readonly table: string; readonly schema?: string; readonly columns: readonly ReturningColumn[] }
  /**
   * What the step gives the result: its rows (a SELECT, a `final-table` RETURNING, an `into` RETURNING's out-binds), the
   * rows it changed (counted), or nothing (a MERGE whose rows a following SELECT reads).
   */
  readonly yields: 'rows' | 'count' | 'nothing'
  /** ON CONFLICT DO NOTHING, row by row: a unique violation (ORA-00001) makes the step count 0 rows instead of failing. */
  readonly skipDuplicate?: boolean
  /**
   * Run only if the step before counted at least one row (its count, even where it yields 'nothing'); else this step
   * yields no row. An upsert's re-read of its row after the MERGE: where the DO UPDATE's WHERE left an existing row
   * alone, the MERGE counts 0 and PostgreSQL's RETURNING gives no row.
   */
  readonly ifPreviousCounted?: boolean
}

/** What a plan needs of the server beyond Oracle 12.2, for an engine to check before it runs the plan. */
export interface PlanRequirements {
  /**
   * The plan compares whole JSON documents with a SQL/JSON function (JSON_EQUAL), which takes a top-level scalar
   * (`42`, `"text"`, `null`: Prisma's JsonNull is the document `null`) as JSON only from Oracle 21c with COMPATIBLE 20 or
   * higher. Before that, a column holding such a document (written with `jsonCheck` off) compares unequal to everything,
   * silently: an engine must refuse the plan there (a DriverAdapterError saying so). One way to tell, once per pool:
   * `SELECT CASE WHEN JSON_EQUAL('1', '1') THEN 1 ELSE 0 END FROM DUAL` is 1 exactly where scalars are JSON.
   */
  readonly jsonScalars?: true
}

/**
 * A translated statement. Its result is the concatenated rows of the steps that yield rows (with the columns of the
 * first), and its count the sum of the steps' counts (or of the rows they yield). Steps run in order on one connection;
 * a plan of more than one step runs inside a transaction of its own where the caller is not in one (savepoint-free:
 * Oracle rolls a failed statement back by itself), so that it is all or nothing as Prisma's one statement was.
 */
export interface OraclePlan {
  readonly steps: readonly OracleStep[]
  /** What the server must have for the plan to mean what Prisma's statement meant; none where absent. */
  readonly requires?: PlanRequirements
}

/**
 * The plan of a statement whose text alone does not decide it, because some argument values change what it means on
 * Oracle: an empty string (Oracle stores '' as NULL) compared with, an empty byte array compared with, a NULL where an
 * upsert re-reads its row by its key. `valueArgs` are the arguments whose values are looked at; `variant` reads them
 * (a loop over that short list) and says which plan a call needs: `''` for `usual`, the plan of nearly every call;
 * another key for the plan `render` makes (or the UntranslatableError it throws), the same for every call of that key.
 */
export interface DeferredPlan {
  readonly valueArgs: readonly number[]
  readonly usual: OraclePlan
  variant(args: readonly unknown[]): string
  render(args: readonly unknown[]): OraclePlan
}

/** Prisma's types of a statement's arguments (SqlQuery['argTypes']): `{ scalarType, dbType?, arity }` each. */
export type ArgTypes = SqlQuery['argTypes']

/**
 * What translate() makes of a statement. `typedBy`: the arguments whose types (Prisma's argTypes) the translation read,
 * ascending — it holds for every call whose arguments at those indexes have the same types (scalarType, dbType,
 * arity); absent or empty, for any types.
 */
export type Translation = (OraclePlan | DeferredPlan) & { readonly typedBy?: readonly number[] }

export const isDeferred = (translation: Translation): translation is DeferredPlan & { readonly typedBy?: readonly number[] } => 'render' in translation

/**
 * A statement Prisma sent that no Oracle statement can do, with why and what to do instead (a DriverAdapterError then).
 * `typedBy`, as a Translation's: the arguments whose types led to the refusal (it holds for calls with the same types).
 */
export class UntranslatableError extends Error {
  override readonly name = 'UntranslatableError'
  typedBy?: readonly number[]
}
