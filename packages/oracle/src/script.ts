// A script's statements, for executeScript: Oracle runs one statement per call. The rule is SQL*Plus's, kept simple:
//
// - A SQL statement ends at a `;` or at a line holding only `/`. The `;` is not part of it (Oracle refuses it there).
// - A PL/SQL block (`BEGIN`, `DECLARE`) or stored unit (`CREATE [OR REPLACE] [EDITIONABLE|NONEDITIONABLE] FUNCTION |
//   PROCEDURE | PACKAGE [BODY] | TRIGGER | TYPE [BODY] | LIBRARY | JAVA`) holds `;`s of its own: it ends at a line
//   holding only `/` (or at the end of the script), and keeps its last `;` (`END;`).
// - `;` and `/` inside '…' and q'[…]' literals, "…" identifiers and -- or /* */ comments do not count.
// - What holds nothing but blanks and comments is not a statement.

const PLSQL_START =
  /^(?:BEGIN|DECLARE)\b|^CREATE\s+(?:OR\s+REPLACE\s+)?(?:(?:NON)?EDITIONABLE\s+)?(?:FUNCTION|PROCEDURE|PACKAGE|TRIGGER|TYPE|LIBRARY|JAVA)\b/i

/** The closing character of a q'X…X' literal. */
const Q_CLOSE: Record<string, string> = { '[': ']', '{': '}', '(': ')', '<': '>' }

/** The text without its comments, to see what a statement starts with. */
const withoutComments = (text: string) => text.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, ' ').trim()

/** Whether `text` holds something other than blanks and comments. */
const hasContent = (text: string) => withoutComments(text) !== ''

/** The statements of `script`, in order (see the rule above). */
export function splitStatements(script: string): string[] {
  const statements: string[] = []
  let start = 0
  let plsql: boolean | undefined
  const emit = (end: number, keepEnd = 0) => {
    const text = script.slice(start, end + keepEnd).trim()
    if (hasContent(text)) statements.push(text)
    plsql = undefined
  }
  let i = 0
  while (i < script.length) {
    const c = script[i]!
    const next = script[i + 1]
    if (c === '-' && next === '-') {
      const eol = script.indexOf('\n', i)
      i = eol === -1 ? script.length : eol
      continue
    }
    if (c === '/' && next === '*') {
      const close = script.indexOf('*/', i + 2)
      i = close === -1 ? script.length : close + 2
      continue
    }
    if ((c === 'q' || c === 'Q') && next === "'" && !/[A-Za-z0-9_$#]/.test(script[i - 1] ?? '')) {
      const open = script[i + 2] ?? ''
      const close = `${Q_CLOSE[open] ?? open}'`
      const end = script.indexOf(close, i + 3)
      i = end === -1 ? script.length : end + close.length
      continue
    }
    if (c === "'" || c === '"') {
      // A doubled quote inside is the quote itself: scanning on from the next quote handles it.
      const end = script.indexOf(c, i + 1)
      i = end === -1 ? script.length : end + 1
      continue
    }
    // Whether the statement is PL/SQL is decided at its first word.
    if (plsql === undefined && /\S/.test(c) && hasContent(script.slice(start, i + 1))) {
      plsql = PLSQL_START.test(withoutComments(script.slice(start, i + 64)))
    }
    if (c === ';' && plsql !== true) {
      emit(i)
      start = i + 1
    } else if (c === '/' && isSlashLine(script, i)) {
      emit(i)
      start = i + 1
    }
    i++
  }
  emit(script.length)
  return statements
}

/** A `/` alone on its line (blanks around it allowed): SQL*Plus's end of a block. */
function isSlashLine(script: string, i: number): boolean {
  const lineStart = script.lastIndexOf('\n', i - 1) + 1
  const lineEnd = script.indexOf('\n', i)
  return script.slice(lineStart, lineEnd === -1 ? script.length : lineEnd).trim() === '/'
}
