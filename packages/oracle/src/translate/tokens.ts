// The token stream the translator rewrites: PostgreSQL's lexical rules (quoted identifiers with "" escapes, string
// literals with '' escapes, $n placeholders, nested block comments), plus Oracle's q'[…]' and N'…' literals, since
// user raw SQL may be written for Oracle. A token remembers whether whitespace came before it, so that the output
// keeps the statement's spacing (N'x' stays one literal, "intNull"ASC stays as Prisma wrote it).
import { UntranslatableError } from '../plan.js'

export interface Token {
  /** word: a keyword or unquoted name; ident: a quoted name; out: an out-bind of RETURNING … INTO. */
  readonly kind: 'word' | 'ident' | 'string' | 'number' | 'param' | 'op' | 'hint' | 'out'
  /** The token as written to the output. */
  readonly text: string
  /** What the token means: a word upper-cased, an identifier's name, an operator itself, a string's or number's text. */
  readonly key: string
  /** Whitespace (or a comment) came before it: the output has one space there. */
  readonly space: boolean
  /** param: the index of Prisma's argument ($1 → 0). */
  readonly arg?: number
}

/** Operators of more than one character, longest first; any other character is an operator of its own. */
const OPERATORS = ['#>>', '->>', '::', '||', '#>', '@>', '<@', '<>', '!=', '<=', '>=', '->', '=>', '?|', '?&', '@?', '@@', ':=']
const Q_CLOSERS: Record<string, string> = { '[': ']', '{': '}', '(': ')', '<': '>' }

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9'
const isWordStart = (c: string) => /[A-Za-z_\u0080-\uffff]/.test(c)
const isWordPart = (c: string | undefined) => c !== undefined && /[A-Za-z0-9_$\u0080-\uffff]/.test(c)

/** The index just past the literal or identifier opened by `quote` at `start` (a doubled quote escapes it). */
function quotedEnd(sql: string, start: number, quote: string): number {
  let i = start + 1
  for (;;) {
    const at = sql.indexOf(quote, i)
    if (at < 0) throw new UntranslatableError(`Unterminated ${quote === '"' ? 'quoted identifier' : 'string literal'} in the SQL`)
    if (sql[at + 1] !== quote) return at + 1
    i = at + 2
  }
}

/** The index just past Oracle's q-quoted literal whose opening quote is at `quote` (q'[…]', q'!…!'). */
function qQuotedEnd(sql: string, quote: number): number {
  const open = sql[quote + 1]
  if (open === undefined || /\s/.test(open)) throw new UntranslatableError("Invalid q'…' literal in the SQL")
  const closing = `${Q_CLOSERS[open] ?? open}'`
  const at = sql.indexOf(closing, quote + 2)
  if (at < 0) throw new UntranslatableError("Unterminated q'…' literal in the SQL")
  return at + 2
}

export function tokenize(sql: string): Token[] {
  const tokens: Token[] = []
  const n = sql.length
  let i = 0
  let space = false
  const push = (kind: Token['kind'], text: string, key: string, arg?: number) => {
    tokens.push(arg === undefined ? { kind, text, key, space } : { kind, text, key, space, arg })
    space = false
  }
  while (i < n) {
    const c = sql[i]!
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f') {
      space = true
      i++
    } else if (c === '-' && sql[i + 1] === '-') {
      while (i < n && sql[i] !== '\n' && sql[i] !== '\r') i++
      space = true
    } else if (c === '/' && sql[i + 1] === '*') {
      // PostgreSQL nests block comments. Oracle's optimizer hints (/*+ … */) are kept; other comments dropped.
      const start = i
      let depth = 1
      i += 2
      while (i < n && depth > 0) {
        if (sql[i] === '/' && sql[i + 1] === '*') (depth++, (i += 2))
        else if (sql[i] === '*' && sql[i + 1] === '/') (depth--, (i += 2))
        else i++
      }
      if (depth > 0) throw new UntranslatableError('Unterminated comment in the SQL')
      const text = sql.slice(start, i)
      if (text.startsWith('/*+') && !text.slice(2, -2).includes('/*')) push('hint', text, text)
      else space = true
    } else if (c === "'") {
      const end = quotedEnd(sql, i, "'")
      push('string', sql.slice(i, end), sql.slice(i, end))
      i = end
    } else if (c === '"') {
      const end = quotedEnd(sql, i, '"')
      const text = sql.slice(i, end)
      push('ident', text, text.slice(1, -1).replaceAll('""', '"'))
      i = end
    } else if (c === '$') {
      let end = i + 1
      while (isDigit(sql[end])) end++
      if (end === i + 1) throw new UntranslatableError('PostgreSQL dollar-quoted strings ($$…$$) are not supported on Oracle: write the text as a string literal')
      const arg = Number(sql.slice(i + 1, end)) - 1
      if (arg < 0) throw new UntranslatableError('$0 is not a placeholder: they count from $1')
      push('param', sql.slice(i, end), sql.slice(i, end), arg)
      i = end
    } else if (isDigit(c) || (c === '.' && isDigit(sql[i + 1]))) {
      const match = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/.exec(sql.slice(i, i + 64))!
      push('number', match[0], match[0])
      i += match[0].length
    } else if (isWordStart(c)) {
      let end = i + 1
      while (isWordPart(sql[end])) end++
      const word = sql.slice(i, end)
      const upper = word.toUpperCase()
      if (sql[end] === "'") {
        // A prefixed literal: Oracle's N'…', q'…', nq'…'; PostgreSQL's E'…' (backslash escapes), B'…', X'…', U&'…'.
        if (upper === 'N') {
          const stop = quotedEnd(sql, end, "'")
          push('string', sql.slice(i, stop), sql.slice(i, stop))
          i = stop
          continue
        }
        if (upper === 'Q' || upper === 'NQ') {
          const stop = qQuotedEnd(sql, end)
          push('string', sql.slice(i, stop), sql.slice(i, stop))
          i = stop
          continue
        }
        if (upper === 'E' || upper === 'B' || upper === 'X' || upper === 'U') {
          throw new UntranslatableError(`PostgreSQL's ${word}'…' literals are not supported on Oracle: write a plain '…' literal`)
        }
      }
      push('word', word, upper)
      i = end
    } else {
      const operator = OPERATORS.find((op) => sql.startsWith(op, i)) ?? c
      push('op', operator, operator)
      i += operator.length
    }
  }
  return tokens
}

