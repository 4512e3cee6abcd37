// What MySQL and MariaDB say of their connections, in SQL and in the core's terms: a new session (its idle timeout, and
// who it is, for statements without an answer) and what it runs now, the limits this session's account is held to (the
// start-up budget check) and the server's client connections, named by the worker tag each one sent as a connection
// attribute (the live view). Shared with @prisma-pool/jdbc's MySQL route through @prisma-pool/mysql/dialect: the same
// SQL and the same reading of its rows, whichever driver runs it.
import { parseTag } from '@prisma-pool/core'
import type { ConnectionLimit, ServerConnection, ServerConnectionList, SessionState } from '@prisma-pool/core/engine'

/** Runs one query of the views on the engine's own connection: its rows as objects by column label. */
export type ViewQuery = (sql: string) => Promise<Record<string, unknown>[]>

/**
 * The server's error number when `error` is its refusal of one statement (a missing privilege, an unknown table), after
 * which the connection is still usable; undefined for any other error, which the views pass on.
 */
export type StatementRefusal = (error: unknown) => number | undefined

/**
 * What a new pool session says of itself, once, after its set-up: its wait_timeout (the pool closes an idle connection
 * before the server does: no "gone away" to ping for), its id, and which server answers.
 */
export const NEW_SESSION_SQL = 'SELECT @@session.wait_timeout AS wait_timeout, CONNECTION_ID() AS id, @@hostname AS host, @@port AS port'

/**
 * A session as the server knows it, for the checks of a statement without an answer: its id, the server's
 * `@@hostname:@@port` (another server behind the same address must not be asked about it), and when it began
 * (Date.now()), so that a server restarted since, whose connection ids start again, is not taken for it.
 */
export interface MySqlSession {
  readonly id: number
  readonly server: string
  readonly connectedAt: number
}

/**
 * NEW_SESSION_SQL's row: the session's idle timeout, and the session itself when its id is the one the handshake gave
 * (`threadId`); a proxy in between (ProxySQL, MaxScale) makes its own, and then the server cannot be asked about it.
 */
export function newSessionOf(
  row: Record<string, unknown> | undefined,
  threadId: number | undefined,
  connectedAt = Date.now(),
): { idleTimeoutMs: number | undefined; session: MySqlSession | undefined } {
  const seconds = Number(row?.wait_timeout)
  const idleTimeoutMs = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined
  const id = Number(row?.id)
  if (row === undefined || threadId === undefined || id !== threadId) return { idleTimeoutMs, session: undefined }
  return { idleTimeoutMs, session: { id, server: `${String(row.host)}:${String(row.port)}`, connectedAt } }
}

/**
 * What the server says of a session: which server answers, and the session's command and seconds in it. Asleep for a
 * second or more (TIME is whole seconds, so 2), it finished long ago and its client never heard.
 */
const CHECK_SESSION_SQL = (id: number) =>
  `SELECT @@hostname AS host, @@port AS port, (SELECT CONCAT(COMMAND, ' ', TIME) FROM information_schema.PROCESSLIST WHERE ID = ${Number(id)}) AS process`

/** How long the server has run, in whole seconds (the second column, `Value`). */
const UPTIME_SQL = "SHOW GLOBAL STATUS LIKE 'Uptime'"

/**
 * What the server says of `session` (see SessionState); `ifIdle` runs when it is idle. Another server answering is
 * 'unknown'; this one restarted since (connection ids start again) is 'gone': no id of it can be ours.
 */
async function sessionState(session: MySqlSession, run: ViewQuery, ifIdle?: () => Promise<unknown>): Promise<SessionState> {
  const [row] = await run(CHECK_SESSION_SQL(session.id))
  if (!row || `${String(row.host)}:${String(row.port)}` !== session.server) return 'unknown'
  const [uptime] = await run(UPTIME_SQL)
  // Uptime is in whole seconds: one more, so that a session opened just after the start is not taken for gone.
  if ((Number(Object.values(uptime ?? {})[1]) + 1) * 1000 < Date.now() - session.connectedAt) return 'gone'
  if (row.process === null || row.process === undefined) return 'gone'
  const [command, seconds] = String(row.process).split(' ')
  if (command !== 'Sleep' || Number(seconds) < 2) return 'running'
  await ifIdle?.()
  return 'idle'
}

/** What the server says of `session`, asked on a connection of the engine's own (EngineDriver.checkSession). */
export const checkMySqlSession = (session: MySqlSession, run: ViewQuery): Promise<SessionState> => sessionState(session, run)

/**
 * Ends `session` on the server (KILL, which also goes when the path to it is dead, and its transaction's locks with it),
 * if it is that very session and it runs nothing (EngineDriver.endSession).
 */
export async function endMySqlSession(session: MySqlSession, run: ViewQuery): Promise<void> {
  await sessionState(session, run, () => run(`KILL ${Number(session.id)}`))
}

