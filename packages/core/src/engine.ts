import type {
  ConnectionInfo,
  Error as AdapterErrorPayload,
  IsolationLevel,
  Provider,
  SqlQuery,
  SqlResultSet,
} from '@prisma/driver-adapter-utils'

/**
 * One open connection of an engine (PostgreSQL, MySQL, JDBC, Oracle). The pool owns it; the engine
 * only knows how to talk to its server. Every method may throw the driver's own errors: the core
 * passes them to `EngineDriver.convertError`.
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
  readonly sessionId?: number
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
  /** The server's id for it (PostgreSQL pid, MySQL connection id). */
  id: number
  /** The tag set by `EngineDriver.connect` (PostgreSQL `application_name`), or the client's own name; '' if none. */
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

export type ConnectionLoss = 'connection' | 'server'

/**
 * What the server says of a session (EngineDriver.checkSession): `'running'`, it works on a statement of it (or the
 * client is still sending one); `'idle'`, it finished a second or more ago, so an answer was sent that never arrived;
 * `'gone'`, the server no longer has the session; `'unknown'`, it cannot tell (another server answered, say).
 */
export type SessionState = 'running' | 'idle' | 'gone' | 'unknown'

/** What an engine package gives the core: how to open connections and how to read its errors. */
export interface EngineDriver {
  readonly provider: Provider
  readonly adapterName: string
  /** Where connections go, for messages: `postgres://host:port/db`, never with a password. */
  readonly target: string
  /** Isolation levels this engine accepts in `begin()`. */
  readonly isolationLevels: readonly IsolationLevel[]

  /**
   * Opens one connection; `timeoutMs` is the pool's connect timeout, for the driver's own socket timer. `tag`
   * (see `identityTag`) names this worker: the engine puts it where the server lists it (PostgreSQL
   * `application_name`, MySQL connection attributes), so that `serverConnections()` can attribute the connection.
   */
  connect(timeoutMs: number, tag: string): Promise<EngineConnection>
  /** Maps a driver error to Prisma's error kinds; `undefined` leaves the error to reach the user unchanged. */
  convertError(error: unknown): AdapterErrorPayload | undefined
  /**
   * Whether an error ends the connection it came from: `'connection'` for that one alone (a query timeout,
   * an idle-session timeout), `'server'` when the server has dropped its connections (a reset socket, an
   * administrator's shutdown or terminate), so that every older connection is replaced too.
   */
  connectionLoss(error: unknown): ConnectionLoss | undefined
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