const fragments = new Map<string, readonly Token[]>()
/** Bounds the fragments kept: most are the translator's own, some hold a statement's column names. */
const MAX_FRAGMENTS = 2000

/** The tokens of a piece of SQL the translator writes (cached: the same pieces come back for every statement). */
export function fragment(sql: string): readonly Token[] {
  let tokens = fragments.get(sql)
  if (tokens === undefined) {
    tokens = tokenize(sql)
    if (fragments.size >= MAX_FRAGMENTS) fragments.clear()
    fragments.set(sql, tokens)
  }
  return tokens
}

export const withSpace = (token: Token, space: boolean): Token => (token.space === space ? token : { ...token, space })

/** `tokens` with the first one's space set to `space` (a slice moved to where other spacing is due). */
export function spaced(tokens: readonly Token[], space: boolean): Token[] {
  return tokens.map((token, i) => (i === 0 ? withSpace(token, space) : token))
}

/** For each bracket ( ) [ ] the index of its partner, -1 elsewhere. */
export function partners(tokens: readonly Token[]): Int32Array {
  const partner = new Int32Array(tokens.length).fill(-1)
  const open: number[] = []
  tokens.forEach((token, i) => {
    if (token.kind !== 'op') return
    if (token.key === '(' || token.key === '[') open.push(i)
    else if (token.key === ')' || token.key === ']') {
      const start = open.pop()
      if (start === undefined || (tokens[start]!.key === '(') !== (token.key === ')')) throw new UntranslatableError('Unbalanced brackets in the SQL')
      partner[start] = i
      partner[i] = start
    }
  })
  if (open.length > 0) throw new UntranslatableError('Unbalanced brackets in the SQL')
  return partner
}

export const isOp = (token: Token | undefined, ...ops: string[]): boolean => token?.kind === 'op' && ops.includes(token.key)
export const isWord = (token: Token | undefined, ...words: string[]): boolean => token?.kind === 'word' && words.includes(token.key)

/**
 * Words that end an operand: keywords of clauses, predicates and conditions. Any other word is a name (a column, a
 * function before "(", NULL).
 */
const KEYWORDS = new Set(
  ('ALL AND ANY AS ASC BETWEEN BY CASE COLLATE CONFLICT CROSS DELETE DESC DISTINCT DO ELSE END ESCAPE EXCEPT EXISTS ' +
    'FETCH FIRST FOR FROM FULL GROUP HAVING ILIKE IN INNER INSERT INTERSECT INTO IS JOIN LEFT LIKE LIMIT MINUS NEXT ' +
    'NOT NULLS OFFSET ON ONLY OR ORDER OUTER RETURNING RIGHT ROWS SELECT SET SIMILAR SOME THEN UNION UPDATE USING ' +
    'VALUES WHEN WHERE WITH').split(' '),
)

export const isName = (token: Token | undefined): boolean => token !== undefined && (token.kind === 'ident' || (token.kind === 'word' && !KEYWORDS.has(token.key)))
const isValue = (token: Token) => token.kind === 'param' || token.kind === 'number' || token.kind === 'string'
/** Operators that bind tighter than LIKE, IN and the comparisons in PostgreSQL: they extend an operand. */
const OPERAND_OPERATORS = new Set(['||', '+', '-', '*', '/', '%'])