/** ER_SPECIFIC_ACCESS_DENIED_ERROR: a privilege is missing (PROCESS, for information_schema.INNODB_TRX). */
const ACCESS_DENIED = 1227

/** The connection attribute holding the worker's tag, which the live view reads back. */
export const TAG_ATTRIBUTE = 'prisma_pool'
/** The attribute MySQL's own clients name their application with (pool.applicationName, for ours). */
export const APPLICATION_ATTRIBUTE = 'program_name'

/**
 * The attributes a pool connection sends in its handshake, which the server shows in
 * performance_schema.session_connect_attrs: the worker's tag, and its application part as program_name.
 */
export function tagAttributes(tag: string): Record<string, string> {
  return { [TAG_ATTRIBUTE]: tag, [APPLICATION_ATTRIBUTE]: parseTag(tag)?.application ?? tag }
}

/** CURRENT_USER() (`app@%`) as it is written in GRANT statements: `'app'@'%'`. */
function accountName(currentUser: unknown): string {
  const text = String(currentUser)
  const at = text.lastIndexOf('@')
  return at === -1 ? `'${text}'` : `'${text.slice(0, at)}'@'${text.slice(at + 1)}'`
}

/** The global and session limits, and the account they apply to, in one row. */
export const LIMITS_SQL =
  'SELECT @@global.max_connections AS max_connections, @@global.max_user_connections AS global_user_limit, ' +
  '@@session.max_user_connections AS session_user_limit, CURRENT_USER() AS account'

/** The account's grants: MariaDB ends its USAGE line with "WITH MAX_USER_CONNECTIONS n" when it has a limit of its own. */
export const GRANTS_SQL = 'SHOW GRANTS FOR CURRENT_USER()'

/**
 * max_connections, and the per-user limit that applies to this account: its own MAX_USER_CONNECTIONS when it
 * has one (that replaces the global max_user_connections for the account, in MySQL and MariaDB alike), else the
 * global max_user_connections when it is set. Ordinary users cannot read mysql.user, but they can read both
 * from their session: @@session.max_user_connections holds the account's limit when it has one, and
 * SHOW GRANTS FOR CURRENT_USER() ends the account's USAGE line with "WITH MAX_USER_CONNECTIONS 3" in MariaDB
 * (MySQL 5.7+ prints it in SHOW CREATE USER only: there, a session value unlike the global one says the same).
 * `grants` are GRANTS_SQL's lines, none where the account may not read them.
 */
export function limitsOf(row: Record<string, unknown> | undefined, grants: readonly string[]): ConnectionLimit[] {
  if (!row) return []
  const limits: ConnectionLimit[] = [{ limit: Number(row.max_connections), what: `max_connections ${row.max_connections}` }]
  const globalLimit = Number(row.global_user_limit)
  const sessionLimit = Number(row.session_user_limit)
  let accountLimit: number | undefined
  for (const grant of grants) {
    const found = /\bMAX_USER_CONNECTIONS (\d+)/i.exec(grant)
    if (found && Number(found[1]) > 0) accountLimit = Number(found[1])
  }
  if (accountLimit === undefined && sessionLimit > 0 && sessionLimit !== globalLimit) accountLimit = sessionLimit
  // Both count this user's connections (the processlist's USER, the name before the '@').
  const scope = { user: String(row.account).replace(/@[^@]*$/, '') }
  if (accountLimit !== undefined) {
    limits.push({ limit: accountLimit, what: `MAX_USER_CONNECTIONS ${accountLimit} of ${accountName(row.account)}`, scope })
  } else if (globalLimit > 0) {
    // MariaDB's -1 (users without a limit of their own may not connect) cannot be in effect for a connected session.
    limits.push({ limit: globalLimit, what: `max_user_connections ${globalLimit}`, scope })
  }
  return limits
}

/** The limits on this session's connections: LIMITS_SQL, and GRANTS_SQL where the account may read its grants. */
export async function readConnectionLimits(run: ViewQuery, refusal: StatementRefusal): Promise<ConnectionLimit[]> {
  const [row] = await run(LIMITS_SQL)
  let grants: string[] = []
  try {
    // One column, named after the account ("Grants for app@%").
    grants = (await run(GRANTS_SQL)).map((grant) => String(Object.values(grant)[0]))
  } catch (error) {
    if (refusal(error) === undefined) throw error
  }
  return limitsOf(row, grants)
}

/** Whether performance_schema keeps connection attributes, and who this session is. */
export const SESSION_SQL = 'SELECT @@performance_schema AS performance_schema, CURRENT_USER() AS account'

/**
 * The server's client connections. Replication and event-scheduler threads are left out: they are the
 * server's own, and no pool can give them back. `in_trx`: an open InnoDB transaction (PROCESS privilege needed).
 */
