import { describeBudget, formatFleet, overflowText, type BudgetPolicy, type BudgetReport, type FleetConnections } from './accounting.js'

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`

/**
 * Each pool error's stable code, by the class that carries it (in `poolCode`, on the error and on its class).
 *
 * Not in `code`: a Prisma Client turns any error with a truthy `code` that a query meets into a
 * `PrismaClientKnownRequestError` with that code, the message and `meta` (`handleRequestError` in
 * @prisma/client/runtime/client.js), but rethrows it as it is from `$connect()` and when an interactive
 * transaction cannot start. A `code` on PoolBudgetError or ServerFullError would so drop the class, its fields
 * and its `cause` on some paths and not on others, and put codes that are not Prisma's where users switch on
 * Prisma's. Only PoolTimeoutError (P2024) and ConnectTimeoutError (P1001) have a `code`: Prisma 6's, on purpose.
 */
export interface PrismaPoolErrorByCode {
  PRISMA_POOL_ERROR: PrismaPoolError
  PRISMA_POOL_INVALID_OPTION: PoolOptionError
  PRISMA_POOL_TIMEOUT: PoolTimeoutError
  PRISMA_POOL_CLOSED: PoolClosedError
  PRISMA_POOL_CONNECT_TIMEOUT: ConnectTimeoutError
  PRISMA_POOL_OVER_BUDGET: PoolBudgetError
  PRISMA_POOL_SERVER_FULL: ServerFullError
}
export type PrismaPoolErrorCode = keyof PrismaPoolErrorByCode

// Symbol.for: the same key in every copy of this module (two engine packages each with its own core, ESM and CJS).
const BRAND = Symbol.for('prisma-pool.error')
const branded = (value: unknown): value is PrismaPoolError =>
  typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true

/** Base class of the errors the pool itself raises (never a database error). */
export class PrismaPoolError extends Error {
  static readonly poolCode: PrismaPoolErrorCode = 'PRISMA_POOL_ERROR'
  override name = 'PrismaPoolError'
  readonly poolCode: PrismaPoolErrorCode = 'PRISMA_POOL_ERROR'
  constructor(message: string, options?: ErrorOptions) {
    super(`prisma-pool: ${message}`, options)
  }

  /**
   * `instanceof` that also knows an error of another copy of this package: branded, and of this class's code (any
   * code for PrismaPoolError). A subclass declared outside this module has no code of its own: prototype check only.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true
    if (!branded(value) || !Object.hasOwn(this, 'poolCode')) return false
    return this === PrismaPoolError || value.poolCode === this.poolCode
  }
}
// On the prototype, not enumerable: not shown by console.log or JSON.stringify.
Object.defineProperty(PrismaPoolError.prototype, BRAND, { value: true })

/**
 * Whether `error` is one of the pool's errors, from any copy of the package; with `code`, one of that code
 * (`isPrismaPoolError(error, 'PRISMA_POOL_OVER_BUDGET')` narrows to PoolBudgetError, with its fields).
 */
export function isPrismaPoolError<C extends PrismaPoolErrorCode = PrismaPoolErrorCode>(
  error: unknown,
  code?: C,
): error is PrismaPoolErrorByCode[C] {
  return branded(error) && (code === undefined || error.poolCode === code)
}

/** An option or connection setting is invalid; thrown when the adapter is created, before any connection. */
export class PoolOptionError extends PrismaPoolError {
  static override readonly poolCode = 'PRISMA_POOL_INVALID_OPTION'
  override name = 'PoolOptionError'
  override readonly poolCode = 'PRISMA_POOL_INVALID_OPTION'
  /** The option or URL parameter at fault, when the thrower named it. */
  readonly option: string | undefined
  constructor(message: string, facts: { option?: string; cause?: unknown } = {}) {
    super(message, 'cause' in facts ? { cause: facts.cause } : undefined)
    this.option = facts.option
  }
}

export interface PoolTimeoutDetails {
  /** The wait that ran out, in seconds (the `timeout` option). */
  timeout: number
  size: number
  maxOverflow: number
  /** Connections checked out when the wait ran out. */
  checkedOut: number
  /** Connections being opened when the wait ran out. */
  connecting: number
  /** Callers still waiting, this one included. */
  waiting: number
  /** Why the last attempt to open a connection failed, if it did. */
  lastConnectError: string | undefined
  /** That failure was the server refusing a connection for being full. */
  serverFull?: boolean
}

/**
 * No connection became free within `timeout` seconds (SQLAlchemy's `TimeoutError`: "QueuePool limit … reached").
 * Prisma turns an error that has a `code` into a `PrismaClientKnownRequestError` with that code, this message and
 * `meta` (but rethrows this error itself when an interactive transaction cannot start): either way `code` is P2024,
 * as Prisma 6's own pool timeout had.
 */
export class PoolTimeoutError extends PrismaPoolError {
  static override readonly poolCode = 'PRISMA_POOL_TIMEOUT'
  override name = 'PoolTimeoutError'
  override readonly poolCode = 'PRISMA_POOL_TIMEOUT'
  /** Prisma 6's code for the same failure ("Timed out fetching a new connection from the connection pool"). */
  readonly code = 'P2024'
  readonly details: PoolTimeoutDetails
  /** Prisma 6's meta of P2024 (`connection_limit`: null for an unlimited overflow), and the counts of the moment. */
  readonly meta: { connection_limit: number | null; timeout: number; checked_out: number; connecting: number; waiting: number }
  /** The server the pool connects to, without its password. */
  readonly target: string

  /** `cause`: the error of the last attempt to connect, when it failed. */
  constructor(details: PoolTimeoutDetails, target: string, cause?: unknown) {
    const limit =
      details.maxOverflow === -1
        ? `size ${details.size} + unlimited overflow`
        : `size ${details.size} + maxOverflow ${details.maxOverflow} = ${plural(details.size + details.maxOverflow, 'connection')}`
    const connecting = details.connecting ? `, ${details.connecting} connecting` : ''
    // Connects failing until the end: the server is the trouble, not the pool's size.
    const advice = details.serverFull
      ? ` The server is full (${details.lastConnectError}): the pool waited for its own connections to come back. ` +
        `Finish transactions and long queries sooner, raise pool.timeout, or free the server's connections that other clients hold.`
      : details.lastConnectError
      ? ` The pool retried connecting until then; the last attempt failed: ${details.lastConnectError}. ` +
        `Check that the server is running, reachable and accepting connections, or raise pool.timeout to ride out longer outages.`
      : ` Raise pool.size or pool.maxOverflow if the server has room for more connections, ` +
        `raise pool.timeout to wait longer, or finish transactions and long queries sooner so connections come back.`
    super(
      `timed out after ${details.timeout} s waiting for a connection to ${target} ` +
        `(pool limit: ${limit}; ${details.checkedOut} checked out${connecting}, ${details.waiting} waiting).${advice}`,
      cause === undefined ? undefined : { cause },
    )
    this.details = details
    this.target = target
    this.meta = {
      connection_limit: details.maxOverflow === -1 ? null : details.size + details.maxOverflow,
      timeout: details.timeout,
      checked_out: details.checkedOut,
      connecting: details.connecting,
      waiting: details.waiting,
    }
  }
}