/** Where the primary (a name a.b.c, a value, a call f(…), a parenthesised group) that ends at `last` starts, or -1. */
export function primaryStart(tokens: readonly Token[], last: number, partner: Int32Array): number {
  const token = tokens[last]
  if (token === undefined) return -1
  if (isOp(token, ')')) {
    const open = partner[last]!
    return isName(tokens[open - 1]) && tokens[open - 1]!.kind === 'word' ? open - 1 : open
  }
  if (isValue(token)) return last
  if (!isName(token)) return -1
  let start = last
  while (isOp(tokens[start - 1], '.') && isName(tokens[start - 2])) start -= 2
  return start
}

/** Where the primary that starts at `first` ends (exclusive), or -1. */
export function primaryEnd(tokens: readonly Token[], first: number, partner: Int32Array): number {
  const token = tokens[first]
  if (token === undefined) return -1
  if (isOp(token, '(')) return partner[first]! + 1
  if (isValue(token)) return first + 1
  if (!isName(token)) return -1
  if (token.kind === 'word' && isOp(tokens[first + 1], '(')) return partner[first + 1]! + 1
  let end = first + 1
  while (isOp(tokens[end], '.') && isName(tokens[end + 1])) end += 2
  return end
}

/** The start of the operand ending just before `end`: primaries joined by operators that bind tighter than LIKE or IN. */
export function operandStart(tokens: readonly Token[], end: number, partner: Int32Array, what: string): number {
  let start = primaryStart(tokens, end - 1, partner)
  if (start < 0) throw new UntranslatableError(`Cannot find the left operand of ${what} in the SQL: write it as a column or a parenthesised expression`)
  while (tokens[start - 1]?.kind === 'op' && OPERAND_OPERATORS.has(tokens[start - 1]!.key)) {
    const before = primaryStart(tokens, start - 2, partner)
    if (before < 0) break
    start = before
  }
  return start
}

/** The end (exclusive) of the operand starting at `start`. */
export function operandEnd(tokens: readonly Token[], start: number, partner: Int32Array, what: string): number {
  const first = isOp(tokens[start], '-', '+') ? start + 1 : start
  let end = primaryEnd(tokens, first, partner)
  if (end < 0) throw new UntranslatableError(`Cannot find the right operand of ${what} in the SQL: write it as a value or a parenthesised expression`)
  while (tokens[end]?.kind === 'op' && OPERAND_OPERATORS.has(tokens[end]!.key)) {
    const after = primaryEnd(tokens, end + 1, partner)
    if (after < 0) break
    end = after
  }
  return end
}

/** Splits tokens[start, end) at the commas of its own level. */
export function splitAtCommas(tokens: readonly Token[], start: number, end: number, partner: Int32Array): Token[][] {
  const parts: Token[][] = []
  let from = start
  for (let i = start; i < end; i++) {
    const token = tokens[i]!
    if (isOp(token, '(', '[')) i = partner[i]!
    else if (isOp(token, ',')) {
      parts.push(tokens.slice(from, i))
      from = i + 1
    }
  }
  if (end > start) parts.push(tokens.slice(from, end))
  return parts
}

/** Words that end a SET list at its level (an UPDATE's, a MERGE's WHEN MATCHED THEN UPDATE SET). */
const SET_ENDS = ['WHERE', 'RETURNING', 'FROM', 'WHEN', 'DELETE']

/**
 * The indexes of the `=` of SET's assignments (`SET "a" = …, "b" = …`, `SET ("a", "b") = (…)`), which are not
 * comparisons.
 */
export function assignmentOperators(tokens: readonly Token[], partner: Int32Array): Set<number> {
  const found = new Set<number>()
  tokens.forEach((token, at) => {
    if (!isWord(token, 'SET')) return
    let itemStart = at + 1
    for (let i = at + 1; i < tokens.length; i++) {
      const t = tokens[i]!
      if (isOp(t, ')') || isWord(t, ...SET_ENDS)) break
      if (isOp(t, ',')) itemStart = i + 1
      else if (isOp(t, '=') && i > itemStart) {
        const target = tokens.slice(itemStart, i)
        const isTarget = isOp(target[0], '(') ? partner[itemStart] === i - 1 : target.every((part, k) => (k % 2 === 0 ? isName(part) : isOp(part, '.')))
        if (isTarget) found.add(i)
      }
      if (isOp(t, '(', '[')) i = partner[i]!
    }
  })
  return found
}

/** SQL text of tokens that hold no placeholder (a column reference copied into rendered SQL). */
export function textOf(tokens: readonly Token[]): string {
  return tokens.map((token, i) => (i > 0 && token.space ? ` ${token.text}` : token.text)).join('')
}

export const quoteIdentifier = (name: string) => `"${name.replaceAll('"', '""')}"`
export const sqlString = (text: string) => `'${text.replaceAll("'", "''")}'`
