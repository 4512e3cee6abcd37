/// <reference path="./oracledb.d.ts" />
// Opens node-oracledb connections for the pool, one standalone connection per pool slot (the core pools, not
// node-oracledb's pool), in Thin mode: pure JavaScript, no Oracle Client libraries (initOracleClient is never called).
// Each session is tagged with the worker's tag as MODULE and CLIENT_IDENTIFIER (what V$SESSION shows), runs in UTC with
// '.' as its decimal point, and tells who it is (SID, SERIAL#) in the same round trip.
import {
  onSideConnection,
  type EngineConnection,
  type EngineContext,
  type EngineDriver,
  type SessionState,
} from '@prisma-pool/core/engine'
import type { ConnectionInfo, Error as AdapterError } from '@prisma/driver-adapter-utils'
import oracledb, { type BindParameter, type Connection, type ConnectionAttributes } from 'oracledb'
import { OracleConnection, type ConnectionServices } from './connection.js'
import { tableColumnOf, type TableColumn } from './conversion.js'
import { codeOf, convertOracleDbError, oracleDbConnectionLoss, oraNumberOf } from './errors.js'
import type { ResolvedOracleOptions } from './options.js'
import type { OraclePlan } from './plan.js'
import {
  checkOracleSession,
  endOracleSession,
  SESSION_SETUP_BINDS,
  sessionFactsOf,
  sessionSetupSql,
  type OracleSession,
  type SessionFacts,
  type ViewQuery,
} from './server-views.js'
import { TranslationCache } from './translate.js'
import { ORACLE_ISOLATION_LEVELS } from './transaction-sql.js'

export const ADAPTER_NAME = '@prisma-pool/oracle'

/** MODULE keeps 48 bytes (CLIENT_IDENTIFIER 64): the tag fits the shorter. */
const TAG_LENGTH = 48

/**
 * At most this many arguments per statement, for Prisma to chunk by. Oracle takes 65,535 placeholders (ORA-01745
 * beyond); a translation may repeat an argument's placeholder and add fixed values of its own, so half of that is
 * left for them.
 */
export const MAX_BIND_VALUES = 32_766

/** MODULE of the connections that check a session with an unanswered statement. */
const CHECK_CONNECTION_NAME = 'prisma-pool (session check)'

/** node-oracledb's immediate close of the network session (sqlnet constants: NSFIMM). */
const NSFIMM = 0x40

/**
 * Closes the socket at once, with no goodbye (the path may be dead). node-oracledb has no public call for it: its Thin
 * network session's disconnect(NSFIMM) is what it runs itself on a fatal error, and calls waiting on the connection then
 * fail with NJS-500. Without it (another mode, another version), the connection is closed politely in the background.
 */
export function destroyConnection(conn: Connection): void {
  const nscon = (conn as unknown as { _impl?: { nscon?: { disconnect?: (type: number) => void } } })._impl?.nscon
  if (typeof nscon?.disconnect === 'function') {
    try {
      nscon.disconnect(NSFIMM)
      return
    } catch {
      // Already gone: nothing to close.
    }
  }
  conn.close().catch(() => {})
}

/** How long a connection that arrived after its connect was given up may take to say goodbye. */
const LATE_CLOSE_MS = 1000

/** A polite close (LOGOFF), or the socket destroyed if the goodbye gets no answer in time. */
function closeWithin(conn: Connection, ms: number): void {
  const timer = setTimeout(() => destroyConnection(conn), ms)
  conn.close().then(
    () => clearTimeout(timer),
    () => {
      clearTimeout(timer)
      destroyConnection(conn)
    },
  )
}

/** How connections are opened (node-oracledb's getConnection; a test's fake). */
export type GetConnection = (attributes: ConnectionAttributes) => Promise<Connection>

