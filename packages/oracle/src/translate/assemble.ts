// Steps from their tokens: the SQL text with its placeholders numbered :1, :2 … in order of occurrence, one bind
// each, then the out-binds of a RETURNING … INTO. A step holding SQL rendered from arguments makes the plan a
// DeferredPlan, whose render does only this numbering and concatenation (the tokens are long gone).
import type { BindSource, DeferredPlan, OraclePlan, OracleStep, Translation } from '../plan.js'
import type { StepTemplate } from './statements.js'
import type { DynamicSql, Token } from './tokens.js'

const OUT_BIND = { out: true } as const
type Piece = string | { readonly arg: number } | typeof OUT_BIND | DynamicSql

function piecesOf(tokens: readonly Token[]): Piece[] {
  const pieces: Piece[] = []
  let text = ''
  tokens.forEach((token, i) => {
    if (i > 0 && token.space) text += ' '
    const piece = token.kind === 'param' ? { arg: token.arg! } : token.kind === 'out' ? OUT_BIND : token.kind === 'dynamic' ? token.dynamic! : undefined
    if (piece === undefined) text += token.text
    else {
      if (text !== '') pieces.push(text)
      pieces.push(piece)
      text = ''
    }
  })
  if (text !== '') pieces.push(text)
  return pieces
}

const isDynamic = (piece: Piece): piece is DynamicSql => typeof piece === 'object' && 'render' in piece

function stepOf(pieces: readonly Piece[], template: StepTemplate, args: readonly unknown[]): OracleStep {
  let sql = ''
  const binds: BindSource[] = []
  let placeholders = 0
  for (const piece of pieces) {
    if (typeof piece === 'string') sql += piece
    else if ('arg' in piece) {
      binds.push(piece)
      sql += `:${++placeholders}`
    } else if ('out' in piece) sql += `:${++placeholders}`
    else sql += piece.render(args)
  }
  const { tokens: _tokens, ...meta } = template
  return { sql, binds, ...meta }
}

export function assemble(templates: readonly StepTemplate[], inlined: ReadonlySet<number>): Translation {
  const prepared = templates.map((template) => ({ template, pieces: piecesOf(template.tokens) }))
  const fixed = prepared.map(({ template, pieces }) => (pieces.some(isDynamic) ? undefined : stepOf(pieces, template, [])))
  if (fixed.every((step) => step !== undefined)) return { steps: fixed } satisfies OraclePlan
  const plan: DeferredPlan = {
    inlined: [...inlined].sort((a, b) => a - b),
    render: (args) => ({ steps: prepared.map(({ template, pieces }, k) => fixed[k] ?? stepOf(pieces, template, args)) }),
  }
  return plan
}
