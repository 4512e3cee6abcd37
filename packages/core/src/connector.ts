// Opening connections for the pool: each connect bounded by connectTimeout (an AbortSignal the engine sees), and
// transient failures retried for as long as callers wait, by one connect at a time.
import { withoutPasswords } from './debug.js'
import type { EngineConnection, EngineContext, EngineDriver } from './engine.js'
import { ConnectTimeoutError, PoolClosedError } from './errors.js'
import { socketError } from './socket-errors.js'
import { now, rejectedOnAbort } from './time.js'

/** A transient connect failure is retried after about 50 ms, then twice as long each time, up to 1 s, jittered. */
const FIRST_RETRY_DELAY_MS = 50
const MAX_RETRY_DELAY_MS = 1000
const retryDelay = (failures: number) => {
  const delay = Math.min(MAX_RETRY_DELAY_MS, FIRST_RETRY_DELAY_MS * 2 ** (failures - 1))
  return delay / 2 + (Math.random() * delay) / 2
}

/** Connect failures that may pass on their own: a server starting or stopping, out of reach for a moment. */
const TRANSIENT_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout'])

/** What the connector needs of its pool. */
export interface ConnectingPool {
  readonly driver: EngineDriver
  readonly context: EngineContext
  /** Whether a connection being opened is still wanted: someone waits for one, and the pool is open. */
  wanted(): boolean
  /** Whether the pool holds connections (checked out or idle) that will come back. */
  holdsConnections(): boolean
  /** The error for a full server this pool holds nothing of. */
  serverFull(error: unknown): Error
  /** Closes a connection that arrived after its connect was given up. */
  closeLate(conn: EngineConnection): void
  connectFailed(): void
  /** Counts `work` as engine work under way, until it settles (the engine's close waits for it). */
  track<T>(work: Promise<T>): Promise<T>
}

export class Connector {
  /** Why the last connect failed, until one succeeds: the `cause` of a PoolTimeoutError. */
  lastError: { error: unknown; message: string } | undefined
  /** While connects fail for a transient cause, one connect retries them; the others wait for this to end. */
  #outage: Promise<void> | undefined
  /** Connects under way, aborted by abortAll(). */
  readonly #under = new Set<AbortController>()

  constructor(private readonly pool: ConnectingPool) {}

  /**
   * Opens a connection. A transient failure (refused, reset, timed out, starting up, full while this pool holds
   * connections that will come back) is retried with a growing, jittered delay for as long as callers wait, by
   * one connect at a time: a server coming back is not met by every waiting caller at once. A permanent failure
   * (credentials, unknown database, TLS) and a full server this pool holds nothing of fail at once.
   */
  async connect(): Promise<EngineConnection> {
    for (;;) {
      if (this.#outage) {
        await this.#outage
        if (!this.pool.wanted()) throw this.lastError?.error ?? new Error('no caller waits for this connection')
        continue
      }
      try {
        return await this.#once()
      } catch (error) {
        this.#rethrowPermanent(error)
        if (!this.pool.wanted()) throw error
      }
      // Another connect, failing at the same time, may have taken up the retries.
      if (this.#outage) continue
      let end!: () => void
      this.#outage = new Promise<void>((resolve) => (end = resolve))
      try {
        for (let failures = 1; ; failures++) {
          await new Promise((resolve) => setTimeout(resolve, retryDelay(failures)))
          if (!this.pool.wanted()) throw this.lastError?.error
          try {
            return await this.#once()
          } catch (error) {
            this.#rethrowPermanent(error)
          }
        }
      } finally {
        this.#outage = undefined
        end()
      }
    }
  }

  /** Gives up every connect under way (the pool is disposed): the engines see their signal abort. */
  abortAll(reason: PoolClosedError): void {
    for (const abort of this.#under) abort.abort(reason)
  }

  async #once(): Promise<EngineConnection> {
    const { driver, context } = this.pool
    const started = now()
    const abort = new AbortController()
    this.#under.add(abort)
    const timer = setTimeout(() => abort.abort(new ConnectTimeoutError(context.options.connectTimeout, driver.target)), context.connectTimeoutMs)
    const connecting = this.pool.track(Promise.resolve().then(() => driver.connect(context, abort.signal)))
    try {
      // The pool gives up at the signal even if the engine does not: a connect that hangs on must not hold a caller.
      const conn = await Promise.race([connecting, rejectedOnAbort(abort.signal)])
      this.lastError = undefined
      return conn
    } catch (error) {
      this.pool.connectFailed()
      // Shown in PoolTimeoutError's message and the debug log: a driver's message may quote a URL with its password.
      const message = withoutPasswords(error instanceof Error ? error.message : String(error))
      this.lastError = { error, message }
      context.log(`connecting to ${driver.target} failed after ${(now() - started).toFixed(1)} ms: ${message}`)
      // A connection that arrives after we gave up on it must not leak.
      connecting.then((late) => this.pool.closeLate(late)).catch(() => {})
      throw error
    } finally {
      clearTimeout(timer)
      this.#under.delete(abort)
    }
  }

  /** Rethrows a connect failure that must not be retried: a permanent one, or a full server the pool holds nothing of. */
  #rethrowPermanent(error: unknown): void {
    if (error instanceof ConnectTimeoutError) return
    const kind = this.pool.driver.convertError(error)?.kind
    if (kind === 'TooManyConnections') {
      // Connections of the pool will come back: wait for them. Without any, only another client can free the server.
      if (!this.pool.holdsConnections()) throw this.pool.serverFull(error)
      return
    }
    // A host name that does not exist stays so; a failed look-up (EAI_AGAIN) may not.
    if (kind === undefined || !TRANSIENT_KINDS.has(kind) || socketError(error)?.code === 'ENOTFOUND') throw error
  }
}
