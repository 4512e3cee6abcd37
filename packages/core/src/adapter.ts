import {
  DriverAdapterError,
  type ConnectionInfo,
  type IsolationLevel,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQuery,
  type SqlResultSet,
  type Transaction,
  type TransactionOptions,
} from '@prisma/driver-adapter-utils'
import type { FleetConnections } from './accounting.js'
import type { ConnectionLoss, EngineConnection, EngineDriver } from './engine.js'
import { connectionLoss, isolationLevels } from './engine-defaults.js'
import { PoolBudgetError, ServerFullError } from './errors.js'
import { Histogram, metricsJson, prometheusText, type Labels, type MetricsJson } from './metrics.js'
import { ms, resolvePoolOptions, validatePoolOptions, type PoolOptions, type ResolvedPoolOptions } from './options.js'
import { zeroTotals, type Checkout, type PoolEvents, type PoolStats } from './pool-types.js'
import { QueuePool } from './pool.js'

type Listener = (...args: unknown[]) => void

/** Turns an engine error into what Prisma expects; anything the engine does not recognise passes unchanged. */
function toAdapterError(driver: EngineDriver, error: unknown): unknown {
  if (error instanceof DriverAdapterError) return error
  // Prisma shows it as P2037, "Too many database connections opened: <our message>".
  if (error instanceof ServerFullError) return new DriverAdapterError({ kind: 'TooManyConnections', cause: error.message })
  const mapped = driver.convertError(error)
  return mapped ? new DriverAdapterError(mapped) : error
}

/** Savepoint names come from Prisma (`prisma_sp_0`…); anything else would be SQL injected into the statement. */
function checkSavepointName(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name)) {
    throw new DriverAdapterError({ kind: 'InvalidInputValue', message: `invalid savepoint name ${JSON.stringify(name)}` })
  }
  return name
}

const closedError = (what: string) =>
  new DriverAdapterError({ kind: 'TransactionAlreadyClosed', cause: `the transaction ${what}` })

const ENDED = { commit: 'has already been committed', rollback: 'has already been rolled back' } as const

/** Runs engine calls on one checked-out connection, mapping errors and noticing a lost connection. */
class Lease {
  #loss: ConnectionLoss | undefined
  #running = 0
  constructor(
    readonly pool: QueuePool,
    readonly checkout: Checkout,
  ) {}

  get driver(): EngineDriver {
    return this.pool.driver
  }

  get conn(): EngineConnection {
    return this.checkout.connection.conn
  }

  /** Whether a statement is under way on the connection. */
  get busy(): boolean {
    return this.#running > 0
  }

