// Connection strings, for every engine: the checks an unset variable or a malformed URL needs, and the parameters
// read into options through tables like the options' own (see option-rules.ts).
import { PoolOptionError } from './errors.js'
import { agreedSource, checkOptions, didYouMean, suggestName, type OptionTable } from './option-rules.js'
import { POOL_OPTIONS, type PoolOptions } from './options.js'

/** Where a connection string usually comes from, and what is wrong when it is missing. */
const UNSET = 'is DATABASE_URL (or whichever variable it is read from) set in the environment of this process?'

/** What an engine's adapter tells the core about the connection strings it takes, for the messages. */
export interface ConnectionStringSpec {
  /** The adapter's name, as users write it. */
  adapter: string
  /** The URL schemes it takes, without `://`. */
  schemes: readonly string[]
  /** A URL it takes, with a made-up password. */
  example: string
  /** What `{}` connects with instead of a URL. */
  defaults: string
}

const schemeList = (schemes: readonly string[]) => schemes.map((s) => `${s}://`).join(' or ')

/**
 * The options an adapter was given, checked for the mistakes an unset environment variable makes: no options at all
 * (`new Adapter(process.env.DATABASE_URL)`), or a `connectionString` that is undefined or empty.
 */
export function checkAdapterInput<T extends { connectionString?: string }>(input: T | string | undefined, spec: ConnectionStringSpec): T {
  if (input === undefined || input === '') {
    throw new PoolOptionError(
      `${spec.adapter} was given ${input === undefined ? 'no connection string' : 'an empty connection string'}: ${UNSET} ` +
        `Pass a URL such as ${spec.example}, or an options object; to connect with ${spec.defaults}, pass {}.`,
    )
  }
  const options = typeof input === 'string' ? ({ connectionString: input } as T) : input
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new PoolOptionError(`${spec.adapter} expects an options object or a connection string.`)
  }
  if ('connectionString' in options) checkConnectionString(options.connectionString, spec)
  return options
}

/**
 * A connection string that can be parsed as what it says: not undefined or empty (an unset variable), and written
 * `scheme://…` (`scheme:user@host`, without the //, parses as a URL with no host at all). The value is never
 * repeated in the message: it may hold a password.
 */
function checkConnectionString(value: unknown, { schemes, example }: ConnectionStringSpec): void {
  if (value === undefined || (typeof value === 'string' && value.trim() === '')) {
    const what = value === undefined ? 'undefined' : value === '' ? 'empty' : 'blank'
    throw new PoolOptionError(`connectionString is ${what}: ${UNSET} Expected a URL such as ${example}.`)
  }
  if (typeof value !== 'string') throw new PoolOptionError('connectionString must be a string.')
  const [, scheme, inner] = /^([A-Za-z][A-Za-z0-9+.-]*):(?:([A-Za-z][A-Za-z0-9+.-]*):\/\/)?/.exec(value) ?? []
  if (inner !== undefined) {
    // `wrapper:scheme://…`: a URL for another kind of client, which wraps the server's own.
    throw new PoolOptionError(`connectionString starts with "${scheme}:${inner}://", which is not a URL for this adapter: expected a URL such as ${example}.`)
  }
  if (!value.startsWith(`${scheme}://`)) {
    throw new PoolOptionError(
      scheme === undefined
        ? `connectionString does not start with a scheme (${schemeList(schemes)}): expected a URL such as ${example}.`
        : `connectionString starts with "${scheme}:" but not "${scheme}://": expected a URL such as ${example}.`,
    )
  }
}

/** The connection string as a URL of one of the adapter's schemes, each parameter given once. */
export function parseConnectionUrl(connectionString: string, { schemes, example }: ConnectionStringSpec): URL {
  let url: URL
  try {
    url = new URL(connectionString)
  } catch {
    throw new PoolOptionError(`connectionString is not a valid URL; expected a URL such as ${example}.`)
  }
  if (!schemes.includes(url.protocol.slice(0, -1))) {
    throw new PoolOptionError(`connectionString must start with ${schemeList(schemes)}, not ${url.protocol}// (use the adapter for that engine).`)
  }
  checkRepeatedParams(url)
  return url
}

/** A parameter given twice would be a silent choice of one value (drivers take the last): refused instead. */
function checkRepeatedParams(url: URL): void {
  const names = [...url.searchParams.keys()]
  const repeated = names.find((name, i) => names.indexOf(name) !== i)
  if (repeated !== undefined) throw new PoolOptionError(`connection string parameter ${repeated} is given more than once; keep one.`)
}

/** Reads a parameter's text into a value; a text it cannot take is an error naming the parameter (see `badParam`). */
export type ParamParser<V> = (text: string, name: string) => V

/**
 * What a connection-string parameter does: set pool options, set the engine's own settings (`T`, whatever the
 * engine reads its URL into), or neither: `driver` leaves it in the URL for the driver, `refused` says what to do
 * instead.
 */
export type ParamRule<T> =
  | { readonly pool: ParamParser<PoolOptions> }
  | { readonly options: ParamParser<Partial<T>> }
  | { readonly driver: true }
  | { readonly refused: string }

