// The rewrites of PostgreSQL expressions and query clauses into Oracle's, each a pass over a token list: casts,
// ILIKE, boolean literals, row-value comparisons, integer division, BLOB comparisons, IN lists past 1,000,
// LIMIT/OFFSET, AS before table aliases. Statement-level forms (INSERT … ON CONFLICT, RETURNING) are statements.ts's;
// JSON operators json.ts's; what depends on argument values (empty strings) empty-strings.ts's.
import { UntranslatableError } from '../plan.js'
import { isBytesType, isIntegerType, type TranslationContext } from './context.js'
import { JSON_PATHS, rewriteJson } from './json.js'
import {
  assignmentOperators,
  fragment,
  isName,
  isOp,
  isWord,
  operandEnd,
  operandStart,
  partners,
  primaryStart,
  spaced,
  splitAtCommas,
  textOf,
  withSpace,
  type Token,
} from './tokens.js'

const RELATION_JOINS =
  "Prisma's relationJoins preview feature (relationLoadStrategy: 'join') is not supported on Oracle: remove it from previewFeatures or pass relationLoadStrategy: 'query'"
const ARRAYS = 'PostgreSQL arrays are not supported on Oracle (Prisma scalar lists, = ANY($n) with an array argument, ARRAY[…]): use a relation, or IN (…) with the values'

/** Words only PostgreSQL knows, and why Prisma sent them. */
const POSTGRES_ONLY_WORDS: Record<string, string> = {
  LATERAL: RELATION_JOINS,
  JSONB_AGG: RELATION_JOINS,
  JSONB_BUILD_OBJECT: RELATION_JOINS,
  JSON_AGG: RELATION_JOINS,
  JSON_BUILD_OBJECT: RELATION_JOINS,
  ARRAY_AGG: ARRAYS,
  UNNEST: ARRAYS,
  ARRAY_LENGTH: ARRAYS,
  ARRAY_POSITION: ARRAYS,
}

/** Refuses, up front and with the reason, the statement shapes no rewrite can make Oracle SQL of. */
export function refusePostgresOnly(tokens: readonly Token[]): void {
  tokens.forEach((token, i) => {
    if (token.kind === 'ident' && token.key === '__prisma_data__') throw new UntranslatableError(RELATION_JOINS)
    if (token.kind !== 'word') return
    const reason = POSTGRES_ONLY_WORDS[token.key]
    if (reason !== undefined && (token.key === 'LATERAL' || isOp(tokens[i + 1], '('))) throw new UntranslatableError(reason)
    if (token.key === 'DISTINCT' && isWord(tokens[i + 1], 'ON')) {
      throw new UntranslatableError("PostgreSQL's DISTINCT ON is not supported on Oracle: remove Prisma's nativeDistinct preview feature from previewFeatures")
    }
    if ((token.key === 'ANY' || token.key === 'SOME' || token.key === 'ALL') && isOp(tokens[i + 1], '(')) {
      const inside = tokens[i + 2]
      if (inside?.kind === 'param' || isWord(inside, 'ARRAY')) throw new UntranslatableError(ARRAYS)
    }
  })
}

/**
 * Rewrites an expression, clause or whole query (one without RETURNING or ON CONFLICT) into Oracle's forms;
 * `isCondition`: the tokens are a condition (a WHERE's), not a value or a statement.
 */
export function rewriteExpression(tokens: readonly Token[], context: TranslationContext, isCondition = false): Token[] {
  let out = rewriteJson(tokens, context)
  out = rewriteCasts(out)
  out = rewriteIlike(out)
  out = rewriteBooleans(out, isCondition)
  out = rewriteRowComparisons(out)
  out = rewriteIntegerDivision(out, context)
  if (context.target === 'oracle') out = rewriteLobComparisons(out, context)
  out = splitLongInLists(out)
  out = rewriteLimitOffset(out)
  out = dropTableAliasAs(out)
  refuseLeftovers(out)
  return out
}

