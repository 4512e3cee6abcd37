// Prisma's JSON filters on Oracle, for a JSON column stored as text (CLOB … IS JSON). Only the whole value is compared:
//   "col"::jsonb = $v        (equals, and JsonNull: $v is the text null)
//   "col"::jsonb <> $v       (not)
//   "col" IS [NOT] NULL      (DbNull; AnyNull is one of each, ORed), plain SQL, as it is
// → (CASE WHEN C IS NULL OR :v IS NULL THEN NULL WHEN JSON_EQUAL(C, :v) THEN 1 ELSE 0 END) = 1 (<>: = 0)
// JSON_EQUAL compares two documents as JSON (whitespace and member order ignored, types and array order kept), as
// jsonb's = does; the CASE keeps SQL's NULL where either side is NULL, as PostgreSQL's comparison does, so that NOT
// (…) leaves those rows out too. Where the two can differ, the documents are ones Prisma does not write: duplicate keys
// (JSON_EQUAL's result is unspecified, jsonb keeps the last), numbers of one value in two spellings (1 and 1.0),
// Oracle's lax syntax (unquoted keys). A top-level scalar (42, "x", null — Prisma's JsonNull) is JSON for Oracle only
// from 21c with COMPATIBLE ≥ 20: a plan using JSON_EQUAL says so (requires.jsonScalars), for the engine to check.
//
// Every filter with a path is refused: `("col"#>ARRAY[…]::text[])` (path), `#>>` (its text: string_contains /
// starts_with / ends_with), `->` (array_starts_with / ends_with), `@>` (array_contains), JSONB_TYPEOF (the type check
// of gt / gte / lt / lte, string_* and array_*, with or without a path). Oracle's SQL/JSON paths are lax: a key step
// applies to an array's elements (PostgreSQL's #> gives NULL there), comparisons unwrap arrays and convert types
// (array_contains ["1"] may match [1]), and nothing here can run Oracle's JSON functions to show a form exact.
import { UntranslatableError } from '../plan.js'
import type { TranslationContext } from './context.js'
import { fragment, isName, isOp, isWord, spaced, type Token } from './tokens.js'

export const JSON_PATHS =
  'JSON filters with a path (path: […], and string_contains / string_starts_with / string_ends_with, array_contains / array_starts_with / array_ends_with, gt / gte / lt / lte, which need one) are not supported on Oracle: its SQL/JSON paths are lax (arrays are unwrapped, types converted) and would not match as PostgreSQL\'s do; filter on the whole value (equals), in application code, or with $queryRaw written for Oracle'

/** Tokens only a JSON filter with a path has. */
const isPathToken = (token: Token, next: Token | undefined) => isOp(token, '#>', '#>>', '->', '->>', '@>', '<@') || (isWord(token, 'JSONB_TYPEOF') && isOp(next, '('))

/** The end of the column reference (a, a.b, a.b.c) starting at `at`, or -1. */
function columnEnd(tokens: readonly Token[], at: number): number {
  if (!isName(tokens[at]) || (tokens[at]!.kind === 'word' && isOp(tokens[at + 1], '('))) return -1
  let end = at + 1
  while (isOp(tokens[end], '.') && isName(tokens[end + 1])) end += 2
  return end
}

/** The index after the ::jsonb / ::json casts from `at`. */
function skipJsonCasts(tokens: readonly Token[], at: number): number {
  while (isOp(tokens[at], '::') && isWord(tokens[at + 1], 'JSONB', 'JSON')) at += 2
  return at
}

/**
 * Rewrites the whole-value JSON comparisons of `tokens`, and refuses the JSON filters with a path. Other ::jsonb casts
 * are left to the cast pass, which refuses them.
 */
export function rewriteJson(tokens: readonly Token[], context: TranslationContext): Token[] {
  if (!tokens.some((t) => isOp(t, '::', '#>', '#>>', '->', '->>', '@>', '<@') || isWord(t, 'JSONB_TYPEOF'))) return [...tokens]
  tokens.forEach((token, i) => {
    if (isPathToken(token, tokens[i + 1])) throw new UntranslatableError(JSON_PATHS)
  })
  const out: Token[] = []
  for (let i = 0; i < tokens.length; ) {
    const token = tokens[i]!
    const end = isOp(tokens[i - 1], '.') ? -1 : columnEnd(tokens, i)
    const castEnd = end < 0 || !isOp(tokens[end], '::') || !isWord(tokens[end + 1], 'JSONB', 'JSON') ? -1 : skipJsonCasts(tokens, end)
    const operator = tokens[castEnd]
    const value = tokens[castEnd + 1]
    if (castEnd < 0 || !isOp(operator, '=', '<>', '!=') || !(value?.kind === 'param' || (value?.kind === 'string' && value.text.startsWith("'")))) {
      out.push(token)
      i++
      continue
    }
    const column = spaced(tokens.slice(i, end), false)
    const unknownWhere = value.kind === 'param' ? [...fragment(' IS NULL OR'), { ...value, space: true }, ...fragment(' IS NULL')] : fragment(' IS NULL')
    out.push(
      ...spaced(
        [
          ...fragment('(CASE WHEN'),
          ...spaced(column, true),
          ...unknownWhere,
          ...fragment(' THEN NULL WHEN JSON_EQUAL('),
          ...column,
          ...fragment(','),
          { ...value, space: true },
          ...fragment(`) THEN 1 ELSE 0 END) = ${operator!.key === '=' ? 1 : 0}`),
        ],
        token.space,
      ),
    )
    context.usesJsonFunctions = true
    i = skipJsonCasts(tokens, castEnd + 2)
  }
  return out
}