/** The pool was disposed while a caller was waiting, or used after `dispose()`. */
export class PoolClosedError extends PrismaPoolError {
  static override readonly poolCode = 'PRISMA_POOL_CLOSED'
  override name = 'PoolClosedError'
  override readonly poolCode = 'PRISMA_POOL_CLOSED'
}

/**
 * The server did not accept a new connection within `connectTimeout` seconds. Through a Prisma Client it arrives as a
 * `PrismaClientKnownRequestError` with code P1001, as Prisma 6's connect timeout did (see PoolTimeoutError).
 */
export class ConnectTimeoutError extends PrismaPoolError {
  static override readonly poolCode = 'PRISMA_POOL_CONNECT_TIMEOUT'
  override name = 'ConnectTimeoutError'
  override readonly poolCode = 'PRISMA_POOL_CONNECT_TIMEOUT'
  /** Prisma 6's code for a server that could not be reached in time ("Can't reach database server"). */
  readonly code = 'P1001'
  readonly meta: { target: string; connect_timeout: number }
  /** The server, without its password. */
  readonly target: string
  /** The wait that ran out, in seconds (the `connectTimeout` option). */
  readonly timeout: number
  constructor(seconds: number, target: string) {
    super(
      `could not connect to ${target} within ${seconds} s. Check that the server is running and reachable, ` +
        `or raise pool.connectTimeout (URL parameter connect_timeout).`,
    )
    this.target = target
    this.timeout = seconds
    this.meta = { target, connect_timeout: seconds }
  }
}

