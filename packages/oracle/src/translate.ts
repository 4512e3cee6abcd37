/**
 * The SQL Prisma 7's query compiler writes for PostgreSQL (and users' $queryRaw / $executeRaw), as Oracle SQL: a plan
 * of one or more statements (plan.ts). Token-based: quoted names, string literals and comments never match a rule.
 * A wrong result is never acceptable; what cannot be made exact is refused (UntranslatableError, saying what to do).
 *
 * The rewrites:
 * - `$n` → `:k` in order of occurrence, a bind per placeholder (a `$n` used twice binds its argument twice);
 * - the `"public".` qualifier dropped (for the `public` schema; another schema's is kept as written);
 * - `AS` before a table alias dropped (FROM and JOIN items, sub-selects); kept before column aliases;
 * - `LIMIT a OFFSET b` → `OFFSET b ROWS FETCH NEXT a ROWS ONLY` (the binds follow the output's order), at any level;
 * - `::text` / `::varchar` casts dropped, `CAST(x AS "Enum")` → `x` (an enum is a string); other `::` casts refused, and
 *   so are casts with a length or precision (::varchar(2), ::numeric(5,2)), which PostgreSQL applies;
 * - `a ILIKE b` → `UPPER(a) LIKE UPPER(b)`; TRUE/FALSE → `1=1`/`1=0` as a condition, `1`/`0` as a value;
 * - row values, which Oracle compares only with a sub-select: `(a, b) = (x, y)` → `(a = x AND b = y)`, `<>` →
 *   `(NOT (a = x AND b = y))`, `<` `<=` `>` `>=` → their lexicographic OR / AND form (Prisma's compound-key cursors);
 * - `a / $n` with an integer argument (Prisma's `divide` on Int / BigInt) → `TRUNC(a / :n)`: PostgreSQL's integer
 *   division truncates, Oracle's is exact;
 * - target 'oracle': a column compared with a bytes argument (`=`, `<>`, IN, NOT IN) → `DBMS_LOB.COMPARE(c, :n) = 0`
 *   (`<> 0`; ORed / ANDed for a list): Oracle compares no BLOB with `=` (H2 does: 'h2' keeps it);
 * - IN / NOT IN lists past Oracle's 1,000 elements → ORed IN / ANDed NOT IN lists of 1,000;
 * - INSERT of several rows → one step per row (the same SQL text for rows of one shape, which an engine may batch);
 *   not one INSERT … SELECT … UNION ALL, which Oracle takes with no RETURNING (createManyAndReturn needs it per row)
 *   and which types each column from its first row;
 * - ON CONFLICT DO NOTHING → the per-row steps with `skipDuplicate` (a unique violation counts 0 rows); with a
 *   conflict target, refused (the skip would take any unique violation for one of those keys);
 * - ON CONFLICT (key) DO UPDATE → a MERGE, then a SELECT of the row by its key (translate/statements.ts); refused where
 *   the key is NULL (set or inserted: that SELECT would find nothing);
 * - RETURNING → `RETURNING … INTO :k…` with the step's `returning` (target 'oracle'), or `SELECT … FROM FINAL TABLE
 *   (…)` / `OLD TABLE (DELETE …)` (target 'h2');
 * - JSON: whole-value equals / not → JSON_EQUAL (the plan's requires.jsonScalars: Oracle 21c); every filter with a
 *   path (and string_*, array_*, gt…) refused: translate/json.ts;
 * - comparisons with an argument that is '' or empty bytes (Oracle's NULL) → rewritten per call where exact, refused
 *   where not (translate/empty-strings.ts): the plan is then a DeferredPlan; with a '' literal, the same at translation.
 * Refused, with what to do instead (UntranslatableError): relationJoins' LATERAL / JSONB_AGG, DISTINCT ON, arrays
 * (= ANY($n), ARRAY[…]), casts other than to text, PostgreSQL-only operators and literals, several statements.
 *
 * What a translation depends on besides the SQL text: the types of some arguments (a divisor's, a bytes comparison's:
 * the Translation's `typedBy`, by which the cache keeps a variant per set of types), and the values of some (a ''
 * compared with, a NULL upsert key: a DeferredPlan's `valueArgs`, looked at per call).
 *
 * Where Oracle's semantics differ from PostgreSQL's (the README has them):
 * - Oracle stores '' (and empty bytes) as NULL: one written comes back as NULL. A filter that must tell '' from NULL
 *   (equals '', gte/lte '', in ['', …]) is refused; the others are rewritten (not '' → IS NOT NULL);
 * - `||` with a NULL operand gives the other operand on Oracle, NULL on PostgreSQL;
 * - Prisma does not escape % and _ in contains / startsWith / endsWith (on PostgreSQL either); PostgreSQL's LIKE
 *   takes \ as its escape character, Oracle's has none: a backslash in such a value is a plain character on Oracle;
 * - ILIKE / mode: 'insensitive' is UPPER() on both sides: case mapping is Oracle's, not PostgreSQL's locale's;
 * - ORDER BY on text follows the session's NLS_SORT (BINARY by default: code point order, not a collation);
 * - an upsert is a MERGE: two sessions upserting the same new key at once may get a unique violation, which
 *   PostgreSQL's ON CONFLICT would have turned into an update;
 * - JSON_EQUAL and jsonb's = differ only on documents Prisma does not write (duplicate keys, 1 and 1.0, lax syntax);
 * - user raw SQL runs with Oracle's semantics (functions, types, NULLs); it may use `$n` placeholders, and is
 *   otherwise best written for Oracle (a PL/SQL block goes through with only its placeholders translated). In
 *   particular, a division is Oracle's exact one unless its divisor is an integer argument (a BigInt: Prisma types a
 *   JS number as decimal): `"int" / 2`, `"a" / "b"`, `"int" / ${2}` do not truncate as PostgreSQL's integer division
 *   does (write TRUNC(a / b)), and `"float" / ${2n}` truncates where PostgreSQL's would not.
 */
