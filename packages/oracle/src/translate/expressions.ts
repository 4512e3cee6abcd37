// The rewrites of PostgreSQL expressions and query clauses into Oracle's, each a pass over a token list: casts,
// ILIKE, boolean literals, IN lists past 1,000, LIMIT/OFFSET, AS before table aliases. Statement-level forms
// (INSERT … ON CONFLICT, RETURNING) are statements.ts's; JSON operators json.ts's.
import { UntranslatableError } from '../plan.js'
import { rewriteJson } from './json.js'
import {
  fragment,
  isName,
  isOp,
  isWord,
  operandEnd,
  operandStart,
  partners,
  spaced,
  splitAtCommas,
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
export function rewriteExpression(tokens: readonly Token[], inlined: Set<number>, isCondition = false): Token[] {
  let out = rewriteJson(tokens, inlined)
  out = rewriteCasts(out)
  out = rewriteIlike(out)
  out = rewriteBooleans(out, isCondition)
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

/** PostgreSQL's text types: a cast to one is dropped (Oracle compares and LIKEs its strings, and enums are strings). */
const TEXT_TYPES = new Set(['TEXT', 'VARCHAR', 'CHARACTER VARYING', 'CHAR', 'CHARACTER', 'BPCHAR', 'NAME', 'CITEXT'])

/**
 * `x::text` → `x` (Prisma casts string and enum columns to text for LIKE and in select lists); `CAST(x AS "Enum")` →
 * `x` (enums are strings on Oracle). A cast to any other type is refused: it has no equivalent that keeps its meaning
 * without knowing the operand's type.
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
    if (isOp(tokens[end], '(')) while (end < tokens.length && !isOp(tokens[end - 1], ')')) end++
    const isArray = isOp(tokens[end], '[')
    if (!TEXT_TYPES.has(type) || isArray) {
      const written = tokens.slice(i + 1, isArray ? end + 2 : end).map((t) => t.text).join(' ')
      if (isArray) throw new UntranslatableError(`${ARRAYS} (a cast ::${written})`)
      throw new UntranslatableError(`PostgreSQL's cast ::${written || '?'} is not supported on Oracle: write CAST(… AS <an Oracle type>) instead`)
    }
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
      if (token.key === '->' || token.key === '->>') {
        throw new UntranslatableError(`PostgreSQL's JSON operator ${token.key} is not supported on Oracle (Prisma's JSON filters array_starts_with and array_ends_with use it)`)
      }
      if (['#>', '#>>', '@>', '<@', '?', '?|', '?&', '@?', '@@', '::'].includes(token.key)) {
        throw new UntranslatableError(`PostgreSQL's operator ${token.key} is not supported on Oracle in this position (an unsupported JSON filter or cast)`)
      }
    } else if (token.kind === 'word') {
      if (token.key.startsWith('JSONB_')) throw new UntranslatableError(`PostgreSQL's ${token.key} is not supported on Oracle in this position (an unsupported JSON filter)`)
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