/** The parameters an engine's connection strings may carry. */
export type ParamRules<T> = Readonly<Record<string, ParamRule<T>>>

/** A text a parameter cannot take: the message says what it takes. */
export function badParam(name: string, text: string, allowed: string): PoolOptionError {
  return new PoolOptionError(`connection string parameter ${name}=${text} must be ${allowed}.`)
}

/**
 * Seconds. `0`, which meant "wait forever" in Prisma 6, is refused: a wait without end hides the problem. `option`
 * names what to set instead.
 */
export const urlSeconds =
  (option: string): ParamParser<number> =>
  (text, name) => {
    const seconds = Number(text)
    if (text.trim() === '' || !Number.isFinite(seconds) || seconds < 0) throw badParam(name, text, 'a number of seconds')
    if (seconds === 0) {
      throw new PoolOptionError(
        `connection string parameter ${name}=0 (wait forever) is not supported: a wait without end hides the problem. ` +
          `Remove it to use the default, or set ${option} to the longest wait you accept.`,
      )
    }
    return seconds
  }

/** A whole number from `min` (to `max`). */
export const urlInteger =
  (min: number, max?: number): ParamParser<number> =>
  (text, name) => {
    const n = Number(text)
    if (text.trim() === '' || !Number.isInteger(n) || n < min || (max !== undefined && n > max)) {
      throw badParam(name, text, `a whole number ${max === undefined ? `of at least ${min}` : `from ${min} to ${max}`}`)
    }
    return n
  }

/** One of `values`, as written. */
export const urlOneOf =
  <V extends string>(...values: V[]): ParamParser<V> =>
  (text, name) => {
    if (!(values as string[]).includes(text)) throw badParam(name, text, values.join(' or '))
    return text as V
  }

/** `true` or `false`. */
export const urlBoolean: ParamParser<boolean> = (text, name) => urlOneOf('true', 'false')(text, name) === 'true'

/** A parser whose value goes into `key`: `{ pool: into('timeout', urlSeconds('pool.timeout')) }`. */
export const into =
  <K extends string, V>(key: K, parse: ParamParser<V>) =>
  (text: string, name: string) =>
    ({ [key]: parse(text, name) }) as { [P in K]: V }

/** The Prisma 6 parameters every engine maps to pool options; an engine's own table spreads them in. */
export const POOL_PARAMS: ParamRules<never> = {
  // Prisma 6's pool had a fixed size: no overflow.
  connection_limit: { pool: (text, name) => ({ size: urlInteger(1)(text, name), maxOverflow: 0 }) },
  pool_timeout: { pool: into('timeout', urlSeconds('pool.timeout')) },
  connect_timeout: { pool: into('connectTimeout', urlSeconds('pool.connectTimeout')) },
}

/**
 * Reads the parameters of `url` by `params`: returns the pool options and the engine's settings they set, and the
 * URL without them (only `driver` parameters are left). An unknown parameter is an error with a suggestion and the
 * known ones, a refused one says what to do instead.
 */
export function readParams<T>(url: URL, params: ParamRules<T>): { pool: PoolOptions; options: Partial<T>; url: URL } {
  const rest = new URL(url)
  const pool: PoolOptions = {}
  const options: Partial<T> = {}
  for (const [name, text] of url.searchParams) {
    const param = Object.hasOwn(params, name) ? params[name]! : undefined
    if (param === undefined) {
      const known = Object.keys(params).filter((key) => !('refused' in params[key]!))
      throw new PoolOptionError(
        `unknown connection string parameter "${name}".${didYouMean(suggestName(name, known))} Known: ${known.join(', ')}.`,
      )
    }
    if ('refused' in param) throw new PoolOptionError(`connection string parameter ${name} is not supported: ${param.refused}.`)
    if ('driver' in param) continue
    if ('pool' in param) Object.assign(pool, param.pool(text, name))
    else Object.assign(options, param.options(text, name))
    rest.searchParams.delete(name)
  }
  return { pool, options, url: rest }
}

/**
 * `given`, completed by what the connection string set (keys it leaves undefined are skipped). The connection
 * string's values are checked by `table` first (the messages say where they came from); a key set to two different
 * values is an error rather than a silent choice, without the values of a secret one.
 */
export function mergeFromUrl<T extends object>(table: OptionTable, given: T, fromUrl: Partial<T>): T {
  const scope = table.scope ? `${table.scope} (from the connection string)` : 'connection string'
  const checked = checkOptions<Partial<T>>(table, fromUrl, scope)
  const merged = { ...given }
  for (const [key, value] of Object.entries(checked) as [keyof T & string, T[keyof T & string]][]) {
    const secret = table.rules[key]?.secret
    const first = agreedSource(`${table.path ?? ''}${key}`, [
      { where: table.where, value: merged[key], secret },
      { where: 'by the connection string', value, secret },
    ])
    merged[key] = first!.value as T[keyof T & string]
  }
  return merged
}

/** The pool options given as options, completed by those the connection string set (see mergeFromUrl). */
export function mergeUrlPoolOptions(pool: PoolOptions, fromUrl: PoolOptions): PoolOptions {
  return mergeFromUrl(POOL_OPTIONS, pool, fromUrl)
}
