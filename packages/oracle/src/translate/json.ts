// Prisma's JSON filters, as its PostgreSQL SQL writes them, in Oracle's SQL/JSON functions, for a JSON column stored
// as text (CLOB … IS JSON). The JSON value at a path of a column is, on PostgreSQL:
//   ("col"#>ARRAY[$1, $2]::text[])::jsonb   the value (path [] → "col"::jsonb)
//   ("col"#>>ARRAY[$1]::text[])             its text (a string unquoted)
//   (<the value>->0)                        its first element (array_starts_with; ->-1, array_ends_with, is refused)
// and the filters compare it: `= $v` (equals, $v a JSON text), `> $v` … (gt, gte, lt, lte), `@> $v` (array_contains),
// `LIKE …` on the text, maybe in LOWER() (string_contains, string_starts_with, string_ends_with), JSONB_TYPEOF(…) =
// $t (the type check Prisma adds to all but equals), IS NULL (the path is missing: part of AnyNull). Without a path,
// Prisma compares the jsonb column uncast where it also checks its type ("col" <= $1 AND JSONB_TYPEOF("col") = $2).
//
// Oracle's forms, with C the column and P the path as a literal `'$."a"[2]."b"'` (Oracle takes a path only as a
// literal: a statement with path arguments is a DeferredPlan that renders P from them; a key is always quoted, a key
// of digits is an array index, a key with " or \ or a control character, an empty key or a negative index is refused):
//   missing         M = (C IS NULL OR NOT JSON_EXISTS(C, P))                  (C IS NULL for the whole value)
//   = $v / <> $v    (CASE WHEN M THEN NULL WHEN JSON_EQUAL(JSON_QUERY(C, P RETURNING CLOB WITH ARRAY WRAPPER),
//                         '[' || $v || ']') THEN 1 ELSE 0 END) = 1 (or = 0)
//                   both sides wrapped in an array, so that scalars compare too (JSON_QUERY returns no bare scalar
//                   before 21c) and JSON null is [null]; the CASE keeps SQL's NULL where the path is missing, as
//                   PostgreSQL's comparison with NULL does, so that NOT (…) keeps those rows out too.
//   > $v (numbers)  JSON_VALUE(C, P RETURNING NUMBER NULL ON ERROR) > JSON_VALUE('[' || $v || ']', '$[0]' RETURNING
//                   NUMBER NULL ON ERROR): $v is checked to be a JSON number (compared as text, PostgreSQL's order of
//                   JSON strings is its collation's: refused).
//   @> $v           (CASE WHEN M THEN NULL WHEN JSON_EXISTS(C, 'P[*]?(@ == 1)') AND … THEN 1 ELSE 0 END) = 1, one
//                   JSON_EXISTS per element of $v, rendered into the path: $v must be scalars (an object or array
//                   element would need PostgreSQL's containment, which no Oracle function has: refused).
//   #>>             JSON_VALUE(C, P RETURNING CLOB NULL ON ERROR), which LIKE and LOWER take (a CLOB: Oracle refuses
//                   to compare it with =, an error where a VARCHAR2 of 4,000 bytes would silently miss a longer string)
//   JSONB_TYPEOF    JSON_VALUE(C, 'P.type()') = $t: Oracle's type() names object, array, string, number, boolean and
//                   null as JSONB_TYPEOF does.
//   IS [NOT] NULL   M / NOT M.
// Prisma's JsonNull is the JSON text null (= 'null' matches it), DbNull the column's SQL NULL (IS NULL), AnyNull either.
// Needs Oracle 18c or later (JSON_EQUAL, RETURNING CLOB, type()).
import { UntranslatableError } from '../plan.js'
import { fragment, isName, isOp, isWord, partners, spaced, splitAtCommas, sqlString, textOf, type DynamicSql, type Token } from './tokens.js'

type PathElement = { readonly arg: number } | { readonly key: string } | { readonly index: number }

interface JsonAtom {
  /** The JSON column's reference ("AllTypes"."json"). */
  readonly column: readonly Token[]
  /** The path; [] for the whole value. */
  readonly path: readonly PathElement[]
  /** #>>: the value's text, not the value. */
  readonly asText: boolean
  /** The index after the atom and the ::jsonb casts that follow it. */
  readonly end: number
}

