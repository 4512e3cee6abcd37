import { EventEmitter } from 'node:events'
import { Pool as TarnPool, TimeoutError as TarnTimeoutError } from 'tarn'
import type { EngineConnection, EngineDriver } from './engine.js'
import { ConnectTimeoutError, PoolClosedError, PoolTimeoutError } from './errors.js'
import { maxConnections, type ResolvedPoolOptions } from './options.js'

/** Why a connection was closed. */
export type CloseReason = 'overflow' | 'recycle' | 'invalidated' | 'broken' | 'pre-ping' | 'reset-failed' | 'dispose'

/** A connection as the pool holds it. */
export interface PooledConnection {
  readonly conn: EngineConnection
  /** Creation order: a disconnect invalidates every connection created before it was seen. */
  readonly seq: number
  readonly createdAt: number
  /** When it last came back to the pool; a connection never used, or used just now, needs no ping. */
  returnedAt: number | undefined
  /** Set when the pool has decided to close it, with the reason counted in the totals. */
  retireReason?: CloseReason
}

export interface PoolTotals {
  created: number
  destroyed: number
  recycled: number
  invalidated: number
  prePingFailures: number
  resets: number
  resetFailures: number
  timeouts: number
  checkouts: number
  connectErrors: number
}

export const zeroTotals = (): PoolTotals => ({
  created: 0,
  destroyed: 0,
  recycled: 0,
  invalidated: 0,
  prePingFailures: 0,
  resets: 0,
  resetFailures: 0,
  timeouts: 0,
  checkouts: 0,
  connectErrors: 0,
})

export interface PoolStats {
  size: number
  maxOverflow: number
  /** Connections open now (checked out + idle). */
  open: number
  checkedOut: number
  idle: number
  /** Open connections beyond `size`. */
  overflow: number
  /** Callers waiting for a connection. */
  waiting: number
  /** Connections being opened. */
  connecting: number
  totals: PoolTotals
}

export interface PoolEvents {
  connect: [conn: PooledConnection]
  close: [conn: PooledConnection, reason: CloseReason]
  checkout: [conn: PooledConnection]
  checkin: [conn: PooledConnection]
  reset: [conn: PooledConnection, action: 'rollback' | 'commit']
  invalidate: [upToSeq: number]
  timeout: [error: PoolTimeoutError]
}

/** tarn's pool, taught to close connections that are checked out or idle past their age. */
class RetiringTarnPool extends TarnPool<PooledConnection> {
  isRetired: (pc: PooledConnection) => boolean = () => false

  /** tarn's idle reaping, then the idle connections that are past their age or invalidated. */
  override check(): void {
    super.check()
    const retired = this.free.filter((free) => this.isRetired(free.resource))
    if (retired.length === 0) return
    this.free = this.free.filter((free) => !retired.includes(free))
    for (const free of retired) {
      free.settle()
      void this._destroy(free.resource)
    }
    this._tryAcquireOrCreate()
  }

  /** Fails every waiting caller (tarn would keep them waiting until all checked-out connections return). */
  abortWaiting(): void {
    for (const waiting of this.pendingAcquires) waiting.abort()
  }

  /** Closes a checked-out connection instead of releasing it. */
  destroyUsed(pc: PooledConnection): void {
    const index = this.used.findIndex((used) => used.resource === pc)
    if (index === -1) return
    const [used] = this.used.splice(index, 1)
    used?.resolve()
    void this._destroy(pc)
    this._tryAcquireOrCreate()
  }
}

const now = () => performance.now()

/**
 * A QueuePool: `size` connections kept, up to `maxOverflow` more under load, lazily created, checked
 * before use, reset on return, recycled by age, and invalidated together when the server drops them.
 */
export class QueuePool extends EventEmitter<PoolEvents> {
  readonly options: ResolvedPoolOptions
  readonly driver: EngineDriver
  #tarn: RetiringTarnPool
  #seq = 0
  #invalidatedUpTo = 0
  #closed = false
  #disposing: Promise<void> | undefined
  #totals = zeroTotals()

