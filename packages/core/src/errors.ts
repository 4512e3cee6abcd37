const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`

/** Base class of the errors the pool itself raises (never a database error). */
export class PrismaPoolError extends Error {
  override name = 'PrismaPoolError'
  constructor(message: string, options?: ErrorOptions) {
    super(`prisma-pool: ${message}`, options)
  }
}

/** An option or connection setting is invalid; thrown when the adapter is created, before any connection. */
export class PoolOptionError extends PrismaPoolError {
  override name = 'PoolOptionError'
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
  override name = 'PoolTimeoutError'
  /** Prisma 6's code for the same failure ("Timed out fetching a new connection from the connection pool"). */
  readonly code = 'P2024'
  readonly details: PoolTimeoutDetails
  /** Prisma 6's meta of P2024 (`connection_limit`: null for an unlimited overflow), and the counts of the moment. */
  readonly meta: { connection_limit: number | null; timeout: number; checked_out: number; connecting: number; waiting: number }

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
  override name = 'PoolClosedError'
}

/**
 * The server did not accept a new connection within `connectTimeout` seconds. Through a Prisma Client it arrives as a
 * `PrismaClientKnownRequestError` with code P1001, as Prisma 6's connect timeout did (see PoolTimeoutError).
 */
export class ConnectTimeoutError extends PrismaPoolError {
  override name = 'ConnectTimeoutError'
  /** Prisma 6's code for a server that could not be reached in time ("Can't reach database server"). */
  readonly code = 'P1001'
  readonly meta: { target: string; connect_timeout: number }
  constructor(seconds: number, target: string) {
    super(
      `could not connect to ${target} within ${seconds} s. Check that the server is running and reachable, ` +
        `or raise pool.connectTimeout (URL parameter connect_timeout).`,
    )
    this.meta = { target, connect_timeout: seconds }
  }
}

/** The fleet's pools would exceed the server's connection limit, and `budgetPolicy` is 'error'. */
export class PoolBudgetError extends PrismaPoolError {
  override name = 'PoolBudgetError'
}

/**
 * The server refused a new connection because it is full ("too many clients already", "Too many connections",
 * a role's or user's own limit). The message says what this worker holds and, when the pool could read it,
 * who holds the rest; `cause` is the server's own error.
 */
export class ServerFullError extends PrismaPoolError {
  override name = 'ServerFullError'
}