  async run<T>(work: (conn: EngineConnection) => Promise<T>): Promise<T> {
    this.#running++
    const start = performance.now()
    const pc = this.checkout.connection
    this.pool.statementStarted(pc, start)
    try {
      return await work(this.conn)
    } catch (error) {
      const loss = connectionLoss(this.driver, error)
      if (loss === 'server' || (loss && !this.#loss)) this.#loss = loss
      throw toAdapterError(this.driver, error)
    } finally {
      const end = performance.now()
      this.pool.statementEnded(pc, end)
      this.#running--
      this.pool.queryTimes.record(end - start)
    }
  }

  /** Gives the connection back; a promise only when there is something to wait for (a reset). */
  release(): Promise<void> | undefined {
    return this.pool.release(this.checkout, this.#loss)
  }
}

abstract class PoolQueryable {
  readonly provider: EngineDriver['provider']
  readonly adapterName: string

  constructor(protected readonly driver: EngineDriver) {
    this.provider = driver.provider
    this.adapterName = driver.adapterName
  }

  protected abstract withConnection<T>(work: (conn: EngineConnection) => Promise<T>): Promise<T>

  queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    return this.withConnection((conn) => conn.query(query))
  }

  executeRaw(query: SqlQuery): Promise<number> {
    return this.withConnection((conn) => conn.execute(query))
  }
}

/** An interactive transaction: one connection, pinned until commit or rollback. */
class PoolTransaction extends PoolQueryable implements Transaction {
  // The adapter sends COMMIT / ROLLBACK itself, so it always knows how the transaction ended.
  readonly options: TransactionOptions = { usePhantomQuery: true }
  #ending: { action: 'commit' | 'rollback'; done: Promise<void> } | undefined
  #interrupted = false

  constructor(
    driver: EngineDriver,
    private readonly lease: Lease,
  ) {
    super(driver)
  }

  protected async withConnection<T>(work: (conn: EngineConnection) => Promise<T>): Promise<T> {
    if (this.#ending) throw closedError(`${ENDED[this.#ending.action]}; its connection is back in the pool`)
    try {
      return await this.lease.run(work)
    } catch (error) {
      // The statement was interrupted because the transaction was being rolled back under it.
      if (this.#interrupted) throw closedError('was rolled back (by its timeout, or a rollback) while this statement ran; the statement was cancelled')
      throw error
    }
  }

  commit(): Promise<void> {
    return this.#end('commit', () => this.lease.conn.commit())
  }

  rollback(): Promise<void> {
    const { conn } = this.lease
    if (this.#ending || !this.lease.busy || !conn.cancel) return this.#end('rollback', () => conn.rollback())
    // Prisma rolls back on a timeout, possibly while a statement waits for a lock: interrupt it, or the
    // ROLLBACK would queue behind it and the transaction keep its locks until the lock holder lets go.
    this.#interrupted = true
    const interrupting = conn.cancel().catch(() => {})
    return this.#end('rollback', async () => {
      await interrupting
      await conn.rollback()
    })
  }

  /**
   * Ends the transaction once and returns its connection once. The same call again (a timeout racing a
   * commit) waits for the first; the other one is refused, since a commit cannot follow a rollback.
   */
  #end(action: 'commit' | 'rollback', work: () => Promise<void>): Promise<void> {
    if (this.#ending) {
      if (this.#ending.action === action) return this.#ending.done
      return Promise.reject(closedError(ENDED[this.#ending.action]))
    }
    const done = this.lease.run(work).finally(() => this.lease.release())
    this.#ending = { action, done }
    return done
  }

  createSavepoint(name: string): Promise<void> {
    return this.withConnection((conn) => conn.createSavepoint(checkSavepointName(name)))
  }

  rollbackToSavepoint(name: string): Promise<void> {
    return this.withConnection((conn) => conn.rollbackToSavepoint(checkSavepointName(name)))
  }

  releaseSavepoint(name: string): Promise<void> {
    return this.withConnection(async (conn) => {
      await conn.releaseSavepoint?.(checkSavepointName(name))
    })
  }
}

/** The `SqlDriverAdapter` Prisma talks to: every query checks a connection out of the pool and back in. */
export class PoolAdapter extends PoolQueryable implements SqlDriverAdapter {
  constructor(
    driver: EngineDriver,
    readonly pool: QueuePool,
    private readonly onDispose: () => Promise<void>,
  ) {
    super(driver)
  }

  async #checkout(): Promise<Lease> {
    try {
      return new Lease(this.pool, await this.pool.acquire())
    } catch (error) {
      throw toAdapterError(this.driver, error)
    }
  }

  protected async withConnection<T>(work: (conn: EngineConnection) => Promise<T>): Promise<T> {
    const lease = await this.#checkout()
    try {
      return await lease.run(work)
    } finally {
      const pending = lease.release()
      if (pending) await pending
    }
  }

  executeScript(script: string): Promise<void> {
    return this.withConnection((conn) => conn.executeScript(script))
  }

  async startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
    if (isolationLevel !== undefined && !isolationLevels(this.driver).includes(isolationLevel)) {
      throw new DriverAdapterError({ kind: 'InvalidIsolationLevel', level: isolationLevel })
    }
    const lease = await this.#checkout()
    try {
      await lease.run((conn) => conn.begin(isolationLevel))
    } catch (error) {
      const pending = lease.release()
      if (pending) await pending
      throw error
    }
    return new PoolTransaction(this.driver, lease)
  }

  getConnectionInfo(): ConnectionInfo {
    return this.driver.connectionInfo()
  }

  dispose(): Promise<void> {
    return this.onDispose()
  }
}

/**
 * The factory users pass to `new PrismaClient({ adapter })`. One pool per factory, shared by every
 * client connected through it and closed when the last of them disconnects; a later query opens a new one.
 */
export class PoolAdapterFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider: EngineDriver['provider']
  readonly adapterName: string
  readonly #poolInput: PoolOptions
  #pool: QueuePool | undefined
  #opening: Promise<QueuePool> | undefined
  /** The pool being opened (its first connection may take a while): on() and off() reach it too. */
  #nextPool: QueuePool | undefined
  #clients = 0
  /** Listeners added with on(): they follow the pool to its successor after a disconnect and reconnect. */
  readonly #listeners: [keyof PoolEvents, Listener][] = []

  constructor(
    protected readonly driver: EngineDriver,
    pool: PoolOptions | undefined,
  ) {
    this.provider = driver.provider
    this.adapterName = driver.adapterName
    this.#poolInput = validatePoolOptions(pool)
    resolvePoolOptions(this.#poolInput) // fail now, not at the first query
  }

  /**
   * The options of the live pool; before a connect, those the next pool would get: the ones given here
   * over the defaults in force (`setup()` may still change those until the pool is created).
   */
  get poolOptions(): ResolvedPoolOptions {
    return this.#pool?.options ?? resolvePoolOptions(this.#poolInput)
  }

  /** The pool of the connected clients; after the last disconnect, the disposed one until a new connect. */
  get pool(): QueuePool | undefined {
    return this.#pool
  }

  async connect(): Promise<SqlDriverAdapter> {
    const pool =
      this.#pool && !this.#pool.closed
        ? this.#pool
        : await (this.#opening ??= this.#open().finally(() => (this.#opening = undefined)))
    this.#clients++
    let disposed = false
    return new PoolAdapter(this.driver, pool, async () => {
      if (disposed) return
      disposed = true
      if (pool === this.#pool && --this.#clients > 0) return
      await pool.dispose()
    })
  }

  /**
   * A new pool. Its first connection is opened now when budgetPolicy is 'error' or 'fit' (so that `$connect()`
   * refuses a fleet too large for the server, or fits it before any load), or when the engine's connection info depends on the server (read before
   * Prisma asks for it). Any other failure is left for the first query to report: Prisma turns errors into its
   * P1xxx codes for queries, not for `connect()`.
   */
  async #open(): Promise<QueuePool> {
    const pool = new QueuePool(this.driver, resolvePoolOptions(this.#poolInput))
    for (const [event, listener] of this.#listeners) pool.on(event, listener as never)
    this.#nextPool = pool
    try {
      await pool.start()
    } catch (error) {
      this.#nextPool = undefined
      await pool.dispose()
      throw error
    }
    const { budgetPolicy } = pool.options
    if (this.driver.connectionInfoFromServer || budgetPolicy === 'error' || budgetPolicy === 'fit') {
      const refused = await pool.acquire().then(
        (checkout) => void pool.release(checkout),
        (error: unknown) => (error instanceof PoolBudgetError ? error : undefined),
      )
      if (refused) {
        this.#nextPool = undefined
        await pool.dispose()
        throw refused
      }
    }
    this.#nextPool = undefined
    this.#pool = pool
    this.#clients = 0
    return pool
  }

  /** Subscribes to the pool's events (see `PoolEvents`), for this pool and the ones after a reconnect. */
  on<E extends keyof PoolEvents>(event: E, listener: (...args: PoolEvents[E]) => void): this {
    this.#listeners.push([event, listener as Listener])
    this.#pool?.on(event, listener as never)
    this.#nextPool?.on(event, listener as never)
    return this
  }

  off<E extends keyof PoolEvents>(event: E, listener: (...args: PoolEvents[E]) => void): this {
    const index = this.#listeners.findIndex(([e, l]) => e === event && l === (listener as Listener))
    if (index !== -1) this.#listeners.splice(index, 1)
    this.#pool?.off(event, listener as never)
    this.#nextPool?.off(event, listener as never)
    return this
  }

  /** Who holds the server's connections now, grouped by worker (see `QueuePool.connections`). */
  async connections(): Promise<FleetConnections> {
    const pool = this.#pool && !this.#pool.closed ? this.#pool : undefined
    if (!pool) throw new Error(`${this.adapterName}: connect a PrismaClient with this adapter before asking for connections()`)
    return pool.connections()
  }

  /** The pool's metrics in the layout of Prisma 6's `$metrics.json()`; `globalLabels` go on every metric. */
  metrics(globalLabels: Labels = {}): MetricsJson {
    return this.#pool?.metrics(globalLabels) ?? metricsJson(this.stats(), new Histogram().snapshot(), globalLabels)
  }

  /** The same in Prometheus text format, like Prisma 6's `$metrics.prometheus()`. */
  prometheus(globalLabels: Labels = {}): string {
    return prometheusText(this.metrics(globalLabels))
  }

  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    if (!this.driver.createShadowDatabase) {
      throw new Error(`${this.adapterName} cannot create a shadow database for Prisma Migrate`)
    }
    // A scratch database for a few seconds: no budget check (its one or two connections count as this worker's).
    const options = { ...resolvePoolOptions(this.#poolInput), size: 1, maxOverflow: 1, budgetPolicy: 'off' as const }
    const shadow = await this.driver.createShadowDatabase(ms(options.connectTimeout))
    const pool = new QueuePool(shadow.driver, options)
    const drop = async () => {
      await pool.dispose()
      await shadow.drop()
    }
    await pool.start().catch(async (error: unknown) => {
      await drop()
      throw error
    })
    return new PoolAdapter(shadow.driver, pool, drop)
  }

  /** The pool's figures (see `pool`); all zero before the first connect. */
  stats(): PoolStats {
    if (this.#pool) return this.#pool.stats()
    const { size, maxOverflow } = this.poolOptions
    const none = new Histogram().snapshot()
    return { size, maxOverflow, open: 0, checkedOut: 0, idle: 0, overflow: 0, waiting: 0, connecting: 0, totals: zeroTotals(), acquireWait: none, hold: none }
  }

  /** One line describing the pool (see `pool`), like SQLAlchemy's `Pool.status()`. */
  status(): string {
    return this.#pool?.status() ?? `QueuePool ${this.driver.target}: not connected`
  }
}