const refuse = (what: string) =>
  new UntranslatableError(`Prisma's JSON filter ${what} is not supported on Oracle; supported: equals, not, gt/gte/lt/lte on numbers, array_contains of scalars, string_contains/starts_with/ends_with`)

const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/

/** Text that cannot go between the double quotes of a JSON path (Oracle's escapes are not relied on). */
const UNSAFE_IN_PATH = /["\\\u0000-\u001f]/

/** A key of a JSON path Oracle may take, or why not. */
function unsafeKey(key: string): string | undefined {
  if (key === '') return 'an empty key'
  if (UNSAFE_IN_PATH.test(key)) return 'a key with a double quote, a backslash or a control character'
  return undefined
}

/** The path step of one element of Prisma's path: a key `."a"`, or an array index `[2]` for a key of digits. */
function pathStep(element: unknown): string {
  if (typeof element === 'number' && Number.isSafeInteger(element) && element >= 0) return `[${element}]`
  if (typeof element !== 'string') throw new UntranslatableError(`A JSON path element must be a string, not ${typeof element}`)
  if (/^\d{1,9}$/.test(element)) return `[${Number(element)}]`
  if (/^-?\d+$/.test(element)) throw new UntranslatableError(`The JSON path element ${element} is not supported on Oracle (a negative or huge array index)`)
  const unsafe = unsafeKey(element)
  if (unsafe !== undefined) throw new UntranslatableError(`The JSON path element ${JSON.stringify(element)} is not supported on Oracle: ${unsafe}`)
  return `."${element}"`
}

function renderPath(path: readonly PathElement[], args: readonly unknown[]): string {
  let text = '$'
  for (const element of path) text += 'index' in element ? `[${element.index}]` : pathStep('arg' in element ? args[element.arg] : element.key)
  return text
}

const pathReads = (path: readonly PathElement[]) => path.flatMap((element) => ('arg' in element ? [element.arg] : []))

/** A string literal made by `render` from the arguments at `reads`, or at once if it reads none. */
function literalToken(reads: readonly number[], render: (args: readonly unknown[]) => string, inlined: Set<number>): Token {
  if (reads.length === 0) {
    const text = render([])
    return { kind: 'string', text, key: text, space: true }
  }
  for (const read of reads) inlined.add(read)
  const dynamic: DynamicSql = { reads, render }
  return { kind: 'dynamic', text: '', key: '', space: true, dynamic }
}

/** The path literal of an atom, with `suffix` after the path ('.type()'). */
const pathLiteral = (atom: JsonAtom, inlined: Set<number>, suffix = '') =>
  literalToken(pathReads(atom.path), (args) => sqlString(renderPath(atom.path, args) + suffix), inlined)

/** The end of the column reference (a, a.b, a.b.c) starting at `at`, or -1. */
function columnEnd(tokens: readonly Token[], at: number): number {
  if (!isName(tokens[at]) || (tokens[at]!.kind === 'word' && isOp(tokens[at + 1], '('))) return -1
  let end = at + 1
  while (isOp(tokens[end], '.') && isName(tokens[end + 1])) end += 2
  return end
}

function skipJsonCasts(tokens: readonly Token[], at: number): number {
  while (isOp(tokens[at], '::') && isWord(tokens[at + 1], 'JSONB', 'JSON')) at += 2
  return at
}

/**
 * The JSON atom starting at `at`, with the casts after it: `(C #> ARRAY[…]::text[])`, `(C #>> …)`, `C::jsonb`, C
 * alone where the statement has JSONB_TYPEOF(C) (Prisma compares a jsonb column uncast there), and `(atom->0)`, the
 * first element (array_starts_with).
 */
function parseAtom(tokens: readonly Token[], at: number, partner: Int32Array, jsonColumns: ReadonlySet<string>): JsonAtom | undefined {
  if (isOp(tokens[at], '(') && isOp(tokens[at + 1], '(')) {
    const inner = parseAtom(tokens, at + 1, partner, jsonColumns)
    if (inner !== undefined && !inner.asText && isOp(tokens[inner.end], '->')) {
      const index = tokens[inner.end + 1]
      if (index?.kind !== 'number' || !/^\d+$/.test(index.text) || inner.end + 2 !== partner[at]) {
        throw refuse('array_ends_with (->-1, the last element of an array)')
      }
      return { ...inner, path: [...inner.path, { index: Number(index.text) }], end: skipJsonCasts(tokens, partner[at]! + 1) }
    }
  }
  if (isOp(tokens[at], '(')) {
    const end = columnEnd(tokens, at + 1)
    if (end < 0) return undefined
    let i = skipJsonCasts(tokens, end)
    if (!isOp(tokens[i], '#>', '#>>')) return undefined
    const asText = tokens[i]!.key === '#>>'
    i++
    if (!isWord(tokens[i], 'ARRAY') || !isOp(tokens[i + 1], '[')) throw refuse(`with a path that is not ARRAY[…] (${textOf(tokens.slice(at, partner[at]! + 1))})`)
    const close = partner[i + 1]!
    const path = splitAtCommas(tokens, i + 2, close, partner).map((element): PathElement => {
      const [token, extra] = element
      if (extra === undefined && token?.kind === 'param') return { arg: token.arg! }
      if (extra === undefined && token?.kind === 'string' && token.text.startsWith("'")) return { key: token.text.slice(1, -1).replaceAll("''", "'") }
      throw refuse(`with a computed path element (${textOf(element)})`)
    })
    i = close + 1
    if (isOp(tokens[i], '::') && isWord(tokens[i + 1], 'TEXT') && isOp(tokens[i + 2], '[') && isOp(tokens[i + 3], ']')) i += 4
    if (i !== partner[at]) throw refuse(`of an unexpected shape (${textOf(tokens.slice(at, partner[at]! + 1))})`)
    return { column: tokens.slice(at + 1, end), path, asText, end: skipJsonCasts(tokens, i + 1) }
  }
  const end = columnEnd(tokens, at)
  if (end < 0) return undefined
  const cast = isOp(tokens[end], '::') && isWord(tokens[end + 1], 'JSONB', 'JSON')
  if (!cast && !jsonColumns.has(textOf(spaced(tokens.slice(at, end), false)))) return undefined
  return { column: tokens.slice(at, end), path: [], asText: false, end: skipJsonCasts(tokens, end) }
}

/** The columns the statement treats as jsonb: cast to it, or given to JSONB_TYPEOF. */
function jsonColumnsOf(tokens: readonly Token[]): Set<string> {
  const columns = new Set<string>()
  tokens.forEach((token, i) => {
    const start = isWord(token, 'JSONB_TYPEOF') && isOp(tokens[i + 1], '(') ? i + 2 : isName(token) && !isOp(tokens[i - 1], '.') ? i : -1
    if (start < 0) return
    const end = columnEnd(tokens, start)
    if (end < 0) return
    if (start === i + 2 ? isOp(tokens[end], ')') : isOp(tokens[end], '::') && isWord(tokens[end + 1], 'JSONB', 'JSON')) {
      columns.add(textOf(spaced(tokens.slice(start, end), false)))
    }
  })
  return columns
}

/** A JSON value Prisma compares with: a placeholder or a literal, with its casts. */
function parseValue(tokens: readonly Token[], at: number, filter: string): { value: Token; end: number } {
  const value = tokens[at]
  if (value?.kind !== 'param' && !(value?.kind === 'string' && value.text.startsWith("'"))) throw refuse(`${filter} with a computed value`)
  return { value, end: skipJsonCasts(tokens, at + 1) }
}

const column = (atom: JsonAtom) => spaced(atom.column, false)

/** M: SQL's NULL is what PostgreSQL has where the path is missing (or the column NULL). */
function missing(atom: JsonAtom, inlined: Set<number>): Token[] {
  if (atom.path.length === 0) return [...spaced(atom.column, true), ...fragment(' IS NULL')]
  return [...spaced(atom.column, true), ...fragment(' IS NULL OR NOT JSON_EXISTS('), ...column(atom), ...fragment(','), pathLiteral(atom, inlined), ...fragment(')')]
}

/** `(CASE WHEN M THEN NULL WHEN condition THEN 1 ELSE 0 END) = 1`: a condition that is UNKNOWN where the path is missing. */
const threeValued = (atom: JsonAtom, condition: readonly Token[], inlined: Set<number>, truth: 0 | 1): Token[] => [
  ...fragment('(CASE WHEN'),
  ...missing(atom, inlined),
  ...fragment(' THEN NULL WHEN'),
  ...spaced(condition, true),
  ...fragment(` THEN 1 ELSE 0 END) = ${truth}`),
]

/** `'[' || $v || ']'`: a JSON value in an array, as JSON_QUERY's wrapper gives the column's. */
const wrapped = (value: Token): Token[] => [...fragment(" '[' ||"), withLeadingSpace(value), ...fragment(" || ']'")]
const withLeadingSpace = (token: Token): Token => ({ ...token, space: true })

const JSON_LEXEME = /\s*("(?:[^"\\]|\\.)*"|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null|[[\]{},:])/y

