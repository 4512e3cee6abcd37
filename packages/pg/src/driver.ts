import { randomBytes } from 'node:crypto'
import { connect as connectSocket, type Socket } from 'node:net'
import {
  onSideConnection,
  type ConnectionLimit,
  type EngineConnection,
  type EngineContext,
  type EngineDriver,
  type ServerConnectionList,
  type SessionState,
  type ShadowDatabase,
} from '@prisma-pool/core/engine'
import {
  DriverAdapterError,
  type ColumnType,
  type ConnectionInfo,
  type IsolationLevel,
  type SqlQuery,
  type SqlResultSet,
} from '@prisma/driver-adapter-utils'
import pg from 'pg'
import { columnType, resultTypes, toPgValue, typeName } from './conversion.js'
import { convertPgError, pgConnectionLoss } from './errors.js'
import type { ResolvedPgOptions } from './options.js'
import { statementsToRunAlone } from './script.js'
import {
  CHECK_SESSION_SQL,
  CONNECTIONS_SQL,
  connectionListOf,
  END_SESSION_SQL,
  LIMITS_SQL,
  limitsOf,
  quoteIdentifier,
  SESSION_SQL,
  type ConnectionRow,
  type LimitsRow,
  type ServerSession,
} from './server-views.js'

export const ADAPTER_NAME = '@prisma-pool/pg'



const CANCEL_TIMEOUT_MS = 5000
const KEEPALIVE_DELAY_MS = 60_000

/** application_name of the connections that create and drop the shadow database: not the pool's, so not a worker's. */
const SIDE_CONNECTION_NAME = 'prisma-pool (shadow database)'
/** application_name of the connections that ask about a session with an unanswered statement (checkSession). */
const CHECK_CONNECTION_NAME = 'prisma-pool (session check)'

/** What pg keeps of the server's BackendKeyData, public on the client but missing from its types. */
type KeyedClient = pg.Client & { processID: number; secretKey: number }

/** pg's record of the statements it has prepared on a connection (not in its typings). */
type PreparedRecord = { parsedStatements: Record<string, string>; submittedNamedStatements: Record<string, string> }

/**
 * Errors that mean a cached statement cannot be used (any more, or here): retried once with a fresh one.
 * 'plan': a table changed under it. 'gone': the session lost its statements (DEALLOCATE ALL, DISCARD ALL, or a
 * pooler that moved us to another server connection). 'taken': the name exists already on this server
 * connection, prepared by someone else (a pooler's other client): it must never be run as ours.
 */
function staleStatement(error: unknown): 'plan' | 'gone' | 'taken' | undefined {
  const code = (error as { code?: unknown }).code
  if (code === '0A000' && /cached plan must not change result type/.test((error as Error).message)) return 'plan'
  if (code === '26000') return 'gone'
  if (code === '42P05') return 'taken'
  return undefined
}

/** Default statementCacheSize when talking to the server directly. */
const STATEMENT_CACHE_SIZE = 100

/** How a session is reached, as PgDriver.connect found out. */
interface SessionFacts {
  statementCacheSize: number
  /** Through a pooler (pgbouncer=true, or found): the server's connection limits are not the pool's. */
  pooled: boolean
  /** The server's session; undefined through a pooler, whose server sessions are not ours. */
  session: ServerSession | undefined
}

/** pg's socket, not in its typings. */
const socketOf = (client: pg.Client) => (client as unknown as { connection: { stream: Socket } }).connection.stream

/** Closes a client's socket at once (pg's end() waits for the server's goodbye, which a dead path never sends). */
const destroyClient = (client: pg.Client) => socketOf(client).destroy()

