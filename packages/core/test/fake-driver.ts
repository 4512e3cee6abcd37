import type { ConnectionLimit, ConnectionLoss, EngineConnection, EngineContext, EngineDriver, ServerConnectionList, SessionId, SessionState } from '../src/engine.js'
import type { SqlQuery } from '@prisma/driver-adapter-utils'

/**
 * An engine whose faults a test can force: dead connections, failing pings and resets, slow or
 * refused connects. Real servers are tested in the engine packages; this covers what they cannot
 * produce on demand.
 */
export class FakeConnection implements EngineConnection {
  static nextId = 1
  readonly id = FakeConnection.nextId++
  inTx = false
  broken = false
  /** The server's idle timeout, when the test sets one. */
  idleTimeoutMs: number | undefined
  /** The server's id of the session, when the test sets one: the pool then watches its statements. */
  sessionId: number | undefined
  closed = false
  pingFails = false
  /** When set, ping() never answers (a dead network path). */
  pingHangs = false
  rollbackFails = false
  /** When set, rollback() never answers (a silent network path). */
  rollbackHangs = false
  log: string[] = []
  /** When set, the next query throws it. */
  failNext: unknown

  /** What connectionLimits() and serverConnections() answer; set by the driver. */
  driver: FakeDriver | undefined
  serverList: (() => ServerConnectionList) | undefined

  async connectionLimits() {
    const driver = this.driver!
    driver.limitReads++
    if (driver.limitsGate) await driver.limitsGate
    if (driver.limits === 'unreadable') throw new Error('no limits readable')
    return driver.limits
  }
  async serverConnections() {
    if (!this.serverList) throw new Error('no list readable')
    return this.serverList()
  }

  /** When set, the next query waits until cancel() is called (a statement blocked on a lock). */
  hangNext = false
  #interrupt: ((error: Error) => void) | undefined

  async query(query: SqlQuery) {
    this.#use(query.sql)
    if (this.hangNext) {
      this.hangNext = false
      await new Promise((_, reject) => (this.#interrupt = reject))
    }
    return { columnNames: ['id'], columnTypes: [0 as const], rows: [[this.id]] }
  }
  async execute(query: SqlQuery) {
    this.#use(query.sql)
    return 1
  }
  async executeScript(script: string) {
    this.#use(script)
  }
  async ping() {
    this.log.push('ping')
    if (this.pingHangs) return new Promise<void>(() => {})
    if (this.pingFails || this.broken) throw new Error('ping failed')
  }
  async begin(level?: string) {
    this.#use(level ? `BEGIN ${level}` : 'BEGIN')
    this.inTx = true
  }
  async commit() {
    this.#use('COMMIT')
    this.inTx = false
  }
  async rollback() {
    this.log.push('ROLLBACK')
    if (this.rollbackHangs) return new Promise<void>(() => {})
    if (this.rollbackFails) throw new Error('rollback failed')
    this.inTx = false
  }
  async createSavepoint(name: string) {
    this.#use(`SAVEPOINT ${name}`)
  }
  async rollbackToSavepoint(name: string) {
    this.#use(`ROLLBACK TO ${name}`)
  }
  async releaseSavepoint(name: string) {
    this.#use(`RELEASE ${name}`)
  }
  async cancel() {
    this.log.push('CANCEL')
    this.#interrupt?.(new Error('canceling statement due to user request'))
  }
  inTransaction() {
    return this.inTx
  }
  isBroken() {
    return this.broken
  }
  async close() {
    if (this.driver?.closeGate) await this.driver.closeGate
    this.closed = true
  }
  destroy() {
    this.closed = true
    this.broken = true
    this.#interrupt?.(new FakeServerError('LOST', 'connection'))
  }
  #use(sql: string) {
    if (this.closed) throw new Error('query on a closed connection')
    this.log.push(sql)
    if (this.failNext !== undefined) {
      const error = this.failNext
      this.failNext = undefined
      throw error
    }
    if (sql === 'BEGIN') this.inTx = true
  }
}

/** Errors the fake engine maps, like a real one maps its server's codes. */
export class FakeServerError extends Error {
  constructor(
    readonly code: string,
    readonly loss?: ConnectionLoss,
  ) {
    super(`fake server error ${code}`)
  }
}

export class FakeDriver implements EngineDriver {
  readonly provider = 'postgres' as const
  readonly adapterName = 'fake'
  readonly target = 'fake://db'
  readonly isolationLevels = ['READ COMMITTED', 'SERIALIZABLE'] as const
  connections: FakeConnection[] = []
  /** When set, connect() throws it. */
  connectError: unknown
  /** When set, connect() waits for this promise first. */
  connectGate: Promise<void> | undefined
  /** When set, reading the connection limits (the budget check) and closing a connection wait for these first. */
  limitsGate: Promise<void> | undefined
  closeGate: Promise<void> | undefined
  /** The tag each connect() was given. */
  tags: string[] = []
  /** The server's connection limits, as the connections report them; none by default. */
  limits: ConnectionLimit[] | 'unreadable' = []
  limitReads = 0
  /** The server's connection list, as the connections report it. */
  serverList: (() => ServerConnectionList) | undefined

