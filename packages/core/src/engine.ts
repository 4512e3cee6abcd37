// The contract between the core and an engine package (PostgreSQL, MySQL, JDBC, Oracle …): what an engine gives the
// core (an EngineDriver, which opens EngineConnections) and what the core gives it (an EngineContext). An engine author
// imports it, and the helpers an engine needs, from `@prisma-pool/core/engine`; the core README's "Writing an engine"
// walks through an engine built on it.
//
// The core owns everything an engine has in common: the pool (size, overflow, waits, pre-ping, recycling, reset on
// return), connect retries, the budget check, the live view of the server's connections, metrics, leak reports, the
// Prisma adapter and its transactions. An engine owns only its driver: opening a session, running SQL, converting
// values and errors, and telling the core what its server says about sessions and limits.
import type {
  ConnectionInfo,
  Error as AdapterErrorPayload,
  IsolationLevel,
  Provider,
  SqlQuery,
  SqlResultSet,
} from '@prisma/driver-adapter-utils'
import type { ResolvedPoolOptions } from './options.js'

/**
 * One open connection of an engine. The pool owns it and never runs two calls on it at once, except `cancel()`,
 * `destroy()`, `isBroken()`, `inTransaction()` and `lastReceivedAt()`, which may come while a statement runs. Every
 * method may throw the driver's own errors: the core passes them to `EngineDriver.convertError` (what Prisma sees)
 * and `EngineDriver.connectionLoss` (whether the connection can be used again).
 */
export interface EngineConnection {
  /** Runs a query and converts its result to Prisma's encodings. */
  query(query: SqlQuery): Promise<SqlResultSet>
  /** Runs a statement and returns the number of affected rows. */
  execute(query: SqlQuery): Promise<number>
  /** Runs a script of several statements, in order. */
  executeScript(script: string): Promise<void>
  /** The cheapest round trip that proves the connection works. */
  ping(): Promise<void>

  /** Starts a transaction at the given level; the engine knows its SQL and its order. */
  begin(isolationLevel?: IsolationLevel): Promise<void>
  commit(): Promise<void>
  rollback(): Promise<void>
  createSavepoint(name: string): Promise<void>
  rollbackToSavepoint(name: string): Promise<void>
  /** Absent where the engine has no RELEASE SAVEPOINT (Oracle). */
  releaseSavepoint?(name: string): Promise<void>
  /**
   * Interrupts the statement running on this connection, if any, from outside it (PostgreSQL's cancel
   * request, MySQL's KILL QUERY). Used when a transaction is rolled back while a statement of it still
   * waits, for a lock say: without it the ROLLBACK would queue behind that statement.
   */
  cancel?(): Promise<void>

  /**
   * Whether the server session is inside a transaction, as the protocol last reported it;
   * `undefined` when the engine cannot tell (the pool then resets every returned connection).
   */
  inTransaction(): boolean | undefined
  /**
   * How long the server lets the session sit idle before closing it (MySQL's `wait_timeout`), if the
   * engine knows: the pool closes an idle connection before then rather than hand it out.
   */
  readonly idleTimeoutMs?: number
  /** True once the driver has seen the connection die (socket closed, fatal server error). */
  isBroken(): boolean
  /** Says goodbye to the server and closes the socket. The pool bounds the wait (pingTimeout), then destroys. */
  close(): Promise<void>
  /**
   * Closes the socket at once, with no goodbye (the path to the server may be dead): calls still waiting reject
   * with the driver's connection-lost error.
   */
  destroy(): void
  /**
   * The server's id of this session (PostgreSQL backend pid, MySQL connection id), for messages, when it talks to
   * the server directly, not through a pooler that moves sessions around. Only then does the pool ask the server
   * about a statement that gets no answer (see `EngineDriver.checkSession`).
   */
  readonly sessionId?: SessionId
  /** When bytes last arrived from the server (performance.now()): a connection receiving them is alive. */
  lastReceivedAt?(): number

  /**
   * The server's limits on how many connections this session's user may open, each with what it is (for the
   * start-up budget check). Absent, or empty, when the engine cannot tell.
   */
  connectionLimits?(): Promise<ConnectionLimit[]>
  /** Every client connection on the server that this session may see (for `connections()`, the live view). */
  serverConnections?(): Promise<ServerConnectionList>
}

