// Everything the pool relies on in tarn beyond its public API, in one place: the lists of free and used resources,
// the queues of pending acquires and creates, and its internal steps (_tryAcquireOrCreate, _destroy, _startReaping).
// test/tarn-pool.test.ts checks that tarn still has them, so that a tarn upgrade that changes them fails there first.
import { Pool as TarnPool } from 'tarn'
import type { CloseReason, PooledConnection } from './pool-types.js'

/**
 * tarn's pool, taught to close connections that are checked out or idle past their age, to hand a connection to a
 * caller without its per-acquire machinery where no check is needed, and to tell when callers parked outside it (see
 * QueuePool's waiting queue) can be let in because a connection can be had without waiting for one to come back.
 */
export class RetiringTarnPool extends TarnPool<PooledConnection> {
  retireReason: (pc: PooledConnection) => CloseReason | undefined = () => undefined
  /** Called whenever tarn looks for work: lets parked callers in while `spare()` says there is room. */
  letIn: () => void = () => {}
  #lettingIn = false

  override _tryAcquireOrCreate(): void {
    if (!this.#lettingIn) {
      this.#lettingIn = true
      try {
        this.letIn()
      } finally {
        this.#lettingIn = false
      }
    }
    super._tryAcquireOrCreate()
  }

  /**
   * How many more callers tarn could serve without a connection coming back: every connection it may hold that is not
   * checked out (free, being opened, or not opened yet), less the callers already waiting in it. Zero or less: a new
   * caller would wait for a return.
   */
  spare(): number {
    if (this.destroyed) return 0
    return this.max - this.used.length - this.pendingAcquires.length
  }

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
   * Gives a connection just returned (so needing no check) to the first caller waiting in tarn, keeping it checked
   * out; false when none waits there. Skips the validation round that tarn's release would start.
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

  /** Has tarn look for work: hand free connections to its waiting callers, open more, let parked callers in. */
  wake(): void {
    this._tryAcquireOrCreate()
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

  /** Whether the pool is destroyed (tarn keeps it to itself). */
  get isDestroyed(): boolean {
    return this.destroyed
  }

  /** Fails every caller waiting in tarn (it would keep them waiting until all checked-out connections return). */
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
