// Comparisons with an empty string. Oracle stores '' as NULL, and a '' bound is NULL: `col = :1` with '' is UNKNOWN for
// every row. On PostgreSQL's data, the rows Oracle holds a NULL in are the ones that hold '' or NULL there, and Oracle
// cannot tell those apart. A comparison with '' is rewritten where its rows can be told on Oracle, refused where not.
//
// Which rows count depends on where the comparison stands. Positive (a WHERE, ON, HAVING, CASE WHEN, through AND, OR
// and an even number of NOTs): only where it is TRUE matters (FALSE and UNKNOWN both leave a row out); negative (under
// an odd number of NOTs): only where it is FALSE matters (NOT makes that TRUE). For `x op ''`, with s a non-empty
// string (non-NULL on Oracle):
//   op          TRUE for   FALSE for    positive          negative
//   = / LIKE    ''         s            refused           x IS NULL
//   <> / !=     s          ''           x IS NOT NULL     refused
//   >           s          ''           x IS NOT NULL     refused
//   <           —          '', s        1=0               refused
//   <=          ''         s            refused           x IS NULL
//   >=          '', s      —            refused           1=1
//   IN ('', e…)                         refused           (x IS NULL OR x IN (e…))    (x IS NULL alone)
//   NOT IN ('', e…)                     (x IS NOT NULL AND x NOT IN (e…)) (x IS NOT NULL alone)    refused
//   NOT LIKE    as <>; BETWEEN, a simple CASE x WHEN '': refused; anywhere else (a select list, a function's
//   argument): refused.
// `x` must be a column (or UPPER/LOWER of one, Prisma's mode: 'insensitive'), whose NULL on Oracle is exactly '' or
// NULL on PostgreSQL; a LIKE pattern that concatenates ('%' || $1 || '%') is not a comparison with '' and stays.
//
// The statement's plan is a DeferredPlan: the binds of such comparisons are listed once, and a call looks at their
// values (a loop over that short list); a call where one is '' gets the rewritten plan, or the refusal. Empty bytes
// (an empty Uint8Array, also NULL on Oracle) in a comparison are refused wherever they are. A '' literal (raw SQL's
// `"x" <> ''`) is rewritten, or refused, at translation, by the same table.
import { UntranslatableError } from '../plan.js'
import { assignmentOperators, fragment, isName, isOp, isWord, operandEnd, operandStart, partners, spaced, splitAtCommas, textOf, type Token } from './tokens.js'

export const EMPTY_STRING_REFUSED =
  "Oracle stores '' as NULL, so a filter equal to '' cannot find the rows PostgreSQL would; on Oracle an empty string reads back as null: filter with null (`{ equals: null }` / `{ not: null }`)"
export const EMPTY_BYTES_REFUSED =
  'Oracle stores empty bytes as NULL, so a filter comparing with empty bytes cannot find the rows PostgreSQL would; on Oracle empty bytes read back as null: filter with null (`{ equals: null }` / `{ not: null }`)'

/** A comparison whose binds at `args` may be ''; `edit` gives its replacement where those in `empty` are (or throws). */
export interface EmptyStringCandidate {
  readonly args: readonly number[]
  readonly start: number
  readonly end: number
  edit(empty: ReadonlySet<number>): Token[]
}

type Polarity = 1 | -1 | 0

const COMPARISONS = ['=', '<>', '!=', '<', '<=', '>', '>=']
const MIRRORED: Record<string, string> = { '=': '=', '<>': '<>', '!=': '!=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' }
/** Words that end a condition at its level. */
const CONDITION_ENDS = new Set(
  ('GROUP ORDER HAVING UNION INTERSECT EXCEPT MINUS OFFSET FETCH LIMIT RETURNING FOR WINDOW CONNECT START WHERE JOIN LEFT RIGHT ' +
    'INNER FULL CROSS NATURAL THEN WHEN ELSE END INTO SET VALUES USING').split(' '),
)

/** For each CASE, the index of its END; -1 elsewhere. */
function caseEnds(tokens: readonly Token[]): Int32Array {
  const ends = new Int32Array(tokens.length).fill(-1)
  const open: number[] = []
  tokens.forEach((token, i) => {
    if (isWord(token, 'CASE')) open.push(i)
    else if (isWord(token, 'END') && open.length > 0) ends[open.pop()!] = i
  })
  return ends
}

