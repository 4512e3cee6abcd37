// Leak detection (HikariCP's leakDetectionThreshold): a checkout held longer than the threshold is reported with the
// stack of whoever took it, to the pool's 'leak' listeners or else as a process warning.
import type { Checkout, PooledConnection } from './pool-types.js'
import { now } from './time.js'

export interface LeakReports {
  readonly target: string
  readonly thresholdSeconds: number
  /** Counts the leak and gives it to the 'leak' listeners; false when there are none. */
  leaked(pc: PooledConnection, heldMs: number, stack: string): boolean
  log?: (message: string) => void
}

/** Watches each checkout from when it is taken until it is released. */
export class LeakWatch {
  readonly #thresholdMs: number

  constructor(private readonly reports: LeakReports) {
    this.#thresholdMs = Math.ceil(reports.thresholdSeconds * 1000)
  }

  /** Where a checkout is asked for, captured on the caller's path so that the trace leads back to the caller's code. */
  static stack(): string | undefined {
    return new Error('checked out').stack
  }

  taken(checkout: Checkout): void {
    checkout.leakTimer = setTimeout(() => this.#report(checkout), this.#thresholdMs).unref()
  }

  released(checkout: Checkout, heldMs: number): void {
    clearTimeout(checkout.leakTimer)
    if (checkout.leakReported) this.reports.log?.(`a connection reported as leaked came back after ${(heldMs / 1000).toFixed(1)} s`)
  }

  #report(checkout: Checkout): void {
    checkout.leakReported = true
    const heldMs = now() - checkout.takenAt
    const stack = (checkout.stack ?? '').replace(/^Error: checked out\n/, '')
    if (this.reports.leaked(checkout.connection, heldMs, stack)) return
    process.emitWarning(
      `a connection to ${this.reports.target} has been checked out for ${(heldMs / 1000).toFixed(1)} s, longer than ` +
        `leakDetectionThreshold (${this.reports.thresholdSeconds} s). It was taken at:\n${stack}`,
      'PrismaPoolLeakWarning',
    )
  }
}
