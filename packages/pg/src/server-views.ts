// What PostgreSQL says of its connections, in SQL and in the core's terms: a session as the server knows it (and what
// it runs now, for statements without an answer), the limits a session's role is held to (the start-up budget check)
// and the server's client connections (the live view). Shared with @prisma-pool/jdbc's
// PostgreSQL route through @prisma-pool/pg/dialect: the same SQL, whichever driver runs it.
import type { ConnectionLimit, ServerConnectionList } from '@prisma-pool/core/engine'

export const quoteIdentifier = (name: string) => `"${name.replaceAll('"', '""')}"`

/**
 * A session as the server knows it, read at connect: its pid, the server's time then (the session started before it;
 * a backend that reused the pid later started after it), and when the server started, so that a restarted server,
 * or another one behind the same address (a load balancer over replicas), is never taken for it. Cheap: no
 * pg_stat_activity snapshot on every connect.
 */
export const SESSION_SQL = `SELECT pg_backend_pid() AS pid, now()::text AS started, pg_postmaster_start_time()::text AS server`

export interface ServerSession {
  pid: number
  /** The server's now() at connect: the session started before it. */
  started: string
  server: string
}

/** The pg_stat_activity row of a ServerSession ($1 pid, $2 started): a backend that reused the pid started later. */
const THE_SESSION = `pid = $1 AND backend_start <= $2::timestamptz`
/** A session that runs nothing. Any other state (active, a lock wait, 'disabled' when track_activities is off) runs. */
const RUNS_NOTHING = `state IN ('idle', 'idle in transaction', 'idle in transaction (aborted)')`

/**
 * What the server ($3: its start) says of a session (checkSession). Idle, or idle in a transaction, for a second or
 * more: it finished long ago, and its client never heard.
 */
export const CHECK_SESSION_SQL = `
SELECT pg_postmaster_start_time()::text = $3 AS same_server,
       (SELECT CASE WHEN ${RUNS_NOTHING} AND state_change < now() - interval '1 second' THEN 'idle' ELSE 'running' END
        FROM pg_stat_activity WHERE ${THE_SESSION}) AS state`

/** Ends that very session, if it runs nothing (endSession). */
export const END_SESSION_SQL = `
SELECT pg_terminate_backend(pid) FROM pg_stat_activity
WHERE ${THE_SESSION} AND pg_postmaster_start_time()::text = $3 AND ${RUNS_NOTHING}`

/**
 * The limits PostgreSQL checks when this session's role logs in (InitPostgres), in one row. A superuser may
 * use the superuser-reserved slots and is exempt from the role's and the database's CONNECTION LIMIT.
 * reserved_connections (PG 16+) is NULL before 16; its slots are open to members of pg_use_reserved_connections.
 */
export const LIMITS_SQL = `
SELECT current_setting('max_connections')::int AS max_connections,
       current_setting('superuser_reserved_connections')::int AS superuser_reserved,
       current_setting('reserved_connections', true)::int AS reserved,
       EXISTS (SELECT FROM pg_roles g WHERE g.rolname = 'pg_use_reserved_connections'
               AND pg_has_role(session_user, g.oid, 'USAGE')) AS may_use_reserved,
       r.rolname AS role, r.rolsuper AS superuser, r.rolconnlimit AS role_limit,
       d.datname AS database, d.datconnlimit AS database_limit
FROM pg_roles r, pg_database d
WHERE r.rolname = session_user AND d.datname = current_database()`

export interface LimitsRow {
  max_connections: number
  superuser_reserved: number
  reserved: number | null
  may_use_reserved: boolean
  role: string
  superuser: boolean
  role_limit: number
  database: string
  database_limit: number
}

/**
 * Every client backend, in every database. Without pg_read_all_stats, another role's row keeps its pid, role,
 * database and application_name but shows NULL backend_type and state: a hidden row with a database and a role is
 * taken for a client (autovacuum workers and the server's own processes have no role, or no database).
 */
export const CONNECTIONS_SQL = `
SELECT pid, coalesce(application_name, '') AS application, usename, datname, state,
       backend_type IS NULL AS hidden, current_user AS me
FROM pg_stat_activity
WHERE backend_type = 'client backend' OR (backend_type IS NULL AND datid IS NOT NULL AND usesysid IS NOT NULL)`

export interface ConnectionRow {
  pid: number
  application: string
  usename: string | null
  datname: string | null
  state: string | null
  hidden: boolean
  me: string
}

/** The state of a row whose state the server hides (what PostgreSQL shows in its query column). */
const HIDDEN_STATE = '<insufficient privilege>'

/** The limits of LIMITS_SQL's row (none without one). */
export function limitsOf(row: LimitsRow | undefined): ConnectionLimit[] {
  if (!row) return []
  let limit = row.max_connections
  let what = `max_connections ${limit}`
  if (row.superuser) {
    if (row.superuser_reserved > 0) what += `, its ${row.superuser_reserved} superuser_reserved_connections open to superuser "${row.role}"`
  } else {
    if (row.superuser_reserved > 0) {
      limit -= row.superuser_reserved
      what += ` - superuser_reserved_connections ${row.superuser_reserved}`
    }
    if (row.reserved && !row.may_use_reserved) {
      limit -= row.reserved
      what += ` - reserved_connections ${row.reserved}`
    }
  }
  const limits: ConnectionLimit[] = [{ limit, what }]
  // -1 is no limit; a superuser is not held to either.
  if (!row.superuser && row.role_limit >= 0) limits.push({ limit: row.role_limit, what: `CONNECTION LIMIT ${row.role_limit} of role "${row.role}"`, scope: { user: row.role } })
  if (!row.superuser && row.database_limit >= 0) {
    limits.push({ limit: row.database_limit, what: `CONNECTION LIMIT ${row.database_limit} of database "${row.database}"`, scope: { database: row.database } })
  }
  return limits
}

/** The live view of CONNECTIONS_SQL's rows, with a note when rows of other roles hide their state. */
export function connectionListOf(rows: ConnectionRow[]): ServerConnectionList {
  const connections = rows.map((row) => ({
    id: row.pid,
    application: row.application,
    ...(row.usename !== null ? { user: row.usename } : {}),
    ...(row.datname !== null ? { database: row.datname } : {}),
    state: row.state ?? HIDDEN_STATE,
  }))
  const hidden = rows.filter((row) => row.hidden).length
  if (hidden === 0) return { connections }
  const me = rows[0]!.me
  return {
    connections,
    note:
      `${hidden} connection${hidden === 1 ? '' : 's'} of other roles show${hidden === 1 ? 's' : ''} no state (active, idle, in transaction): ` +
      `role "${me}" lacks pg_read_all_stats, so PostgreSQL shows only their role, database and application_name. ` +
      `To see their state: GRANT pg_read_all_stats TO ${quoteIdentifier(me)};`,
  }
}