/** Tokens `[start, end)` of `tokens` replaced by `replacement`, which takes the replaced tokens' leading space. */
function splice(tokens: readonly Token[], start: number, end: number, replacement: readonly Token[]): Token[] {
  return [...tokens.slice(0, start), ...spaced(replacement, tokens[start]?.space ?? false), ...tokens.slice(end)]
}

/**
 * PostgreSQL's text types of no length: a cast to one is dropped (Oracle compares and LIKEs its strings, and enums are
 * strings). Not CHAR / CHARACTER (character(1): it cuts), BPCHAR (blank-padded, compared without trailing spaces), NAME
 * (cut to 63 bytes), CITEXT (compared case-insensitively): dropping those casts would change the result.
 */
const TEXT_TYPES = new Set(['TEXT', 'VARCHAR', 'CHARACTER VARYING'])
const CHANGING_TEXT_TYPES = new Set(['CHAR', 'CHARACTER', 'BPCHAR', 'NAME', 'CITEXT'])

/**
 * `x::text` → `x` (Prisma casts string and enum columns to text for LIKE and in select lists); `CAST(x AS "Enum")` →
 * `x` (enums are strings on Oracle). A cast to any other type is refused: it has no equivalent that keeps its meaning
 * without knowing the operand's type; so is one with a length or precision (::varchar(2), ::numeric(5,2)), which
 * PostgreSQL applies (it cuts, pads or rounds the value) and dropping the cast would not.
 */
function rewriteCasts(tokens: readonly Token[]): Token[] {
  const out: Token[] = []
  let pendingSpace = false
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!
    if (!isOp(token, '::')) {
      out.push(pendingSpace ? withSpace(token, true) : token)
      pendingSpace = false
      continue
    }
    let end = i + 1
    const words: string[] = []
    while (tokens[end]?.kind === 'word' && (words.length === 0 || ['VARYING', 'PRECISION', 'WITH', 'WITHOUT', 'TIME', 'ZONE'].includes(tokens[end]!.key))) {
      words.push(tokens[end]!.key)
      end++
    }
    const type = words.join(' ')
    const sized = isOp(tokens[end], '(')
    if (sized) while (end < tokens.length && !isOp(tokens[end - 1], ')')) end++
    const isArray = isOp(tokens[end], '[')
    const written = textOf(spaced(tokens.slice(i + 1, isArray ? end + 2 : end), false))
    if (isArray) throw new UntranslatableError(`${ARRAYS} (a cast ::${written})`)
    if (sized) {
      throw new UntranslatableError(
        `PostgreSQL's cast ::${written} is not supported on Oracle: PostgreSQL cuts, pads or rounds the value to that length or precision, which Oracle would not do without the cast; write it as Oracle SQL (SUBSTR(x, 1, n), ROUND(x, s), CAST(x AS NUMBER(p, s)) …)`,
      )
    }
    if (CHANGING_TEXT_TYPES.has(type)) {
      throw new UntranslatableError(`PostgreSQL's cast ::${written} is not supported on Oracle: it changes the value or how it compares (${type.toLowerCase()}); write it as Oracle SQL`)
    }
    if (!TEXT_TYPES.has(type)) throw new UntranslatableError(`PostgreSQL's cast ::${written || '?'} is not supported on Oracle: write CAST(… AS <an Oracle type>) instead`)
    pendingSpace ||= token.space
    i = end - 1
  }
  // CAST(x AS "Role"): a cast to an enum type, which Oracle has as a string.
  let result = out
  for (let i = result.length - 1; i >= 0; i--) {
    if (!isWord(result[i], 'CAST') || !isOp(result[i + 1], '(')) continue
    const partner = partners(result)
    const close = partner[i + 1]!
    let as = -1
    for (let k = i + 2; k < close; k++) {
      if (isOp(result[k], '(', '[')) k = partner[k]!
      else if (isWord(result[k], 'AS')) as = k
    }
    const type = result.slice(as + 1, close)
    const isEnum = as > i + 2 && type.length > 0 && type.every((t, k) => (k % 2 === 0 ? t.kind === 'ident' : isOp(t, '.')))
    if (!isEnum) continue
    const inner = result.slice(i + 2, as)
    result = splice(result, i, close + 1, inner.length === 1 ? inner : [...fragment('('), ...spaced(inner, false), ...fragment(')')])
  }
  return result
}

