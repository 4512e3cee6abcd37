/**
 * The SQL Prisma 7's query compiler writes for PostgreSQL (and users' $queryRaw / $executeRaw), as Oracle SQL: a plan
 * of one or more statements (plan.ts). Token-based: quoted names, string literals and comments never match a rule.
 *
 * The rewrites:
 * - `$n` → `:k` in order of occurrence, a bind per placeholder (a `$n` used twice binds its argument twice);
 * - the `"public".` qualifier dropped (for the `public` schema; another schema's is kept as written);
 * - `AS` before a table alias dropped (FROM and JOIN items, sub-selects); kept before column aliases;
 * - `LIMIT a OFFSET b` → `OFFSET b ROWS FETCH NEXT a ROWS ONLY` (the binds follow the output's order), at any level;
 * - `::text` casts dropped, `CAST(x AS "Enum")` → `x` (an enum is a string); other `::` casts refused;
 * - `a ILIKE b` → `UPPER(a) LIKE UPPER(b)`; TRUE/FALSE → `1=1`/`1=0` as a condition, `1`/`0` as a value;
 * - IN / NOT IN lists past Oracle's 1,000 elements → ORed IN / ANDed NOT IN lists of 1,000;
 * - INSERT of several rows → one step per row (the same SQL text for rows of one shape, which an engine may batch);
 *   not one INSERT … SELECT … UNION ALL, which Oracle takes with no RETURNING (createManyAndReturn needs it per row)
 *   and which types each column from its first row;
 * - ON CONFLICT DO NOTHING → the per-row steps with `skipDuplicate` (a unique violation counts 0 rows);
 * - ON CONFLICT (key) DO UPDATE → a MERGE, then a SELECT of the row by its key (translate/statements.ts);
 * - RETURNING → `RETURNING … INTO :k…` with the step's `returning` (target 'oracle'), or `SELECT … FROM FINAL TABLE
 *   (…)` / `OLD TABLE (DELETE …)` (target 'h2');
 * - JSON filters → JSON_EXISTS / JSON_VALUE / JSON_QUERY / JSON_EQUAL, with the path rendered per call into the SQL
 *   (a DeferredPlan): translate/json.ts has the forms and what is refused.
 * Refused, with what to do instead (UntranslatableError): relationJoins' LATERAL / JSONB_AGG, DISTINCT ON, arrays
 * (= ANY($n), ARRAY[…]), casts other than to text, PostgreSQL-only operators and literals, several statements.
 *
 * Where Oracle's semantics differ from PostgreSQL's (the README has them):
 * - Oracle stores '' as NULL: an empty string written comes back as NULL, and `= ''` matches nothing;
 * - `||` with a NULL operand gives the other operand on Oracle, NULL on PostgreSQL;
 * - Prisma does not escape % and _ in contains / startsWith / endsWith (on PostgreSQL either); PostgreSQL's LIKE
 *   takes \ as its escape character, Oracle's has none: a backslash in such a value is a plain character on Oracle;
 * - ILIKE / mode: 'insensitive' is UPPER() on both sides: case mapping is Oracle's, not PostgreSQL's locale's;
 * - ORDER BY on text follows the session's NLS_SORT (BINARY by default: code point order, not a collation);
 * - an upsert is a MERGE: two sessions upserting the same new key at once may get a unique violation, which
 *   PostgreSQL's ON CONFLICT would have turned into an update;
 * - a JSON path element of digits indexes an array (PostgreSQL's #> would also read it as an object's key), and
 *   Oracle's lax path matching applies a key step to an array's elements where PostgreSQL's #> finds nothing;
 * - user raw SQL runs with Oracle's semantics (functions, types, NULLs); it may use `$n` placeholders, and is
 *   otherwise best written for Oracle (a PL/SQL block goes through with only its placeholders translated).
 */
import { UntranslatableError, type OraclePlan, type TranslateOptions, type Translation } from './plan.js'
import { assemble } from './translate/assemble.js'
import { dropSchemaQualifier, refusePostgresOnly } from './translate/expressions.js'
import { planStatement } from './translate/statements.js'
import { isOp, isWord, tokenize, type Token } from './translate/tokens.js'

/** A PL/SQL block or stored unit, which keeps its semicolons and is Oracle's already. */
function isPlsql(tokens: readonly Token[]): boolean {
  const [first, second, third, fourth] = tokens
  if (isWord(first, 'BEGIN', 'DECLARE')) return true
  if (!isWord(first, 'CREATE')) return false
  const unit = isWord(second, 'OR') && isWord(third, 'REPLACE') ? fourth : second
  return isWord(unit, 'PROCEDURE', 'FUNCTION', 'PACKAGE', 'TRIGGER', 'TYPE')
}

