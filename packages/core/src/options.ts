import type { BudgetPolicy } from './accounting.js'
import { PoolOptionError } from './errors.js'
import { checkOptions, normalize, rule, type OptionRule, type OptionTable } from './option-rules.js'

export type ResetOnReturn = 'rollback' | 'commit' | 'none'

/** Pool options, named after SQLAlchemy's QueuePool / django-db-connection-pool. Times are in seconds. */
export interface PoolOptions {
  /** Connections kept open once created (created lazily). `POOL_SIZE`. Default 10. */
  size?: number
  /** Extra connections allowed under load, closed again when idle; -1 = no limit. `MAX_OVERFLOW`. Default 10. */
  maxOverflow?: number
  /** Longest wait for a connection before a `PoolTimeoutError`, in seconds. `TIMEOUT`. Default 30. */
  timeout?: number
  /** Connections older than this (seconds) are replaced, never handed out; -1 = never. `RECYCLE`. Default 900. */
  recycle?: number
  /** Check a connection before it is handed out, replacing dead ones. `pre_ping`. Default true. */
  prePing?: boolean
  /**
   * Only connections idle at least this long (seconds) are pinged; one that finished a query more recently
   * is known to be alive (HikariCP's alive-bypass window). 0 = ping at every checkout. Default 1.
   */
  prePingAfterIdle?: number
  /** What happens to a connection returned inside an open transaction. `reset_on_return`. Default 'rollback'. */
  resetOnReturn?: ResetOnReturn
  /** Seconds an overflow connection may stay idle before it is closed. Default 10. */
  overflowIdleTimeout?: number
  /** Longest wait for the server to accept a new connection, in seconds. Default 10. */
  connectTimeout?: number
  /**
   * Longest wait for a pre-ping's answer, in seconds (HikariCP's validationTimeout); a connection that does not
   * answer is closed and another one used. Also bounds closing a connection. Default 1.
   */
  pingTimeout?: number
  /**
   * A statement that has had no answer for this long (seconds) makes the pool ask the server, on a connection of
   * its own, whether that session still runs it; if not, the network path is dead: the connection is closed and
   * the statement fails (P1017). A slow statement is never touched. 0 = off. Default 5.
   */
  unansweredCheck?: number
  /**
   * Longest wait of `dispose()` (`$disconnect()`) for checked-out connections to come back, in seconds; those still
   * out then are closed, with a warning. Default 5.
   */
  disposeTimeout?: number
  /**
   * Names this application on the server, with this worker's host, pid and worker id (each engine puts it where its
   * server shows who a session belongs to): what `connections()` groups by. Default 'prisma-pool'.
   */
  applicationName?: string
  /**
   * How many worker processes share the server's connection budget: a number, or 'auto' to read it from
   * `PRISMA_POOL_WORKERS`, PM2's `instances` or `WEB_CONCURRENCY` (1 outside a cluster). Default 'auto'.
   */
  workers?: number | 'auto'
  /**
   * What happens at start-up when workers × (size + maxOverflow) exceeds the server's connection limit:
   * 'error' refuses to start, 'warn' logs the arithmetic, 'fit' lowers this worker's size and maxOverflow to
   * its share, 'off' skips the check. Default 'warn'.
   */
  budgetPolicy?: BudgetPolicy
  /**
   * A connection checked out longer than this (seconds) is reported, with the stack of whoever took it
   * (HikariCP's leakDetectionThreshold); 0 = off. Default 0.
   */
  leakDetectionThreshold?: number
}

export type ResolvedPoolOptions = Required<PoolOptions>

const BUILT_IN_DEFAULTS: ResolvedPoolOptions = Object.freeze({
  size: 10,
  maxOverflow: 10,
  timeout: 30,
  recycle: 900,
  prePing: true,
  prePingAfterIdle: 1,
  resetOnReturn: 'rollback',
  overflowIdleTimeout: 10,
  connectTimeout: 10,
  pingTimeout: 1,
  unansweredCheck: 5,
  disposeTimeout: 5,
  applicationName: 'prisma-pool',
  workers: 'auto',
  budgetPolicy: 'warn',
  leakDetectionThreshold: 0,
})

const MAX_CONNECTIONS = 100_000

