import { EventEmitter } from 'node:events'
import { TimeoutError as TarnTimeoutError } from 'tarn'
import { overflowText, summarizeFleet, type BudgetReport, type FleetConnections } from './accounting.js'
import { BudgetGate } from './budget-gate.js'
import { Connector } from './connector.js'
import { debugLog, logPoolEvents } from './debug.js'
import type { ConnectionLoss, EngineConnection, EngineContext, EngineDriver } from './engine.js'
import { connectionLoss, DEFAULT_TAG_LENGTH } from './engine-defaults.js'
import { PoolClosedError, PoolTimeoutError, PrismaPoolError, ServerFullError } from './errors.js'
import { identityTag, workerIdentity, type WorkerIdentity } from './identity.js'
import { LeakWatch } from './leaks.js'
import { Histogram, metricsJson, type Labels, type MetricsJson } from './metrics.js'
import { maxConnections, ms, resolvePoolOptions, validatePoolOptions, type ResolvedPoolOptions } from './options.js'
import { Checkout, zeroTotals, type CloseReason, type PoolEvents, type PooledConnection, type PoolStats } from './pool-types.js'
import { RetiringTarnPool } from './tarn-pool.js'
import { MAX_TIMER_MS, now, rejectedOnAbort, withTimeout } from './time.js'
import { UnansweredWatch } from './unanswered-watch.js'
import { WaitQueue, type Waiter } from './waiters.js'

/** The pool's limit as tarn takes it: a number, where no limit (maxOverflow -1) is Infinity for us. */
const tarnMax = (options: ResolvedPoolOptions) => Math.min(maxConnections(options), Number.MAX_SAFE_INTEGER)

/** Share of the server's idle timeout after which an idle connection is closed: before the server does it. */
const SERVER_IDLE_SHARE = 0.9

const PING_TIMED_OUT = new Error('ping timed out')
const CLOSE_TIMED_OUT = new Error('close timed out')

/** A caller parked in the pool's own queue (see `#park`): the pool was full when it came. */
interface ParkedCaller extends Waiter<Checkout> {
  readonly start: number
  readonly stack: string | undefined
}

/**
 * A QueuePool: `size` connections kept, up to `maxOverflow` more under load, lazily created, checked
 * before use, reset on return, recycled by age, and invalidated together when the server drops them.
 *
 * A connection goes through: opening (Connector, then the BudgetGate's verdict) → idle ⇄ checked out → closing. Which
 * connection may be handed out is decided in one place, `#retireReason` (broken, invalidated, too old, near the
 * server's idle timeout), with `#needsNoPing` saying whether it must be pinged first. A caller is served by one of
 * three paths, fastest first:
 * - a free connection that needs no check is taken at once (`RetiringTarnPool.takeFree`);
 * - when the pool is full (every connection it may hold is checked out or promised to a waiting caller), the caller
 *   parks in the pool's own queue (`#park`), served by the next connection that comes back (`#checkIn`) or let into
 *   tarn's queue when room appears (`#letIn`);
 * - otherwise it waits in tarn's queue, which checks a free connection (`#validate`) or opens one (`#open`).
 * A connection coming back (`release`) is reset if it is inside a transaction, then handed to the longest-waiting
 * caller (tarn's first: they came before the pool was full), or goes back to the free list. Around this state machine,
 * as observers of what it does: the budget check (BudgetGate), leak reports (LeakWatch), the check of statements
 * without an answer (UnansweredWatch) and the debug log (logPoolEvents).
 */
