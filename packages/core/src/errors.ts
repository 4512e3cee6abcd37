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
}

/** No connection became free within `timeout` seconds (SQLAlchemy's `TimeoutError`: "QueuePool limit … reached"). */
export class PoolTimeoutError extends PrismaPoolError {
  override name = 'PoolTimeoutError'
  readonly details: PoolTimeoutDetails

  constructor(details: PoolTimeoutDetails, target: string) {
    const limit =
      details.maxOverflow === -1
        ? `size ${details.size} + unlimited overflow`
        : `size ${details.size} + maxOverflow ${details.maxOverflow} = ${plural(details.size + details.maxOverflow, 'connection')}`
    const connecting = details.connecting ? `, ${details.connecting} connecting` : ''
    const lastError = details.lastConnectError ? ` The last attempt to connect failed: ${details.lastConnectError}.` : ''
    super(
      `timed out after ${details.timeout} s waiting for a connection to ${target} ` +
        `(pool limit: ${limit}; ${details.checkedOut} checked out${connecting}, ${details.waiting} waiting).${lastError} ` +
        `Raise pool.size or pool.maxOverflow if the server has room for more connections, ` +
        `raise pool.timeout to wait longer, or finish transactions and long queries sooner so connections come back.`,
    )
    this.details = details
  }
}

/** The pool was disposed while a caller was waiting, or used after `dispose()`. */
export class PoolClosedError extends PrismaPoolError {
  override name = 'PoolClosedError'
}

/** The server did not accept a new connection within `connectTimeout` seconds. */
export class ConnectTimeoutError extends PrismaPoolError {
  override name = 'ConnectTimeoutError'
  constructor(seconds: number, target: string) {
    super(
      `could not connect to ${target} within ${seconds} s. Check that the server is running and reachable, ` +
        `or raise pool.connectTimeout (URL parameter connect_timeout).`,
    )
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