export function translate(sql: string, options: TranslateOptions): Translation {
  let tokens = tokenize(sql)
  if (isPlsql(tokens)) return assemble([{ tokens, yields: 'count' }], new Set())
  while (isOp(tokens.at(-1), ';')) tokens = tokens.slice(0, -1)
  if (tokens.length === 0) throw new UntranslatableError('An empty statement')
  if (tokens.some((token) => isOp(token, ';'))) {
    throw new UntranslatableError('Several statements in one are not supported on Oracle: send them one by one, or as a PL/SQL block (BEGIN … END;)')
  }
  refusePostgresOnly(tokens)
  if (options.schema === 'public') tokens = dropSchemaQualifier(tokens, 'public')
  const inlined = new Set<number>()
  return assemble(planStatement(tokens, options.target, inlined), inlined)
}

/** How many rendered plans a DeferredPlan keeps, per statement (one per set of values of its inlined arguments). */
const RENDERS_PER_STATEMENT = 64

interface Entry {
  used: number
  readonly translation: Translation | UntranslatableError
  /** A DeferredPlan's rendered plans (or refusals) by the values of its inlined arguments. */
  readonly renders?: Map<string, { used: number; readonly plan: OraclePlan | UntranslatableError }>
}

/** The key of a call's inlined arguments (Prisma's JSON paths and filter values: strings, numbers). */
const keyOf = (inlined: readonly number[], args: readonly unknown[]) => inlined.map((i) => `${typeof args[i]}:${String(args[i])}`).join('\u0000')

/** Evicts the least recently used of `map`'s entries. Run on a miss only, which costs a translation anyway. */
function evictOldest<K>(map: Map<K, { used: number }>): void {
  let oldest: K | undefined
  let used = Infinity
  for (const [key, entry] of map) {
    if (entry.used < used) ((used = entry.used), (oldest = key))
  }
  if (oldest !== undefined) map.delete(oldest)
}

/**
 * Translations by SQL text, the least recently used evicted past `maxEntries`; a refusal is kept too, so a statement
 * Oracle cannot run costs one translation. A hit is a map lookup (and, for a DeferredPlan, a second one by the values
 * of its inlined arguments): no tokenising, no pass over the SQL.
 */
export class TranslationCache {
  readonly #options: TranslateOptions
  readonly #maxEntries: number
  readonly #entries = new Map<string, Entry>()
  #clock = 0

  constructor(options: TranslateOptions, maxEntries = 500) {
    this.#options = options
    this.#maxEntries = Math.max(1, maxEntries)
  }

  get size(): number {
    return this.#entries.size
  }

  /** The plan of `sql` for this call's arguments; throws the statement's UntranslatableError. */
  plan(sql: string, args: readonly unknown[]): OraclePlan {
    const used = ++this.#clock
    let entry = this.#entries.get(sql)
    if (entry === undefined) {
      entry = this.#translateEntry(sql, used)
      if (this.#entries.size >= this.#maxEntries) evictOldest(this.#entries)
      this.#entries.set(sql, entry)
    } else entry.used = used
    const { translation, renders } = entry
    if (translation instanceof UntranslatableError) throw translation
    if (renders === undefined) return translation as OraclePlan
    const deferred = translation as Extract<Translation, { render: unknown }>
    const key = keyOf(deferred.inlined, args)
    let rendered = renders.get(key)
    if (rendered === undefined) {
      rendered = { used, plan: refusalOr(() => deferred.render(args)) }
      if (renders.size >= RENDERS_PER_STATEMENT) evictOldest(renders)
      renders.set(key, rendered)
    } else rendered.used = used
    if (rendered.plan instanceof UntranslatableError) throw rendered.plan
    return rendered.plan
  }

  /** The translation of one statement (a subclass may count them). */
  protected translateStatement(sql: string): Translation {
    return translate(sql, this.#options)
  }

  #translateEntry(sql: string, used: number): Entry {
    const translation = refusalOr(() => this.translateStatement(sql))
    return 'render' in translation ? { used, translation, renders: new Map() } : { used, translation }
  }
}

/** What `make` returns, or the UntranslatableError it throws (any other error is a bug: thrown on). */
function refusalOr<T>(make: () => T): T | UntranslatableError {
  try {
    return make()
  } catch (error) {
    if (error instanceof UntranslatableError) return error
    throw error
  }
}
