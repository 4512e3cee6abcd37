import { EventEmitter } from 'node:events'
import { Pool as TarnPool, TimeoutError as TarnTimeoutError } from 'tarn'
import {
  assessBudget,
  describeBudget,
  formatFleet,
  overflowText,
  summarizeFleet,
  type BudgetReport,
  type FleetConnections,
} from './accounting.js'
import { debugLog, withoutPasswords } from './debug.js'
import type { ConnectionLoss, EngineConnection, EngineDriver } from './engine.js'
import { socketError } from './socket-errors.js'
import { ConnectTimeoutError, PoolBudgetError, PoolClosedError, PoolTimeoutError, ServerFullError } from './errors.js'
import { detectWorkers, identityTag, workerIdentity, type WorkerCount, type WorkerIdentity } from './identity.js'
import { Histogram, metricsJson, type HistogramSnapshot, type Labels, type MetricsJson } from './metrics.js'
import { maxConnections, ms, resolvePoolOptions, validatePoolOptions, type ResolvedPoolOptions } from './options.js'

/** Why a connection was closed. */
export type CloseReason =
  | 'overflow'
  | 'recycle'
  | 'idle-timeout'
  | 'invalidated'
  | 'broken'
  | 'pre-ping'
  | 'reset-failed'
  | 'in-transaction'
  | 'unanswered'
  | 'dispose'

/** A connection as the pool holds it. */
export interface PooledConnection {
  readonly conn: EngineConnection
  /** Creation order: a server-wide disconnect invalidates every connection created before it was seen. */
  readonly seq: number
  readonly createdAt: number
  /** When it last came back to the pool; a connection never used, or used just now, needs no ping. */
  returnedAt: number | undefined
  /** Set when the pool has decided to close it, with the reason counted in the totals. */
  retireReason?: CloseReason
  /** Fires when the connection, idle, nears the server's idle timeout (see EngineConnection.idleTimeoutMs). */
  idleTimer?: NodeJS.Timeout
  /** Statements under way on it, and since when it has given no answer (see `statementStarted`). */
  running: number
  waitingSince: number
  /** When the server was last asked about it (see `#checkUnanswered`), and whether an answer is awaited. */
  checkedAt?: number
  checking?: boolean
}

/** One checkout of a connection. Releasing it a second time does nothing, even after the connection moved on. */
export class Checkout {
  #released = false
  /** Reports the checkout as a leak if it is held past leakDetectionThreshold. */
  leakTimer: NodeJS.Timeout | undefined
  leakReported = false
  constructor(
    readonly connection: PooledConnection,
    /** When it was handed out (performance.now()). */
    readonly takenAt: number,
    /** Where it was asked for, when leak detection is on. */
    readonly stack: string | undefined,
  ) {}

  /** Marks the checkout returned; false if it already was. */
  settle(): boolean {
    if (this.#released) return false
    this.#released = true
    return true
  }
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
  /** Checkouts held past leakDetectionThreshold. */
  leaks: number
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
  leaks: 0,
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
  /** How long callers waited for a connection, in ms. */
  acquireWait: HistogramSnapshot
  /** How long connections were held per checkout, in ms. */
  hold: HistogramSnapshot
}

export interface PoolEvents {
  connect: [conn: PooledConnection]
  close: [conn: PooledConnection, reason: CloseReason]
  checkout: [conn: PooledConnection]
  /** Back in the pool (or handed straight to a waiting caller) after `heldMs` checked out. */
  checkin: [conn: PooledConnection, heldMs: number]
  reset: [conn: PooledConnection, action: 'rollback' | 'commit']
  invalidate: [upToSeq: number]
  timeout: [error: PoolTimeoutError]
  /** A connection closed for its age (also reported as `close` with reason 'recycle'). */
  recycle: [conn: PooledConnection]
  /** A checkout held past leakDetectionThreshold; `stack` is where it was taken. */
  leak: [conn: PooledConnection, heldMs: number, stack: string]
  /** The start-up budget check's arithmetic. */
  budget: [report: BudgetReport]
}

/** tarn's pool, taught to close connections that are checked out or idle past their age. */
class RetiringTarnPool extends TarnPool<PooledConnection> {
  retireReason: (pc: PooledConnection) => CloseReason | undefined = () => undefined

  /** tarn's idle reaping, then the idle connections that are past their age, broken or invalidated. */
  override check(): void {
    super.check()
    const retired = this.free.filter((free) => {
      free.resource.retireReason ??= this.retireReason(free.resource)
      return free.resource.retireReason !== undefined
    })
    if (retired.length === 0) return
    this.free = this.free.filter((free) => !retired.includes(free))
    for (const free of retired) {
      free.settle()
      void this._destroy(free.resource)
    }
    this._tryAcquireOrCreate()
  }

