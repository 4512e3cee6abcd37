// Statements whose Oracle form is not their PostgreSQL one rewritten in place: INSERT of several rows (one step per
// row), ON CONFLICT DO NOTHING (a step per row that skips a duplicate), ON CONFLICT … DO UPDATE (a MERGE, then a
// SELECT of the row), and RETURNING (Oracle's RETURNING … INTO, or H2's SELECT … FROM FINAL TABLE (…)).
import { RETURNING_STYLE, UntranslatableError, type OracleStep, type ReturningColumn } from '../plan.js'
import type { TranslationContext } from './context.js'
import { rewriteExpression } from './expressions.js'
import { fragment, isName, isOp, isWord, partners, quoteIdentifier, spaced, splitAtCommas, type Token } from './tokens.js'

/** A step before its placeholders are numbered. */
export interface StepTemplate extends Omit<OracleStep, 'sql' | 'binds'> {
  readonly tokens: readonly Token[]
}

interface Table {
  /** The table's reference, as written ("Tag", or "app"."Tag"). */
  readonly tokens: readonly Token[]
  readonly name: string
  readonly schema?: string
}

/** Pieces of SQL (fragments written as text, or token lists) joined by one space, none after ( or . nor before ) , . */
function build(...parts: (string | readonly Token[])[]): Token[] {
  const out: Token[] = []
  for (const part of parts) {
    const tokens = typeof part === 'string' ? fragment(part) : part
    if (tokens.length === 0) continue
    const last = out.at(-1)
    const space = last !== undefined && !isOp(last, '(', '.') && !isOp(tokens[0], ')', ',', '.')
    out.push(...spaced(tokens, space))
  }
  return out
}

/** Token lists joined by `separator` (', ' or ' AND '). */
const join = (lists: readonly (readonly Token[])[], separator: string): Token[] => build(...lists.flatMap((list, i) => (i === 0 ? [list] : [separator, list])))

const names = (columns: readonly ReturningColumn[]) =>
  columns.map((c) => (c.name === c.column ? quoteIdentifier(c.column) : `${quoteIdentifier(c.column)} AS ${quoteIdentifier(c.name)}`)).join(', ')

/** The index of the first token at the level of `from`, at or after it, that `match`es; or tokens.length. */
function findAtLevel(tokens: readonly Token[], from: number, partner: Int32Array, match: (i: number) => boolean): number {
  for (let i = from; i < tokens.length; i++) {
    if (isOp(tokens[i], '(', '[')) i = partner[i]!
    else if (match(i)) return i
  }
  return tokens.length
}

function parseTable(tokens: readonly Token[], at: number): { table: Table; end: number } {
  let end = at
  if (!isName(tokens[end])) throw new UntranslatableError('Cannot find the table of the statement')
  end++
  while (isOp(tokens[end], '.') && isName(tokens[end + 1])) end += 2
  const parts = tokens.slice(at, end).filter((t) => !isOp(t, '.'))
  const schema = parts.at(-2)?.key
  return { table: { tokens: tokens.slice(at, end), name: parts.at(-1)!.key, ...(schema === undefined ? {} : { schema }) }, end }
}

/** RETURNING's items: columns, maybe cast to text ("role"::text) or renamed; anything else is refused. */
function parseReturning(tokens: readonly Token[], from: number, partner: Int32Array): ReturningColumn[] {
  return splitAtCommas(tokens, from, tokens.length, partner).map((item) => {
    let i = 0
    while (isName(item[i]) && isOp(item[i + 1], '.')) i += 2
    if (!isName(item[i])) throw new UntranslatableError(`RETURNING ${item.map((t) => t.text).join('')} is not supported on Oracle: return the table's columns by name`)
    const column = item[i]!.key
    i++
    const asText = isOp(item[i], '::') && isWord(item[i + 1], 'TEXT', 'VARCHAR')
    if (asText) i += 2
    let name = column
    if (isWord(item[i], 'AS')) i++
    if (isName(item[i])) name = item[i++]!.key
    if (i !== item.length) throw new UntranslatableError(`RETURNING ${item.map((t) => t.text).join(' ')} is not supported on Oracle: return the table's columns by name`)
    return { column, name, asText }
  })
}

