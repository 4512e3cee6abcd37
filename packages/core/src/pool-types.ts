// The pool's data as others see it: its connections, checkouts, figures and events. Kept apart from the pool itself
// so that what reports them (metrics, the adapter) does not import the pool.
import type { BudgetReport } from './accounting.js'
import type { EngineConnection } from './engine.js'
import type { PoolTimeoutError } from './errors.js'

export interface HistogramSnapshot {
  count: number
  sumMs: number
  maxMs: number
  meanMs: number
  /** [upper bound in ms, values in this bucket] — per bucket, not cumulative, as Prisma 6's JSON has them. */
  buckets: [number, number][]
}

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