/** Each token's polarity as a condition's part: 1 positive, -1 negative, 0 not in a condition (or not at its top level). */
function polarities(tokens: readonly Token[], partner: Int32Array): Int8Array {
  const polarity = new Int8Array(tokens.length)
  const caseEnd = caseEnds(tokens)
  /** The next index at the level of `from` (skipping brackets and CASE … END), from `from` on. */
  const step = (i: number) => (isOp(tokens[i], '(', '[') ? partner[i]! + 1 : caseEnd[i]! >= 0 ? caseEnd[i]! + 1 : i + 1)

  const label = (from: number, to: number, parity: 1 | -1): void => {
    let factor = from
    let between = false
    const factorEnd = (end: number) => {
      let a = factor
      let p = parity
      while (a < end && isWord(tokens[a], 'NOT')) ((p = p === 1 ? -1 : 1), a++)
      if (a < end && isOp(tokens[a], '(') && partner[a] === end - 1 && !isWord(tokens[a + 1], 'SELECT', 'WITH')) label(a + 1, end - 1, p)
      else for (let k = a; k < end; k = step(k)) polarity[k] = p
    }
    for (let i = from; i < to; i = step(i)) {
      const token = tokens[i]!
      if (isWord(token, 'BETWEEN')) between = true
      else if (isWord(token, 'AND') && between) between = false
      else if (isWord(token, 'AND', 'OR')) {
        factorEnd(i)
        factor = i + 1
      }
    }
    factorEnd(to)
  }

  tokens.forEach((token, k) => {
    if (!isWord(token, 'WHERE', 'HAVING', 'ON', 'WHEN')) return
    if (isWord(token, 'WHEN') && (isWord(tokens[k + 1], 'MATCHED') || (isWord(tokens[k + 1], 'NOT') && isWord(tokens[k + 2], 'MATCHED')))) return
    let end = k + 1
    while (end < tokens.length && !isOp(tokens[end], ')') && !(tokens[end]!.kind === 'word' && CONDITION_ENDS.has(tokens[end]!.key))) end = step(end)
    label(k + 1, Math.min(end, tokens.length), 1)
  })
  return polarity
}

/** What a '' literal compared with stands for among the arguments: one that is always empty. */
export const EMPTY_LITERAL = -1

/**
 * The argument of the bind that tokens[start, end) is, bare or in brackets or in UPPER( ) / LOWER( ) (EMPTY_LITERAL
 * for a '' literal, raw SQL's); else undefined.
 */
function bareBind(tokens: readonly Token[], start: number, end: number, partner: Int32Array): number | undefined {
  const unwrap = () => {
    while (end - start >= 3 && isOp(tokens[start], '(') && partner[start] === end - 1) (start++, end--)
  }
  unwrap()
  if (end - start >= 4 && isWord(tokens[start], 'UPPER', 'LOWER') && isOp(tokens[start + 1], '(') && partner[start + 1] === end - 1) {
    start += 2
    end--
    unwrap()
  }
  if (end - start !== 1) return undefined
  const token = tokens[start]!
  return token.kind === 'param' ? token.arg : token.kind === 'string' && token.text === "''" ? EMPTY_LITERAL : undefined
}

/** A column, or UPPER / LOWER of one: where Oracle's NULL is PostgreSQL's '' or NULL. */
function isPlainColumn(tokens: readonly Token[], partner: Int32Array): boolean {
  let start = 0
  let end = tokens.length
  if (end >= 4 && isWord(tokens[0], 'UPPER', 'LOWER') && isOp(tokens[1], '(') && partner[1] === end - 1) ((start = 2), (end -= 1))
  const column = tokens.slice(start, end)
  return column.length % 2 === 1 && column.every((token, k) => (k % 2 === 0 ? isName(token) && !(token.kind === 'word' && isOp(column[k + 1], '(')) : isOp(token, '.')))
}

const refuse = (what: string) => new UntranslatableError(`${EMPTY_STRING_REFUSED} (${what})`)
const tryOperand = (find: () => number) => {
  try {
    return find()
  } catch {
    return -1
  }
}