/** The step of an INSERT, UPDATE or DELETE (already Oracle's), with its RETURNING in the target's way. */
function withReturning(statement: readonly Token[], verb: string, table: Table, returning: readonly ReturningColumn[] | undefined, context: TranslationContext): StepTemplate {
  if (returning === undefined) return { tokens: statement, yields: 'count' }
  if (RETURNING_STYLE[context.target] === 'into') {
    // Out-binds, numbered after the statement's placeholders: the engine binds the in-binds, then one out-bind per column.
    const outBinds: Token[] = returning.flatMap((_, k) => [...(k > 0 ? fragment(',') : []), { kind: 'out', text: '', key: '', space: true } as const])
    const into = `RETURNING ${returning.map((c) => quoteIdentifier(c.column)).join(', ')} INTO`
    return {
      tokens: [...build(statement, into), ...outBinds],
      yields: 'rows',
      returning: { table: table.name, ...(table.schema === undefined ? {} : { schema: table.schema }), columns: returning },
    }
  }
  return { tokens: build(`SELECT ${names(returning)} FROM ${verb === 'DELETE' ? 'OLD' : 'FINAL'} TABLE (`, statement, ')'), yields: 'rows' }
}

interface Conflict {
  readonly keys: readonly string[]
  readonly action: 'nothing' | 'update'
  readonly assignments: readonly { readonly column: Token; readonly value: readonly Token[] }[]
  readonly where?: readonly Token[]
}

/** ON CONFLICT [(keys)] DO NOTHING | DO UPDATE SET … [WHERE …], starting at its ON; and where it ends. */
function parseConflict(tokens: readonly Token[], at: number, partner: Int32Array): { conflict: Conflict; end: number } {
  let i = at + 2
  let keys: string[] = []
  if (isOp(tokens[i], '(')) {
    keys = splitAtCommas(tokens, i + 1, partner[i]!, partner).map((key) => {
      if (key.length !== 1 || !isName(key[0])) throw new UntranslatableError('ON CONFLICT on an expression is not supported on Oracle')
      return key[0]!.key
    })
    i = partner[i]! + 1
  }
  if (!isWord(tokens[i], 'DO')) throw new UntranslatableError('ON CONFLICT ON CONSTRAINT and ON CONFLICT on a partial index are not supported on Oracle')
  if (isWord(tokens[i + 1], 'NOTHING')) {
    // Row by row, a step skips its row on any unique violation (ORA-00001), where PostgreSQL skips a conflict on these
    // keys only and fails on another.
    if (keys.length > 0) {
      throw new UntranslatableError(
        `ON CONFLICT (${keys.map(quoteIdentifier).join(', ')}) DO NOTHING is not supported on Oracle: a row would be skipped on a conflict with any unique constraint, not only this one; write ON CONFLICT DO NOTHING (any conflict), or check for the row first`,
      )
    }
    return { conflict: { keys, action: 'nothing', assignments: [] }, end: i + 2 }
  }
  if (!isWord(tokens[i + 1], 'UPDATE') || !isWord(tokens[i + 2], 'SET')) throw new UntranslatableError('Unexpected ON CONFLICT clause')
  const setEnd = findAtLevel(tokens, i + 3, partner, (k) => isWord(tokens[k], 'WHERE', 'RETURNING'))
  const assignments = splitAtCommas(tokens, i + 3, setEnd, partner).map((assignment) => {
    const [column, equals] = assignment
    if (!isName(column) || !isOp(equals, '=')) throw new UntranslatableError('ON CONFLICT DO UPDATE SET (a, b) = … is not supported on Oracle')
    return { column: column!, value: assignment.slice(2) }
  })
  if (!isWord(tokens[setEnd], 'WHERE')) return { conflict: { keys, action: 'update', assignments }, end: setEnd }
  const whereEnd = findAtLevel(tokens, setEnd + 1, partner, (k) => isWord(tokens[k], 'RETURNING'))
  return { conflict: { keys, action: 'update', assignments, where: tokens.slice(setEnd + 1, whereEnd) }, end: whereEnd }
}

/**
 * INSERT … VALUES (a row) ON CONFLICT (keys) DO UPDATE SET … [WHERE …] [RETURNING …] → a MERGE, then, for RETURNING,
 * a SELECT of the row by its conflict key (run only if the MERGE counted a row: one whose WHERE left it alone is not
 * returned, as PostgreSQL returns none). Oracle refuses to update a column of the MERGE's ON (ORA-38104), which an
 * upsert of a key must: 'oracle' matches on the ROWID of the row with the key; H2, which has no ROWID under that name
 * but updates ON columns, matches on the key.
 */