  /** When set, connect() takes this long. */
  connectDelayMs = 0
  /** Connects under way now, and the most at once since the test last set it to 0. */
  connecting = 0
  peakConnecting = 0

  /** What checkSession answers, the sessions it was asked about, and those endSession ended. */
  sessionState: SessionState = 'running'
  checkedSessions: SessionId[] = []
  endedSessions: SessionId[] = []
  async checkSession(conn: EngineConnection) {
    this.checkedSessions.push(conn.sessionId!)
    return this.sessionState
  }
  async endSession(conn: EngineConnection) {
    this.endedSessions.push(conn.sessionId!)
  }

  /** The signal of each connect, as the pool gave it. */
  signals: AbortSignal[] = []
  /** When set, connect() ignores its signal (an engine that cannot interrupt its driver). */
  ignoresSignal = false

  async connect(context: EngineContext, signal: AbortSignal) {
    this.tags.push(context.tag)
    this.signals.push(signal)
    this.peakConnecting = Math.max(this.peakConnecting, ++this.connecting)
    // Like a real engine, it stops waiting when the pool gives up.
    const aborted = new Promise<never>((_, reject) => {
      if (!this.ignoresSignal) signal.addEventListener('abort', () => reject(signal.reason), { once: true })
    })
    try {
      if (this.connectDelayMs) await Promise.race([new Promise((resolve) => setTimeout(resolve, this.connectDelayMs)), aborted])
      if (this.connectGate) await Promise.race([this.connectGate, aborted])
    } finally {
      this.connecting--
    }
    if (this.connectError) throw this.connectError
    const conn = new FakeConnection()
    conn.driver = this
    conn.serverList = this.serverList
    this.connections.push(conn)
    return conn
  }
  convertError(error: unknown) {
    if (error instanceof FakeServerError) {
      if (error.code === 'UNIQUE') return { kind: 'UniqueConstraintViolation' as const, constraint: { fields: ['email'] }, originalCode: error.code }
      if (error.code === 'FULL') return { kind: 'TooManyConnections' as const, cause: error.message }
      return { kind: 'ConnectionClosed' as const, originalCode: error.code }
    }
    return undefined
  }
  connectionLoss(error: unknown) {
    return error instanceof FakeServerError ? error.loss : undefined
  }
  connectionInfo() {
    return { supportsRelationJoins: true }
  }
  get open() {
    return this.connections.filter((c) => !c.closed)
  }
}

/** Resolves after the emitter has emitted `event` `count` times. */
export function events<T extends unknown[]>(
  emitter: { on(event: string, listener: (...args: T) => void): unknown; off(event: string, listener: (...args: T) => void): unknown },
  event: string,
  count: number,
): Promise<T[]> {
  return new Promise((resolve) => {
    const seen: T[] = []
    const listener = (...args: T) => {
      seen.push(args)
      if (seen.length === count) {
        emitter.off(event, listener)
        resolve(seen)
      }
    }
    emitter.on(event, listener)
  })
}