/** The comparisons of a step's tokens (its final Oracle tokens) with a bind as an operand. */
export function emptyStringCandidates(tokens: readonly Token[]): EmptyStringCandidate[] {
  if (!tokens.some((token) => token.kind === 'param' || (token.kind === 'string' && token.text === "''"))) return []
  const partner = partners(tokens)
  const polarity = polarities(tokens, partner)
  const assignments = assignmentOperators(tokens, partner)
  const candidates: EmptyStringCandidate[] = []
  const before = (end: number) => tryOperand(() => operandStart(tokens, end, partner, 'a comparison'))
  const after = (start: number) => tryOperand(() => operandEnd(tokens, start, partner, 'a comparison'))
  const sql = (start: number, end: number) => textOf(spaced(tokens.slice(start, end), false))
  /** A comparison that is refused wherever one of its binds is ''. */
  const refused = (args: readonly number[], start: number, end: number, what: string) => {
    if (args.length > 0) candidates.push({ args, start, end, edit: () => { throw refuse(what) } })
  }
  const bindsNear = (i: number) => [tokens[i - 1], tokens[i + 1]].flatMap((token) => (token?.kind === 'param' ? [token.arg!] : []))

  /** Per open CASE: whether it is a simple one (CASE x WHEN v THEN …), whose WHEN compares x with v. */
  const cases: boolean[] = []
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!
    if (isWord(token, 'CASE')) cases.push(!isWord(tokens[i + 1], 'WHEN'))
    else if (isWord(token, 'END') && cases.length > 0) cases.pop()
    else if (isWord(token, 'WHEN') && cases.at(-1) === true) {
      let then = i + 1
      while (then < tokens.length && !isWord(tokens[then], 'THEN')) then = isOp(tokens[then], '(', '[') ? partner[then]! + 1 : then + 1
      const arg = bareBind(tokens, i + 1, then, partner)
      if (arg !== undefined) refused([arg], i, then, "CASE … WHEN ''")
    }
    if (isOp(token, ...COMPARISONS) && !assignments.has(i)) {
      const start = before(i)
      const end = after(i + 1)
      if (start < 0 || end < 0) {
        refused(bindsNear(i), i, i + 1, `${token.text} ''`)
        continue
      }
      const right = bareBind(tokens, i + 1, end, partner)
      const left = bareBind(tokens, start, i, partner)
      if (right === undefined && left === undefined) continue
      const args = [...new Set([right, left].filter((arg) => arg !== undefined))]
      const [xStart, xEnd, op] = right !== undefined ? [start, i, token.key] : [i + 1, end, MIRRORED[token.key]!]
      const x = tokens.slice(xStart, xEnd)
      const what = `${sql(xStart, xEnd)} ${op} ''`
      const p = polarity[i] as Polarity
      if (p === 0 || !isPlainColumn(x, partners(x))) {
        refused(args, start, end, what)
        continue
      }
      candidates.push({ args, start, end, edit: (empty) => comparisonEdit(x, op, p, what, empty, right ?? left!) })
    } else if (isWord(token, 'IN') && isOp(tokens[i + 1], '(') && !isWord(tokens[i + 2], 'SELECT', 'WITH')) {
      const close = partner[i + 1]!
      const elements = splitAtCommas(tokens, i + 2, close, partner)
      const binds = elements.map((element) => bareBind(element, 0, element.length, partners(element)))
      const args = [...new Set(binds.filter((arg) => arg !== undefined))]
      if (args.length === 0) continue
      const negated = isWord(tokens[i - 1], 'NOT')
      const xEnd = negated ? i - 1 : i
      const start = before(xEnd)
      const what = `${start < 0 ? '…' : sql(start, xEnd)} ${negated ? 'NOT IN' : 'IN'} ('', …)`
      const x = start < 0 ? [] : tokens.slice(start, xEnd)
      const p = polarity[i] as Polarity
      if (start < 0 || p === 0 || !isPlainColumn(x, partners(x))) {
        refused(args, Math.max(start, 0), close + 1, what)
        continue
      }
      candidates.push({
        args,
        start,
        end: close + 1,
        edit: (empty) => {
          const kept = elements.filter((_, k) => binds[k] === undefined || !empty.has(binds[k]!))
          const list = kept.flatMap((element, k) => [...(k > 0 ? fragment(',') : []), ...spaced(element, k > 0)])
          const column = spaced(x, false)
          // NOT IN, positive: TRUE for the non-empty strings not in the rest; IN, negative: FALSE for those.
          if (negated && p === 1) {
            if (kept.length === 0) return [...column, ...fragment(' IS NOT NULL')]
            return [...fragment('('), ...column, ...fragment(' IS NOT NULL AND'), ...spaced(x, true), ...fragment(' NOT IN ('), ...list, ...fragment('))')]
          }
          if (!negated && p === -1) {
            if (kept.length === 0) return [...column, ...fragment(' IS NULL')]
            return [...fragment('('), ...column, ...fragment(' IS NULL OR'), ...spaced(x, true), ...fragment(' IN ('), ...list, ...fragment('))')]
          }
          throw refuse(what)
        },
      })
    } else if (isWord(token, 'LIKE')) {
      const patternEnd = after(i + 1)
      const arg = patternEnd < 0 ? undefined : bareBind(tokens, i + 1, patternEnd, partner)
      if (arg === undefined) continue
      const negated = isWord(tokens[i - 1], 'NOT')
      const xEnd = negated ? i - 1 : i
      const start = before(xEnd)
      // The ESCAPE of the pattern goes with it.
      const end = isWord(tokens[patternEnd], 'ESCAPE') ? after(patternEnd + 1) : patternEnd
      const what = `${start < 0 ? '…' : sql(start, xEnd)} ${negated ? 'NOT LIKE' : 'LIKE'} ''`
      const x = start < 0 ? [] : tokens.slice(start, xEnd)
      const p = polarity[i] as Polarity
      if (start < 0 || end < 0 || p === 0 || !isPlainColumn(x, partners(x))) {
        refused([arg], Math.max(start, 0), Math.max(end, patternEnd), what)
        continue
      }
      candidates.push({ args: [arg], start, end, edit: (empty) => comparisonEdit(x, negated ? '<>' : '=', p, what, empty, arg) })
    } else if (isWord(token, 'BETWEEN')) {
      const lowEnd = after(i + 1)
      const highEnd = lowEnd < 0 || !isWord(tokens[lowEnd], 'AND') ? -1 : after(lowEnd + 1)
      const args = highEnd < 0 ? bindsNear(i) : [bareBind(tokens, i + 1, lowEnd, partner), bareBind(tokens, lowEnd + 1, highEnd, partner)].filter((arg) => arg !== undefined)
      refused([...new Set(args)], i, Math.max(highEnd, i + 1), "BETWEEN ''")
    }
  }
  return candidates
}