  /**
   * Hands out the free connection tarn would pick next, at once, when nobody is waiting and `readyNow` says it
   * needs no check. tarn's own acquire costs two timers and a chain of promises even when a connection is free.
   */
  takeFree(readyNow: (pc: PooledConnection) => boolean): PooledConnection | undefined {
    const free = this.free.at(-1)
    if (free === undefined || this.pendingAcquires.length > 0 || this.destroyed || !readyNow(free.resource)) return undefined
    this.free.pop()
    this.used.push(free)
    this._startReaping()
    return free.resource
  }

  /**
   * Gives a connection just returned (so needing no check) to the first waiting caller, keeping it checked out;
   * false when nobody waits. Skips the validation round that tarn's release would start.
   */
  handOver(pc: PooledConnection): boolean {
    const waiting = this.pendingAcquires[0]
    if (waiting === undefined || this.destroyed) return false
    this.pendingAcquires.shift()
    waiting.resolve(pc)
    // A caller that timed out or was aborted a moment ago cannot take it: it comes back to the pool.
    waiting.promise.catch(() => this.release(pc))
    return true
  }

  /** Changes the number of connections kept and allowed (the budget check's 'fit'). */
  resize(min: number, max: number): void {
    this.min = min
    this.max = max
    this._tryAcquireOrCreate()
  }

  /** Whether more connections are open than the limit now allows (after a resize). */
  overLimit(): boolean {
    return this.used.length + this.free.length > this.max
  }

  /** Fails every waiting caller (tarn would keep them waiting until all checked-out connections return). */
  abortWaiting(): void {
    for (const waiting of this.pendingAcquires) waiting.abort()
  }

  /** The connections checked out now. */
  checkedOut(): PooledConnection[] {
    return this.used.map((used) => used.resource)
  }

  /** Gives up the connections being opened; one that arrives later is closed by tarn. */
  abortCreates(): void {
    for (const create of this.pendingCreates) create.abort()
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

/** The pool's limit as tarn takes it: a number, where no limit (maxOverflow -1) is Infinity for us. */
const tarnMax = (options: ResolvedPoolOptions) => Math.min(maxConnections(options), Number.MAX_SAFE_INTEGER)

/** Share of the server's idle timeout after which an idle connection is closed: before the server does it. */
const SERVER_IDLE_SHARE = 0.9

/** A transient connect failure is retried after about 50 ms, then twice as long each time, up to 1 s, jittered. */
const FIRST_RETRY_DELAY_MS = 50
const MAX_RETRY_DELAY_MS = 1000
const retryDelay = (failures: number) => {
  const delay = Math.min(MAX_RETRY_DELAY_MS, FIRST_RETRY_DELAY_MS * 2 ** (failures - 1))
  return delay / 2 + (Math.random() * delay) / 2
}

const PING_TIMED_OUT = new Error('ping timed out')
const CLOSE_TIMED_OUT = new Error('close timed out')
/** The longest a timer can wait (2^31 - 1 ms, 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1

/** Connect failures that may pass on their own: a server starting or stopping, out of reach for a moment. */
const TRANSIENT_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout'])

/** While connects fail for a transient cause, one create retries them; the others wait until that ends. */
interface Outage {
  over: Promise<void>
  end: () => void
}

/** Settles with `work`, or rejects with `onTimeout()` after `timeoutMs`. */
async function withTimeout<T>(work: Promise<T>, timeoutMs: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), timeoutMs)
  })
  try {
    return await Promise.race([work, expired])
  } finally {
    clearTimeout(timer)
  }
}

/**
 * A QueuePool: `size` connections kept, up to `maxOverflow` more under load, lazily created, checked
 * before use, reset on return, recycled by age, and invalidated together when the server drops them.
 */
export class QueuePool extends EventEmitter<PoolEvents> {
  options: ResolvedPoolOptions
  readonly driver: EngineDriver
  /** This worker, as its connections name it on the server. */
  readonly identity: WorkerIdentity
  readonly tag: string
  /** The start-up budget check, once it has run. */
  budget: BudgetReport | undefined
  /** The last live view read (see `connections()`). */
  lastFleet: FleetConnections | undefined
  /** How long each statement took, in ms (the adapter records it). */
  readonly queryTimes = new Histogram()
  readonly #waitTimes = new Histogram()
  readonly #holdTimes = new Histogram()
  readonly #leakMs: number
  /** Set when the budget check refused this pool: every later connect fails with it, without connecting. */
  #budgetError: PoolBudgetError | undefined
  /** The budget check, run on the first connection; every connection opened meanwhile waits for its verdict. */
  #budgetCheck: Promise<void> | undefined
  /** The workers sharing the server: the option, or what the environment says (undefined: cannot tell). */
  readonly #workerCount: WorkerCount | undefined
  /** The debug log, when DEBUG names prisma-pool. */
  readonly #log: ((message: string) => void) | undefined
  #tarn: RetiringTarnPool
  #seq = 0
  #invalidatedUpTo = 0
  #closed = false
  #disposing: Promise<void> | undefined
  /** Why the last connect failed, until one succeeds: the `cause` of a PoolTimeoutError. */
  #lastConnectError: { error: unknown; message: string } | undefined
  #outage: Outage | undefined
  /** Connections with a statement under way, for the check of unanswered statements. */
  readonly #busy = new Set<PooledConnection>()
  #busyCheck: NodeJS.Timeout | undefined
  #totals = zeroTotals()
  /** Options in milliseconds, as the hot path reads them. */
  readonly #recycleMs: number
  readonly #prePingAfterIdleMs: number
  /** unansweredCheck in ms; 0 when off, or when the engine cannot ask the server about a session. */
  readonly #unansweredMs: number