/**
 * The elements of array_contains' value (a JSON array, or a scalar: PostgreSQL's array contains a scalar it has) as
 * JSON path literals, numbers in their source text (a double would round 9007199254740993).
 */
function containedLiterals(json: string): string[] {
  const lexemes: string[] = []
  let at = 0
  for (;;) {
    JSON_LEXEME.lastIndex = at
    const match = JSON_LEXEME.exec(json)
    if (match === null) break
    lexemes.push(match[1]!)
    at = JSON_LEXEME.lastIndex
  }
  if (json.slice(at).trim() !== '' || lexemes.length === 0) throw refuse('array_contains with a value that is not JSON')
  const isArray = lexemes[0] === '['
  if (isArray && lexemes.at(-1) !== ']') throw refuse('array_contains with a value that is not JSON')
  const inner = isArray ? lexemes.slice(1, -1) : lexemes
  const scalars = inner.filter((_, i) => i % 2 === 0)
  const wellFormed =
    inner.every((lexeme, i) => (i % 2 === 1 ? lexeme === ',' : !/^[[\]{},:]$/.test(lexeme))) && inner.length % 2 === (inner.length === 0 ? 0 : 1)
  if (!wellFormed || (!isArray && scalars.length !== 1)) throw refuse('array_contains with an object or a nested array')
  return scalars.map((scalar) => {
    if (!scalar.startsWith('"')) return scalar
    const text = JSON.parse(scalar) as string
    if (UNSAFE_IN_PATH.test(text)) throw refuse('array_contains with a string holding a double quote, a backslash or a control character')
    return `"${text}"`
  })
}