import { isDeferred, UntranslatableError, type ArgTypes, type DeferredPlan, type OraclePlan, type TranslateOptions, type Translation } from './plan.js'
import { assemble, plainPlan } from './translate/assemble.js'
import { TranslationContext } from './translate/context.js'
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

/**
 * The translation of one of Prisma's statements. `argTypes`: the call's (Prisma's SqlQuery['argTypes']); where the
 * translation reads some, its `typedBy` lists them (and so does a refusal's): the translation holds for every call
 * whose arguments at those indexes have the same types. Without `argTypes`, every type is unknown (an integer
 * division is then Oracle's exact one, a comparison with bytes Oracle's plain one): give them.
 */
export function translate(sql: string, options: TranslateOptions, argTypes?: ArgTypes): Translation {
  const context = new TranslationContext(options.target, argTypes)
  let translation: Translation
  try {
    translation = translateWith(sql, options, context)
  } catch (error) {
    if (error instanceof UntranslatableError && context.typedBy.length > 0) error.typedBy = context.typedBy
    throw error
  }
  const typedBy = context.typedBy
  return typedBy.length === 0 ? translation : { ...translation, typedBy }
}

function translateWith(sql: string, options: TranslateOptions, context: TranslationContext): Translation {
  let tokens = tokenize(sql)
  // Oracle's already: its placeholders numbered, nothing else looked at (its comparisons are Oracle's to mean).
  if (isPlsql(tokens)) return plainPlan([{ tokens, yields: 'count' }])
  while (isOp(tokens.at(-1), ';')) tokens = tokens.slice(0, -1)
  if (tokens.length === 0) throw new UntranslatableError('An empty statement')
  if (tokens.some((token) => isOp(token, ';'))) {
    throw new UntranslatableError('Several statements in one are not supported on Oracle: send them one by one, or as a PL/SQL block (BEGIN … END;)')
  }
  refusePostgresOnly(tokens)
  if (options.schema === 'public') tokens = dropSchemaQualifier(tokens, 'public')
  return assemble(planStatement(tokens, context), context)
}

/** How many variants (one per set of types of its typed arguments) a statement keeps. */
const VARIANTS_PER_STATEMENT = 16
/** How many rendered plans a DeferredPlan keeps, per statement (one per key of its special argument values). */
const RENDERS_PER_STATEMENT = 64

/** A translation (or refusal) and, for a DeferredPlan, its rendered plans (or refusals) by variant key. */
interface State {
  readonly translation: Translation | UntranslatableError
  readonly renders?: Map<string, { used: number; readonly plan: OraclePlan | UntranslatableError }>
}

/** A translation of a statement for the types its `typedBy` arguments had (scalarType, dbType, arity of each). */
interface Variant {
  used: number
  readonly typedBy: readonly number[]
  /** Per typedBy index, three values: scalarType, dbType, arity. */
  readonly types: readonly unknown[]
  readonly state: State
}

interface Entry {
  used: number
  /** The statement's translation where it depends on no argument type (nearly every statement). */
  readonly untyped?: State
  /** Its translations by the types they depend on, most recently used first, otherwise. */
  readonly variants?: Variant[]
}

const typesOf = (typedBy: readonly number[], argTypes: ArgTypes) =>
  typedBy.flatMap((arg) => {
    const type = argTypes[arg]
    return [type?.scalarType, type?.dbType, type?.arity]
  })

