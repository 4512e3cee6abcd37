/** A caller waiting for a connection, until `deadline` (performance.now()). */
export interface Waiter<T> {
  readonly deadline: number
  resolve(value: T): void
  reject(error: unknown): void
}

/**
 * Callers waiting in arrival order, with one timer for all of them: every waiter gets the same timeout, so the first
 * one's deadline comes first. A waiter served before its deadline costs no timer of its own (tarn's queue costs one
 * timer and a chain of promises per waiter, which is most of a cycle when hundreds of callers share a few connections).
 */
export class WaitQueue<W extends Waiter<unknown>> {
  #items: (W | undefined)[] = []
  #head = 0
  #timer: NodeJS.Timeout | undefined

  /** `expire` is called for each waiter whose deadline passed, already removed from the queue. */
  constructor(private readonly expire: (waiter: W) => void) {}

  get size(): number {
    return this.#items.length - this.#head
  }

  push(waiter: W): void {
    this.#items.push(waiter)
    this.#timer ??= setTimeout(this.#onDeadline, Math.max(0, waiter.deadline - performance.now()))
  }

  /** The longest-waiting caller, removed from the queue; undefined when nobody waits. */
  shift(): W | undefined {
    if (this.#head === this.#items.length) return undefined
    const waiter = this.#items[this.#head]
    this.#items[this.#head++] = undefined
    // Served callers leave holes at the front: drop them once they are half the array.
    if (this.#head === this.#items.length) {
      this.#items = []
      this.#head = 0
    } else if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head)
      this.#head = 0
    }
    return waiter
  }

  /** Removes every waiter, for the caller to reject. */
  takeAll(): W[] {
    const all = this.#items.slice(this.#head) as W[]
    this.#items = []
    this.#head = 0
    clearTimeout(this.#timer)
    this.#timer = undefined
    return all
  }

  readonly #onDeadline = (): void => {
    this.#timer = undefined
    const t = performance.now()
    for (let first = this.#items[this.#head]; first !== undefined && first.deadline <= t; first = this.#items[this.#head]) {
      this.shift()
      this.expire(first)
    }
    // For the first caller still waiting, whatever a push from an expired caller's listener armed meanwhile.
    clearTimeout(this.#timer)
    const next = this.#items[this.#head]
    this.#timer = next === undefined ? undefined : setTimeout(this.#onDeadline, Math.max(0, next.deadline - t))
  }
}