export class QueuePool extends EventEmitter<PoolEvents> {
  options: ResolvedPoolOptions
  readonly driver: EngineDriver
  /** This worker, as its connections name it on the server. */
  readonly identity: WorkerIdentity
  readonly tag: string
  /** The last live view read (see `connections()`), or the one the budget check read at start-up. */
  lastFleet: FleetConnections | undefined
  /** How long each statement took, in ms (the adapter records it). */
  readonly queryTimes = new Histogram()
  readonly #waitTimes = new Histogram()
  readonly #holdTimes = new Histogram()
  readonly #budget: BudgetGate
  /** Set when leakDetectionThreshold is. */
  readonly #leaks: LeakWatch | undefined
  /** Callers that came while every connection the pool may hold was checked out or being opened. */
  readonly #parked: WaitQueue<ParkedCaller>
  /** The debug log, when DEBUG names prisma-pool. */
  readonly #log: ((message: string) => void) | undefined
  /** What the engine is told of this pool (see EngineContext). */
  readonly context: EngineContext
  /** The engine's init for this pool, once (see start()); `#started` once it succeeded. */
  #starting: Promise<void> | undefined
  #started: boolean
  /** Aborts init at its deadline, or when the pool is disposed while it runs. */
  #initAbort: AbortController | undefined
  /** Work on the engine still under way (opens, late closes, session checks and ends): close() waits for it. */
  readonly #inFlight = new Set<Promise<unknown>>()
  readonly #connector: Connector
  #tarn: RetiringTarnPool
  #seq = 0
  #invalidatedUpTo = 0
  #closed = false
  #disposing: Promise<void> | undefined
  readonly #unanswered: UnansweredWatch | undefined
  #totals = zeroTotals()
  /** Options in milliseconds, as the hot path reads them. */
  readonly #recycleMs: number
  readonly #prePingAfterIdleMs: number

