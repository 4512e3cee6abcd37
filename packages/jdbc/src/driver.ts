import {
  maxConnections,
  onSideConnection,
  type ConcurrencyLimit,
  type ConnectionLoss,
  type EngineConnection,
  type EngineContext,
  type EngineDriver,
  type SessionState,
} from '@prisma-pool/core/engine'
import { PoolOptionError, type ResolvedPoolOptions } from '@prisma-pool/core'
import type { ConnectionInfo, Error as AdapterError } from '@prisma/driver-adapter-utils'
import { JdbcConnection, TranslationCache } from './connection.js'
import { genericConnectionLoss, genericConvertError, jdbcErrorOf } from './errors.js'
import { JvmError, SESSION_CLASS, startJvm, type NodeJava } from './jvm.js'
import type { ResolvedJdbcOptions } from './options.js'
import { openSession } from './session.js'

export const ADAPTER_NAME = '@prisma-pool/jdbc'

/** The tag of the connections that ask about a session with an unanswered statement (checkSession). */
const CHECK_CONNECTION_NAME = 'prisma-pool (session check)'

/** libuv's thread pool: each JDBC call occupies one of its threads until it returns. */
function threadPoolSize(): number {
  const size = Number.parseInt(process.env.UV_THREADPOOL_SIZE ?? '', 10)
  return Number.isInteger(size) && size > 0 ? Math.min(size, 1024) : 4
}

/** Opens JDBC connections through the process's JVM, with the dialect of the URL's database. */
export class JdbcDriver implements EngineDriver {
  readonly provider
  readonly adapterName = ADAPTER_NAME
  readonly target: string
  readonly isolationLevels
  readonly tagLength
  // Private (#) so that printing the adapter never shows the password inside.
  readonly #options: ResolvedJdbcOptions
  readonly #translations: TranslationCache
  #java: NodeJava | undefined

  constructor(options: ResolvedJdbcOptions) {
    this.#options = options
    this.provider = options.dialect.provider
    this.target = options.target
    this.isolationLevels = options.dialect.isolationLevels
    this.tagLength = options.dialect.tagLength
    this.#translations = new TranslationCache(options.dialect)
  }

  /**
   * One thread of libuv's pool per connection that runs a statement, and one left for cancels, closes, fs and DNS: a
   * pool allowed more would queue its statements out of sight, behind each other.
   */
  concurrencyLimit(options: ResolvedPoolOptions): ConcurrencyLimit {
    const threads = threadPoolSize()
    const limit = Math.max(1, threads - 1)
    const reason =
      `each JDBC call runs on one of libuv's ${threads} threads, one of which stays free for cancels and closes; ` +
      `set UV_THREADPOOL_SIZE=${maxConnections(options) === Infinity ? 64 : maxConnections(options) + 1} in the environment before the process starts to allow more`
    if (this.#options.threadPoolLimit === 'refuse' && maxConnections(options) > limit) {
      throw new PoolOptionError(
        `the pool for ${this.target} may hold ${maxConnections(options)} connections, but ${ADAPTER_NAME} can serve at most ${limit} at once: ${reason} (or set threadPoolLimit: 'lower').`,
      )
    }
    return { limit, reason }
  }

  /** Starts the process's JVM (or joins it) and checks that a driver on the classpath takes the URL. */
  async init(): Promise<void> {
    const java = await startJvm({ classpath: this.#options.classpath, options: this.#options.jvmOptions })
    try {
      // On one of libuv's threads: the first call loads the drivers' classes (ServiceLoader), which takes a while.
      await java.callStaticMethodPromise(SESSION_CLASS, 'driverFor', this.#options.url)
    } catch (error) {
      const { dialect, classpath } = this.#options
      throw new JvmError(
        `no JDBC driver on the classpath accepts ${this.target} (${dialect.name}); classpath: ${classpath.length ? classpath.join(':') : '(empty)'}. ` +
          "Add the driver's jar to the classpath option (or CLASSPATH).",
        { cause: error },
      )
    }
    this.#java = java
  }

  connect(context: EngineContext, signal: AbortSignal): Promise<EngineConnection> {
    return this.#open(context.tag, context.connectTimeoutMs, signal)
  }

  /** Opens a session for the pool or for the driver's own checks, and learns what the server says of it. */
  async #open(tag: string, connectTimeoutMs: number, signal: AbortSignal, learn = true): Promise<JdbcConnection> {
    const java = this.#java
    if (!java) throw new JvmError('the JDBC driver was asked to connect before its init')
    signal.throwIfAborted()
    const { url, properties, dialect } = this.#options
    const { defaults, fixed } = dialect.properties({ tag, connectTimeoutMs, url, given: properties })
    const session = await openSession(java, url, { ...defaults, ...properties, ...fixed }, signal)
    const conn = new JdbcConnection(java, session, dialect, this.#translations, connectTimeoutMs, (error) => this.connectionLoss(error))
    // The login is over: what follows must not hang on a path that died there either.
    const onAbort = () => conn.destroy()
    signal.addEventListener('abort', onAbort, { once: true })
    const deadline = setTimeout(onAbort, connectTimeoutMs)
    try {
      signal.throwIfAborted()
      if (learn) await conn.learn()
      return conn
    } catch (error) {
      conn.destroy()
      throw signal.aborted ? signal.reason : error
    } finally {
      clearTimeout(deadline)
      signal.removeEventListener('abort', onAbort)
    }
  }

  async checkSession(conn: EngineConnection, timeoutMs: number): Promise<SessionState> {
    const { server } = conn as JdbcConnection
    const check = this.#options.dialect.checkSession
    if (server === undefined || !check) return 'unknown'
    return this.#onCheckConnection(timeoutMs, (side) => check(server, (sql, args) => side.rows(sql, args)))
  }

  async endSession(conn: EngineConnection, timeoutMs: number): Promise<void> {
    const { server } = conn as JdbcConnection
    const end = this.#options.dialect.endSession
    if (server !== undefined && end) await this.#onCheckConnection(timeoutMs, (side) => end(server, (sql, args) => side.rows(sql, args)))
  }

  /** Runs `work` on a short-lived connection of its own, all of it (connect, work, goodbye) within `timeoutMs`. */
  async #onCheckConnection<T>(timeoutMs: number, work: (conn: JdbcConnection) => Promise<T>): Promise<T> {
    return onSideConnection(await this.#open(CHECK_CONNECTION_NAME, timeoutMs, AbortSignal.timeout(timeoutMs), false), timeoutMs, work)
  }

  convertError(error: unknown): AdapterError | undefined {
    const jdbc = jdbcErrorOf(error)
    if (!jdbc) return undefined
    return this.#options.dialect.convertError(jdbc) ?? genericConvertError(jdbc)
  }

  connectionLoss(error: unknown): ConnectionLoss | undefined {
    const jdbc = jdbcErrorOf(error)
    if (!jdbc) return undefined
    const dialect = this.#options.dialect
    const own = dialect.connectionLoss ? dialect.connectionLoss(jdbc) : undefined
    // null: the dialect knows the connection survives it.
    return own === null ? undefined : (own ?? genericConnectionLoss(jdbc))
  }

  connectionInfo(): ConnectionInfo {
    return this.#options.dialect.connectionInfo(this.#options.url, this.#options.properties)
  }
}