/** The fleet's pools would exceed the server's connection limit, and `budgetPolicy` is 'error' (or 'fit' found no fit). */
export class PoolBudgetError extends PrismaPoolError {
  static override readonly poolCode = 'PRISMA_POOL_OVER_BUDGET'
  override name = 'PoolBudgetError'
  override readonly poolCode = 'PRISMA_POOL_OVER_BUDGET'
  /** The whole arithmetic: every limit read, the workers and where their count came from, the pool's settings. */
  readonly report: BudgetReport
  readonly target: string
  readonly budgetPolicy: BudgetPolicy
  /** The server's tightest limit (report.limit.limit); a report without one never refuses. */
  readonly limit: number | undefined
  /** How many worker processes share the server (report.workers.count). */
  readonly workers: number
  /** Connections the fleet may open: workers × (size + maxOverflow + side connections); Infinity for an unlimited overflow. */
  readonly needed: number
  /** Settings that would fit one worker's share, if any do. */
  readonly fitting: { size: number; maxOverflow: number } | undefined

  constructor(report: BudgetReport, target: string, budgetPolicy: BudgetPolicy) {
    super(`${describeBudget(report, target, budgetPolicy)} (budgetPolicy '${budgetPolicy}')`)
    this.report = report
    this.target = target
    this.budgetPolicy = budgetPolicy
    this.limit = report.limit?.limit
    this.workers = report.workers.count
    this.needed = report.fleet
    this.fitting = report.fitting
  }
}

/** What a ServerFullError knows: the refusal, this worker's pool, and who held the server when last read. */
export interface ServerFullFacts {
  target: string
  /** This worker's tag, which its connections carry. */
  tag: string
  /** This worker's pool at the refusal (after any budgetPolicy 'fit'). */
  size: number
  maxOverflow: number
  /** Who held the server's connections when last read (a full server takes no connection to ask again). */
  fleet?: FleetConnections | undefined
  /** The start-up budget arithmetic, if it was read. */
  budget?: BudgetReport | undefined
  budgetPolicy: BudgetPolicy
  /** The server's own words for the refusal. */
  serverMessage: string
}

/**
 * The server refused a new connection because it is full ("too many clients already", "Too many connections",
 * a role's or user's own limit) while this worker holds none of its connections. The message says what this worker
 * holds and, when the pool could read it, who holds the rest; `cause` is the server's own error.
 */
export class ServerFullError extends PrismaPoolError {
  static override readonly poolCode = 'PRISMA_POOL_SERVER_FULL'
  override name = 'ServerFullError'
  override readonly poolCode = 'PRISMA_POOL_SERVER_FULL'
  readonly target: string
  readonly tag: string
  readonly size: number
  readonly maxOverflow: number
  readonly fleet: FleetConnections | undefined
  readonly budget: BudgetReport | undefined
  readonly budgetPolicy: BudgetPolicy
  readonly serverMessage: string

  constructor(facts: ServerFullFacts, options?: ErrorOptions) {
    const { target, tag, size, maxOverflow, fleet, budget, budgetPolicy, serverMessage } = facts
    const holders = fleet
      ? `\nWho held the server's connections when last read: ${formatFleet(fleet)}`
      : `\nCall connections() on a worker that has a connection to see who holds the server's connections.`
    const startUp = budget ? `\nAt start-up: ${describeBudget(budget, target, budgetPolicy)}` : ''
    super(
      `${target} refused a new connection because it is full (${serverMessage}), and this worker (${tag}) ` +
        `holds none of its connections (size ${size} + ${overflowText(maxOverflow)}): other clients hold them all.${holders}${startUp}\n` +
        `Free connections in those clients (or lower their pools), raise the server's connection limit, or put a ` +
        `connection pooler in front of the server. If the other clients are workers of this application, ` +
        `lower size and maxOverflow so that workers × (size + maxOverflow) fits (budgetPolicy 'fit' does it for you).`,
      options,
    )
    this.target = target
    this.tag = tag
    this.size = size
    this.maxOverflow = maxOverflow
    this.fleet = fleet
    this.budget = budget
    this.budgetPolicy = budgetPolicy
    this.serverMessage = serverMessage
  }
}
