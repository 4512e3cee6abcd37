/**
 * Splits a PostgreSQL script into statements at the semicolons that end them, leaving alone those inside
 * quoted strings ('…', E'…' with backslash escapes), quoted identifiers ("…"), comments (-- and nested
 * /* … *\/), dollar-quoted bodies ($$ … $$, $fn$ … $fn$) and SQL-standard function bodies
 * (BEGIN ATOMIC … END, with CASE … END inside). Empty statements are dropped.
 */
export function splitStatements(script: string): string[] {
  const statements: string[] = []
  let start = 0
  let i = 0
  const n = script.length
  // Inside BEGIN ATOMIC … END: each CASE opens another END.
  let atomicDepth = 0
  let previousWord = ''

  const push = (end: number) => {
    const statement = script.slice(start, end).trim()
    if (statement && !isOnlyComments(statement)) statements.push(statement)
  }

  while (i < n) {
    const ch = script[i]!
    const next = script[i + 1]
    if (ch === ';') {
      if (atomicDepth === 0) {
        push(i)
        start = i + 1
      }
      i++
    } else if (/[A-Za-z_]/.test(ch) && !/[A-Za-z0-9_$]/.test(script[i - 1] ?? '')) {
      const word = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(script.slice(i, i + 64))![0].toUpperCase()
      if (word === 'ATOMIC' && previousWord === 'BEGIN') atomicDepth++
      else if (atomicDepth > 0 && word === 'CASE') atomicDepth++
      else if (atomicDepth > 0 && word === 'END') atomicDepth--
      previousWord = word
      i += word.length
    } else if (ch === '-' && next === '-') {
      i = endOfLine(script, i)
    } else if (ch === '/' && next === '*') {
      i = endOfBlockComment(script, i)
    } else if (ch === "'") {
      const escapes = isEscapeStringPrefix(script, i)
      i = endOfQuoted(script, i, "'", escapes)
    } else if (ch === '"') {
      i = endOfQuoted(script, i, '"', false)
    } else if (ch === '$') {
      const tag = dollarTag(script, i)
      if (tag) {
        const close = script.indexOf(tag, i + tag.length)
        i = close === -1 ? n : close + tag.length
      } else {
        i++
      }
    } else {
      i++
    }
  }
  push(n)
  return statements
}

function endOfLine(s: string, i: number): number {
  const newline = s.indexOf('\n', i)
  return newline === -1 ? s.length : newline + 1
}

/** Block comments nest in PostgreSQL. */
function endOfBlockComment(s: string, i: number): number {
  let depth = 0
  while (i < s.length) {
    if (s[i] === '/' && s[i + 1] === '*') {
      depth++
      i += 2
    } else if (s[i] === '*' && s[i + 1] === '/') {
      depth--
      i += 2
      if (depth === 0) return i
    } else {
      i++
    }
  }
  return i
}

/** A doubled quote is an escaped quote; in E'…' strings a backslash escapes the next character too. */
function endOfQuoted(s: string, i: number, quote: string, backslashEscapes: boolean): number {
  i++
  while (i < s.length) {
    const ch = s[i]
    if (backslashEscapes && ch === '\\') {
      i += 2
    } else if (ch === quote) {
      if (s[i + 1] === quote) i += 2
      else return i + 1
    } else {
      i++
    }
  }
  return i
}

/** `E'…'` (not part of a longer identifier such as `name'`). */
function isEscapeStringPrefix(s: string, quoteIndex: number): boolean {
  const prefix = s[quoteIndex - 1]
  if (prefix !== 'E' && prefix !== 'e') return false
  return !/[A-Za-z0-9_$]/.test(s[quoteIndex - 2] ?? '')
}

/** `$$` or `$tag$` at i, where `$1` (a parameter) and `a$b` (part of an identifier) are not tags. */
function dollarTag(s: string, i: number): string | undefined {
  if (/[A-Za-z0-9_]/.test(s[i - 1] ?? '')) return undefined
  const match = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.exec(s.slice(i, i + 64))
  return match?.[0]
}

function isOnlyComments(statement: string): boolean {
  return statement.replace(/--[^\n]*(\n|$)/g, '').replace(/\/\*[\s\S]*?\*\//g, '').trim() === ''
}

/** Statements that open or close a transaction themselves. */
const TRANSACTION_CONTROL = /^(BEGIN|START\s+TRANSACTION|COMMIT|END|ROLLBACK|ABORT|PREPARE\s+TRANSACTION)\b/i

/**
 * The statements of a script that failed as one implicit transaction with SQLSTATE `code`, to run one at a time: when
 * a statement refused to run in a transaction block (25001: CREATE DATABASE, CREATE INDEX CONCURRENTLY, VACUUM) and the
 * script does not manage transactions itself; else undefined (the failure stands).
 */
export function statementsToRunAlone(script: string, code: unknown): string[] | undefined {
  if (code !== '25001') return undefined
  const statements = splitStatements(script)
  if (statements.length < 2 || statements.some((statement) => TRANSACTION_CONTROL.test(statement))) return undefined
  return statements
}