/** `a ILIKE b` → `UPPER(a) LIKE UPPER(b)`, `a NOT ILIKE b` → `UPPER(a) NOT LIKE UPPER(b)`. */
function rewriteIlike(tokens: readonly Token[]): Token[] {
  let out = [...tokens]
  for (let i = out.length - 1; i >= 0; i--) {
    if (!isWord(out[i], 'ILIKE')) continue
    const partner = partners(out)
    const negated = isWord(out[i - 1], 'NOT')
    const leftEnd = negated ? i - 1 : i
    const leftStart = operandStart(out, leftEnd, partner, 'ILIKE')
    const rightEnd = operandEnd(out, i + 1, partner, 'ILIKE')
    const replacement = [
      ...fragment('UPPER('),
      ...spaced(out.slice(leftStart, leftEnd), false),
      ...fragment(negated ? ') NOT LIKE UPPER(' : ') LIKE UPPER('),
      ...spaced(out.slice(i + 1, rightEnd), false),
      ...fragment(')'),
    ]
    out = splice(out, leftStart, rightEnd, replacement)
    i = leftStart
  }
  return out
}

/** Words after which a boolean literal is a whole condition. */
const CONDITION_STARTS = ['WHERE', 'AND', 'OR', 'NOT', 'ON', 'HAVING', 'WHEN']
const COMPARISONS = ['=', '<>', '!=', '<', '>', '<=', '>=']

/**
 * TRUE/FALSE, which Oracle's SQL (before 23ai) has not: `1=1`/`1=0` where the literal is a whole condition (WHERE
 * TRUE, AND FALSE), `1`/`0` where it is a value (a Boolean column is NUMBER(1)). IS [NOT] TRUE is refused.
 */
function rewriteBooleans(tokens: readonly Token[], startsCondition: boolean): Token[] {
  return tokens.flatMap((token, i) => {
    if (!isWord(token, 'TRUE', 'FALSE')) return [token]
    const truth = token.key === 'TRUE'
    let before = i - 1
    while (isOp(tokens[before], '(')) before--
    if (isWord(tokens[before], 'IS') || (isWord(tokens[before], 'NOT') && isWord(tokens[before - 1], 'IS'))) {
      throw new UntranslatableError(`IS [NOT] ${token.key} is not supported on Oracle: compare with = 1 or = 0 (a Boolean column is NUMBER(1))`)
    }
    const isCondition = (before < 0 ? startsCondition : isWord(tokens[before], ...CONDITION_STARTS)) && !isOp(tokens[i + 1], ...COMPARISONS) && !isWord(tokens[i + 1], 'IS')
    return spaced(fragment(isCondition ? (truth ? '1=1' : '1=0') : truth ? '1' : '0'), token.space)
  })
}

const ROW_REFUSED = 'is not supported on Oracle: compare the columns one by one'

/** `(a, b)` of a row value: a bracket of two or more expressions at `open`, not a call's arguments nor a sub-select. */
function rowAt(tokens: readonly Token[], open: number, partner: Int32Array): Token[][] | undefined {
  if (!isOp(tokens[open], '(') || isWord(tokens[open + 1], 'SELECT', 'WITH')) return undefined
  const before = tokens[open - 1]
  if (before !== undefined && (before.kind === 'ident' || (before.kind === 'word' && (isName(before) || isWord(before, 'IN', 'VALUES', 'EXISTS', 'INTO'))))) return undefined
  const elements = splitAtCommas(tokens, open + 1, partner[open]!, partner)
  return elements.length >= 2 ? elements : undefined
}