/** One pg client, as the pool holds it. */
class PgConnection implements EngineConnection {
  readonly #client: pg.Client
  #broken = false
  /** Names of this connection's prepared statements by their SQL, the least recently used first. */
  readonly #statements = new Map<string, string>()
  readonly #cacheSize: number
  /**
   * Starts every statement name of this connection: 64 random bits, so that behind a pooler, where other clients'
   * statements may sit on the same server connection, no name of ours is ever another client's.
   */
  readonly #namePrefix = `pp_${randomBytes(8).toString('hex')}_`
  #nextStatement = 0
  /** Statements dropped from the cache, deallocated on the server once no transaction is open. */
  #toDeallocate: string[] = []
  readonly #pooled: boolean
  readonly session: ServerSession | undefined
  #lastReceivedAt = 0

  constructor(client: pg.Client, facts: SessionFacts) {
    this.#client = client
    this.#cacheSize = facts.statementCacheSize
    this.#pooled = facts.pooled
    this.session = facts.session
    if (this.session) socketOf(client).on('data', () => (this.#lastReceivedAt = performance.now()))
    // An idle client whose server goes away emits 'error'; without a listener that would crash the process.
    client.on('error', () => {
      this.#broken = true
    })
    client.on('end', () => {
      this.#broken = true
    })
  }

  /**
   * Runs a query as a prepared statement of this connection (parsed and planned once), or unnamed when
   * the cache is off. A statement that went stale (a table changed under a cached plan, DISCARD ALL) is
   * prepared again, once, unless a transaction is open: there the failure has already aborted it.
   */
  async #run(query: SqlQuery) {
    const values = query.args.map((arg, i) => toPgValue(arg, query.argTypes[i]))
    if (this.#toDeallocate.length > 0 && this.inTransaction() === false) this.#deallocate()
    const run = () => this.#client.query({ name: this.#statementName(query.sql), text: query.sql, values, rowMode: 'array', types: resultTypes })
    try {
      return await run()
    } catch (error) {
      const stale = this.#cacheSize > 0 ? staleStatement(error) : undefined
      if (!stale) throw error
      if (stale === 'gone') {
        for (const name of this.#statements.values()) this.#forget(name)
        this.#statements.clear()
      } else {
        const name = this.#statements.get(query.sql)
        this.#forget(name)
        // A name someone else prepared is theirs to deallocate.
        if (stale === 'plan' && name !== undefined) this.#toDeallocate.push(name)
        this.#statements.delete(query.sql)
      }
      if (this.inTransaction() !== false) throw error
      return run()
    }
  }

  /** The name of the prepared statement for `sql`, preparing a new one if needed; undefined when off. */
  #statementName(sql: string): string | undefined {
    if (this.#cacheSize === 0) return undefined
    let name = this.#statements.get(sql)
    if (name !== undefined) {
      // Map order is the recency order: move it last.
      this.#statements.delete(sql)
    } else {
      // Never reused: a name stands for one SQL text for the connection's whole life.
      name = `${this.#namePrefix}${++this.#nextStatement}`
      if (this.#statements.size >= this.#cacheSize) {
        const [oldest, oldName] = this.#statements.entries().next().value as [string, string]
        this.#statements.delete(oldest)
        this.#forget(oldName)
        this.#toDeallocate.push(oldName)
      }
    }
    this.#statements.set(sql, name)
    return name
  }

  /** Drops a statement from pg's record, so that pg prepares it again (under a new name) if it is used. */
  #forget(name: string | undefined): void {
    if (name === undefined) return
    const record = (this.#client as unknown as { connection: PreparedRecord }).connection
    delete record.parsedStatements[name]
    delete record.submittedNamedStatements[name]
  }

  /**
   * Deallocates the statements dropped from the cache, queued ahead of the next statement. Only outside a
   * transaction: one that fails (the server lost it already, a pooler renamed it) must not abort the user's.
   */
  #deallocate(): void {
    for (const name of this.#toDeallocate) this.#client.query(`DEALLOCATE ${name}`).catch(() => {})
    this.#toDeallocate = []
  }

  async query(query: SqlQuery): Promise<SqlResultSet> {
    const result = await this.#run(query)
    const fields = result.fields ?? []
    const columnTypes: ColumnType[] = []
    for (const field of fields) {
      const type = columnType(field.dataTypeID)
      if (type === undefined) {
        throw new DriverAdapterError({ kind: 'UnsupportedNativeDataType', type: await typeName(this.#client, field.dataTypeID) })
      }
      columnTypes.push(type)
    }
    return { columnNames: fields.map((field) => field.name), columnTypes, rows: result.rows }
  }

  async execute(query: SqlQuery): Promise<number> {
    return (await this.#run(query)).rowCount ?? 0
  }

  /**
   * Sends the script as one simple query, which PostgreSQL runs as one implicit transaction: a failing
   * migration leaves nothing half-done. Statements that refuse to run in a transaction (CREATE DATABASE,
   * CREATE INDEX CONCURRENTLY, VACUUM) make it fail with 25001; then, if the script does not manage
   * transactions itself, it is run again one statement at a time.
   */
  async executeScript(script: string): Promise<void> {
    try {
      await this.#client.query(script)
    } catch (error) {
      const statements = statementsToRunAlone(script, (error as { code?: unknown }).code)
      if (!statements) throw error
      for (const statement of statements) await this.#client.query(statement)
    }
  }

  async ping(): Promise<void> {
    await this.#client.query(';')
  }

  async begin(isolationLevel?: IsolationLevel): Promise<void> {
    await this.#client.query(isolationLevel ? `BEGIN ISOLATION LEVEL ${isolationLevel}` : 'BEGIN')
  }

  async commit(): Promise<void> {
    await this.#client.query('COMMIT')
  }

  async rollback(): Promise<void> {
    await this.#client.query('ROLLBACK')
  }

  async createSavepoint(name: string): Promise<void> {
    await this.#client.query(`SAVEPOINT ${name}`)
  }

  async rollbackToSavepoint(name: string): Promise<void> {
    await this.#client.query(`ROLLBACK TO SAVEPOINT ${name}`)
  }

  async releaseSavepoint(name: string): Promise<void> {
    await this.#client.query(`RELEASE SAVEPOINT ${name}`)
  }

  /**
   * Sends the protocol's CancelRequest for this session on a socket of its own, as libpq's PQcancel does:
   * no login and no free connection slot needed, and PgBouncer forwards it to the right server.
   */
  async cancel(): Promise<void> {
    const { processID, secretKey, host, port } = this.#client as KeyedClient
    const request = Buffer.alloc(16)
    request.writeInt32BE(16, 0)
    request.writeInt32BE(80877102, 4) // the CancelRequest code
    request.writeInt32BE(processID, 8)
    request.writeInt32BE(secretKey, 12)
    const socket = host.startsWith('/') ? connectSocket(`${host}/.s.PGSQL.${port}`) : connectSocket(port, host)
    socket.setTimeout(CANCEL_TIMEOUT_MS, () => socket.destroy())
    await new Promise<void>((resolve) => {
      socket.once('connect', () => socket.end(request))
      // The server closes the socket once it has read the request and signalled the session.
      socket.once('close', () => resolve())
      socket.once('error', () => resolve())
    })
  }

  /** From the last ReadyForQuery message: 'I' idle, 'T' in a transaction, 'E' in a failed one. */
  inTransaction(): boolean | undefined {
    const status = this.#client.getTransactionStatus?.()
    return status ? status !== 'I' : undefined
  }

  isBroken(): boolean {
    return this.#broken
  }

  async connectionLimits(): Promise<ConnectionLimit[]> {
    // Behind PgBouncer the pool's connections end at PgBouncer, which opens the server's: no budget to check here.
    if (this.#pooled) return []
    return limitsOf((await this.#client.query<LimitsRow>(LIMITS_SQL)).rows[0])
  }

  async serverConnections(): Promise<ServerConnectionList> {
    return connectionListOf((await this.#client.query<ConnectionRow>(CONNECTIONS_SQL)).rows)
  }

  async close(): Promise<void> {
    this.#broken = true
    await this.#client.end()
  }

  get sessionId(): number | undefined {
    return this.session?.pid
  }

  lastReceivedAt(): number {
    return this.#lastReceivedAt
  }

  /** Whether bytes of a statement still wait to be sent (a large one on a slow link): then it is under way. */
  sending(): boolean {
    return socketOf(this.#client).writableLength > 0
  }

  /** See PgDriver.checkSession: run on a connection of its own, about another session. */
  async checkSession({ pid, started, server }: ServerSession): Promise<SessionState> {
    const [row] = (await this.#client.query<{ same_server: boolean; state: 'idle' | 'running' | null }>(CHECK_SESSION_SQL, [pid, started, server])).rows
    if (!row?.same_server) return 'unknown'
    return row.state ?? 'gone'
  }

  /** See PgDriver.endSession. */
  async endSession({ pid, started, server }: ServerSession): Promise<void> {
    await this.#client.query(END_SESSION_SQL, [pid, started, server])
  }

  destroy(): void {
    this.#broken = true
    destroyClient(this.#client)
  }
}

/** Opens pg clients for the pool and knows PostgreSQL's errors and transaction SQL. */
export class PgDriver implements EngineDriver {
  readonly provider = 'postgres' as const
  readonly adapterName = ADAPTER_NAME
  readonly target: string
  // Private (#) so that printing the adapter never shows the password inside.
  readonly #options: ResolvedPgOptions

  constructor(options: ResolvedPgOptions) {
    this.#options = options
    this.target = options.target
  }

  connect(context: EngineContext, signal: AbortSignal): Promise<EngineConnection> {
    return this.#open(context.connectTimeoutMs, context.tag, signal)
  }

  /** Opens a session for the pool or for the driver's own checks; `signal` (the pool's) ends the attempt. */
  async #open(timeoutMs: number, tag: string, signal?: AbortSignal): Promise<PgConnection> {
    // The pool's signal reports the timeout; pg's timer, a little later, closes the socket.
    // The tag names this worker in pg_stat_activity (options.ts took the user's application_name into it).
    // TCP keepalive from a minute of silence on: it keeps NAT and load-balancer flows alive (AWS's NAT gateway
    // forgets an idle flow after 350 s) and, in the end, finds a peer that vanished.
    const client = new pg.Client({
      connectionTimeoutMillis: timeoutMs + 1000,
      keepAlive: true,
      keepAliveInitialDelayMillis: KEEPALIVE_DELAY_MS,
      ...this.#options.client,
      application_name: tag,
    })
    const serverSettings = new Map<string, string>()
    client.connection.on('parameterStatus', (message: { parameterName: string; parameterValue: string }) => {
      serverSettings.set(message.parameterName, message.parameterValue)
    })
    // Until PgConnection listens, a socket error must not become an uncaught 'error' event.
    const onConnectError = () => {}
    client.on('error', onConnectError)
    let facts: SessionFacts
    // pg's connect timer ends with the login; what follows must not hang on a path that died there either.
    let deadline: NodeJS.Timeout | undefined
    // The pool gave up (timed out, or disposed): the socket goes now, and whatever waits on it fails.
    const onAbort = () => destroyClient(client)
    signal?.addEventListener('abort', onAbort, { once: true })
    try {
      signal?.throwIfAborted()
      await client.connect()
      deadline = setTimeout(() => destroyClient(client), timeoutMs)
      facts = await this.#sessionFacts(client)
      const setup = this.#sessionSetup(serverSettings.get('DateStyle'))
      if (setup) await client.query(setup)
    } catch (error) {
      destroyClient(client)
      throw error
    } finally {
      clearTimeout(deadline)
      signal?.removeEventListener('abort', onAbort)
      client.removeListener('error', onConnectError)
    }
    return new PgConnection(client, facts)
  }

  /**
   * Whether a pooler sits between us and the server: the server's pid of the session differs from the one the
   * login reported (BackendKeyData), which a pooler makes up (PgBouncer, Odyssey, pgcat, Supavisor). A pooler in
   * transaction mode moves us between server connections, so the statement cache is off there by default.
   */
  async #sessionFacts(client: pg.Client): Promise<SessionFacts> {
    const { statementCacheSize, pgbouncer } = this.#options
    if (pgbouncer === true) return { pooled: true, session: undefined, statementCacheSize: statementCacheSize ?? 0 }
    const [session] = (await client.query<ServerSession>(SESSION_SQL)).rows
    const pooled = session?.pid !== (client as KeyedClient).processID
    // pgbouncer=false says the pooler keeps sessions (session mode): the cache is safe there.
    const cacheOn = !pooled || pgbouncer === false
    return { pooled, session: pooled ? undefined : session, statementCacheSize: statementCacheSize ?? (cacheOn ? STATEMENT_CACHE_SIZE : 0) }
  }

  /** The SET statements a new session needs, if any: one round trip, only when the defaults do not fit. */
  #sessionSetup(dateStyle: string | undefined): string | undefined {
    const statements: string[] = []
    // Dates and times are parsed from the ISO output style; a database or role may have set another.
    if (dateStyle !== undefined && !dateStyle.startsWith('ISO')) statements.push('SET DateStyle TO ISO')
    // Behind PgBouncer in transaction mode (pgbouncer=true) a SET search_path would leak to other clients; Prisma
    // qualifies its own queries with the schema anyway. A pooler found without it may keep sessions (session mode),
    // where raw queries need the search_path: it is set.
    if (this.#options.schema !== undefined && this.#options.pgbouncer !== true) {
      statements.push(`SET search_path TO ${quoteIdentifier(this.#options.schema)}`)
    }
    return statements.length ? statements.join('; ') : undefined
  }

  convertError(error: unknown) {
    return convertPgError(error)
  }

  connectionLoss(error: unknown) {
    return pgConnectionLoss(error)
  }

  connectionInfo(): ConnectionInfo {
    return { schemaName: this.#options.schema, supportsRelationJoins: true }
  }

  async checkSession(conn: EngineConnection, timeoutMs: number): Promise<SessionState> {
    const { session } = conn as PgConnection
    if (!session) return 'unknown'
    if ((conn as PgConnection).sending()) return 'running'
    return this.#onCheckConnection(timeoutMs, (check) => check.checkSession(session))
  }

  async endSession(conn: EngineConnection, timeoutMs: number): Promise<void> {
    const { session } = conn as PgConnection
    if (session) await this.#onCheckConnection(timeoutMs, (check) => check.endSession(session))
  }

  /** Runs `work` on a short-lived connection of its own, all of it (connect, work, goodbye) within `timeoutMs`. */
  async #onCheckConnection<T>(timeoutMs: number, work: (conn: PgConnection) => Promise<T>): Promise<T> {
    return onSideConnection(await this.#open(timeoutMs, CHECK_CONNECTION_NAME), timeoutMs, work)
  }

  /** Runs one statement on a connection of its own, outside the pool (CREATE / DROP DATABASE). */
  async #runAlone(statement: string, timeoutMs: number): Promise<void> {
    const conn = await this.#open(timeoutMs, SIDE_CONNECTION_NAME)
    try {
      await conn.executeScript(statement)
    } finally {
      await conn.close()
    }
  }

  async createShadowDatabase(timeoutMs: number): Promise<ShadowDatabase> {
    const database = `prisma_migrate_shadow_db_${globalThis.crypto.randomUUID()}`
    await this.#runAlone(`CREATE DATABASE ${quoteIdentifier(database)}`, timeoutMs)
    const shadowOptions: ResolvedPgOptions = {
      ...this.#options,
      client: { ...this.#options.client, database },
      target: this.#options.target.replace(/\/[^/]*$/, `/${database}`),
    }
    if (shadowOptions.client.connectionString) {
      const url = new URL(shadowOptions.client.connectionString)
      url.pathname = `/${database}`
      shadowOptions.client.connectionString = url.toString()
    }
    return {
      driver: new PgDriver(shadowOptions),
      drop: () => this.#runAlone(`DROP DATABASE IF EXISTS ${quoteIdentifier(database)} WITH (FORCE)`, timeoutMs),
    }
  }
}