function mergeSteps(table: Table, columns: readonly Token[], values: readonly Token[][], conflict: Conflict, returning: readonly ReturningColumn[] | undefined, context: TranslationContext): StepTemplate[] {
  if (conflict.keys.length === 0) throw new UntranslatableError('ON CONFLICT DO UPDATE without a conflict target is not supported on Oracle')
  const columnNames = columns.map((c) => c.key)
  const valueOf = (key: string): readonly Token[] => {
    const value = values[columnNames.indexOf(key)]
    if (value === undefined || isWord(value[0], 'DEFAULT')) throw new UntranslatableError(`An upsert whose conflict key ${quoteIdentifier(key)} is not among the inserted values is not supported on Oracle`)
    return value
  }
  const rewrite = (tokens: readonly Token[]) => rewriteExpression(tokens, context)
  const assigned = new Map(conflict.assignments.map(({ column, value }) => [column.key, rewrite(value)]))
  const keyMatch = (qualifier: readonly Token[] | undefined, value: (key: string) => readonly Token[]) =>
    join(
      conflict.keys.map((key) => (qualifier === undefined ? build(quoteIdentifier(key), '=', value(key)) : build(qualifier, `.${quoteIdentifier(key)}`, '=', value(key)))),
      'AND',
    )
  const setList = join(
    conflict.assignments.map(({ column }) => build([column], '=', assigned.get(column.key)!)),
    ',',
  )
  const whenMatched = build('WHEN MATCHED THEN UPDATE SET', setList, ...(conflict.where === undefined ? [] : ['WHERE', rewriteExpression(conflict.where, context, true)]))
  const whenNotMatched = build('WHEN NOT MATCHED THEN INSERT (', join(columns.map((c) => [c]), ','), ') VALUES (', join(values, ','), ')')
  const on =
    context.target === 'oracle'
      ? build('USING (SELECT (SELECT ROWID FROM', table.tokens, 'WHERE', keyMatch(undefined, valueOf), ') "rid" FROM DUAL) "merge_source" ON (', table.tokens, '.ROWID = "merge_source"."rid")')
      : build('USING (SELECT 1 FROM DUAL) "merge_source" ON (', keyMatch(table.tokens, valueOf), ')')
  const merge = build('MERGE INTO', table.tokens, on, whenMatched, whenNotMatched)
  if (returning === undefined) return [{ tokens: merge, yields: 'count' }]

  // The row has the inserted key, or, where the update set the key, the assigned one; it was inserted exactly where
  // a row with the inserted key exists after the MERGE (the key is unique), so the assigned key is read only otherwise.
  // A key that is NULL finds no row by "key = …", where PostgreSQL's RETURNING gives the row: refused, a NULL literal
  // here, a NULL argument per call (the plan's nonNullArgs).
  const changesKey = conflict.keys.some((key) => assigned.has(key))
  for (const key of conflict.keys) {
    const value = assigned.get(key)
    if (value !== undefined && !(value.length === 1 && (value[0]!.kind === 'param' || value[0]!.kind === 'number' || value[0]!.kind === 'string' || isWord(value[0], 'NULL')))) {
      throw new UntranslatableError(`An upsert that sets its conflict key ${quoteIdentifier(key)} from an expression is not supported on Oracle: set it to a value, or update the row in a separate update`)
    }
    for (const [what, tokens] of [
      ['sets', value],
      ['inserts', valueOf(key)],
    ] as const) {
      const refusal = `An upsert that ${what} its conflict key ${quoteIdentifier(key)} to NULL is not supported on Oracle: the row it returns is read again by its key, which finds no row with a NULL key (PostgreSQL's RETURNING gives the row); ${what === 'sets' ? 'update the row, then set the key to null in a separate update' : 'create the row with create(), not upsert()'}`
      if (tokens === undefined || tokens.length !== 1) continue
      if (isWord(tokens[0], 'NULL')) throw new UntranslatableError(refusal)
      if (tokens[0]!.kind === 'param' && !context.nonNullArgs.has(tokens[0]!.arg!)) context.nonNullArgs.set(tokens[0]!.arg!, refusal)
    }
  }
  const newValueOf = (key: string) => assigned.get(key) ?? valueOf(key)
  const where = changesKey
    ? build('(', keyMatch(table.tokens, valueOf), ') OR ((', keyMatch(table.tokens, newValueOf), ') AND NOT EXISTS (SELECT 1 FROM', table.tokens, '"upserted" WHERE', keyMatch(fragment('"upserted"'), valueOf), '))')
    : keyMatch(table.tokens, valueOf)
  const select = build(`SELECT ${names(returning)} FROM`, table.tokens, 'WHERE', where)
  return [
    { tokens: merge, yields: 'nothing' },
    { tokens: select, yields: 'rows', ifPreviousCounted: true },
  ]
}