/**
 * Row-value comparisons, which Oracle refuses with a list of values (ORA-00920): Prisma's compound-key cursors write
 * `("Membership"."userId","Membership"."groupId") = ($1,$2)`. `(a, b) = (x, y)` → `(a = x AND b = y)`, `<>` / `!=` →
 * `(NOT (a = x AND b = y))`, `<` → `(a < x OR (a = x AND b < y))` (and so on for more columns; `<=` ends with `b <= y`),
 * each PostgreSQL's row comparison in three-valued logic. `(a, b) = (SELECT …)`, which Oracle has, stays.
 */
function rewriteRowComparisons(tokens: readonly Token[]): Token[] {
  if (!tokens.some((token, i) => isOp(token, ...COMPARISONS) && isOp(tokens[i - 1], ')') && isOp(tokens[i + 1], '('))) return [...tokens]
  let out = [...tokens]
  for (let i = out.length - 2; i > 0; i--) {
    if (!isOp(out[i], ...COMPARISONS) || !isOp(out[i - 1], ')') || !isOp(out[i + 1], '(')) continue
    const partner = partners(out)
    if (assignmentOperators(out, partner).has(i)) continue
    const open = partner[i - 1]!
    const close = partner[i + 1]!
    const left = rowAt(out, open, partner)
    if (left === undefined) continue
    const op = out[i]!.key
    const what = textOf(spaced(out.slice(open, close + 1), false))
    if (isWord(out[i + 2], 'SELECT', 'WITH')) {
      if (op === '=' || op === '<>' || op === '!=') continue
      throw new UntranslatableError(`A row comparison with a sub-select ${what} ${ROW_REFUSED}`)
    }
    const right = rowAt(out, i + 1, partner) ?? splitAtCommas(out, i + 2, close, partner)
    if (right.length !== left.length) throw new UntranslatableError(`A row comparison of ${left.length} and ${right.length} values (${what}) ${ROW_REFUSED}`)
    const pair = (k: number, operator: string) => [...spaced(left[k]!, true), ...fragment(` ${operator}`), ...spaced(right[k]!, true)]
    let replacement: Token[]
    if (op === '=' || op === '<>' || op === '!=') {
      const all = left.flatMap((_, k) => [...(k > 0 ? fragment(' AND') : []), ...pair(k, '=')])
      replacement = op === '=' ? [...fragment('('), ...spaced(all, false), ...fragment(')')] : [...fragment('(NOT ('), ...spaced(all, false), ...fragment('))')]
    } else {
      const strict = op[0]!
      const from = (k: number): Token[] =>
        k === left.length - 1
          ? pair(k, op)
          : [...fragment(' ('), ...spaced(pair(k, strict), false), ...fragment(' OR ('), ...spaced(pair(k, '='), false), ...fragment(' AND'), ...from(k + 1), ...fragment('))')]
      replacement = spaced(from(0), false)
    }
    out = splice(out, open, close + 1, replacement)
    i = open
  }
  return out
}

/** The bind that is the divisor at `at` (`$n`, `-$n`, `($n)`), and where it ends; undefined for any other divisor. */
function divisorBind(tokens: readonly Token[], at: number, partner: Int32Array): { arg: number; end: number } | undefined {
  const sign = isOp(tokens[at], '-', '+') ? 1 : 0
  const token = tokens[at + sign]
  if (token?.kind === 'param') return { arg: token.arg!, end: at + sign + 1 }
  if (isOp(token, '(') && partner[at + sign] === at + sign + 2 && tokens[at + sign + 1]?.kind === 'param') return { arg: tokens[at + sign + 1]!.arg!, end: at + sign + 3 }
  return undefined
}