export const PROCESSLIST_SQL = (withTransactions: boolean) =>
  `SELECT p.ID AS id, p.USER AS user, p.DB AS db, p.COMMAND AS command, ${withTransactions ? 't.trx_mysql_thread_id IS NOT NULL' : '0'} AS in_trx ` +
  'FROM information_schema.PROCESSLIST p ' +
  (withTransactions ? 'LEFT JOIN information_schema.INNODB_TRX t ON t.trx_mysql_thread_id = p.ID ' : '') +
  "WHERE p.COMMAND NOT IN ('Daemon', 'Binlog Dump', 'Binlog Dump GTID', 'Slave_IO', 'Slave_SQL', 'Slave_worker') " +
  "AND p.USER NOT IN ('system user', 'event_scheduler')"

/** The attributes the adapter sends, of every connection or (`session_account_connect_attrs`) of this account's. */
export const ATTRIBUTES_SQL = (table: 'session_connect_attrs' | 'session_account_connect_attrs') =>
  `SELECT PROCESSLIST_ID AS id, ATTR_NAME AS name, ATTR_VALUE AS value FROM performance_schema.${table} ` +
  `WHERE ATTR_NAME IN ('${TAG_ATTRIBUTE}', '${APPLICATION_ATTRIBUTE}')`

/** PROCESSLIST's COMMAND in the words of `ServerConnection.state`. */
function connectionState(command: string, inTransaction: boolean): string {
  if (command === 'Sleep') return inTransaction ? 'idle in transaction' : 'idle'
  return command === 'Query' || command === 'Execute' ? 'active' : command
}

/** The live view of PROCESSLIST_SQL's rows, each named by its attributes (ATTRIBUTES_SQL's rows); `notes` say what is missing. */
export function connectionListOf(processes: Record<string, unknown>[], attributeRows: Record<string, unknown>[], notes: string[] = []): ServerConnectionList {
  // prisma_pool is the worker's tag; program_name the application name of other clients that send one.
  const attributes = new Map<number, Record<string, string>>()
  for (const { id, name, value } of attributeRows) {
    const entry = attributes.get(Number(id)) ?? {}
    entry[String(name)] = String(value)
    attributes.set(Number(id), entry)
  }
  const connections = processes.map(({ id, user, db, command, in_trx }): ServerConnection => {
    const attrs = attributes.get(Number(id))
    return {
      id: Number(id),
      application: attrs?.[TAG_ATTRIBUTE] ?? attrs?.[APPLICATION_ATTRIBUTE] ?? '',
      user: String(user),
      ...(db != null ? { database: String(db) } : {}),
      state: connectionState(String(command), Number(in_trx) === 1),
    }
  })
  return { connections, ...(notes.length ? { note: notes.join(' ') } : {}) }
}

/**
 * The server's client connections from information_schema.PROCESSLIST, named by the attributes each one sent
 * (performance_schema). What the session may not read is left out, and the note says what to change.
 */
export async function readServerConnections(run: ViewQuery, refusal: StatementRefusal): Promise<ServerConnectionList> {
  const notes: string[] = []
  const [session] = await run(SESSION_SQL)
  const account = accountName(session?.account)
  let processes: Record<string, unknown>[]
  try {
    processes = await run(PROCESSLIST_SQL(true))
  } catch (error) {
    const errno = refusal(error)
    if (errno === undefined) throw error
    processes = await run(PROCESSLIST_SQL(false))
    notes.push(
      errno === ACCESS_DENIED
        ? `${account} lacks the PROCESS privilege: the server lists only its own connections, and cannot say which are ` +
            `idle in a transaction. GRANT PROCESS ON *.* TO ${account} to see every connection.`
        : `information_schema.INNODB_TRX could not be read (${(error as Error).message}): connections idle in a transaction show as idle.`,
    )
  }

  let attributes: Record<string, unknown>[] = []
  if (Number(session?.performance_schema) !== 1) {
    notes.push(
      'performance_schema is OFF, so the server keeps no connection attributes and no connection can be attributed to a ' +
        'worker: add performance_schema=ON under [mysqld] in the server configuration and restart the server ' +
        '(MariaDB has it OFF by default; MySQL 8 ON).',
    )
  } else {
    try {
      attributes = await run(ATTRIBUTES_SQL('session_connect_attrs'))
    } catch (error) {
      if (refusal(error) === undefined) throw error
      // Any account may read the attributes of its own connections.
      attributes = await run(ATTRIBUTES_SQL('session_account_connect_attrs'))
      notes.push(
        `${account} may not read performance_schema.session_connect_attrs, so only its own connections are attributed ` +
          `to workers: GRANT SELECT ON performance_schema.session_connect_attrs TO ${account}.`,
      )
    }
  }
  return connectionListOf(processes, attributes, notes)
}
