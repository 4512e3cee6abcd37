// The one way options are checked, for the pool's options and for each engine's own: a table says what every key
// may be, and the messages come out the same everywhere (unknown key with a suggestion, bad value, refused key, a
// setting given in two places).
import { PoolOptionError } from './errors.js'

/** What one option may be: `allowed` says it in messages ("an integer from 0 to 100000"), `check` decides. */
export interface OptionRule {
  readonly allowed: string
  readonly check: (value: unknown) => boolean
  /** Its values never appear in messages (a password, or what may be one). */
  readonly secret?: boolean
}

/** The options of one object (the pool's, or an engine adapter's), with what their messages call them. */
export interface OptionTable {
  /** Names the options in messages: 'pool' gives `unknown pool option "x"`, '' gives `unknown option "x"`. */
  readonly scope: string
  /** Every key accepted, in the order messages list them. */
  readonly rules: Readonly<Record<string, OptionRule>>
  /** How a key is written where it is named alone ('pool.' gives `pool.size`). */
  readonly path?: string
  /** Where the options were given, as "set both …" says it: 'in the pool options', 'as an option'. */
  readonly where: string
  /** Names users bring from other libraries, written as `normalize` leaves them, and the option they mean. */
  readonly aliases?: Readonly<Record<string, string>>
  /** Keys refused with advice: the rest of the sentence after the quoted key (`is not supported: use …`). */
  readonly refused?: Readonly<Record<string, string>>
}

/** The longest time an option may give, in seconds: every timer must stay within setTimeout's range (24.8 days). */
const MAX_SECONDS = 24 * 24 * 3600
const isInt = (v: unknown, min: number, max: number) => Number.isInteger(v) && (v as number) >= min && (v as number) <= max
const isSeconds = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v > 0 && v <= MAX_SECONDS
const quoteList = (values: readonly unknown[]) => {
  const quoted = values.map((v) => (typeof v === 'string' ? `'${v}'` : String(v)))
  return quoted.length < 2 ? quoted.join('') : `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`
}

/** The rules most options are made of. */
export const rule = {
  integer: (min: number, max: number): OptionRule => ({ allowed: `an integer from ${min} to ${max}`, check: (v) => isInt(v, min, max) }),
  /** Seconds greater than 0, within what a timer can wait. */
  seconds: { allowed: `a number of seconds greater than 0 (at most ${MAX_SECONDS})`, check: isSeconds } satisfies OptionRule,
  /** Seconds, or 0, which `zero` names ('off'). */
  secondsOrZero: (zero?: string): OptionRule => ({
    allowed: `a number of seconds from 0${zero ? ` (${zero})` : ''} to ${MAX_SECONDS}`,
    check: (v) => v === 0 || isSeconds(v),
  }),
  boolean: { allowed: 'true or false', check: (v) => typeof v === 'boolean' } satisfies OptionRule,
  oneOf: (...values: readonly unknown[]): OptionRule => ({ allowed: quoteList(values), check: (v) => values.includes(v) }),
  string: { allowed: 'a non-empty string', check: (v) => typeof v === 'string' && v !== '' } satisfies OptionRule,
  object: (allowed: string): OptionRule => ({ allowed, check: (v) => typeof v === 'object' && v !== null && !Array.isArray(v) }),
  /** Passed on as it is, for whoever reads it to check (the driver, or a check of the engine's own). */
  any: { allowed: 'anything', check: () => true } satisfies OptionRule,
  /** `base`, or one more value, which `text` names ('or -1 for no limit'). */
  or: (base: OptionRule, value: unknown, text: string): OptionRule => ({
    allowed: `${base.allowed}, ${text}`,
    check: (v) => v === value || base.check(v),
  }),
} as const

/** A value as messages show it: strings quoted, objects by their type only (they may hold anything). */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value)
  return typeof value
}

/** How names are compared for suggestions: case, `_` and `-` do not count (`max_overflow` is `maxOverflow`). */
export const normalize = (name: string) => name.toLowerCase().replace(/[_-]/g, '')