/**
 * `a / $n` with an integer argument (Prisma's `divide` on an Int or BigInt field: `("T"."int" / $1)`) →
 * `TRUNC(a / :n)`: PostgreSQL's integer division truncates toward zero, Oracle's NUMBER division is exact (and the
 * value then rounds where a NUMBER(10) stores it: 5 / 2 → 3, where PostgreSQL gives 2). `a` is the operand of the
 * division: the terms before it joined by *, / and %, which bind as tightly. A division by anything but an argument (a
 * column, a literal, an expression) stays Oracle's exact one: raw SQL's semantics (translate.ts).
 */
function rewriteIntegerDivision(tokens: readonly Token[], context: TranslationContext): Token[] {
  if (!tokens.some((token) => isOp(token, '/'))) return [...tokens]
  let out = [...tokens]
  for (let i = 1; i < out.length; i++) {
    if (!isOp(out[i], '/')) continue
    const partner = partners(out)
    const divisor = divisorBind(out, i + 1, partner)
    if (divisor === undefined || !isIntegerType(context.typeOf(divisor.arg))) continue
    let start = primaryStart(out, i - 1, partner)
    if (start < 0) throw new UntranslatableError(`Cannot find the dividend of ${textOf(spaced(out.slice(i, divisor.end), false))} in the SQL: write it as a column or a parenthesised expression`)
    while (isOp(out[start - 1], '*', '/', '%')) {
      const before = primaryStart(out, start - 2, partner)
      if (before < 0) break
      start = before
    }
    const replacement = [...fragment('TRUNC('), ...spaced(out.slice(start, divisor.end), false), ...fragment(')')]
    out = splice(out, start, divisor.end, replacement)
    i = start + replacement.length - 1
  }
  return out
}

/** The column reference (a, a.b, a.b.c) that is exactly tokens[start, end), or false. */
const isColumnRef = (tokens: readonly Token[], start: number, end: number): boolean =>
  end > start && (end - start) % 2 === 1 && tokens.slice(start, end).every((token, k) => (k % 2 === 0 ? isName(token) && !(token.kind === 'word' && isOp(tokens[start + k + 1], '(')) : isOp(token, '.')))

/** The operand of a comparison ending before `end` / starting at `start`, or -1 where there is none to be found. */
const operandBefore = (tokens: readonly Token[], end: number, partner: Int32Array): number => {
  try {
    return operandStart(tokens, end, partner, 'a comparison')
  } catch {
    return -1
  }
}
const operandAfter = (tokens: readonly Token[], start: number, partner: Int32Array): number => {
  try {
    return operandEnd(tokens, start, partner, 'a comparison')
  } catch {
    return -1
  }
}

const LOB_REFUSED = 'is not supported on Oracle: bytes are compared with DBMS_LOB.COMPARE, whose arguments must be parameters'

/**
 * Comparisons of a column with a bytes argument (Prisma's Bytes `equals`, `not`, `in`, `notIn`), which Oracle refuses
 * on a BLOB (ORA-00932): `c = $n` → `DBMS_LOB.COMPARE(c, :n) = 0`, `<>` → `<> 0`; `c IN ($a, $b)` → `(… = 0 OR … = 0)`,
 * `NOT IN` → `(… <> 0 AND … <> 0)`. DBMS_LOB.COMPARE is NULL where either side is, so that NULLs stay UNKNOWN as in the
 * comparisons. An IN list is taken as bytes by its first element's type (Prisma's lists are of the column's type).
 * The arguments go to `lobArgs`: an empty one (Oracle's NULL) is refused per call.
 */