/** The condition of `atom @> value`: every element of the value is one of the array's. */
function containsCondition(atom: JsonAtom, value: Token, inlined: Set<number>): Token {
  const reads = [...pathReads(atom.path), ...(value.kind === 'param' ? [value.arg!] : [])]
  const columnText = textOf(column(atom))
  const render = (args: readonly unknown[]) => {
    const json = value.kind === 'param' ? args[value.arg!] : value.text.slice(1, -1).replaceAll("''", "'")
    if (typeof json !== 'string') throw refuse('array_contains with a value that is not JSON text')
    const path = renderPath(atom.path, args)
    const conditions = containedLiterals(json).map((literal) => `JSON_EXISTS(${columnText}, ${sqlString(`${path}[*]?(@ == ${literal})`)})`)
    return conditions.length === 0 ? '1=1' : conditions.join(' AND ')
  }
  return literalToken(reads, render, inlined)
}

/** The path literal of a comparison with a number, which also checks, per call, that the value is a JSON number. */
function numericPathLiteral(atom: JsonAtom, value: Token, inlined: Set<number>): Token {
  const check = (json: unknown) => {
    if (!(typeof json === 'number' && Number.isFinite(json)) && !(typeof json === 'string' && JSON_NUMBER.test(json.trim()))) {
      throw refuse('gt/gte/lt/lte with a value that is not a number')
    }
  }
  if (value.kind !== 'param') check(value.text.slice(1, -1))
  const reads = [...pathReads(atom.path), ...(value.kind === 'param' ? [value.arg!] : [])]
  return literalToken(
    reads,
    (args) => {
      if (value.kind === 'param') check(args[value.arg!])
      return sqlString(renderPath(atom.path, args))
    },
    inlined,
  )
}