const POOL_RULES: Record<keyof PoolOptions, OptionRule> = {
  size: rule.integer(0, MAX_CONNECTIONS),
  maxOverflow: rule.or(rule.integer(0, MAX_CONNECTIONS), -1, 'or -1 for no limit'),
  timeout: rule.seconds,
  recycle: rule.or(rule.seconds, -1, 'or -1 for never'),
  prePing: rule.boolean,
  prePingAfterIdle: rule.secondsOrZero(),
  resetOnReturn: rule.oneOf('rollback', 'commit', 'none'),
  overflowIdleTimeout: rule.seconds,
  connectTimeout: rule.seconds,
  pingTimeout: rule.seconds,
  unansweredCheck: rule.secondsOrZero('off'),
  disposeTimeout: rule.seconds,
  applicationName: {
    allowed: 'a non-empty string of printable ASCII characters, at most 40',
    check: (v) => typeof v === 'string' && /^[\x20-\x7e]{1,40}$/.test(v),
  },
  workers: rule.or(rule.integer(1, MAX_CONNECTIONS), 'auto', "or 'auto'"),
  budgetPolicy: rule.oneOf('error', 'warn', 'fit', 'off'),
  leakDetectionThreshold: rule.secondsOrZero('off'),
}

/**
 * Names users bring from django-db-connection-pool, SQLAlchemy, HikariCP, Node's pools or Prisma 6, written as
 * `normalize` leaves them; names that only differ in case, underscores or a `pool` prefix (`pool_max_overflow`) need no
 * entry.
 */
const POOL_ALIASES: Record<string, keyof PoolOptions> = {
  max: 'size',
  connectionlimit: 'size',
  acquiretimeout: 'timeout',
  acquiretimeoutmillis: 'timeout',
  maxlifetime: 'recycle',
  maxlifetimeseconds: 'recycle',
  idletimeout: 'overflowIdleTimeout',
  idletimeoutmillis: 'overflowIdleTimeout',
  connectiontimeoutmillis: 'connectTimeout',
  validationtimeout: 'pingTimeout',
}

/** The pool options as a table of the option mechanism (see option-rules.ts). */
export const POOL_OPTIONS: OptionTable = {
  scope: 'pool',
  rules: POOL_RULES,
  path: 'pool.',
  where: 'in the pool options',
  aliases: POOL_ALIASES,
}

/**
 * Aliases for an engine's own table: a pool option written next to the connection settings instead of inside
 * `pool` is suggested as `pool.<key>`.
 */
export const NESTED_POOL_ALIASES: Readonly<Record<string, string>> = Object.fromEntries(
  Object.keys(POOL_RULES).map((key) => [normalize(key), `pool.${key}`]),
)

/** Checks user-supplied pool options: unknown keys and bad values are errors that name the key and the allowed range. */
export function validatePoolOptions(options: unknown, where = 'pool'): PoolOptions {
  return checkOptions<PoolOptions>(POOL_OPTIONS, options, where)
}

const DEFAULTS_KEY = Symbol.for('prisma-pool.defaults')
type GlobalWithDefaults = typeof globalThis & { [DEFAULTS_KEY]?: ResolvedPoolOptions }

/** The defaults pools created now will use (built-in values changed by `setup()`). */
export function poolDefaults(): ResolvedPoolOptions {
  return (globalThis as GlobalWithDefaults)[DEFAULTS_KEY] ?? BUILT_IN_DEFAULTS
}

/**
 * Changes the defaults for pools created afterwards in this process, like `dj_db_conn_pool.setup()`.
 * Returns the previous defaults, so `setup(previous)` restores them.
 */
export function setup(defaults: PoolOptions): ResolvedPoolOptions {
  const previous = poolDefaults()
  const next = resolvePoolOptions(validatePoolOptions(defaults, 'setup()'), previous, 'setup()')
  ;(globalThis as GlobalWithDefaults)[DEFAULTS_KEY] = Object.freeze(next)
  return previous
}

/** Merges options over the defaults and checks what only makes sense of the whole. */
export function resolvePoolOptions(
  options: PoolOptions,
  defaults: ResolvedPoolOptions = poolDefaults(),
  where = 'pool',
): ResolvedPoolOptions {
  const resolved: ResolvedPoolOptions = { ...defaults, ...options }
  if (resolved.size === 0 && resolved.maxOverflow === 0) {
    throw new PoolOptionError(
      `invalid ${where} options: size 0 with maxOverflow 0 allows no connection at all; set size to 1 or more.`,
    )
  }
  return resolved
}

/** Seconds (as the options give them) to whole milliseconds (as timers want them). */
export const ms = (seconds: number) => Math.ceil(seconds * 1000)

/** The most connections the pool may hold at once. */
export function maxConnections(options: ResolvedPoolOptions): number {
  return options.maxOverflow === -1 ? Infinity : options.size + options.maxOverflow
}
