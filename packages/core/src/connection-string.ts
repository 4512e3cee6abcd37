import { PoolOptionError } from './errors.js'
import { validatePoolOptions, type PoolOptions } from './options.js'

/** Where a connection string usually comes from, and what is wrong when it is missing. */
const UNSET = 'is DATABASE_URL (or whichever variable it is read from) set in the environment of this process?'

/**
 * The options an adapter was given, checked for the mistakes an unset environment variable makes: no options at all
 * (`new PrismaPoolPg(process.env.DATABASE_URL)`), or a `connectionString` that is undefined or empty. `adapter` names
 * the adapter, `example` a URL of its engine, `defaults` what `{}` connects with instead.
 */
export function checkAdapterInput<T extends { connectionString?: string }>(
  input: T | string | undefined,
  { adapter, example, defaults }: { adapter: string; example: string; defaults: string },
): T {
  if (input === undefined || input === '') {
    throw new PoolOptionError(
      `${adapter} was given ${input === undefined ? 'no connection string' : 'an empty connection string'}: ${UNSET} ` +
        `Pass a URL such as ${example}, or an options object; to connect with ${defaults}, pass {}.`,
    )
  }
  const options = typeof input === 'string' ? ({ connectionString: input } as T) : input
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new PoolOptionError(`${adapter} expects an options object or a connection string.`)
  }
  if ('connectionString' in options) checkConnectionString(options.connectionString, example)
  return options
}

/**
 * A connection string that can be parsed as what it says: not undefined or empty (an unset variable), and written
 * `scheme://…` (`postgres:user@host`, without the //, parses as a URL with no host at all). The value is never
 * repeated in the message: it may hold a password.
 */
function checkConnectionString(value: unknown, example: string): void {
  if (value === undefined || (typeof value === 'string' && value.trim() === '')) {
    const what = value === undefined ? 'undefined' : value === '' ? 'empty' : 'blank'
    throw new PoolOptionError(`connectionString is ${what}: ${UNSET} Expected a URL such as ${example}.`)
  }
  if (typeof value !== 'string') throw new PoolOptionError('connectionString must be a string.')
  const [, scheme, inner] = /^([A-Za-z][A-Za-z0-9+.-]*):(?:([A-Za-z][A-Za-z0-9+.-]*):\/\/)?/.exec(value) ?? []
  if (inner !== undefined) {
    // jdbc:postgresql://…: a URL for another kind of client.
    throw new PoolOptionError(`connectionString starts with "${scheme}:${inner}://", which is not a URL for this adapter: expected a URL such as ${example}.`)
  }
  if (!value.startsWith(`${scheme}://`)) {
    throw new PoolOptionError(
      scheme === undefined
        ? `connectionString does not start with a scheme (postgres://, mysql:// …): expected a URL such as ${example}.`
        : `connectionString starts with "${scheme}:" but not "${scheme}://": expected a URL such as ${example}.`,
    )
  }
}

/** A parameter given twice would be a silent choice of one value (the drivers take the last): refused instead. */
export function checkRepeatedParams(url: URL): void {
  const names = [...url.searchParams.keys()]
  const repeated = names.find((name, i) => names.indexOf(name) !== i)
  if (repeated !== undefined) throw new PoolOptionError(`connection string parameter ${repeated} is given more than once; keep one.`)
}

/**
 * Seconds from a connection-string parameter. `0`, which meant "wait forever" in Prisma 6, is refused: a
 * wait without end hides the problem.
 */
export function urlSeconds(name: string, value: string, option: string): number {
  const seconds = Number(value)
  if (value.trim() === '' || !Number.isFinite(seconds) || seconds < 0) {
    throw new PoolOptionError(`connection string parameter ${name}=${value} must be a number of seconds.`)
  }
  if (seconds === 0) {
    throw new PoolOptionError(
      `connection string parameter ${name}=0 (wait forever) is not supported: a wait without end hides the problem. ` +
        `Remove it to use the default, or set ${option} to the longest wait you accept.`,
    )
  }
  return seconds
}

/**
 * Reads the Prisma 6 parameters every engine maps to pool options (`connection_limit`, `pool_timeout`,
 * `connect_timeout`) into `pool`. Returns false for any other parameter.
 */
export function readPoolUrlParam(pool: PoolOptions, name: string, value: string): boolean {
  switch (name) {
    case 'connection_limit': {
      const limit = Number(value)
      if (!Number.isInteger(limit) || limit < 1) {
        throw new PoolOptionError(`connection string parameter connection_limit=${value} must be a whole number of at least 1.`)
      }
      // Prisma 6's pool had a fixed size: no overflow.
      pool.size = limit
      pool.maxOverflow = 0
      return true
    }
    case 'pool_timeout':
      pool.timeout = urlSeconds(name, value, 'pool.timeout')
      return true
    case 'connect_timeout':
      pool.connectTimeout = urlSeconds(name, value, 'pool.connectTimeout')
      return true
    default:
      return false
  }
}

/**
 * `given`, completed by what the connection string set (keys it leaves undefined are skipped). One key set
 * to two different values is an error rather than a silent choice. `name` spells a key as the user knows
 * it, `where` says where `given` came from, and `showValues: false` keeps the values (a password) out of
 * the message.
 */
export function mergeFromUrl<T extends object>(
  given: T,
  fromUrl: Partial<T>,
  { name = (key: string) => key, where = 'as an option', showValues = true } = {},
): T {
  const merged = { ...given }
  for (const [key, value] of Object.entries(fromUrl) as [keyof T & string, T[keyof T & string]][]) {
    if (value === undefined) continue
    const current = merged[key]
    if (current !== undefined && current !== value) {
      const values = (v: unknown) => (showValues ? ` (${String(v)})` : '')
      throw new PoolOptionError(`${name(key)} is set both ${where}${values(current)} and by the connection string${values(value)}; keep one.`)
    }
    merged[key] = value
  }
  return merged
}

/** The pool options given as options, completed by those the connection string set (see mergeFromUrl). */
export function mergeUrlPoolOptions(pool: PoolOptions, fromUrl: PoolOptions): PoolOptions {
  validatePoolOptions(fromUrl, 'pool (from the connection string)')
  return mergeFromUrl(pool, fromUrl, { name: (key) => `pool.${key}`, where: 'in the pool options' })
}