function rewriteLobComparisons(tokens: readonly Token[], context: TranslationContext): Token[] {
  let out = [...tokens]
  let partner = partners(out)
  let assignments = assignmentOperators(out, partner)
  const lobCompare = (column: readonly Token[], value: readonly Token[], negated: boolean) => [
    ...fragment('DBMS_LOB.COMPARE('),
    ...spaced(column, false),
    ...fragment(','),
    ...spaced(value, true),
    ...fragment(negated ? ') <> 0' : ') = 0'),
  ]
  for (let i = out.length - 1; i > 0; i--) {
    const token = out[i]!
    let edit: { start: number; end: number; replacement: Token[] } | undefined
    if (isOp(token, '=', '<>', '!=') && !assignments.has(i)) {
      const leftStart = operandBefore(out, i, partner)
      const rightEnd = operandAfter(out, i + 1, partner)
      if (leftStart < 0 || rightEnd < 0) continue
      const negated = token.key !== '='
      if (rightEnd === i + 2 && out[i + 1]!.kind === 'param' && isColumnRef(out, leftStart, i)) {
        if (!isBytesType(context.typeOf(out[i + 1]!.arg!))) continue
        context.lobArgs.add(out[i + 1]!.arg!)
        edit = { start: leftStart, end: rightEnd, replacement: lobCompare(out.slice(leftStart, i), [out[i + 1]!], negated) }
      } else if (leftStart === i - 1 && out[i - 1]!.kind === 'param' && isColumnRef(out, i + 1, rightEnd)) {
        if (!isBytesType(context.typeOf(out[i - 1]!.arg!))) continue
        context.lobArgs.add(out[i - 1]!.arg!)
        edit = { start: leftStart, end: rightEnd, replacement: lobCompare(out.slice(i + 1, rightEnd), [out[i - 1]!], negated) }
      }
    } else if (isWord(token, 'IN') && isOp(out[i + 1], '(') && out[i + 2]?.kind === 'param') {
      const close = partner[i + 1]!
      const elements = splitAtCommas(out, i + 2, close, partner)
      if (elements[0]!.length !== 1 || !isBytesType(context.typeOf(out[i + 2]!.arg!))) continue
      const negated = isWord(out[i - 1], 'NOT')
      const operandEndAt = negated ? i - 1 : i
      const start = operandBefore(out, operandEndAt, partner)
      if (start < 0 || !isColumnRef(out, start, operandEndAt)) throw new UntranslatableError(`Bytes IN (…) of something but a column (${textOf(spaced(out.slice(Math.max(start, 0), close + 1), false))}) ${LOB_REFUSED}`)
      if (elements.some((element) => element.length !== 1 || element[0]!.kind !== 'param')) {
        throw new UntranslatableError(`Bytes IN (…) with values that are not parameters (${textOf(spaced(out.slice(start, close + 1), false))}) ${LOB_REFUSED}`)
      }
      const column = out.slice(start, operandEndAt)
      for (const [element] of elements) context.lobArgs.add(element!.arg!)
      const parts = elements.flatMap(([element], k) => [...(k > 0 ? fragment(negated ? ' AND' : ' OR') : []), ...spaced(lobCompare(column, [element!], negated), k > 0)])
      edit = { start, end: close + 1, replacement: [...fragment('('), ...parts, ...fragment(')')] }
    }
    if (edit === undefined) continue
    out = splice(out, edit.start, edit.end, edit.replacement)
    partner = partners(out)
    assignments = assignmentOperators(out, partner)
    i = edit.start
  }
  return out
}

/** Oracle's limit on the expressions of one IN list (ORA-01795). */
export const MAX_IN_LIST = 1000

/**
 * `x IN (…2,500 values…)` → `(x IN (…1,000…) OR x IN (…1,000…) OR x IN (…500…))`, and `x NOT IN (…)` → `(x NOT IN
 * (…) AND …)`: three-valued logic gives the same result (a NULL in one list is UNKNOWN in its part, as in the whole).
 */
