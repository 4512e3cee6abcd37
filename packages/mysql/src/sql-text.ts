// MySQL's SQL text as the server reads it: which characters are SQL, outside string literals, quoted identifiers and
// comments. The text protocol inlines values at the placeholders found so; @prisma-pool/jdbc's MySQL route, whose
// pooled connections run one statement per call, splits scripts at the semicolons.

/**
 * Calls `code` with the position of each character of `sql` outside string literals, quoted identifiers and comments,
 * and `quoted` with the start of each literal or quoted identifier, by MySQL's rules: `'…'`, `"…"` and `` `…` `` (a
 * backslash escapes in the first two, unless the session has NO_BACKSLASH_ESCAPES), `#` and `-- ` to the end of the
 * line, and `/* … *\/` unless it is executable (`/*! … *\/`, MariaDB's `/*M! … *\/`) or a hint (`/*+ … *\/`): those
 * are SQL.
 */
function scan(sql: string, noBackslashEscapes: boolean, code: (at: number) => void, quoted?: (at: number) => void): void {
  const n = sql.length
  for (let i = 0; i < n; i++) {
    const c = sql[i]
    if (c === "'" || c === '"' || c === '`') {
      quoted?.(i)
      for (i++; i < n && sql[i] !== c; i++) if (sql[i] === '\\' && c !== '`' && !noBackslashEscapes) i++
    } else if (c === '#' || (c === '-' && sql[i + 1] === '-' && /[\s]/.test(sql[i + 2] ?? ' '))) {
      while (i < n && sql[i] !== '\n') i++
    } else if (c === '/' && sql[i + 1] === '*' && !/^[!+]|^M!/.test(sql.slice(i + 2, i + 4))) {
      const end = sql.indexOf('*/', i + 2)
      i = end === -1 ? n : end + 1
    } else {
      code(i)
    }
  }
}

/** The positions of `char` in `sql` where it is SQL: not inside a literal, a quoted identifier or a comment. */
export function positionsInSql(sql: string, char: string, noBackslashEscapes: boolean): number[] {
  const positions: number[] = []
  scan(sql, noBackslashEscapes, (at) => {
    if (sql[at] === char) positions.push(at)
  })
  return positions
}

/**
 * A script's statements, split at its semicolons (those that are SQL), without the empty ones: a trailing `;`, a
 * comment alone. Unlike the server's own splitting (several statements in one query), it does not know compound
 * statements: a `CREATE PROCEDURE … BEGIN …; … END` body is cut at its semicolons, as the mysql command-line client
 * cuts it without a DELIMITER command.
 */
export function splitStatements(script: string): string[] {
  const statements: string[] = []
  let from = 0
  let hasSql = false
  const cut = (end: number) => {
    if (hasSql) statements.push(script.slice(from, end).trim())
    from = end + 1
    hasSql = false
  }
  scan(
    script,
    false,
    (at) => {
      if (script[at] === ';') cut(at)
      else if (!/\s/.test(script[at]!)) hasSql = true
    },
    () => (hasSql = true),
  )
  cut(script.length)
  return statements
}