/** Edits (insert, delete, substitute, swap two neighbours) from one name to the other. */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)])
  for (let j = 1; j <= b.length; j++) d[0]![j] = j
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1)
      d[i]![j] = best
    }
  }
  return d[a.length]![b.length]!
}

/**
 * The known name an unknown one most likely means: an alias, the same name written differently (`MAX_OVERFLOW`), or
 * a typo of one or two letters (`maxOverflw`). Short names get one edit at most, so that unrelated names stay apart.
 */
export function suggestName(name: string, known: readonly string[], aliases: Readonly<Record<string, string>> = {}): string | undefined {
  // SQLAlchemy's create_engine() prefixes its pool arguments (pool_size, pool_reset_on_return): the name is the rest.
  const wanted = normalize(name).replace(/^pool(?=.)/, '')
  if (Object.hasOwn(aliases, wanted)) return aliases[wanted]
  const limit = Math.min(2, Math.floor(wanted.length / 4))
  let best: string | undefined
  let bestDistance = limit + 1
  for (const candidate of known) {
    const d = distance(wanted, normalize(candidate))
    if (d < bestDistance) [best, bestDistance] = [candidate, d]
  }
  return best
}

/** ` Did you mean "x"?`, or nothing. */
export const didYouMean = (suggestion: string | undefined) => (suggestion === undefined ? '' : ` Did you mean "${suggestion}"?`)

/**
 * Checks `input` against `table`: a refused key gets its advice, an unknown one a suggestion and the known keys, a bad
 * value what is allowed. Returns the keys that are set (undefined ones are dropped). `scope` replaces the table's
 * own in messages ('setup()', 'pool (from the connection string)').
 */
export function checkOptions<T extends object>(table: OptionTable, input: unknown, scope = table.scope): T {
  const named = (what: string) => (scope ? `${scope} ${what}` : what)
  if (input === undefined) return {} as T
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new PoolOptionError(`${named('options')} must be an object, got ${describeValue(input)}`)
  }
  const result: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(input)) {
    const refusal = table.refused && Object.hasOwn(table.refused, key) ? table.refused[key] : undefined
    if (refusal !== undefined) throw new PoolOptionError(`"${key}" ${refusal}.`)
    if (!Object.hasOwn(table.rules, key)) {
      const known = Object.keys(table.rules)
      throw new PoolOptionError(
        `unknown ${named('option')} "${key}".${didYouMean(suggestName(key, known, table.aliases))} Known options: ${known.join(', ')}.`,
      )
    }
    if (value === undefined) continue
    const { allowed, check, secret } = table.rules[key]!
    if (!check(value)) {
      const got = secret ? typeof value : describeValue(value)
      throw new PoolOptionError(`invalid ${named('option')} "${key}": expected ${allowed}, got ${got}.`)
    }
    result[key] = value
  }
  return result as T
}

/** One place a setting was given: `where` as "set both …" says it ('in the pool options'), and its value. */
export interface Source {
  readonly where: string
  readonly value?: unknown
  /** The value stays out of the message. */
  readonly secret?: boolean
}

/** A setting given in two places: the message names both (and their values, unless secret). */
export function conflictError(subject: string, first: Source, second: Source): PoolOptionError {
  const show = (s: Source) => (s.secret || s.value === undefined ? '' : ` (${String(s.value)})`)
  return new PoolOptionError(`${subject} is set both ${first.where}${show(first)} and ${second.where}${show(second)}; keep one.`)
}

/**
 * The first source that gives a value, when every other one that gives one agrees with it; a second, different
 * value is an error naming both places, rather than a silent choice of one. `subject` names the setting.
 */
export function agreedSource<S extends Source>(subject: string, sources: readonly S[]): S | undefined {
  const given = sources.filter((s) => s.value !== undefined)
  const [first] = given
  const other = given.find((s) => s.value !== first?.value)
  if (first && other) throw conflictError(subject, first, other)
  return first
}