  constructor(driver: EngineDriver, options: ResolvedPoolOptions) {
    super()
    this.driver = driver
    this.options = options
    const idleMs = ms(options.overflowIdleTimeout)
    const recycleMs = options.recycle === -1 ? Infinity : ms(options.recycle)
    this.#tarn = new RetiringTarnPool({
      min: options.size,
      max: tarnMax(options),
      create: () => this.#track(this.#open()),
      destroy: (pc: PooledConnection) => this.#track(this.#close(pc)),
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
    this.#tarn.letIn = () => this.#letIn()
    this.#parked = new WaitQueue<ParkedCaller>((caller) => caller.reject(this.#timeoutError()))
    this.#recycleMs = recycleMs
    this.#prePingAfterIdleMs = ms(options.prePingAfterIdle)
    // An engine with nothing to prepare needs no start: its pool's first acquire is as quick as any other.
    this.#started = !driver.init && !driver.concurrencyLimit
    this.identity = workerIdentity(options.applicationName)
    this.tag = identityTag(this.identity, driver.tagLength ?? DEFAULT_TAG_LENGTH)
    this.#log = debugLog(this.tag)
    if (this.#log) logPoolEvents(this, this.#log)
    const pool = this
    this.context = Object.freeze({
      get options() {
        return pool.options
      },
      get connectTimeoutMs() {
        return ms(pool.options.connectTimeout)
      },
      tag: this.tag,
      log: this.#log ?? (() => {}),
    })
    const { context } = this
    this.#budget = new BudgetGate({
      driver,
      context,
      resize: (size, maxOverflow) => this.resize(size, maxOverflow),
      assessed: (report, fleet) => {
        this.lastFleet = fleet
        this.#emit('budget', report)
      },
    })
    if (options.leakDetectionThreshold > 0) {
      this.#leaks = new LeakWatch({
        target: driver.target,
        thresholdSeconds: options.leakDetectionThreshold,
        leaked: (pc, heldMs, stack) => {
          this.#totals.leaks++
          if (this.listenerCount('leak') === 0) return false
          this.#emit('leak', pc, heldMs, stack)
          return true
        },
        log: this.#log,
      })
    }
    this.#unanswered = UnansweredWatch.of({
      driver,
      context,
      endServerSession: (conn) => this.#endServerSession(conn),
      track: (work) => this.#track(work),
    })
    this.#connector = new Connector({
      driver,
      context,
      wanted: () => this.#wanted(),
      holdsConnections: () => this.#tarn.numUsed() + this.#tarn.numFree() > 0,
      serverFull: (error) => this.#serverFull(error),
      closeLate: (conn) => void this.#track(this.#closeConnection(conn)),
      connectFailed: () => void this.#totals.connectErrors++,
      track: (work) => this.#track(work),
    })
  }

  /** The start-up budget check's arithmetic, once it has run. */
  get budget(): BudgetReport | undefined {
    return this.#budget.report
  }

  /**
   * Prepares the engine for this pool (EngineDriver.concurrencyLimit and init), once; the first acquire() does it if
   * nobody did. A failure is this pool's: every acquire() rejects with it, and no connection is tried.
   */
  start(): Promise<void> {
    if (this.#closed && !this.#starting) return Promise.reject(this.#disposedError())
    this.#starting ??= this.#start()
    return this.#starting
  }

  async #start(): Promise<void> {
    const ceiling = this.driver.concurrencyLimit?.(this.options)
    if (ceiling && maxConnections(this.options) > ceiling.limit) {
      const size = Math.min(this.options.size, ceiling.limit)
      const maxOverflow = ceiling.limit - size
      process.emitWarning(
        `prisma-pool: ${this.driver.adapterName} can serve at most ${ceiling.limit} connections at once (${ceiling.reason}); ` +
          `the pool for ${this.driver.target} is lowered from size ${this.options.size} + ${overflowText(this.options.maxOverflow)} ` +
          `to size ${size} + maxOverflow ${maxOverflow}. Set pool.size and pool.maxOverflow within the limit to silence this.`,
        'PrismaPoolWarning',
      )
      this.resize(size, maxOverflow)
    }
    if (this.driver.init) {
      // Bounded like a connect: an engine that cannot start must not keep every caller waiting without end.
      const seconds = this.options.connectTimeout
      const abort = (this.#initAbort = new AbortController())
      const timer = setTimeout(
        () => abort.abort(new PrismaPoolError(`${this.driver.adapterName} did not get ready for ${this.driver.target} within connectTimeout (${seconds} s): EngineDriver.init did not finish.`)),
        this.context.connectTimeoutMs,
      )
      const initializing = Promise.resolve().then(() => this.driver.init!(this.context, abort.signal))
      try {
        await Promise.race([initializing, rejectedOnAbort(abort.signal)])
      } catch (error) {
        // Given up on: should init finish after all, what it set up is released.
        this.#track(initializing.then(() => this.driver.close?.(this.context))).catch(() => {})
        throw error
      } finally {
        clearTimeout(timer)
        this.#initAbort = undefined
      }
    }
    this.#started = true
  }

  /** Checks out a connection, waiting up to `timeout` seconds. */
  acquire(): Promise<Checkout> {
    const start = now()
    // Captured here, on the caller's path, so that the trace leads back to the caller's code.
    const stack = this.#leaks ? LeakWatch.stack() : undefined
    if (!this.#started && !this.#closed) return this.start().then(() => this.#acquire(start, stack))
    return this.#acquire(start, stack)
  }

  #acquire(start: number, stack: string | undefined): Promise<Checkout> {
    if (this.#closed) return Promise.reject(this.#disposedError())
    const free = this.#tarn.takeFree(this.#readyNow)
    if (free) return Promise.resolve(this.#checkedOut(free, start, stack))
    const spare = this.#tarn.spare()
    // Full, or callers parked before this one: wait in the pool's own queue, behind them.
    if (spare <= 0 || this.#parked.size > 0) {
      const parked = this.#park(start, stack)
      if (spare > 0) this.#tarn.wake()
      return parked
    }
    return this.#tarn.acquire().promise.then((pc) => this.#checkedOut(pc, start, stack), this.#acquireFailed)
  }

  #park(start: number, stack: string | undefined): Promise<Checkout> {
    return new Promise<Checkout>((resolve, reject) => {
      this.#parked.push({ start, stack, deadline: start + ms(this.options.timeout), resolve, reject })
    })
  }

  /**
   * tarn has room again (a connection closed, a limit rose, one opened that nobody in tarn waits for): parked callers
   * move to tarn's queue, in order, for as long as tarn can serve them without a return. They keep their deadline.
   */
  #letIn(): void {
    while (this.#parked.size > 0 && this.#tarn.spare() > 0) {
      const caller = this.#parked.shift()!
      const pending = this.#tarn.acquire()
      const timer = setTimeout(() => pending.reject(new TarnTimeoutError('parked caller timed out')), Math.max(0, caller.deadline - now()))
      pending.promise.then(
        (pc) => {
          clearTimeout(timer)
          caller.resolve(this.#checkedOut(pc, caller.start, caller.stack))
        },
        (error: unknown) => {
          clearTimeout(timer)
          caller.reject(this.#failure(error))
          // Its place in tarn's queue is free: the next parked caller may take it.
          this.#tarn.wake()
        },
      )
    }
  }

  /** Gives a connection just returned to the longest-parked caller; false when none is parked. */
  #handToParked(pc: PooledConnection): boolean {
    const caller = this.#parked.shift()
    if (caller === undefined) return false
    caller.resolve(this.#checkedOut(pc, caller.start, caller.stack))
    return true
  }

  #checkedOut(pc: PooledConnection, start: number, stack: string | undefined): Checkout {
    const t = now()
    this.#waitTimes.record(t - start)
    this.#totals.checkouts++
    const checkout = new Checkout(pc, t, stack)
    this.#leaks?.taken(checkout)
    this.#emit('checkout', pc)
    return checkout
  }

  readonly #acquireFailed = (error: unknown): never => {
    // A caller left tarn's queue (timed out, or its connect failed): a parked one may take its place.
    this.#tarn.wake()
    throw this.#failure(error)
  }

  /** What a caller whose wait in tarn failed is told. */
  #failure(error: unknown): unknown {
    if (error instanceof TarnTimeoutError) return this.#timeoutError()
    if (this.#closed && error instanceof Error && error.message === 'aborted') return this.#closedWhileWaiting()
    return error
  }

  #disposedError(): PoolClosedError {
    return new PoolClosedError(`the pool for ${this.driver.target} has been disposed.`)
  }

  #closedWhileWaiting(): PoolClosedError {
    return new PoolClosedError(`the pool for ${this.driver.target} was disposed while waiting for a connection.`)
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
    this.#leaks?.released(checkout, heldMs)
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
      if (connectionLoss(this.driver, error) === 'server') this.#invalidateAll()
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
    // Callers waiting in tarn came first (they came while a connection was being opened for them); then parked ones.
    if (this.#tarn.handOver(pc)) {
      // The connection being opened for the caller just served is now for the next one: a parked caller.
      this.#tarn.wake()
    } else if (!this.#handToParked(pc)) {
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
      waiting: this.#tarn.numPendingAcquires() + this.#parked.size,
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
      loss = connectionLoss(this.driver, error)
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
    for (const caller of this.#parked.takeAll()) caller.reject(this.#closedWhileWaiting())
    this.#disposing ??= this.#dispose()
    return this.#disposing
  }

  async #dispose(): Promise<void> {
    // Nobody waits any more: connections being opened (perhaps retrying through an outage) are not wanted.
    this.#tarn.abortCreates()
    const closed = new PoolClosedError(`the pool for ${this.driver.target} was disposed while connecting.`)
    this.#connector.abortAll(closed)
    this.#initAbort?.abort(closed)
    const deadline = setTimeout(() => this.#closeCheckedOut(), ms(this.options.disposeTimeout))
    try {
      await this.#tarn.destroy()
    } finally {
      clearTimeout(deadline)
      this.#unanswered?.stop()
    }
    await this.#starting?.catch(() => {})
    // Only what init set up is released: a pool that never started has nothing to close (an init given up on closes
    // itself if it finishes), and an engine with nothing to release is not held up by its calls under way.
    if (!this.#started || !this.driver.close) return
    await this.#settleInFlight()
    await this.driver.close(this.context)
  }

  /** Keeps `work` (on the engine) in `#inFlight` until it settles. */
  #track<T>(work: Promise<T>): Promise<T> {
    this.#inFlight.add(work)
    const settled = () => void this.#inFlight.delete(work)
    work.then(settled, settled)
    return work
  }

  /**
   * Waits for the engine work still under way, so that the engine's close() comes after it. Each piece is bounded (a
   * connect by connectTimeout, then a budget read by connectTimeout and a close by pingTimeout, after which the server
   * may be asked to end the session, within connectTimeout), and so is this wait.
   */
  async #settleInFlight(): Promise<void> {
    const deadline = now() + 3 * this.context.connectTimeoutMs + ms(this.options.pingTimeout)
    while (this.#inFlight.size > 0 && now() < deadline) {
      await withTimeout(Promise.allSettled([...this.#inFlight]), deadline - now(), () => new Error('in flight')).catch(() => {})
    }
    if (this.#inFlight.size > 0) this.#log?.(`closing the engine with ${this.#inFlight.size} of its calls still under way`)
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
   * `statementEnded`. While it waits, the connection is watched for a dead network path (see UnansweredWatch).
   */
  statementStarted(pc: PooledConnection, t: number): void {
    this.#unanswered?.started(pc, t)
  }

  /** A statement on `pc` got its answer at `t`. */
  statementEnded(pc: PooledConnection, t: number): void {
    this.#unanswered?.ended(pc, t)
  }

  /** Ends the server's side of a connection whose path died (see EngineDriver.endSession), if it can. */
  #endServerSession(conn: EngineConnection): void {
    if (conn.sessionId === undefined || !this.driver.endSession) return
    this.#track(this.driver.endSession(conn, this.context.connectTimeoutMs)).catch(() => {})
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
    this.#budget.checkNotRefused()
    const conn = await this.#connector.connect()
    // Under 'fit', connections beyond the new limit close as they come back.
    const verdict = this.#budget.admit(conn)
    if (verdict) {
      try {
        await verdict
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

  /** Whether a connection being opened is still wanted: someone waits for one, and the pool is open. */
  #wanted(): boolean {
    return !this.#closed && this.#tarn.numPendingAcquires() + this.#parked.size > 0
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

  /**
   * Sets size and maxOverflow of a live pool: connections beyond a lower limit close as they come back, and
   * callers waiting get the room a higher one makes.
   */
  resize(size: number, maxOverflow: number): void {
    this.options = Object.freeze(resolvePoolOptions(validatePoolOptions({ size, maxOverflow }, 'resize()'), this.options, 'resize()'))
    this.#tarn.resize(size, tarnMax(this.options))
  }

  /** The server refused a connection for being full, and this worker holds none: say who holds the rest. */
  #serverFull(error: unknown): ServerFullError {
    return new ServerFullError(
      {
        target: this.driver.target,
        tag: this.tag,
        size: this.options.size,
        maxOverflow: this.options.maxOverflow,
        // A full server takes no new connection to ask who holds it: the list read last is the best there is.
        fleet: this.lastFleet,
        budget: this.budget,
        budgetPolicy: this.options.budgetPolicy,
        serverMessage: error instanceof Error ? error.message : String(error),
      },
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
        lastConnectError: this.#connector.lastError?.message,
        serverFull: this.#connector.lastError !== undefined && this.driver.convertError(this.#connector.lastError.error)?.kind === 'TooManyConnections',
      },
      this.driver.target,
      this.#connector.lastError?.error,
    )
    this.#totals.timeouts++
    this.#emit('timeout', error)
    return error
  }
}