/** A server's id of a session: a number (PostgreSQL pid, MySQL connection id) or a text (Oracle's `SID,SERIAL#`). */
export type SessionId = number | string

/** One limit the server puts on the connections open at once. */
export interface ConnectionLimit {
  /** How many connections this user may open under this limit (reserved slots already taken off). */
  limit: number
  /** What the limit is, as a user would look it up: `max_connections 100 - 3 reserved for superusers`. */
  what: string
  /** The connections it counts, when not every client connection of the server: one user's, one database's. */
  scope?: { user?: string; database?: string }
}

/** One client connection on the server, as the server lists it. */
export interface ServerConnection {
  /** The server's id for it, as the server's own tools write it (see SessionId). */
  id: SessionId
  /** The tag the connection was opened with (EngineContext.tag), or the client's own name; '' if none. */
  application: string
  user?: string
  database?: string
  /** 'active' while it runs a statement, 'idle', 'idle in transaction', or the server's own word. */
  state: string
}

export interface ServerConnectionList {
  connections: ServerConnection[]
  /** Why the list may be incomplete or untagged (a privilege or a server setting it lacks), and what to change. */
  note?: string
}

/**
 * What an error says of the connection it came from: `'connection'`, that one alone is lost (a query timeout, an
 * idle-session timeout); `'server'`, the server has dropped its connections (a reset socket, an administrator's
 * shutdown or terminate), so that every connection opened before is replaced too.
 */
export type ConnectionLoss = 'connection' | 'server'

/**
 * What the server says of a session (EngineDriver.checkSession): `'running'`, it works on a statement of it (or the
 * client is still sending one); `'idle'`, it finished a second or more ago, so an answer was sent that never arrived;
 * `'gone'`, the server no longer has the session; `'unknown'`, it cannot tell (another server answered, say).
 */
export type SessionState = 'running' | 'idle' | 'gone' | 'unknown'

/** What a pool tells its engine: given to `init`, `close` and every `connect`. One context per pool. */
export interface EngineContext {
  /** The pool's options as they are now, defaults applied (a budget 'fit' or `resize()` may lower size later). */
  readonly options: ResolvedPoolOptions
  /** `options.connectTimeout` in milliseconds: how long one connect may take before its signal aborts. */
  readonly connectTimeoutMs: number
  /**
   * This worker's name on the server (`application@host/pid[/wWORKER][/tTHREAD]`, at most `EngineDriver.tagLength`
   * bytes of printable ASCII). The engine puts it where the server lists sessions (PostgreSQL `application_name`,
   * MySQL connection attributes, Oracle's `MODULE`), so that `serverConnections()` can attribute each connection.
   */
  readonly tag: string
  /** Writes a line to the pool's debug log (`DEBUG=prisma-pool`); does nothing when that is off. */
  readonly log: (message: string) => void
}

/** The most connections an engine can serve at once, and why (see `EngineDriver.concurrencyLimit`). */
export interface ConcurrencyLimit {
  limit: number
  /** Why, and how to raise it, as the user's warning says it: `each call runs on one of libuv's 4 threads (UV_THREADPOOL_SIZE)`. */
  reason: string
}

/**
 * What an engine package gives the core: how to open connections and how to read its errors. One driver serves every
 * pool of its adapter (a pool ends at the last `$disconnect()`, the next query opens a new one, and the old one may
 * still be closing then): state of one pool is keyed by its context (a `WeakMap<EngineContext, …>` filled by `init`),
 * never kept in fields that the next pool would overwrite.
 *
 * The order of calls, per pool: `concurrencyLimit` and `init` once, then `connect` for each connection the pool opens
 * (the first one may start the budget check through `EngineConnection.connectionLimits`), `checkSession` and
 * `endSession` when a statement gets no answer, and `close` once, after every connection of the pool is closed.
 */
