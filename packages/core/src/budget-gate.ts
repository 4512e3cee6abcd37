// The start-up budget check: the first connection reads the server's limits, and budgetPolicy decides whether the
// fleet's pools fit. Every connection opened meanwhile waits for the verdict; after a refusal none is opened.
import { assessBudget, describeBudget, summarizeFleet, type BudgetReport, type FleetConnections } from './accounting.js'
import type { EngineConnection, EngineContext, EngineDriver } from './engine.js'
import { PoolBudgetError } from './errors.js'
import { detectWorkers, type WorkerCount } from './workers.js'
import { withTimeout } from './time.js'

/** What the gate needs of its pool. */
export interface BudgetedPool {
  readonly driver: EngineDriver
  /** The pool's options, tag and log. */
  readonly context: EngineContext
  resize(size: number, maxOverflow: number): void
  /** The check's arithmetic, and who held the server's connections then (for a later "server is full" message). */
  assessed(report: BudgetReport, fleet: FleetConnections | undefined): void
}

export class BudgetGate {
  /** The workers sharing the server: the option, or what the environment says (undefined: cannot tell). */
  readonly #workers: WorkerCount | undefined
  /** The check's arithmetic, once it has run. */
  report: BudgetReport | undefined
  /** Set when the check refused the pool: every later connect fails with it, without connecting. */
  #refusal: PoolBudgetError | undefined
  #check: Promise<void> | undefined

  constructor(private readonly pool: BudgetedPool) {
    const { budgetPolicy, workers } = pool.context.options
    // Read now, so that a wrong PRISMA_POOL_WORKERS fails the pool's creation rather than its first connection.
    this.#workers = budgetPolicy === 'off' ? undefined : workers === 'auto' ? detectWorkers() : { count: workers, source: 'the workers option' }
  }

  /** Throws the refusal, if the check refused the pool: before any connect. */
  checkNotRefused(): void {
    if (this.#refusal) throw this.#refusal
  }

  /** Resolves when `conn` may be handed out: the first connection runs the check, the others wait for its verdict. */
  admit(conn: EngineConnection): Promise<void> | undefined {
    if (this.pool.context.options.budgetPolicy === 'off') return undefined
    this.#check ??= this.#run(conn)
    return this.#check
  }

  async #run(conn: EngineConnection): Promise<void> {
    const { pool } = this
    const { context } = pool
    if (!conn.connectionLimits) return
    const { size, maxOverflow, budgetPolicy, connectTimeout } = context.options
    const target = pool.driver.target
    const workers = this.#workers
    if (!workers) {
      process.emitWarning(
        `prisma-pool cannot check the connection budget of ${target}: this is a cluster worker and the ` +
          `number of workers is unknown. Set the pool option workers, or PRISMA_POOL_WORKERS in the workers' environment.`,
        'PrismaPoolBudgetWarning',
      )
      return
    }
    const bounded = <T>(read: Promise<T>) => withTimeout(read, context.connectTimeoutMs, () => new Error(`no answer within connectTimeout (${connectTimeout} s)`))
    let limits
    try {
      limits = await bounded(conn.connectionLimits())
    } catch (error) {
      process.emitWarning(
        `prisma-pool could not read the connection limits of ${target}, so budgetPolicy '${budgetPolicy}' ` +
          `was not applied: ${error instanceof Error ? error.message : String(error)}`,
        'PrismaPoolBudgetWarning',
      )
      return
    }
    const report = assessBudget(limits, workers, size, maxOverflow, pool.driver.sideConnections ?? 0)
    this.report = report
    // Kept for the message of a later "server is full" refusal, when no connection can be had to ask.
    const fleet = conn.serverConnections
      ? await bounded(conn.serverConnections())
          .then((list) => summarizeFleet(list, context.tag, target, report.limit))
          .catch(() => undefined)
      : undefined
    pool.assessed(report, fleet)
    if (report.fits) return
    if (budgetPolicy === 'error' || (budgetPolicy === 'fit' && !report.fitting)) {
      this.#refusal = new PoolBudgetError(report, target, budgetPolicy)
      throw this.#refusal
    }
    if (budgetPolicy === 'fit' && report.fitting) {
      pool.resize(report.fitting.size, report.fitting.maxOverflow)
      context.log(`budgetPolicy 'fit': now size ${report.fitting.size}, maxOverflow ${report.fitting.maxOverflow}`)
      return
    }
    process.emitWarning(`prisma-pool: ${describeBudget(report, target, budgetPolicy)}`, 'PrismaPoolBudgetWarning')
  }
}