function splitLongInLists(tokens: readonly Token[]): Token[] {
  let out = [...tokens]
  for (let i = out.length - 1; i >= 0; i--) {
    if (!isWord(out[i], 'IN') || !isOp(out[i + 1], '(') || isWord(out[i + 2], 'SELECT', 'WITH')) continue
    const partner = partners(out)
    const close = partner[i + 1]!
    const elements = splitAtCommas(out, i + 2, close, partner)
    if (elements.length <= MAX_IN_LIST) continue
    const negated = isWord(out[i - 1], 'NOT')
    const operandEndAt = negated ? i - 1 : i
    const start = operandStart(out, operandEndAt, partner, 'IN')
    const operand = spaced(out.slice(start, operandEndAt), true)
    const parts: Token[] = [...fragment('(')]
    for (let from = 0; from < elements.length; from += MAX_IN_LIST) {
      if (from > 0) parts.push(...fragment(negated ? ' AND' : ' OR'))
      parts.push(...spaced(operand, from > 0), ...fragment(negated ? ' NOT IN (' : ' IN ('))
      elements.slice(from, from + MAX_IN_LIST).forEach((element, k) => {
        if (k > 0) parts.push(...fragment(','))
        parts.push(...spaced(element, false))
      })
      parts.push(...fragment(')'))
    }
    parts.push(...fragment(')'))
    out = splice(out, start, close + 1, parts)
    i = start
  }
  return out
}

/** Words that end a LIMIT's or OFFSET's argument at its level. */
const CLAUSE_ENDS = ['LIMIT', 'OFFSET', 'FETCH', 'FOR', 'UNION', 'INTERSECT', 'EXCEPT', 'MINUS', 'RETURNING', 'ORDER']

/**
 * `LIMIT a OFFSET b` (either order, at any level) → `OFFSET b ROWS FETCH NEXT a ROWS ONLY`, `OFFSET b` → `OFFSET b
 * ROWS`, `LIMIT a` → `FETCH NEXT a ROWS ONLY`, LIMIT ALL → nothing. The placeholders move with their clauses, so
 * the binds follow the output's order.
 */
function rewriteLimitOffset(tokens: readonly Token[]): Token[] {
  const clauses: { limit?: [number, number]; offset?: [number, number] }[] = []
  const partner = partners(tokens)
  // Levels: the statement, and each bracket; a clause runs from its word to the next clause word of its level.
  const scan = (from: number, to: number) => {
    const found: { limit?: [number, number]; offset?: [number, number] } = {}
    let open: { key: 'limit' | 'offset'; start: number } | undefined
    const close = (at: number) => {
      if (open === undefined) return
      if (found[open.key] !== undefined) throw new UntranslatableError(`Two ${open.key.toUpperCase()} clauses in one query`)
      found[open.key] = [open.start, at]
      open = undefined
    }
    for (let i = from; i < to; i++) {
      const token = tokens[i]!
      if (isOp(token, '(', '[')) {
        if (open !== undefined && isOp(token, '(')) throw new UntranslatableError(`A parenthesised ${open.key.toUpperCase()} argument is not supported: pass the number as a parameter`)
        scan(i + 1, partner[i]!)
        i = partner[i]!
      } else if (isWord(token, ...CLAUSE_ENDS) || isOp(token, ';')) {
        close(i)
        if (isWord(token, 'LIMIT', 'OFFSET')) open = { key: token.key === 'LIMIT' ? 'limit' : 'offset', start: i }
      }
    }
    close(to)
    if (found.limit !== undefined || found.offset !== undefined) clauses.push(found)
  }
  scan(0, tokens.length)
  if (clauses.length === 0) return [...tokens]
  // Replace from the last clause back, so the earlier ones' indexes hold.
  const edits = clauses
    .map(({ limit, offset }) => {
      const spans = [limit, offset].filter((span) => span !== undefined)
      const start = Math.min(...spans.map(([s]) => s))
      const end = Math.max(...spans.map(([, e]) => e))
      if (spans.reduce((length, [s, e]) => length + e - s, 0) !== end - start) throw new UntranslatableError('LIMIT and OFFSET must follow each other')
      const replacement: Token[] = []
      if (offset !== undefined) {
        let argEnd = offset[1]
        if (isWord(tokens[argEnd - 1], 'ROWS', 'ROW')) argEnd--
        replacement.push(...fragment(' OFFSET'), ...spaced(tokens.slice(offset[0] + 1, argEnd), true), ...fragment(' ROWS'))
      }
      if (limit !== undefined && !(limit[1] - limit[0] === 2 && isWord(tokens[limit[0] + 1], 'ALL'))) {
        replacement.push(...fragment(' FETCH NEXT'), ...spaced(tokens.slice(limit[0] + 1, limit[1]), true), ...fragment(' ROWS ONLY'))
      }
      return { start, end, replacement }
    })
    .sort((a, b) => b.start - a.start)
  let out = [...tokens]
  for (const { start, end, replacement } of edits) {
    if (replacement.length === 0) out = [...out.slice(0, start), ...out.slice(end)]
    else out = splice(out, start, end, replacement)
  }
  return out
}