export interface EngineDriver {
  readonly provider: Provider
  /** The adapter's name as Prisma reports it (`@prisma-pool/pg`). */
  readonly adapterName: string
  /** Where connections go, for messages: `postgres://host:port/db`, never with a password. */
  readonly target: string
  /**
   * Isolation levels this engine accepts in `begin()`; any other is refused before a connection is taken. Default: the
   * four of the SQL standard (`STANDARD_ISOLATION_LEVELS`).
   */
  readonly isolationLevels?: readonly IsolationLevel[]
  /**
   * The most bytes of `EngineContext.tag` the server keeps (PostgreSQL: 63, Oracle's MODULE: 48). Default 63. The
   * host and the application name are shortened to fit; the pid, worker and thread are kept whole (up to 32 bytes).
   */
  readonly tagLength?: number
  /**
   * The most connections this engine can serve at once, when it is bound by something other than the server: a thread
   * pool its calls run on, say. Read once per pool, before `init`; a pool allowed more (size + maxOverflow) is lowered
   * to the limit, with a warning that says `reason`.
   */
  concurrencyLimit?(options: ResolvedPoolOptions): ConcurrencyLimit | undefined

  /**
   * Prepares the engine for a pool, once, before its first connect: what must exist once (a JVM with its classpath, a
   * client library, a cache), checked with the pool's options. What fails here fails the pool's start with this error
   * (`$connect()`, or the first query), once and unretried: a missing jar is not a connect failure of every connection.
   * `signal` aborts at `context.connectTimeoutMs`, or when the pool is disposed before init finished; the pool's start
   * fails then, whether or not init stops (should it finish after all, `close` follows). It concerns init alone: it
   * never aborts once init has finished.
   */
  init?(context: EngineContext, signal: AbortSignal): Promise<void> | void
  /**
   * Releases what `init` set up for this pool (only if init succeeded), once the pool's connections are closed and the
   * engine calls it made are over (connects, closes, checkSession, endSession; each bounded by the pool's timeouts).
   */
  close?(context: EngineContext): Promise<void> | void

  /**
   * Opens one connection for the pool, tagged with `context.tag`. `signal` aborts at `context.connectTimeoutMs` (with
   * the pool's ConnectTimeoutError as its reason) or when the pool is disposed: the engine then stops what it does
   * (closes the socket, interrupts the thread) and rejects. The pool has given up on it by then, and closes a
   * connection that still arrives. The driver's own timers, if any, should fire a little later than the signal.
   */
  connect(context: EngineContext, signal: AbortSignal): Promise<EngineConnection>
  /** Maps a driver error to Prisma's error kinds; `undefined` leaves the error to reach the user unchanged. */
  convertError(error: unknown): AdapterErrorPayload | undefined
  /**
   * Whether an error ends the connection it came from (see ConnectionLoss); `undefined`: it does not (a failed side
   * connection, a constraint violation). Without this method, the kind `convertError` gives decides: a closed or
   * unreachable server is `'server'`, a socket timeout `'connection'` (`lossOfKind`, which an engine's own method can
   * fall back on).
   */
  connectionLoss?(error: unknown): ConnectionLoss | undefined
  connectionInfo(): ConnectionInfo
  /**
   * True when `connectionInfo()` depends on the server (MySQL's relation joins on its version): the factory
   * then opens the pool's first connection in `connect()`, before Prisma reads the info.
   */
  readonly connectionInfoFromServer?: boolean
  /**
   * How many connections the engine may open beside the pool's at once (MySQL's KILL QUERY and script
   * connections), which count against the same server limits: the budget check adds them for every worker.
   */
  readonly sideConnections?: number
  /**
   * Asks the server, on a connection of the engine's own, about the session of `conn`, whose statement has had no
   * answer for a while (see SessionState). The session is identified by more than its id (the server's start, the
   * session's own), so that another server behind the same address, or a restarted one, is never taken for it.
   * Only called for a connection with a `sessionId`.
   */
  checkSession?(conn: EngineConnection, timeoutMs: number): Promise<SessionState>
  /**
   * Ends the server's side of `conn`, a connection the pool gave up on because its network path died: only if the
   * server still has that very session and it runs nothing (its client can no longer be heard).
   */
  endSession?(conn: EngineConnection, timeoutMs: number): Promise<void>
  /** Creates a scratch database for Prisma Migrate; the returned driver connects to it. */
  createShadowDatabase?(timeoutMs: number): Promise<ShadowDatabase>
}

export interface ShadowDatabase {
  driver: EngineDriver
  drop(): Promise<void>
}