  constructor(driver: EngineDriver, options: ResolvedPoolOptions) {
    super()
    this.driver = driver
    this.options = options
    const max = maxConnections(options)
    const idleMs = options.overflowIdleTimeout * 1000
    const recycleMs = options.recycle === -1 ? Infinity : options.recycle * 1000
    this.#tarn = new RetiringTarnPool({
      min: options.size,
      max: Number.isFinite(max) ? max : Number.MAX_SAFE_INTEGER,
      create: () => this.#open(),
      destroy: (pc: PooledConnection) => this.#close(pc),
      // tarn awaits a promise here although its types say boolean: that is how pre-ping stays off the caller's path.
      validate: ((pc: PooledConnection) => this.#validate(pc)) as unknown as (pc: PooledConnection) => boolean,
      acquireTimeoutMillis: options.timeout * 1000,
      // Our own timer in #open() names the cause; tarn's must not fire first.
      createTimeoutMillis: options.connectTimeout * 1000 + 1000,
      idleTimeoutMillis: idleMs,
      reapIntervalMillis: Math.round(Math.max(10, Math.min(1000, idleMs / 2, recycleMs / 4))),
      // A wrong password or a stopped server must fail the caller now, not after `timeout` seconds of retries.
      propagateCreateError: true,
    })
    this.#tarn.isRetired = (pc) => this.#retireReason(pc) !== undefined
  }

  /** Checks out a connection, waiting up to `timeout` seconds. */
  async acquire(): Promise<PooledConnection> {
    if (this.#closed) throw new PoolClosedError(`the pool for ${this.driver.target} has been disposed.`)
    const waiting = this.#tarn.acquire()
    let pc: PooledConnection
    try {
      pc = await waiting.promise
    } catch (error) {
      if (error instanceof TarnTimeoutError) throw this.#timeoutError()
      if (this.#closed && error instanceof Error && error.message === 'aborted') {
        throw new PoolClosedError(`the pool for ${this.driver.target} was disposed while waiting for a connection.`)
      }
      throw error
    }
    this.#totals.checkouts++
    this.emit('checkout', pc)
    return pc
  }

  /**
   * Returns a connection. A connection that is broken, or whose reset fails, is closed; one inside an
   * open transaction is rolled back (or committed) first, so the next caller never inherits it.
   */
  async release(pc: PooledConnection, lost = false): Promise<void> {
    if (lost || pc.conn.isBroken()) return this.#discard(pc, 'broken')
    const resetAction = this.options.resetOnReturn
    if (resetAction !== 'none' && pc.conn.inTransaction() !== false) {
      try {
        await (resetAction === 'commit' ? pc.conn.commit() : pc.conn.rollback())
        this.#totals.resets++
        this.emit('reset', pc, resetAction)
      } catch (error) {
        this.#totals.resetFailures++
        return this.#discard(pc, 'reset-failed', this.driver.isConnectionLost(error))
      }
    }
    const reason = this.#retireReason(pc)
    if (reason) return this.#discard(pc, reason)
    pc.returnedAt = now()
    this.emit('checkin', pc)
    this.#tarn.release(pc)
  }

  stats(): PoolStats {
    const checkedOut = this.#tarn.numUsed() - this.#tarn.numPendingValidations()
    const idle = this.#tarn.numFree()
    const open = checkedOut + idle + this.#tarn.numPendingValidations()
    return {
      size: this.options.size,
      maxOverflow: this.options.maxOverflow,
      open,
      checkedOut,
      idle,
      overflow: Math.max(0, open - this.options.size),
      waiting: this.#tarn.numPendingAcquires(),
      connecting: this.#tarn.numPendingCreates(),
      totals: { ...this.#totals },
    }
  }

  /** One line, like SQLAlchemy's `Pool.status()`. */
  status(): string {
    const s = this.stats()
    const limit = s.maxOverflow === -1 ? 'unlimited' : String(s.maxOverflow)
    return (
      `QueuePool ${this.driver.target}: size ${s.size}, maxOverflow ${limit}, open ${s.open} ` +
      `(checked out ${s.checkedOut}, idle ${s.idle}, overflow ${s.overflow}), waiting ${s.waiting}` +
      (this.#closed ? ', disposed' : '')
    )
  }

  get closed(): boolean {
    return this.#closed
  }

  /**
   * Closes the pool: new callers are refused, waiting callers get a `PoolClosedError`, checked-out
   * connections are closed as they come back, idle ones at once.
   */
  dispose(): Promise<void> {
    this.#closed = true
    this.#tarn.abortWaiting()
    this.#disposing ??= this.#tarn.destroy().then(() => undefined)
    return this.#disposing
  }

  async #open(): Promise<PooledConnection> {
    const timeoutMs = this.options.connectTimeout * 1000
    const connecting = this.driver.connect(timeoutMs)
    let timer: NodeJS.Timeout | undefined
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ConnectTimeoutError(this.options.connectTimeout, this.driver.target)), timeoutMs)
    })
    let conn: EngineConnection
    try {
      conn = await Promise.race([connecting, timedOut])
    } catch (error) {
      this.#totals.connectErrors++
      // A connection that arrives after we gave up on it must not leak.
      connecting.then((late) => late.close()).catch(() => {})
      throw error
    } finally {
      clearTimeout(timer)
    }
    const pc: PooledConnection = { conn, seq: ++this.#seq, createdAt: now(), returnedAt: undefined }
    this.#totals.created++
    this.emit('connect', pc)
    return pc
  }

  async #close(pc: PooledConnection): Promise<void> {
    const reason = pc.retireReason ?? (this.#closed ? 'dispose' : 'overflow')
    this.#totals.destroyed++
    if (reason === 'recycle') this.#totals.recycled++
    if (reason === 'invalidated') this.#totals.invalidated++
    this.emit('close', pc, reason)
    await pc.conn.close().catch(() => {})
  }

  async #validate(pc: PooledConnection): Promise<boolean> {
    if (this.#retireReason(pc)) return false
    if (!this.options.prePing || pc.returnedAt === undefined) return true
    if (now() - pc.returnedAt < this.options.prePingAfterIdle * 1000) return true
    let timer: NodeJS.Timeout | undefined
    try {
      // A ping into a dead network path would otherwise hang until the caller's whole timeout is gone.
      const silent = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('ping timed out')), this.options.connectTimeout * 1000)
      })
      await Promise.race([pc.conn.ping(), silent])
      return true
    } catch {
      this.#totals.prePingFailures++
      pc.retireReason = 'pre-ping'
      this.#invalidateAll()
      return false
    } finally {
      clearTimeout(timer)
    }
  }

  /** Why this connection must not be handed out again, if it must not. Records the reason on it. */
  #retireReason(pc: PooledConnection): CloseReason | undefined {
    if (pc.retireReason) return pc.retireReason
    if (pc.conn.isBroken()) {
      pc.retireReason = 'broken'
      this.#invalidateAll()
    } else if (pc.seq <= this.#invalidatedUpTo) {
      pc.retireReason = 'invalidated'
    } else if (this.options.recycle !== -1 && now() - pc.createdAt >= this.options.recycle * 1000) {
      pc.retireReason = 'recycle'
    }
    return pc.retireReason
  }

  #discard(pc: PooledConnection, reason: CloseReason, invalidateOlder = reason === 'broken'): void {
    pc.retireReason ??= reason
    if (invalidateOlder) this.#invalidateAll()
    this.#tarn.destroyUsed(pc)
  }

  /**
   * A server that dropped one connection has usually dropped them all (a restart, a failover), so every
   * connection opened before now is replaced, as SQLAlchemy's pool does, instead of failing one by one.
   */
  #invalidateAll(): void {
    const seq = this.#seq
    if (seq <= this.#invalidatedUpTo) return
    this.#invalidatedUpTo = seq
    this.emit('invalidate', seq)
    // Close the idle ones now rather than on their next checkout.
    this.#tarn.check()
  }

  #timeoutError(): PoolTimeoutError {
    const s = this.stats()
    const error = new PoolTimeoutError(
      {
        timeout: this.options.timeout,
        size: s.size,
        maxOverflow: s.maxOverflow,
        checkedOut: s.checkedOut,
        waiting: s.waiting + 1,
      },
      this.driver.target,
    )
    this.#totals.timeouts++
    this.emit('timeout', error)
    return error
  }
}