/** The replacement of `x op ''` (the bind `arg` being in `empty`) at polarity `p`, by the table above. */
function comparisonEdit(x: readonly Token[], op: string, p: 1 | -1, what: string, empty: ReadonlySet<number>, arg: number): Token[] {
  if (!empty.has(arg)) throw refuse(what)
  const column = spaced(x, false)
  const rule =
    p === 1
      ? ({ '<>': 'NOT NULL', '!=': 'NOT NULL', '>': 'NOT NULL', '<': 'FALSE' } as Record<string, string>)[op]
      : ({ '=': 'NULL', '<=': 'NULL', '>=': 'TRUE' } as Record<string, string>)[op]
  switch (rule) {
    case 'NOT NULL':
      return [...column, ...fragment(' IS NOT NULL')]
    case 'NULL':
      return [...column, ...fragment(' IS NULL')]
    case 'FALSE':
      return [...fragment('1=0')]
    case 'TRUE':
      return [...fragment('1=1')]
    default:
      throw refuse(what)
  }
}

/**
 * The indexes of the binds that are parts of a LIKE pattern concatenated with a non-empty literal (`'%' || :1 || '%'`,
 * `:1 || '%'`, in UPPER( ) / LOWER( ) or brackets): there '' is exact on Oracle (NULL || '%' is '%').
 */
export function likePatternBinds(tokens: readonly Token[]): Set<number> {
  const marked = new Set<number>()
  if (!tokens.some((token) => isWord(token, 'LIKE'))) return marked
  const partner = partners(tokens)
  tokens.forEach((token, i) => {
    if (!isWord(token, 'LIKE')) return
    let start = i + 1
    let end = tryOperand(() => operandEnd(tokens, start, partner, 'LIKE'))
    if (end < 0) return
    for (;;) {
      if (isOp(tokens[start], '(') && partner[start] === end - 1) (start++, end--)
      else if (isWord(tokens[start], 'UPPER', 'LOWER') && isOp(tokens[start + 1], '(') && partner[start + 1] === end - 1) ((start += 2), end--)
      else break
    }
    const parts: number[] = []
    for (let k = start; k < end; k += 2) {
      if (k + 1 < end && !isOp(tokens[k + 1], '||')) return
      parts.push(k)
    }
    if (!parts.every((k) => tokens[k]!.kind === 'param' || tokens[k]!.kind === 'string')) return
    if (!parts.some((k) => tokens[k]!.kind === 'string' && tokens[k]!.text !== "''")) return
    for (const k of parts) if (tokens[k]!.kind === 'param') marked.add(k)
  })
  return marked
}
