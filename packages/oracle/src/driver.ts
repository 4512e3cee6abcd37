/// <reference path="./oracledb.d.ts" />
// Opens node-oracledb connections for the pool, one standalone connection per pool slot (the core pools, not
// node-oracledb's pool), in Thin mode: pure JavaScript, no Oracle Client libraries (initOracleClient is never called).
// Each session is tagged with the worker's tag as MODULE and CLIENT_IDENTIFIER (what V$SESSION shows), runs in UTC with
// '.' as its decimal point, and tells who it is (SID, SERIAL#) and its database's character set in the same round trip.
// Its DATE and TIMESTAMP values are decoded exactly (thin.ts), and a connect the pool gives up on is cut off.
import {
  onSideConnection,
  type EngineConnection,
  type EngineContext,
  type EngineDriver,
  type SessionState,
} from '@prisma-pool/core/engine'
import type { ConnectionInfo, Error as AdapterError, SqlQuery } from '@prisma/driver-adapter-utils'
import oracledb, { type BindParameter, type Connection, type ConnectionAttributes } from 'oracledb'
import { OracleConnection, type ConnectionServices } from './connection.js'
import { tableColumnOf, type TableColumn } from './conversion.js'
import { codeOf, convertOracleDbError, oracleDbConnectionLoss, oraNumberOf } from './errors.js'
import { targetOf, type ResolvedOracleOptions } from './options.js'
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
  UNICODE_CHARSETS,
} from './server-views.js'
import { decodeDatesExactly, destroyConnection, watchedConnect } from './thin.js'
import { TranslationCache } from './translate.js'
import { ORACLE_ISOLATION_LEVELS } from './transaction-sql.js'

export { destroyConnection } from './thin.js'

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

/**
 * node-oracledb's messages that repeat (part of) the connect string: NJS-515 `error in Easy Connect connection string:
 * <why>: <the string>` (lib/thin/sqlnet/ezConnectResolver.js) and NJS-512 `invalid connection string parameters.` with
 * the parser's words on the next line. The part kept, and the part replaced.
 */
const ECHOES_CONNECT_STRING = [/^(NJS-515: [^:\n]*: [^:\n]*): [^\n]*/, /^(NJS-512: [^\n]*)\n[^\n]*/]

/** Sets an error's message, and the message at the head of its stack (which repeats it). */
function setMessage(error: Error, message: string): void {
  if (error.message === message) return
  if (typeof error.stack === 'string') {
    const at = error.stack.indexOf(error.message)
    error.stack = at === -1 ? `${error.name}: ${message}` : error.stack.slice(0, at) + message + error.stack.slice(at + error.message.length)
  }
  error.message = message
}

/**
 * A connect failure's message without what may hold a password: the connect string node-oracledb repeats (NJS-515
 * writes it whole, blanks removed) is replaced by where it goes, and the passwords given are masked wherever they
 * appear (in the message and its stack).
 */
function scrubConnectFailure(error: Error, connectString: string, secrets: readonly (string | undefined)[]): void {
  let message = error.message
  for (const echo of ECHOES_CONNECT_STRING) {
    message = message.replace(echo, (_, head: string) => `${head}: the connect string of ${targetOf(connectString)} (not repeated here: it may hold a password)`)
  }
  for (const secret of secrets) if (secret) message = message.split(secret).join('***')
  setMessage(error, message)
  if (typeof error.stack === 'string') for (const secret of secrets) if (secret) error.stack = error.stack.split(secret).join('***')
}

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
  if (text && !error.message.includes(text)) setMessage(error, `${error.message}\n${text}`)
  // An unknown host name stays unknown: the core gives up at once on a lookup that found nothing (ENOTFOUND), as for
  // the other engines, instead of retrying until the pool's timeout.
  if (code === 'NJS-530') Object.assign(error, { errors: [{ code: 'ENOTFOUND', syscall: 'getaddrinfo', message: error.message }] })
  return error
}

/** A set-up that fails because the schema asked for does not exist: what to check, and where the name came from. */
function explainSetUpFailure(error: unknown, options: ResolvedOracleOptions, user: string): unknown {
  if (!(error instanceof Error) || oraNumberOf(error) !== 1435 || options.schema === undefined) return error
  const { schema } = options
  const upper = schema.toUpperCase()
  const hint =
    `The schema "${schema}" (${options.schemaFrom ?? 'the schema option'}) does not exist, or user ${user} may not see it. ` +
    `Oracle names are upper case unless created quoted${upper !== schema ? `: a schema created as ${schema} is named ${upper}` : ''}. ` +
    'Give it exactly as Oracle spells it (SELECT USERNAME FROM ALL_USERS lists them), or leave the schema out for the user\'s own.'
  if (!error.message.includes(hint)) setMessage(error, `${error.message}\n${hint}`)
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
      plan: (sql, args, argTypes) => this.plan(sql, args, argTypes),
      tableColumns: (owner, table, load, refresh) => this.#tables.get(owner, table, load, refresh),
      destroy: destroyConnection,
      emptyStrings: options.emptyStrings,
    }
  }

  /** The Oracle plan of one of Prisma's statements, cached per SQL text (and per argument types or values it depends on). */
  plan(sql: string, args: readonly unknown[], argTypes: SqlQuery['argTypes']): OraclePlan {
    // Prisma qualifies its names with the schema it is told (connectionInfo), or "public", which the translator drops.
    this.#plans ??= new TranslationCache({ target: 'oracle', schema: this.#options.schema ?? 'public' })
    return this.#plans.plan(sql, args, argTypes)
  }

  /**
   * One node-oracledb connection, within `timeoutMs`. Thin's own timers cover the TCP connect and Oracle's network
   * handshake, not the authentication after it: at `signal` the attempt is given up and cut off (thin.ts:
   * watchedConnect destroys its socket, whatever stage it is at), and a connection that still arrives is closed.
   */
  async #open(timeoutMs: number, signal: AbortSignal): Promise<Connection> {
    signal.throwIfAborted()
    // node-oracledb takes whole seconds; its timers fire a little after the pool's signal, which reports the timeout.
    const seconds = Math.ceil(timeoutMs / 1000) + 1
    const { connection } = this.#options
    const { attempt, giveUp } = watchedConnect(() => this.#getConnection({ ...connection, connectTimeout: seconds, transportConnectTimeout: seconds }))
    return new Promise<Connection>((resolve, reject) => {
      const onAbort = () => {
        const reason = signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason))
        reject(signal.reason)
        giveUp(reason)
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
          if (error instanceof Error) scrubConnectFailure(error, connection.connectString, [connection.password, connection.walletPassword])
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
    } catch (error) {
      throw explainSetUpFailure(error, this.#options, this.#options.connection.user)
    } finally {
      signal.removeEventListener('abort', onAbort)
    }
  }

  async connect(context: EngineContext, signal: AbortSignal): Promise<EngineConnection> {
    const conn = await this.#open(context.connectTimeoutMs, signal)
    try {
      // Before any statement: every DATE and TIMESTAMP this connection reads is decoded exactly.
      decodeDatesExactly(conn)
      const facts = await this.#setUp(conn, context.tag, signal)
      const national = facts.charset !== undefined && !UNICODE_CHARSETS.has(facts.charset)
      if (national) {
        context.log(
          `the database character set is ${facts.charset}, not Unicode: text that is not ASCII is bound in the national character set ` +
            `(NVARCHAR2, NCLOB columns hold it exactly; VARCHAR2, CHAR and CLOB columns hold only ${facts.charset}'s characters, Oracle stores others as '¿')`,
        )
      }
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