function matches(variant: Variant, argTypes: ArgTypes): boolean {
  const { typedBy, types } = variant
  for (let k = 0; k < typedBy.length; k++) {
    const type = argTypes[typedBy[k]!]
    if (type?.scalarType !== types[3 * k] || type?.dbType !== types[3 * k + 1] || type?.arity !== types[3 * k + 2]) return false
  }
  return true
}

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
 * Oracle cannot run costs one translation. A hit is a map lookup: no tokenising, no pass over the SQL. A statement whose
 * translation read argument types keeps a variant per set of those types (a loop over them per call); a DeferredPlan
 * looks at its few special-valued arguments (a loop), and keeps a rendered plan per key where one is special.
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

  /**
   * The plan of `sql` for this call's arguments and their types (Prisma's SqlQuery args and argTypes); throws the
   * statement's UntranslatableError.
   */
  plan(sql: string, args: readonly unknown[], argTypes: ArgTypes): OraclePlan {
    const used = ++this.#clock
    let entry = this.#entries.get(sql)
    let state: State
    if (entry === undefined) {
      const translation = this.#translateOrRefuse(sql, argTypes)
      state = stateOf(translation)
      const typedBy = translation.typedBy ?? []
      if (typedBy.length > 0 && !Array.isArray(argTypes)) throw needsArgTypes(sql)
      entry = typedBy.length === 0 ? { used, untyped: state } : { used, variants: [{ used, typedBy, types: typesOf(typedBy, argTypes), state }] }
      if (this.#entries.size >= this.#maxEntries) evictOldest(this.#entries)
      this.#entries.set(sql, entry)
    } else {
      entry.used = used
      if (entry.untyped !== undefined) state = entry.untyped
      else {
        // Typed: the most recently used variant first (a loop over its few typed arguments), the others where it differs.
        const latest = entry.variants![0]!
        if (argTypes !== undefined && matches(latest, argTypes)) {
          latest.used = used
          state = latest.state
        } else state = this.#variantState(sql, entry.variants!, argTypes, used)
      }
    }
    const { translation, renders } = state
    if (renders === undefined) {
      if (translation instanceof UntranslatableError) throw translation
      return translation as OraclePlan
    }
    const deferred = translation as DeferredPlan
    const key = deferred.variant(args)
    if (key === '') return deferred.usual
    let rendered = renders.get(key)
    if (rendered === undefined) {
      rendered = { used, plan: refusalOr(() => deferred.render(args)) }
      if (renders.size >= RENDERS_PER_STATEMENT) evictOldest(renders)
      renders.set(key, rendered)
    } else rendered.used = used
    if (rendered.plan instanceof UntranslatableError) throw rendered.plan
    return rendered.plan
  }

  /** The translation of one statement for these argument types (a subclass may count them). */
  protected translateStatement(sql: string, argTypes: ArgTypes): Translation {
    return translate(sql, this.#options, argTypes)
  }

  #translateOrRefuse(sql: string, argTypes: ArgTypes): Translation | UntranslatableError {
    return refusalOr(() => this.translateStatement(sql, argTypes))
  }

  /** The state of the variant of a typed statement these types match, translated (and kept) where none does. */
  #variantState(sql: string, variants: Variant[], argTypes: ArgTypes, used: number): State {
    if (!Array.isArray(argTypes)) throw needsArgTypes(sql)
    for (const [k, variant] of variants.entries()) {
      if (matches(variant, argTypes)) {
        variant.used = used
        // Most recently used first.
        variants.splice(k, 1)
        variants.unshift(variant)
        return variant.state
      }
    }
    const translation = this.#translateOrRefuse(sql, argTypes)
    const typedBy = translation.typedBy ?? []
    const variant: Variant = { used, typedBy, types: typesOf(typedBy, argTypes), state: stateOf(translation) }
    if (variants.length >= VARIANTS_PER_STATEMENT) variants.splice(variants.indexOf(variants.reduce((a, b) => (a.used <= b.used ? a : b))), 1)
    variants.unshift(variant)
    return variant.state
  }
}

const needsArgTypes = (sql: string) => new TypeError(`TranslationCache.plan needs the call's argTypes: the translation of this statement depends on them (${sql.slice(0, 80)})`)

const stateOf = (translation: Translation | UntranslatableError): State =>
  !(translation instanceof UntranslatableError) && isDeferred(translation) ? { translation, renders: new Map() } : { translation }

/** What `make` returns, or the UntranslatableError it throws (any other error is a bug: thrown on). */
function refusalOr<T>(make: () => T): T | UntranslatableError {
  try {
    return make()
  } catch (error) {
    if (error instanceof UntranslatableError) return error
    throw error
  }
}