function planInsert(tokens: readonly Token[], context: TranslationContext): StepTemplate[] {
  const partner = partners(tokens)
  if (!isWord(tokens[1], 'INTO')) throw new UntranslatableError('Unexpected INSERT statement')
  const { table, end: tableEnd } = parseTable(tokens, 2)
  let i = tableEnd
  let columns: Token[] = []
  if (isOp(tokens[i], '(')) {
    columns = splitAtCommas(tokens, i + 1, partner[i]!, partner).map((column) => {
      if (column.length !== 1 || !isName(column[0])) throw new UntranslatableError('Unexpected INSERT column list')
      return column[0]!
    })
    i = partner[i]! + 1
  }
  const rewrite = (part: readonly Token[]) => rewriteExpression(part, context)
  let rows: Token[][][] | undefined
  let query: readonly Token[] | undefined
  if (isWord(tokens[i], 'DEFAULT') && isWord(tokens[i + 1], 'VALUES')) {
    i += 2
  } else if (isWord(tokens[i], 'VALUES')) {
    rows = []
    i++
    for (;;) {
      if (!isOp(tokens[i], '(')) throw new UntranslatableError('Unexpected INSERT … VALUES')
      rows.push(splitAtCommas(tokens, i + 1, partner[i]!, partner).map(rewrite))
      i = partner[i]! + 1
      if (!isOp(tokens[i], ',')) break
      i++
    }
  } else {
    const end = findAtLevel(tokens, i, partner, (k) => (isWord(tokens[k], 'ON') && isWord(tokens[k + 1], 'CONFLICT')) || isWord(tokens[k], 'RETURNING'))
    query = tokens.slice(i, end)
    i = end
  }
  let conflict: Conflict | undefined
  if (isWord(tokens[i], 'ON') && isWord(tokens[i + 1], 'CONFLICT')) ({ conflict, end: i } = parseConflict(tokens, i, partner))
  let returning: ReturningColumn[] | undefined
  if (isWord(tokens[i], 'RETURNING')) {
    returning = parseReturning(tokens, i + 1, partner)
    i = tokens.length
  }
  if (i !== tokens.length) throw new UntranslatableError(`Unexpected ${tokens[i]!.text} in an INSERT statement`)

  const head = build('INSERT INTO', table.tokens, ...(columns.length > 0 ? ['(', join(columns.map((c) => [c]), ','), ')'] : []))
  if (query !== undefined) {
    if (conflict !== undefined || returning !== undefined) throw new UntranslatableError('INSERT … SELECT with ON CONFLICT or RETURNING is not supported on Oracle')
    return [{ tokens: build(head, rewrite(query)), yields: 'count' }]
  }
  if (rows === undefined) {
    // DEFAULT VALUES, which Oracle has not: DEFAULT into one column (any: all have defaults) gives the same row.
    const column = returning?.[0]?.column
    if (column === undefined || conflict !== undefined) throw new UntranslatableError('INSERT … DEFAULT VALUES is supported on Oracle only with a RETURNING and without ON CONFLICT')
    return [withReturning(build('INSERT INTO', table.tokens, `(${quoteIdentifier(column)}) VALUES (DEFAULT)`), 'INSERT', table, returning, context)]
  }
  // One statement per row: Oracle's INSERT takes one row of VALUES, and its RETURNING … INTO one row's values. Rows of
  // the same shape have the same SQL text, so an engine may run them as one batch.
  return rows.flatMap((values) => {
    if (columns.length > 0 && values.length !== columns.length) throw new UntranslatableError('INSERT with more values than columns')
    if (conflict?.action === 'update') return mergeSteps(table, columns, values, conflict, returning, context)
    const step = withReturning(build(head, 'VALUES (', join(values, ','), ')'), 'INSERT', table, returning, context)
    return [conflict === undefined ? step : { ...step, skipDuplicate: true }]
  })
}

function planUpdateOrDelete(tokens: readonly Token[], context: TranslationContext): StepTemplate[] {
  const partner = partners(tokens)
  const verb = tokens[0]!.key
  const tableAt = verb === 'DELETE' ? 2 : 1
  if (verb === 'DELETE' && !isWord(tokens[1], 'FROM')) throw new UntranslatableError('Unexpected DELETE statement')
  const { table } = parseTable(tokens, tableAt)
  const at = findAtLevel(tokens, tableAt, partner, (k) => isWord(tokens[k], 'RETURNING'))
  const returning = at < tokens.length ? parseReturning(tokens, at + 1, partner) : undefined
  return [withReturning(rewriteExpression(tokens.slice(0, at), context), verb, table, returning, context)]
}

/** The steps of one statement (without its "public". qualifiers). */
export function planStatement(tokens: readonly Token[], context: TranslationContext): StepTemplate[] {
  const first = tokens[0]
  if (isWord(first, 'INSERT')) return planInsert(tokens, context)
  if (isWord(first, 'UPDATE', 'DELETE')) return planUpdateOrDelete(tokens, context)
  const yields = isWord(first, 'SELECT', 'WITH') || isOp(first, '(') ? 'rows' : 'count'
  return [{ tokens: rewriteExpression(tokens, context), yields }]
}