  constructor(driver: EngineDriver, options: ResolvedPoolOptions) {
    super()
    this.driver = driver
    this.options = options
    const idleMs = ms(options.overflowIdleTimeout)
    const recycleMs = options.recycle === -1 ? Infinity : ms(options.recycle)
    this.#tarn = new RetiringTarnPool({
      min: options.size,
      max: tarnMax(options),
      create: () => this.#open(),
      destroy: (pc: PooledConnection) => this.#close(pc),
      // tarn awaits a promise here although its types say boolean: that is how pre-ping stays off the caller's path.
      validate: ((pc: PooledConnection) => this.#validate(pc)) as unknown as (pc: PooledConnection) => boolean,
      acquireTimeoutMillis: ms(options.timeout),
      // #open() bounds itself: each connect by connectTimeout, the retries by the callers' wait. tarn's must not fire first.
      createTimeoutMillis: MAX_TIMER_MS,
      idleTimeoutMillis: idleMs,
      reapIntervalMillis: Math.ceil(Math.max(10, Math.min(1000, idleMs / 2, recycleMs / 4))),
      // A wrong password must fail the caller now. #open() retries the transient failures itself, while callers wait.
      propagateCreateError: true,
    })
    this.#tarn.retireReason = (pc) => this.#retireReason(pc, now())
    this.#recycleMs = recycleMs
    this.#prePingAfterIdleMs = ms(options.prePingAfterIdle)
    this.#unansweredMs = driver.checkSession ? ms(options.unansweredCheck) : 0
    this.#leakMs = ms(options.leakDetectionThreshold)
    // Read now, so that a wrong PRISMA_POOL_WORKERS fails the pool's creation rather than its first connection.
    this.#workerCount =
      options.budgetPolicy === 'off' ? undefined : options.workers === 'auto' ? detectWorkers() : { count: options.workers, source: 'the workers option' }
    this.identity = workerIdentity(options.applicationName)
    this.tag = identityTag(this.identity)
    this.#log = debugLog(this.tag)
    if (this.#log) this.#logEvents(this.#log)
  }