/** Words after which the items of a FROM clause (where an alias takes no AS on Oracle) end, at their level. */
const FROM_ENDS = ['WHERE', 'GROUP', 'ORDER', 'HAVING', 'ON', 'USING', 'UNION', 'INTERSECT', 'EXCEPT', 'MINUS', 'OFFSET', 'FETCH', 'LIMIT', 'WINDOW', 'SET', 'RETURNING', 'FOR', 'CONNECT', 'START']

/** `FROM "User" AS "j0"`, `JOIN (SELECT …) AS "sub"` → without the AS, which Oracle refuses before a table alias. */
function dropTableAliasAs(tokens: readonly Token[]): Token[] {
  const out: Token[] = []
  const inFrom: boolean[] = [false]
  let pendingSpace = false
  for (const token of tokens) {
    const depth = inFrom.length - 1
    if (isOp(token, '(')) inFrom.push(false)
    else if (isOp(token, ')')) inFrom.pop()
    else if (isWord(token, 'FROM', 'JOIN')) inFrom[depth] = true
    else if (isWord(token, ...FROM_ENDS)) inFrom[depth] = false
    else if (isWord(token, 'AS') && inFrom[depth]) {
      pendingSpace ||= token.space
      continue
    }
    out.push(pendingSpace ? withSpace(token, true) : token)
    pendingSpace = false
  }
  return out
}

/** What a rewrite left of PostgreSQL's syntax, refused with what it was. */
function refuseLeftovers(tokens: readonly Token[]): void {
  tokens.forEach((token, i) => {
    if (token.kind === 'op') {
      if (['->', '->>', '#>', '#>>', '@>', '<@'].includes(token.key)) throw new UntranslatableError(JSON_PATHS)
      if (['?', '?|', '?&', '@?', '@@', '::'].includes(token.key)) {
        throw new UntranslatableError(`PostgreSQL's operator ${token.key} is not supported on Oracle in this position (an unsupported JSON filter or cast)`)
      }
    } else if (token.kind === 'word') {
      if (token.key === 'JSONB_TYPEOF') throw new UntranslatableError(JSON_PATHS)
      if (token.key.startsWith('JSONB_')) throw new UntranslatableError(`PostgreSQL's ${token.key} is not supported on Oracle (a JSON function Oracle has not)`)
      if (token.key === 'ARRAY' && isOp(tokens[i + 1], '[')) throw new UntranslatableError(ARRAYS)
      if (token.key === 'EXCLUDED' && isOp(tokens[i + 1], '.')) throw new UntranslatableError('EXCLUDED is not supported on Oracle: name the values again')
    }
  })
}

/** Drops a `"public".` qualifier (not one after a dot: "x"."public"."y" keeps it, and names a column "y" of "public"). */
export function dropSchemaQualifier(tokens: readonly Token[], schema: string): Token[] {
  const out: Token[] = []
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!
    if (token.kind === 'ident' && token.key === schema && isOp(tokens[i + 1], '.') && isName(tokens[i + 2]) && !isOp(tokens[i - 1], '.')) {
      out.push(withSpace(tokens[i + 2]!, token.space))
      i += 2
    } else out.push(token)
  }
  return out
}
