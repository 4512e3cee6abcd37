import { PoolOptionError } from './errors.js'
import { validatePoolOptions, type PoolOptions } from './options.js'

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
 * The pool options given as options, completed by those the connection string set. One key set to two
 * different values is an error rather than a silent choice.
 */
export function mergeUrlPoolOptions(pool: PoolOptions, fromUrl: PoolOptions): PoolOptions {
  validatePoolOptions(fromUrl, 'pool (from the connection string)')
  const merged: PoolOptions = { ...pool }
  for (const [key, value] of Object.entries(fromUrl) as [keyof PoolOptions, never][]) {
    if (merged[key] !== undefined && merged[key] !== value) {
      throw new PoolOptionError(
        `pool.${key} is set both in the pool options (${String(merged[key])}) and by the connection string (${String(value)}); keep one.`,
      )
    }
    merged[key] = value
  }
  return merged
}
