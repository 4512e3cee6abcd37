// A strict, token-based check that SQL is written for Oracle and not PostgreSQL: what the translator must have
// rewritten (LIMIT, ILIKE, ::, AS before a table alias, TRUE/FALSE, "public"., $n, ON CONFLICT, JSON operators,
// LATERAL, long IN lists, multi-row VALUES, OFFSET without ROWS, RETURNING the target cannot run, row-value
// comparisons with a list of values) and how its
// placeholders are numbered. Its own lexer (Oracle's rules), so that it does not share the translator's mistakes.
import type { OracleStep, TranslationTarget } from '../../src/plan.js'

interface LintToken {
  readonly kind: 'word' | 'ident' | 'string' | 'number' | 'op' | 'bind' | 'dollar'
  readonly text: string
  /** A word upper-cased, an identifier's name, an operator, a bind's number. */
  readonly key: string
}

const OPERATORS = ['#>>', '->>', '::', '||', '#>', '@>', '<@', '->', '<>', '!=', '<=', '>=', '=>']

function lex(sql: string): LintToken[] {
  const tokens: LintToken[] = []
  let i = 0
  const quoted = (quote: string) => {
    let end = i + 1
    for (;;) {
      const at = sql.indexOf(quote, end)
      if (at < 0) throw new Error(`unterminated ${quote} in ${sql}`)
      if (sql[at + 1] !== quote) return at + 1
      end = at + 2
    }
  }
  while (i < sql.length) {
    const rest = sql.slice(i)
    const c = sql[i]!
    let match: RegExpExecArray | null
    if (/\s/.test(c)) i++
    else if (rest.startsWith('--')) i = sql.indexOf('\n', i) < 0 ? sql.length : sql.indexOf('\n', i)
    else if (rest.startsWith('/*')) i = sql.indexOf('*/', i) < 0 ? sql.length : sql.indexOf('*/', i) + 2
    else if ((match = /^[nN]?[qQ]'(.)/.exec(rest)) !== null) {
      const open = match[1]!
      const close = ({ '[': ']', '{': '}', '(': ')', '<': '>' } as Record<string, string>)[open] ?? open
      const end = sql.indexOf(`${close}'`, i + match[0].length)
      tokens.push({ kind: 'string', text: sql.slice(i, end + 2), key: '' })
      i = end + 2
    } else if (c === "'" || ((c === 'n' || c === 'N') && sql[i + 1] === "'")) {
      if (c !== "'") i++
      const end = quoted("'")
      tokens.push({ kind: 'string', text: sql.slice(i, end), key: '' })
      i = end
    } else if (c === '"') {
      const end = quoted('"')
      tokens.push({ kind: 'ident', text: sql.slice(i, end), key: sql.slice(i + 1, end - 1) })
      i = end
    } else if ((match = /^:(\d+)/.exec(rest)) !== null) {
      tokens.push({ kind: 'bind', text: match[0], key: match[1]! })
      i += match[0].length
    } else if ((match = /^\$\d+/.exec(rest)) !== null) {
      tokens.push({ kind: 'dollar', text: match[0], key: match[0] })
      i += match[0].length
    } else if ((match = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/.exec(rest)) !== null) {
      tokens.push({ kind: 'number', text: match[0], key: match[0] })
      i += match[0].length
    } else if ((match = /^[A-Za-z_\u0080-\uffff][A-Za-z0-9_$#\u0080-\uffff]*/.exec(rest)) !== null) {
      tokens.push({ kind: 'word', text: match[0], key: match[0].toUpperCase() })
      i += match[0].length
    } else {
      const op = OPERATORS.find((o) => rest.startsWith(o)) ?? c
      tokens.push({ kind: 'op', text: op, key: op })
      i += op.length
    }
  }
  return tokens
}

export interface LintOptions {
  /** 'oracle' (RETURNING … INTO) by default; 'h2' has no RETURNING at all (SELECT … FROM FINAL TABLE (…)). */
  readonly target?: TranslationTarget
  /** How many placeholders the SQL must have (its binds and out-binds). */
  readonly placeholders?: number
}

const isWord = (token: LintToken | undefined, ...words: string[]) => token?.kind === 'word' && words.includes(token.key)
const isOp = (token: LintToken | undefined, ...ops: string[]) => token?.kind === 'op' && ops.includes(token.key)
const FROM_ENDS = ['WHERE', 'GROUP', 'ORDER', 'HAVING', 'ON', 'USING', 'UNION', 'INTERSECT', 'MINUS', 'EXCEPT', 'OFFSET', 'FETCH', 'SET', 'RETURNING', 'FOR', 'CONNECT', 'START']

/** The problems that make `sql` not (translated) Oracle SQL; [] if none. `options` may be just the target. */
export function oracleLint(sql: string, options: LintOptions | TranslationTarget = {}): string[] {
  return analyse(sql, typeof options === 'string' ? { target: options } : options).problems
}

function analyse(sql: string, options: LintOptions): { problems: string[]; returning: boolean } {
  const target = options.target ?? 'oracle'
  let returning = false
  const problems: string[] = []
  const tokens = lex(sql)
  const partner = new Map<number, number>()
  const open: number[] = []
  tokens.forEach((token, i) => {
    if (isOp(token, '(')) open.push(i)
    else if (isOp(token, ')')) {
      const start = open.pop()
      if (start === undefined) problems.push('unbalanced )')
      else partner.set(start, i)
    }
  })
  if (open.length > 0) problems.push('unbalanced (')
  const plsql = isWord(tokens[0], 'BEGIN', 'DECLARE', 'CREATE')
  const inFrom: boolean[] = [false]
  const binds: number[] = []
  const context = (i: number) => tokens.slice(Math.max(0, i - 3), i + 3).map((t) => t.text).join(' ')
  tokens.forEach((token, i) => {
    const next = tokens[i + 1]
    const depth = inFrom.length - 1
    if (isOp(token, '(')) inFrom.push(false)
    else if (isOp(token, ')')) inFrom.pop()
    if (token.kind === 'bind') binds.push(Number(token.key))
    if (token.kind === 'dollar') problems.push(`PostgreSQL placeholder ${token.text}`)
    if (token.kind === 'ident' && token.key === 'public' && isOp(next, '.') && !isOp(tokens[i - 1], '.')) problems.push(`"public". qualifier: ${context(i)}`)
    if (token.kind === 'op') {
      if (['::', '#>', '#>>', '@>', '<@', '->', '->>'].includes(token.key)) problems.push(`PostgreSQL operator ${token.key}: ${context(i)}`)
      if (token.key === ';' && !plsql) problems.push('a ; (one statement per call, no terminator)')
    }
    if (token.kind !== 'word') return
    if (FROM_ENDS.includes(token.key)) inFrom[depth] = false
    switch (token.key) {
      case 'LIMIT':
      case 'ILIKE':
      case 'LATERAL':
      case 'TRUE':
      case 'FALSE':
        problems.push(`${token.key}: ${context(i)}`)
        break
      case 'FROM':
      case 'JOIN':
        inFrom[depth] = true
        break
      case 'AS':
        if (inFrom[depth] && (next?.kind === 'ident' || next?.kind === 'word')) problems.push(`AS before a table alias: ${context(i)}`)
        break
      case 'ON':
        if (isWord(next, 'CONFLICT')) problems.push('ON CONFLICT')
        break
      case 'RETURNING': {
        // The statement's RETURNING, not the RETURNING clause of a JSON function's argument list.
        if (depth > 0) break
        returning = true
        if (target === 'h2') problems.push('RETURNING (H2 takes SELECT … FROM FINAL TABLE (…))')
        else {
          let k = i + 1
          while (k < tokens.length && !isWord(tokens[k], 'INTO') && !isOp(tokens[k], ')')) k++
          if (!isWord(tokens[k], 'INTO')) problems.push('RETURNING without INTO')
        }
        break
      }
      case 'IN': {
        if (!isOp(next, '(')) break
        let elements = 1
        const close = partner.get(i + 1) ?? tokens.length
        for (let k = i + 2; k < close; k++) {
          if (isOp(tokens[k], '(')) k = partner.get(k) ?? k
          else if (isOp(tokens[k], ',')) elements++
        }
        if (elements > 1000) problems.push(`an IN list of ${elements} elements (Oracle's limit is 1000)`)
        break
      }
      case 'VALUES': {
        const close = isOp(next, '(') ? partner.get(i + 1) : undefined
        if (close !== undefined && isOp(tokens[close + 1], ',')) problems.push('a multi-row VALUES')
        break
      }
      case 'OFFSET': {
        let k = i + 1
        while (k < tokens.length && !isWord(tokens[k], 'ROWS', 'ROW', 'FETCH') && !isOp(tokens[k], ')')) {
          k = isOp(tokens[k], '(') ? (partner.get(k) ?? k) + 1 : k + 1
        }
        if (!isWord(tokens[k], 'ROWS', 'ROW')) problems.push(`OFFSET without ROWS: ${context(i)}`)
        break
      }
      default:
        if (token.key.startsWith('JSONB_')) problems.push(`PostgreSQL function ${token.key}`)
    }
  })
  // (a, b) = (x, y): Oracle compares a row value only with a sub-select (ORA-00920).
  const COMPARISON_OPS = ['=', '<>', '!=', '<', '<=', '>', '>=']
  const closing = new Map([...partner].map(([start, end]) => [end, start]))
  const isRow = (open: number | undefined) => {
    if (open === undefined || !isOp(tokens[open], '(') || isWord(tokens[open + 1], 'SELECT', 'WITH')) return false
    const before = tokens[open - 1]
    if (before?.kind === 'ident' || (before?.kind === 'word' && !['WHERE', 'AND', 'OR', 'NOT', 'ON', 'WHEN', 'HAVING'].includes(before.key))) return false
    const close = partner.get(open) ?? tokens.length
    for (let k = open + 1; k < close; k++) {
      if (isOp(tokens[k], '(')) k = partner.get(k) ?? k
      else if (isOp(tokens[k], ',')) return true
    }
    return false
  }
  tokens.forEach((token, i) => {
    if (!isOp(token, ...COMPARISON_OPS)) return
    const left = isOp(tokens[i - 1], ')') ? closing.get(i - 1) : undefined
    const right = isOp(tokens[i + 1], '(') ? i + 1 : undefined
    if (isRow(right) || (isRow(left) && !isWord(tokens[i + 2], 'SELECT', 'WITH'))) problems.push(`a row-value comparison with a list of values: ${context(i)}`)
  })
  binds.forEach((n, k) => {
    if (n !== k + 1) problems.push(`placeholder :${n} where :${k + 1} was due (numbered in order of occurrence, each once)`)
  })
  if (options.placeholders !== undefined && binds.length !== options.placeholders) {
    problems.push(`${binds.length} placeholders for ${options.placeholders} binds`)
  }
  return { problems: [...new Set(problems)], returning }
}

/** The problems of a translated step: its SQL's, and its binds' and returning's agreement with it. */
export function lintStep(step: OracleStep, target: TranslationTarget): string[] {
  const { problems, returning } = analyse(step.sql, { target, placeholders: step.binds.length + (step.returning?.columns.length ?? 0) })
  if (target === 'h2' && step.returning !== undefined) problems.push("a step's returning (out-binds) for h2")
  if (target === 'oracle' && returning !== (step.returning !== undefined)) problems.push("RETURNING … INTO and the step's returning disagree")
  if (step.returning !== undefined && step.yields !== 'rows') problems.push('a RETURNING step that does not yield rows')
  return problems
}