/** The Oracle condition of the JSON atom and what follows it (tokens[atom.end] on), and where it ends. */
function condition(tokens: readonly Token[], atom: JsonAtom, inlined: Set<number>): { replacement: Token[]; end: number } {
  const next = tokens[atom.end]
  if (atom.asText) {
    return { replacement: [...fragment('JSON_VALUE('), ...column(atom), ...fragment(','), pathLiteral(atom, inlined), ...fragment(' RETURNING CLOB NULL ON ERROR)')], end: atom.end }
  }
  if (isOp(next, '=', '<>', '!=')) {
    const { value, end } = parseValue(tokens, atom.end + 1, 'equals')
    const equal = [
      ...fragment('JSON_EQUAL(JSON_QUERY('),
      ...column(atom),
      ...fragment(','),
      pathLiteral(atom, inlined),
      ...fragment(' RETURNING CLOB WITH ARRAY WRAPPER),'),
      ...wrapped(value),
      ...fragment(')'),
    ]
    return { replacement: threeValued(atom, equal, inlined, next!.key === '=' ? 1 : 0), end }
  }
  if (isOp(next, '<', '<=', '>', '>=')) {
    const { value, end } = parseValue(tokens, atom.end + 1, 'gt/gte/lt/lte')
    const replacement = [
      ...fragment('JSON_VALUE('),
      ...column(atom),
      ...fragment(','),
      numericPathLiteral(atom, value, inlined),
      ...fragment(` RETURNING NUMBER NULL ON ERROR) ${next!.key} JSON_VALUE(`),
      ...spaced(wrapped(value), false),
      ...fragment(", '$[0]' RETURNING NUMBER NULL ON ERROR)"),
    ]
    return { replacement, end }
  }
  if (isOp(next, '@>')) {
    const { value, end } = parseValue(tokens, atom.end + 1, 'array_contains')
    return { replacement: threeValued(atom, [containsCondition(atom, value, inlined)], inlined, 1), end }
  }
  if (isWord(next, 'IS')) {
    const negated = isWord(tokens[atom.end + 1], 'NOT')
    const nullAt = atom.end + (negated ? 2 : 1)
    if (isWord(tokens[nullAt], 'NULL')) {
      const test = missing(atom, inlined)
      const replacement = negated ? [...fragment('NOT ('), ...spaced(test, false), ...fragment(')')] : [...fragment('('), ...spaced(test, false), ...fragment(')')]
      return { replacement, end: nullAt + 1 }
    }
  }
  throw refuse(`of an unexpected shape (${textOf(tokens.slice(0, atom.end + 2).slice(-8))} …)`)
}

/** Rewrites the JSON atoms of `tokens`; the arguments their SQL is rendered from are added to `inlined`. */
export function rewriteJson(tokens: readonly Token[], inlined: Set<number>): Token[] {
  if (!tokens.some((t) => isOp(t, '#>', '#>>', '@>') || isWord(t, 'JSONB', 'JSON', 'JSONB_TYPEOF'))) return [...tokens]
  const partner = partners(tokens)
  const jsonColumns = jsonColumnsOf(tokens)
  const out: Token[] = []
  for (let i = 0; i < tokens.length; ) {
    const token = tokens[i]!
    if (isWord(token, 'JSONB_TYPEOF') && isOp(tokens[i + 1], '(')) {
      const close = partner[i + 1]!
      const atom = parseAtom(tokens, i + 2, partner, jsonColumns)
      if (atom === undefined || atom.end !== close || atom.asText) throw refuse(`with an unexpected type check (${textOf(tokens.slice(i, close + 1))})`)
      out.push(...spaced([...fragment('JSON_VALUE('), ...column(atom), ...fragment(','), pathLiteral(atom, inlined, '.type()'), ...fragment(')')], token.space))
      i = close + 1
      continue
    }
    const atom = isOp(tokens[i - 1], '.') ? undefined : parseAtom(tokens, i, partner, jsonColumns)
    // An uncast JSON column only where Prisma compares it (it selects it, and tests it for SQL NULL, as any column).
    if (atom === undefined || (atom.path.length === 0 && atom.end === columnEnd(tokens, i) && !isOp(tokens[atom.end], '=', '<>', '!=', '<', '<=', '>', '>=', '@>'))) {
      out.push(token)
      i++
      continue
    }
    const { replacement, end } = condition(tokens, atom, inlined)
    out.push(...spaced(replacement, token.space))
    i = end
  }
  return out
}
