// Steps from their tokens: the SQL text with its placeholders numbered :1, :2 … in order of occurrence, one bind
// each, then the out-binds of a RETURNING … INTO. Where some argument values change the plan (an empty string compared
// with, empty bytes, a NULL upsert key: empty-strings.ts, statements.ts), the plan is a DeferredPlan: its usual plan,
// the short list of arguments a call looks at, and the plan of a call where one of them is special.
import { UntranslatableError, type BindSource, type DeferredPlan, type OraclePlan, type OracleStep, type PlanRequirements, type Translation } from '../plan.js'
import type { TranslationContext } from './context.js'
import { EMPTY_BYTES_REFUSED, EMPTY_LITERAL, EMPTY_STRING_REFUSED, emptyStringCandidates, likePatternBinds, type EmptyStringCandidate } from './empty-strings.js'
import type { StepTemplate } from './statements.js'
import { spaced, type Token } from './tokens.js'

const OUT_BIND = { out: true } as const
type Piece = string | BindSource | typeof OUT_BIND

function piecesOf(tokens: readonly Token[]): Piece[] {
  const pieces: Piece[] = []
  const likePattern = likePatternBinds(tokens)
  let text = ''
  tokens.forEach((token, i) => {
    if (i > 0 && token.space) text += ' '
    const piece = token.kind === 'param' ? (likePattern.has(i) ? { arg: token.arg!, likePattern: true as const } : { arg: token.arg! }) : token.kind === 'out' ? OUT_BIND : undefined
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

function stepOf(tokens: readonly Token[], template: StepTemplate): OracleStep {
  let sql = ''
  const binds: BindSource[] = []
  let placeholders = 0
  for (const piece of piecesOf(tokens)) {
    if (typeof piece === 'string') sql += piece
    else {
      if ('arg' in piece) binds.push(piece)
      sql += `:${++placeholders}`
    }
  }
  const { tokens: _tokens, ...meta } = template
  return { sql, binds, ...meta }
}

/** A NULL argument (one past the arguments given is a bind error, not a NULL). */
const isNull = (args: readonly unknown[], arg: number) => arg < args.length && (args[arg] === null || args[arg] === undefined)
const isEmptyBytes = (value: unknown) => value instanceof Uint8Array && value.length === 0

/** `tokens` with the candidates' edits for the arguments in `empty`; refused where two edits overlap. */
function edited(tokens: readonly Token[], candidates: readonly EmptyStringCandidate[], empty: ReadonlySet<number>): readonly Token[] {
  const edits = candidates
    .filter((candidate) => candidate.args.some((arg) => empty.has(arg)))
    .map((candidate) => ({ start: candidate.start, end: candidate.end, replacement: candidate.edit(empty) }))
    .sort((a, b) => b.start - a.start)
  let out = [...tokens]
  edits.forEach(({ start, end, replacement }, k) => {
    if (k > 0 && end > edits[k - 1]!.start) throw new UntranslatableError(`${EMPTY_STRING_REFUSED} (in comparisons nested in one another)`)
    out = [...out.slice(0, start), ...spaced(replacement, out[start]?.space ?? false), ...out.slice(end)]
  })
  return out
}

/** The plan of steps whose SQL is theirs whatever the argument values. */
export const plainPlan = (templates: readonly StepTemplate[]): OraclePlan => ({ steps: templates.map((template) => stepOf(template.tokens, template)) })

export function assemble(statement: readonly StepTemplate[], context: TranslationContext): Translation {
  const requires: PlanRequirements | undefined = context.usesJsonFunctions ? { jsonScalars: true } : undefined
  const planOf = (steps: OracleStep[]): OraclePlan => (requires === undefined ? { steps } : { steps, requires })
  // Comparisons with a '' literal are what a '' argument's are, in every call: rewritten (or refused) now.
  const always = new Set([EMPTY_LITERAL])
  const templates = statement.map((template) => {
    const literal = emptyStringCandidates(template.tokens).filter((candidate) => candidate.args.includes(EMPTY_LITERAL))
    return literal.length === 0 ? template : { ...template, tokens: edited(template.tokens, literal, always) }
  })
  const usual = planOf(templates.map((template) => stepOf(template.tokens, template)))
  const candidates = templates.map((template) => emptyStringCandidates(template.tokens))
  const compared = [...new Set(candidates.flat().flatMap((candidate) => candidate.args))].filter((arg) => arg !== EMPTY_LITERAL)
  const lobArgs = [...context.lobArgs]
  const nonNull = [...context.nonNullArgs]
  if (compared.length === 0 && lobArgs.length === 0 && nonNull.length === 0) return usual

  const watched = [...new Set([...compared, ...lobArgs])]
  const nonNullArgs = nonNull.map(([arg]) => arg)
  const plan: DeferredPlan = {
    valueArgs: [...new Set([...watched, ...nonNullArgs])].sort((a, b) => a - b),
    usual,
    // Per call: a loop over the arguments looked at, a key only where one is special (nearly never).
    variant(args) {
      let key = ''
      for (const arg of watched) {
        const value = args[arg]
        if (value === '') key += `e${arg},`
        else if (value instanceof Uint8Array && value.length === 0) key += `b${arg},`
      }
      for (const arg of nonNullArgs) if (isNull(args, arg)) key += `n${arg},`
      return key
    },
    render(args) {
      for (const [arg, refusal] of nonNull) if (isNull(args, arg)) throw new UntranslatableError(refusal)
      for (const arg of watched) if (isEmptyBytes(args[arg])) throw new UntranslatableError(EMPTY_BYTES_REFUSED)
      for (const arg of lobArgs) if (args[arg] === '') throw new UntranslatableError(EMPTY_BYTES_REFUSED)
      const empty = new Set(compared.filter((arg) => args[arg] === ''))
      if (empty.size === 0) return usual
      return planOf(templates.map((template, k) => stepOf(edited(template.tokens, candidates[k]!, empty), template)))
    },
  }
  return plan
}