/** A connect failure, with what to check added to node-oracledb's message (which names host and port). */
function explainConnectFailure(error: unknown, target: string, timeoutS: number): unknown {
  const code = codeOf(error)
  if (!(error instanceof Error) || code === undefined) return error
  const where = /host (\S+) port (\d+)/.exec(error.message)
  const at = where ? `${where[1]}:${where[2]}` : target
  const hint: Record<string, string> = {
    'NJS-503': `Is Oracle's listener running at ${at}? Check the host and port of ${target}, that the listener is started (lsnrctl status), and that no firewall blocks the port.`,
    'NJS-510': `The server at ${at} did not complete Oracle's handshake within ${timeoutS} s: check that it is an Oracle listener, and the network path to it.`,
    'NJS-500': `The server at ${at} closed the connection during the handshake: check that it is an Oracle Database listener (not another service on that port), and for tcps that it is the TLS listener's port.`,
    'NJS-530': `Check the host name of ${target}, and this machine's DNS.`,
  }
  const text = hint[code]
  if (text && !error.message.includes(text)) error.message = `${error.message}\n${text}`
  // An unknown host name stays unknown: the core gives up at once on a lookup that found nothing (ENOTFOUND), as for
  // the other engines, instead of retrying until the pool's timeout.
  if (code === 'NJS-530') Object.assign(error, { errors: [{ code: 'ENOTFOUND', syscall: 'getaddrinfo', message: error.message }] })
  return error
}

/** The driver's cache of tables' columns, for RETURNING's out-binds. */
class TableColumns {
  readonly #tables = new Map<string, Map<string, TableColumn>>()

  async get(owner: string, table: string, load: () => Promise<Record<string, unknown>[]>, refresh: boolean): Promise<Map<string, TableColumn>> {
    const key = `${owner}\0${table}`
    const cached = refresh ? undefined : this.#tables.get(key)
    if (cached) return cached
    const columns = new Map((await load()).map((row) => tableColumnOf(row)).map((column) => [column.name, column]))
    // A table that does not exist (yet) is not remembered: it may be created in a moment.
    if (columns.size > 0) this.#tables.set(key, columns)
    return columns
  }
}

/** Opens node-oracledb Thin connections for the pool and knows Oracle's errors and transactions. */
export class OracleDriver implements EngineDriver {
  readonly provider = 'postgres' as const
  readonly adapterName = ADAPTER_NAME
  readonly tagLength = TAG_LENGTH
  readonly isolationLevels = ORACLE_ISOLATION_LEVELS
  readonly target: string
  // Private (#) so that printing the adapter never shows the password inside.
  readonly #options: ResolvedOracleOptions
  readonly #getConnection: GetConnection
  #plans: TranslationCache | undefined
  readonly #tables = new TableColumns()
  readonly #services: ConnectionServices

