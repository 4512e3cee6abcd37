// The check of statements that get no answer (the pool option unansweredCheck): a connection silent for that long
// while a statement of it is under way has its session looked up on the server, on a connection of the engine's own.
// If the server runs nothing for it, no answer can come (the network path died, and the server never heard): the
// connection is destroyed, so the statement fails, and the server's side of the session is ended.
import type { EngineConnection, EngineContext, EngineDriver } from './engine.js'
import { ms } from './options.js'
import type { PooledConnection } from './pool-types.js'
import { now, withTimeout } from './time.js'

/** What the watch needs of its pool. */
export interface WatchedPool {
  readonly driver: EngineDriver
  /** The pool's options and log. */
  readonly context: EngineContext
  /** Ends the server's side of a connection whose path died (EngineDriver.endSession), if it can. */
  endServerSession(conn: EngineConnection): void
  /** Counts `work` as engine work under way, until it settles (the engine's close waits for it). */
  track<T>(work: Promise<T>): Promise<T>
}

export class UnansweredWatch {
  readonly #pool: WatchedPool
  readonly #checkSession: NonNullable<EngineDriver['checkSession']>
  readonly #afterMs: number
  /** Connections with a statement under way. */
  readonly #busy = new Set<PooledConnection>()
  #timer: NodeJS.Timeout | undefined

  constructor(pool: WatchedPool, checkSession: NonNullable<EngineDriver['checkSession']>) {
    this.#pool = pool
    this.#checkSession = checkSession
    this.#afterMs = ms(pool.context.options.unansweredCheck)
  }

  /** A watch for `pool`, or none when the option is off or the engine cannot ask its server about a session. */
  static of(pool: WatchedPool): UnansweredWatch | undefined {
    const { checkSession } = pool.driver
    return checkSession && pool.context.options.unansweredCheck > 0 ? new UnansweredWatch(pool, checkSession.bind(pool.driver)) : undefined
  }

  /** A statement under way on `pc` since `t` (performance.now()). Only connections with a server session id are watched. */
  started(pc: PooledConnection, t: number): void {
    if (pc.conn.sessionId === undefined || pc.running++ > 0) return
    pc.waitingSince = t
    this.#busy.add(pc)
    this.#timer ??= setInterval(() => this.#check(), Math.max(100, this.#afterMs / 4)).unref()
  }

  /** A statement on `pc` got its answer at `t`: the path is alive, whatever else is still under way on it. */
  ended(pc: PooledConnection, t: number): void {
    if (pc.conn.sessionId === undefined) return
    if (--pc.running === 0) this.#busy.delete(pc)
    else pc.waitingSince = t
  }

  stop(): void {
    clearInterval(this.#timer)
    this.#timer = undefined
  }

  #check(): void {
    const t = now()
    const { driver, context } = this.#pool
    for (const pc of this.#busy) {
      const quietSince = quietSinceOf(pc)
      if (pc.checking || t - Math.max(quietSince, pc.checkedAt ?? 0) < this.#afterMs) continue
      pc.checking = true
      pc.checkedAt = t
      const timeoutMs = context.connectTimeoutMs
      withTimeout(this.#pool.track(this.#checkSession(pc.conn, timeoutMs)), 2 * timeoutMs, () => new Error('no answer'))
        .then(async (state) => {
          if (state !== 'idle' && state !== 'gone') return
          // Let the event loop read what may have arrived while it was busy: an answer waiting there is an answer.
          await new Promise((resolve) => setImmediate(resolve))
          if (pc.running === 0 || quietSinceOf(pc) !== quietSince) return
          this.#giveUp(pc, now() - quietSince)
        })
        .catch((error: unknown) => context.log(`could not ask ${driver.target} about connection #${pc.seq}: ${String(error)}`))
        .finally(() => (pc.checking = false))
    }
    if (this.#busy.size === 0) this.stop()
  }

  #giveUp(pc: PooledConnection, waitedMs: number): void {
    process.emitWarning(
      `prisma-pool: a statement on a connection to ${this.#pool.driver.target} (server session ${pc.conn.sessionId}) had no answer for ` +
        `${(waitedMs / 1000).toFixed(1)} s, and the server no longer runs it: the network path to the server is dead. The ` +
        `connection was closed and the statement failed; the server's side of the session was ended.`,
      'PrismaPoolWarning',
    )
    pc.retireReason ??= 'unanswered'
    pc.conn.destroy()
    this.#pool.endServerSession(pc.conn)
  }
}

/** Since when a busy connection has given no sign of life: neither an answer nor any bytes. */
const quietSinceOf = (pc: PooledConnection) => Math.max(pc.waitingSince, pc.conn.lastReceivedAt?.() ?? 0)