  /** With debugging on, every event becomes a line of the log. */
  #logEvents(log: (message: string) => void): void {
    const conn = (pc: PooledConnection) => `connection #${pc.seq}`
    this.on('connect', (pc) => log(`${conn(pc)} opened to ${this.driver.target}`))
    this.on('close', (pc, reason) => log(`${conn(pc)} closed (${reason})`))
    this.on('checkout', (pc) => log(`${conn(pc)} checked out; ${this.status()}`))
    this.on('checkin', (pc, heldMs) => log(`${conn(pc)} checked in after ${heldMs.toFixed(1)} ms`))
    this.on('reset', (pc, action) => log(`${conn(pc)} reset on return (${action})`))
    this.on('invalidate', (seq) => log(`connections up to #${seq} invalidated: the server dropped a connection`))
    this.on('timeout', (error) => log(error.message))
    this.on('leak', (pc, heldMs, stack) => log(`${conn(pc)} held for ${Math.round(heldMs)} ms, past leakDetectionThreshold; taken at:\n${stack}`))
    this.on('budget', (report) => log(describeBudget(report, this.driver.target, this.options.budgetPolicy)))
  }

  /** Checks out a connection, waiting up to `timeout` seconds. */
  acquire(): Promise<Checkout> {
    if (this.#closed) return Promise.reject(new PoolClosedError(`the pool for ${this.driver.target} has been disposed.`))
    const start = now()
    // Captured here, on the caller's path, so that the trace leads back to the caller's code.
    const stack = this.#leakMs > 0 ? new Error('checked out').stack : undefined
    const free = this.#tarn.takeFree(this.#readyNow)
    if (free) return Promise.resolve(this.#checkedOut(free, start, stack))
    return this.#tarn.acquire().promise.then((pc) => this.#checkedOut(pc, start, stack), this.#acquireFailed)
  }

  #checkedOut(pc: PooledConnection, start: number, stack: string | undefined): Checkout {
    const t = now()
    this.#waitTimes.record(t - start)
    this.#totals.checkouts++
    const checkout = new Checkout(pc, t, stack)
    if (this.#leakMs > 0) checkout.leakTimer = setTimeout(() => this.#reportLeak(checkout), this.#leakMs).unref()
    this.#emit('checkout', pc)
    return checkout
  }

  #reportLeak(checkout: Checkout): void {
    checkout.leakReported = true
    this.#totals.leaks++
    const heldMs = now() - checkout.takenAt
    const stack = (checkout.stack ?? '').replace(/^Error: checked out\n/, '')
    if (this.listenerCount('leak') > 0) this.#emit('leak', checkout.connection, heldMs, stack)
    else {
      process.emitWarning(
        `a connection to ${this.driver.target} has been checked out for ${(heldMs / 1000).toFixed(1)} s, longer than ` +
          `leakDetectionThreshold (${this.options.leakDetectionThreshold} s). It was taken at:\n${stack}`,
        'PrismaPoolLeakWarning',
      )
    }
  }

  readonly #acquireFailed = (error: unknown): never => {
    if (error instanceof TarnTimeoutError) throw this.#timeoutError()
    if (this.#closed && error instanceof Error && error.message === 'aborted') {
      throw new PoolClosedError(`the pool for ${this.driver.target} was disposed while waiting for a connection.`)
    }
    throw error
  }

  /**
   * Returns a connection. One inside an open transaction is rolled back (or committed) first, so the next
   * caller never inherits it; one that is broken, lost (`loss`), or whose reset fails is closed instead.
   * A `'server'` loss means the server dropped its connections: every connection opened so far is replaced.
   * Returns a promise only when there is something to wait for (a reset); otherwise it is done on return.
   */
  release(checkout: Checkout, loss?: ConnectionLoss): Promise<void> | undefined {
    if (!checkout.settle()) return undefined
    const heldMs = now() - checkout.takenAt
    this.#holdTimes.record(heldMs)
    if (checkout.leakTimer) {
      clearTimeout(checkout.leakTimer)
      if (checkout.leakReported) this.#log?.(`a connection reported as leaked came back after ${(heldMs / 1000).toFixed(1)} s`)
    }
    const pc = checkout.connection
    if (loss === 'server') this.#invalidateAll()
    if (loss || pc.conn.isBroken()) return this.#discard(pc, 'broken')
    const inTransaction = pc.conn.inTransaction()
    // The usual case, a connection outside any transaction, goes back at once: nothing to wait for.
    if (inTransaction === false) return this.#checkIn(pc, heldMs)
    if (this.options.resetOnReturn === 'none') {
      // No reset round trip; but a connection known to be mid-transaction is not handed to someone else.
      return inTransaction ? this.#discard(pc, 'in-transaction') : this.#checkIn(pc, heldMs)
    }
    return this.#resetAndCheckIn(pc, this.options.resetOnReturn, heldMs)
  }

  async #resetAndCheckIn(pc: PooledConnection, action: 'rollback' | 'commit', heldMs: number): Promise<void> {
    try {
      const reset = action === 'commit' ? pc.conn.commit() : pc.conn.rollback()
      await withTimeout(reset, ms(this.options.timeout), () => new Error('reset timed out'))
      this.#totals.resets++
      this.#emit('reset', pc, action)
    } catch (error) {
      this.#totals.resetFailures++
      if (this.driver.connectionLoss(error) === 'server') this.#invalidateAll()
      return this.#discard(pc, 'reset-failed')
    }
    return this.#checkIn(pc, heldMs)
  }

  #checkIn(pc: PooledConnection, heldMs: number): undefined {
    // Its last statement ran just now: the server's idle clock starts again here.
    const t = now()
    pc.returnedAt = t
    const reason = this.#retireReason(pc, t)
    if (reason) return this.#discard(pc, reason)
    // After a 'fit' lowered the limit, connections beyond it close as they come back.
    if (this.#tarn.overLimit()) return this.#discard(pc, 'overflow')
    if (!this.#tarn.handOver(pc)) {
      this.#tarn.release(pc)
      this.#watchIdle(pc)
    }
    this.#emit('checkin', pc, heldMs)
    return undefined
  }

  stats(): PoolStats {
    const validating = this.#tarn.numPendingValidations()
    const checkedOut = this.#tarn.numUsed() - validating
    const idle = this.#tarn.numFree()
    const open = this.#tarn.numUsed() + idle
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
      acquireWait: this.#waitTimes.snapshot(),
      hold: this.#holdTimes.snapshot(),
    }
  }

  /** The pool's figures under Prisma 6's `$metrics` names and layout; `labels` go on every metric. */
  metrics(labels: Labels = {}): MetricsJson {
    return metricsJson(this.stats(), this.queryTimes.snapshot(), labels)
  }

  /**
   * Who holds the server's connections now, read from the server and grouped by worker (every prisma-pool
   * worker tags its connections) and by application for the rest. Uses one connection of this pool.
   */
  async connections(): Promise<FleetConnections> {
    const checkout = await this.acquire()
    let loss: ConnectionLoss | undefined
    try {
      const { conn } = checkout.connection
      if (!conn.serverConnections) throw new Error(`${this.driver.adapterName} cannot list the server's connections`)
      const fleet = summarizeFleet(await conn.serverConnections(), this.tag, this.driver.target, this.budget?.limit)
      this.lastFleet = fleet
      return fleet
    } catch (error) {
      loss = this.driver.connectionLoss(error)
      throw error
    } finally {
      const pending = this.release(checkout, loss)
      if (pending) await pending
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
    this.#disposing ??= this.#dispose()
    return this.#disposing
  }

  async #dispose(): Promise<void> {
    // Nobody waits any more: connections being opened (perhaps retrying through an outage) are not wanted.
    this.#tarn.abortCreates()
    const deadline = setTimeout(() => this.#closeCheckedOut(), ms(this.options.disposeTimeout))
    try {
      await this.#tarn.destroy()
    } finally {
      clearTimeout(deadline)
      clearInterval(this.#busyCheck)
    }
  }

  /** dispose()'s deadline has passed: connections still checked out are closed under their users. */
  #closeCheckedOut(): void {
    const checkedOut = this.#tarn.checkedOut()
    if (checkedOut.length > 0) {
      process.emitWarning(
        `prisma-pool: dispose() waited ${this.options.disposeTimeout} s (pool.disposeTimeout) for ${checkedOut.length} checked-out ` +
          `connection${checkedOut.length === 1 ? '' : 's'} to ${this.driver.target}; closing ${checkedOut.length === 1 ? 'it' : 'them'} now: ` +
          `statements still running on them fail.`,
        'PrismaPoolWarning',
      )
    }
    for (const pc of checkedOut) {
      pc.conn.destroy()
      this.#discard(pc, 'dispose')
    }
  }

  /**
   * Marks a statement under way on `pc` since `t` (performance.now()); the adapter wraps every engine call in this and
   * `statementEnded`. While it waits, the connection is watched for a dead network path (see `#checkUnanswered`).
   */
  statementStarted(pc: PooledConnection, t: number): void {
    if (!this.#watches(pc) || pc.running++ > 0) return
    pc.waitingSince = t
    this.#busy.add(pc)
    this.#busyCheck ??= setInterval(() => this.#checkUnanswered(), Math.max(100, this.#unansweredMs / 4)).unref()
  }

  /** A statement on `pc` got its answer at `t`: the connection's path is alive, whatever else is still under way on it. */
  statementEnded(pc: PooledConnection, t: number): void {
    if (!this.#watches(pc)) return
    if (--pc.running === 0) this.#busy.delete(pc)
    else pc.waitingSince = t
  }

  /** Whether `pc`'s statements are watched: the check is on, and the server can be asked about its session. */
  #watches(pc: PooledConnection): boolean {
    return this.#unansweredMs > 0 && pc.conn.sessionId !== undefined
  }

  /**
   * A connection that has given no answer for unansweredCheck seconds: the server is asked, on a connection of the
   * engine's own, whether that session still runs a statement. If it does not, no answer can come (the path died
   * and the server never heard of it): the connection is destroyed and the statement fails. Nothing is done
   * when the server cannot be asked.
   */
  #checkUnanswered(): void {
    const t = now()
    for (const pc of this.#busy) {
      const quietSince = this.#quietSince(pc)
      if (pc.checking || t - Math.max(quietSince, pc.checkedAt ?? 0) < this.#unansweredMs) continue
      pc.checking = true
      pc.checkedAt = t
      const timeoutMs = ms(this.options.connectTimeout)
      withTimeout(this.driver.checkSession!(pc.conn, timeoutMs), 2 * timeoutMs, () => new Error('no answer'))
        .then(async (state) => {
          if (state !== 'idle' && state !== 'gone') return
          // Let the event loop read what may have arrived while it was busy: an answer waiting there is an answer.
          await new Promise((resolve) => setImmediate(resolve))
          if (pc.running === 0 || this.#quietSince(pc) !== quietSince) return
          this.#unanswered(pc, now() - quietSince)
        })
        .catch((error: unknown) => this.#log?.(`could not ask ${this.driver.target} about connection #${pc.seq}: ${String(error)}`))
        .finally(() => (pc.checking = false))
    }
    if (this.#busy.size === 0) {
      clearInterval(this.#busyCheck)
      this.#busyCheck = undefined
    }
  }

  /** Since when a busy connection has given no sign of life: neither an answer nor any bytes. */
  #quietSince(pc: PooledConnection): number {
    return Math.max(pc.waitingSince, pc.conn.lastReceivedAt?.() ?? 0)
  }

  /** Ends the server's side of a connection whose path died (see EngineDriver.endSession), if it can. */
  #endServerSession(conn: EngineConnection): void {
    if (conn.sessionId === undefined || !this.driver.endSession) return
    this.driver.endSession(conn, ms(this.options.connectTimeout)).catch(() => {})
  }

  #unanswered(pc: PooledConnection, waitedMs: number): void {
    process.emitWarning(
      `prisma-pool: a statement on a connection to ${this.driver.target} (server session ${pc.conn.sessionId}) had no answer for ` +
        `${(waitedMs / 1000).toFixed(1)} s, and the server no longer runs it: the network path to the server is dead. The ` +
        `connection was closed and the statement failed; the server's side of the session was ended.`,
      'PrismaPoolWarning',
    )
    pc.retireReason ??= 'unanswered'
    pc.conn.destroy()
    this.#endServerSession(pc.conn)
  }

  /** Emits without letting a throwing listener break the pool's bookkeeping. */
  #emit<E extends keyof PoolEvents>(event: E, ...args: PoolEvents[E]): void {
    if (this.listenerCount(event) === 0) return
    try {
      ;(this.emit as (event: E, ...args: PoolEvents[E]) => boolean)(event, ...args)
    } catch (error) {
      process.emitWarning(`a '${event}' listener of the pool threw: ${String(error)}`, 'PrismaPoolWarning')
    }
  }

  async #open(): Promise<PooledConnection> {
    if (this.#budgetError) throw this.#budgetError
    const conn = await this.#connect()
    if (this.options.budgetPolicy !== 'off') {
      // The first connection runs the check; any opened meanwhile waits for its verdict before it is handed out
      // (under 'fit', those beyond the new limit close as they come back).
      this.#budgetCheck ??= this.#checkBudget(conn)
      try {
        await this.#budgetCheck
      } catch (error) {
        await this.#closeConnection(conn)
        throw error
      }
    }
    const pc: PooledConnection = { conn, seq: ++this.#seq, createdAt: now(), returnedAt: undefined, running: 0, waitingSince: 0 }
    this.#totals.created++
    this.#emit('connect', pc)
    return pc
  }

  /**
   * Opens a connection. A transient failure (refused, reset, timed out, starting up, full while this pool holds
   * connections that will come back) is retried with a growing, jittered delay for as long as callers wait, by
   * one create at a time: a server coming back is not met by every waiting caller at once. A permanent failure
   * (credentials, unknown database, TLS) and a full server this pool holds nothing of fail at once.
   */
  async #connect(): Promise<EngineConnection> {
    for (;;) {
      if (this.#outage) {
        await this.#outage.over
        if (!this.#wanted()) throw this.#lastConnectError?.error ?? new Error('no caller waits for this connection')
        continue
      }
      try {
        return await this.#connectOnce()
      } catch (error) {
        this.#failedConnect(error)
        if (!this.#wanted()) throw error
      }
      // Another create, failing at the same time, may have taken up the retries.
      if (this.#outage) continue
      let end!: () => void
      const outage: Outage = { over: new Promise<void>((resolve) => (end = resolve)), end: () => end() }
      this.#outage = outage
      try {
        for (let failures = 1; ; failures++) {
          await new Promise((resolve) => setTimeout(resolve, retryDelay(failures)))
          if (!this.#wanted()) throw this.#lastConnectError?.error
          try {
            return await this.#connectOnce()
          } catch (error) {
            this.#failedConnect(error)
          }
        }
      } finally {
        this.#outage = undefined
        outage.end()
      }
    }
  }

  /** Whether a connection being opened is still wanted: someone waits for one, and the pool is open. */
  #wanted(): boolean {
    return !this.#closed && this.#tarn.numPendingAcquires() > 0
  }

  async #connectOnce(): Promise<EngineConnection> {
    const timeoutMs = ms(this.options.connectTimeout)
    const started = now()
    const connecting = this.driver.connect(timeoutMs, this.tag)
    try {
      const conn = await withTimeout(connecting, timeoutMs, () => new ConnectTimeoutError(this.options.connectTimeout, this.driver.target))
      this.#lastConnectError = undefined
      return conn
    } catch (error) {
      this.#totals.connectErrors++
      // Shown in PoolTimeoutError's message and the debug log: a driver's message may quote a URL with its password.
      const message = withoutPasswords(error instanceof Error ? error.message : String(error))
      this.#lastConnectError = { error, message }
      this.#log?.(`connecting to ${this.driver.target} failed after ${(now() - started).toFixed(1)} ms: ${message}`)
      // A connection that arrives after we gave up on it must not leak.
      connecting.then((late) => this.#closeConnection(late)).catch(() => {})
      throw error
    }
  }

  /** Rethrows a connect failure that must not be retried: a permanent one, or a full server we hold nothing of. */
  #failedConnect(error: unknown): void {
    if (error instanceof ConnectTimeoutError) return
    const kind = this.driver.convertError(error)?.kind
    if (kind === 'TooManyConnections') {
      // Connections of ours will come back: wait for them. Without any, only another client can free the server.
      if (this.#tarn.numUsed() + this.#tarn.numFree() === 0) throw this.#serverFull(error)
      return
    }
    // A host name that does not exist stays so; a failed look-up (EAI_AGAIN) may not.
    if (kind === undefined || !TRANSIENT_KINDS.has(kind) || socketError(error)?.code === 'ENOTFOUND') throw error
  }

  async #close(pc: PooledConnection): Promise<void> {
    clearTimeout(pc.idleTimer)
    const reason = pc.retireReason ?? (this.#closed ? 'dispose' : 'overflow')
    this.#totals.destroyed++
    if (reason === 'recycle') this.#totals.recycled++
    if (reason === 'invalidated') this.#totals.invalidated++
    await this.#closeConnection(pc.conn)
    this.#emit('close', pc, reason)
    if (reason === 'recycle') this.#emit('recycle', pc)
  }

  /**
   * Closes a connection, giving its goodbye pingTimeout to go through: on a dead path it would wait forever. Then
   * the server still has the session, which it is asked to end.
   */
  async #closeConnection(conn: EngineConnection): Promise<void> {
    try {
      await withTimeout(conn.close(), ms(this.options.pingTimeout), () => CLOSE_TIMED_OUT)
    } catch (error) {
      conn.destroy()
      if (error === CLOSE_TIMED_OUT) this.#endServerSession(conn)
    }
  }

  /** Reads the server's limits on the first connection and applies budgetPolicy. Throws PoolBudgetError to refuse. */
  async #checkBudget(conn: EngineConnection): Promise<void> {
    if (!conn.connectionLimits) return
    const { size, maxOverflow, budgetPolicy } = this.options
    const workers = this.#workerCount
    if (!workers) {
      process.emitWarning(
        `prisma-pool cannot check the connection budget of ${this.driver.target}: this is a cluster worker and the ` +
          `number of workers is unknown. Set the pool option workers, or PRISMA_POOL_WORKERS in the workers' environment.`,
        'PrismaPoolBudgetWarning',
      )
      return
    }
    const timeoutMs = ms(this.options.connectTimeout)
    const bounded = <T>(read: Promise<T>) => withTimeout(read, timeoutMs, () => new Error(`no answer within connectTimeout (${this.options.connectTimeout} s)`))
    let limits
    try {
      limits = await bounded(conn.connectionLimits())
    } catch (error) {
      process.emitWarning(
        `prisma-pool could not read the connection limits of ${this.driver.target}, so budgetPolicy '${budgetPolicy}' ` +
          `was not applied: ${error instanceof Error ? error.message : String(error)}`,
        'PrismaPoolBudgetWarning',
      )
      return
    }
    const report = assessBudget(limits, workers, size, maxOverflow, this.driver.sideConnections ?? 0)
    this.budget = report
    // Kept for the message of a later "server is full" refusal, when no connection can be had to ask.
    if (conn.serverConnections) {
      this.lastFleet = await bounded(conn.serverConnections())
        .then((list) => summarizeFleet(list, this.tag, this.driver.target, report.limit))
        .catch(() => undefined)
    }
    this.#emit('budget', report)
    if (report.fits) return
    const text = describeBudget(report, this.driver.target, budgetPolicy)
    if (budgetPolicy === 'error' || (budgetPolicy === 'fit' && !report.fitting)) {
      this.#budgetError = new PoolBudgetError(`${text} (budgetPolicy '${budgetPolicy}')`)
      throw this.#budgetError
    }
    if (budgetPolicy === 'fit' && report.fitting) {
      this.resize(report.fitting.size, report.fitting.maxOverflow)
      this.#log?.(`budgetPolicy 'fit': now size ${report.fitting.size}, maxOverflow ${report.fitting.maxOverflow}`)
      return
    }
    process.emitWarning(`prisma-pool: ${text}`, 'PrismaPoolBudgetWarning')
  }

  /**
   * Sets size and maxOverflow of a live pool: connections beyond a lower limit close as they come back, and
   * callers waiting get the room a higher one makes.
   */
  resize(size: number, maxOverflow: number): void {
    this.options = Object.freeze(resolvePoolOptions(validatePoolOptions({ size, maxOverflow }, 'resize()'), this.options, 'resize()'))
    this.#tarn.resize(size, tarnMax(this.options))
  }

  /** The server refused a connection for being full: say what this worker holds and who holds the rest. */
  #serverFull(error: unknown): ServerFullError {
    const s = this.stats()
    // A full server takes no new connection to ask who holds it: the list read last (at start-up, or by
    // connections()) is the best there is, and says when it was read.
    const fleet = this.lastFleet
    const holders = fleet
      ? `\nWho held the server's connections when last read: ${formatFleet(fleet)}`
      : `\nCall connections() on a worker that has a connection to see who holds the server's connections.`
    const budget = this.budget ? `\nAt start-up: ${describeBudget(this.budget, this.driver.target, this.options.budgetPolicy)}` : ''
    const message = error instanceof Error ? error.message : String(error)
    // Called only when this worker holds none: other clients (or other workers) hold every connection.
    return new ServerFullError(
      `${this.driver.target} refused a new connection because it is full (${message}), and this worker (${this.tag}) ` +
        `holds none of its connections (size ${s.size} + ${overflowText(s.maxOverflow)}): other clients hold them all.${holders}${budget}\n` +
        `Free connections in those clients (or lower their pools), raise the server's connection limit, or put a pooler ` +
        `such as PgBouncer or ProxySQL in front of the server. If the other clients are workers of this application, ` +
        `lower size and maxOverflow so that workers × (size + maxOverflow) fits (budgetPolicy 'fit' does it for you).`,
      { cause: error },
    )
  }

  /** Whether a free connection may be handed out; a promise only when it must be pinged first. */
  #validate(pc: PooledConnection): boolean | Promise<boolean> {
    const t = now()
    pc.retireReason ??= this.#retireReason(pc, t)
    if (pc.retireReason) return false
    return this.#needsNoPing(pc, t) || this.#ping(pc)
  }

  /** Whether a free connection may be handed out as it is, with no ping and nothing to close (the fast path). */
  readonly #readyNow = (pc: PooledConnection): boolean => {
    const t = now()
    return this.#retireReason(pc, t) === undefined && this.#needsNoPing(pc, t)
  }

  /** A connection never used, or used just now, needs no ping. */
  #needsNoPing(pc: PooledConnection, t: number): boolean {
    return !this.options.prePing || pc.returnedAt === undefined || t - pc.returnedAt < this.#prePingAfterIdleMs
  }

  async #ping(pc: PooledConnection): Promise<boolean> {
    try {
      // A ping into a dead network path would otherwise hang until the caller's whole timeout is gone.
      await withTimeout(pc.conn.ping(), ms(this.options.pingTimeout), () => PING_TIMED_OUT)
      return true
    } catch (error) {
      this.#totals.prePingFailures++
      pc.retireReason = 'pre-ping'
      // No answer: the path died silently, and the server still keeps the session. Ask it to end the session.
      if (error === PING_TIMED_OUT) this.#endServerSession(pc.conn)
      // As SQLAlchemy does: a connection that died while idle usually means they all did (a restart, a failover).
      this.#invalidateAll()
      return false
    }
  }

  /** Wakes the sweep when this connection, idle from now on, reaches its share of the server's idle timeout. */
  #watchIdle(pc: PooledConnection): void {
    const limit = pc.conn.idleTimeoutMs
    if (limit === undefined) return
    pc.idleTimer ??= setTimeout(() => this.#tarn.check(), Math.ceil(limit * SERVER_IDLE_SHARE) + 1).unref()
    pc.idleTimer.refresh()
  }

  /** Why this connection must not be handed out again, if it must not. */
  #retireReason(pc: PooledConnection, t: number): CloseReason | undefined {
    if (pc.retireReason) return pc.retireReason
    if (pc.conn.isBroken()) return 'broken'
    if (pc.seq <= this.#invalidatedUpTo) return 'invalidated'
    if (t - pc.createdAt >= this.#recycleMs) return 'recycle'
    const idleLimit = pc.conn.idleTimeoutMs
    if (idleLimit !== undefined && t - (pc.returnedAt ?? pc.createdAt) >= idleLimit * SERVER_IDLE_SHARE) return 'idle-timeout'
    return undefined
  }

  #discard(pc: PooledConnection, reason: CloseReason): undefined {
    pc.retireReason ??= reason
    this.#tarn.destroyUsed(pc)
    return undefined
  }

  /** Replaces every connection opened so far: idle ones are closed now, checked-out ones when they come back. */
  #invalidateAll(): void {
    const seq = this.#seq
    if (seq <= this.#invalidatedUpTo) return
    this.#invalidatedUpTo = seq
    this.#emit('invalidate', seq)
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
        connecting: s.connecting,
        waiting: s.waiting + 1,
        lastConnectError: this.#lastConnectError?.message,
        serverFull: this.#lastConnectError !== undefined && this.driver.convertError(this.#lastConnectError.error)?.kind === 'TooManyConnections',
      },
      this.driver.target,
      this.#lastConnectError?.error,
    )
    this.#totals.timeouts++
    this.#emit('timeout', error)
    return error
  }
}