  constructor(options: ResolvedOracleOptions, getConnection: GetConnection = (attributes) => oracledb.getConnection(attributes)) {
    this.#options = options
    this.target = options.target
    this.#getConnection = getConnection
    this.#services = {
      plan: (sql, args) => this.plan(sql, args),
      tableColumns: (owner, table, load, refresh) => this.#tables.get(owner, table, load, refresh),
      destroy: destroyConnection,
    }
  }

  /** The Oracle plan of one of Prisma's statements, cached per SQL text (and per inlined argument, for a deferred one). */
  plan(sql: string, args: readonly unknown[]): OraclePlan {
    // Prisma qualifies its names with the schema it is told (connectionInfo), or "public", which the translator drops.
    this.#plans ??= new TranslationCache({ target: 'oracle', schema: this.#options.schema ?? 'public' })
    return this.#plans.plan(sql, args)
  }

  /**
   * One node-oracledb connection, within `timeoutMs`. node-oracledb cannot be interrupted while it connects: at `signal`
   * the attempt is given up (its own timeout, a second later, ends it) and a connection that still arrives is closed.
   */
  async #open(timeoutMs: number, signal: AbortSignal): Promise<Connection> {
    signal.throwIfAborted()
    // node-oracledb takes whole seconds; its timers fire a little after the pool's signal, which reports the timeout.
    const seconds = Math.ceil(timeoutMs / 1000) + 1
    const attempt = this.#getConnection({ ...this.#options.connection, connectTimeout: seconds, transportConnectTimeout: seconds })
    return new Promise<Connection>((resolve, reject) => {
      const onAbort = () => {
        reject(signal.reason)
        attempt.then((late) => closeWithin(late, LATE_CLOSE_MS), () => {})
      }
      signal.addEventListener('abort', onAbort, { once: true })
      attempt.then(
        (conn) => {
          signal.removeEventListener('abort', onAbort)
          resolve(conn)
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort)
          reject(explainConnectFailure(error, this.target, seconds))
        },
      )
    })
  }

  /** The session's set-up and facts (server-views.ts: sessionSetupSql), in one round trip; the tag goes with it. */
  async #setUp(conn: Connection, tag: string, signal: AbortSignal): Promise<SessionFacts> {
    // Sent with the next round trip: V$SESSION's MODULE and CLIENT_IDENTIFIER name this worker.
    conn.module = tag
    conn.clientId = tag
    const binds: Record<string, BindParameter> = { o_serial: { dir: oracledb.BIND_OUT, type: oracledb.DB_TYPE_NUMBER } }
    for (const name of SESSION_SETUP_BINDS) binds[name] = { dir: oracledb.BIND_OUT, type: oracledb.DB_TYPE_VARCHAR, maxSize: 512 }
    // A server that stops answering after the login must not hold the connect: at the signal the socket goes.
    signal.throwIfAborted()
    const onAbort = () => destroyConnection(conn)
    signal.addEventListener('abort', onAbort, { once: true })
    try {
      const result = await conn.execute(sessionSetupSql(this.#options.schema), binds, { autoCommit: false })
      return sessionFactsOf((result.outBinds ?? {}) as Record<string, unknown>)
    } finally {
      signal.removeEventListener('abort', onAbort)
    }
  }

  async connect(context: EngineContext, signal: AbortSignal): Promise<EngineConnection> {
    const conn = await this.#open(context.connectTimeoutMs, signal)
    try {
      const facts = await this.#setUp(conn, context.tag, signal)
      return new OracleConnection(conn, this.#services, facts, context.log)
    } catch (error) {
      destroyConnection(conn)
      throw error
    }
  }

  /** Runs `work` on a short-lived connection of its own (no set-up), all of it within `timeoutMs`. */
  async #onSideConnection<T>(timeoutMs: number, work: (run: ViewQuery) => Promise<T>): Promise<T> {
    const abort = new AbortController()
    const timer = setTimeout(() => abort.abort(new Error(`no connection to ${this.target} within ${timeoutMs} ms`)), timeoutMs)
    let conn: Connection
    try {
      conn = await this.#open(timeoutMs, abort.signal)
    } finally {
      clearTimeout(timer)
    }
    conn.module = CHECK_CONNECTION_NAME
    const side = { close: () => conn.close(), destroy: () => destroyConnection(conn) }
    return onSideConnection(side, timeoutMs, () =>
      work(async (sql, binds = []) => (await conn.execute<Record<string, unknown>>(sql, binds as BindParameter[], { outFormat: oracledb.OUT_FORMAT_OBJECT })).rows ?? []),
    )
  }

  async checkSession(conn: EngineConnection, timeoutMs: number): Promise<SessionState> {
    const { session, user } = (conn as OracleConnection).facts
    if (!session) return 'unknown'
    return this.#onSideConnection(timeoutMs, (run) => checkOracleSession(session as OracleSession, run, oraNumberOf, user))
  }

  async endSession(conn: EngineConnection, timeoutMs: number): Promise<void> {
    const { session, user } = (conn as OracleConnection).facts
    if (session) await this.#onSideConnection(timeoutMs, (run) => endOracleSession(session, run, oraNumberOf, user))
  }

  convertError(error: unknown): AdapterError | undefined {
    const mapped = convertOracleDbError(error)
    // Oracle's message does not say whose credentials failed; Prisma's P1000 names the user.
    if (mapped?.kind === 'AuthenticationFailed' && mapped.user === undefined) return { ...mapped, user: this.#options.connection.user }
    return mapped
  }

  connectionLoss(error: unknown) {
    return oracleDbConnectionLoss(error)
  }

  connectionInfo(): ConnectionInfo {
    // schemaName undefined: Prisma writes "public", which the translator drops (the session's own schema).
    return { schemaName: this.#options.schema, maxBindValues: MAX_BIND_VALUES, supportsRelationJoins: false }
  }
}
