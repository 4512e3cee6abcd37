// What Oracle says of its sessions, in SQL and in the core's terms: who a new session is (for the check of a statement
// without an answer), the limits a session's user is held to (the start-up budget check) and the instance's user
// sessions, named by the worker tag each one carries as MODULE and CLIENT_IDENTIFIER (the live view). Shared with
// @prisma-pool/jdbc through @prisma-pool/oracle/dialect: the same SQL and the same reading of its rows, whichever driver
// runs it. Rows are objects by (upper-case) column name.
//
// The V$ views need a grant that an application's user often lacks (SELECT on V_$PARAMETER and V_$SESSION, or
// SELECT_CATALOG_ROLE). What cannot be read is left out, and a note says which grant would show it.
import { parseTag } from '@prisma-pool/core'
import type { ConnectionLimit, ServerConnection, ServerConnectionList, SessionState } from '@prisma-pool/core/engine'

/** Runs one query of the views on the engine's connection: rows as objects by column name. */
export type ViewQuery = (sql: string, binds?: readonly unknown[]) => Promise<Record<string, unknown>[]>

/** The ORA number when `error` is the server's refusal of one statement (a view it may not read); undefined otherwise. */
export type StatementRefusal = (error: unknown) => number | undefined

/** ORA-00942 (no such view, to this user) and ORA-01031 (insufficient privileges): a grant is missing. */
const REFUSED = new Set([942, 1031])

const refusedBy = (refusal: StatementRefusal, error: unknown) => {
  const ora = refusal(error)
  return ora !== undefined && REFUSED.has(ora)
}

/**
 * A session as the instance knows it, read at connect (see SESSION_SETUP_SQL): its SID and SERIAL#, its AUDSID (unique
 * for the database's life), the instance (`DB_UNIQUE_NAME/INSTANCE_NAME`: another one behind the same address is not
 * asked about it) and the server's SYSDATE then (the session logged on before it; one that reused the SID after a
 * restart logged on later).
 */
export interface OracleSession {
  readonly sid: number
  readonly serial: number
  readonly audsid: string
  readonly server: string
  /** `YYYY-MM-DD HH24:MI:SS`, the server's clock. */
  readonly started: string
}

/** `sid,serial#`, as Oracle's own tools (and ALTER SYSTEM KILL SESSION) write a session. */
export const sessionIdOf = (session: Pick<OracleSession, 'sid' | 'serial'>) => `${session.sid},${session.serial}`

/** The session's UTC time zone and '.' decimal point, set at connect: DateTime and Decimal values depend on them. */
export const SESSION_SETTINGS = "ALTER SESSION SET TIME_ZONE = 'UTC' NLS_NUMERIC_CHARACTERS = '.,'"

/** `"APP"`: an Oracle identifier quoted (names given as options are used as written, case and all). */
export const quoteIdentifier = (name: string) => `"${name.replaceAll('"', '""')}"`

/**
 * A new session's set-up and facts, in one round trip: the settings above (and CURRENT_SCHEMA when a schema is given),
 * then who the session is, its profile's IDLE_TIME (minutes; past it the server ends an idle session with ORA-02396)
 * and the database character set (NLS_DATABASE_PARAMETERS, which every user may read; else the one USERENV's LANGUAGE
 * ends with). SERIAL# needs V$SESSION, which the user may not read: then it is NULL (and statements without an answer
 * are not checked on the server). Out-binds: o_sid, o_serial, o_audsid, o_server, o_started, o_user, o_schema, o_idle,
 * o_charset (see SESSION_SETUP_BINDS).
 */
export function sessionSetupSql(schema?: string): string {
  const alterSchema = schema === undefined ? '' : `EXECUTE IMMEDIATE 'ALTER SESSION SET CURRENT_SCHEMA = ${quoteIdentifier(schema).replaceAll("'", "''")}';\n  `
  return `DECLARE
  v_serial NUMBER;
  v_idle VARCHAR2(128);
  v_charset VARCHAR2(128);
BEGIN
  EXECUTE IMMEDIATE '${SESSION_SETTINGS.replaceAll("'", "''")}';
  ${alterSchema}:o_sid := SYS_CONTEXT('USERENV', 'SID');
  :o_audsid := SYS_CONTEXT('USERENV', 'SESSIONID');
  :o_server := SYS_CONTEXT('USERENV', 'DB_UNIQUE_NAME') || '/' || SYS_CONTEXT('USERENV', 'INSTANCE_NAME');
  :o_started := TO_CHAR(SYSDATE, 'YYYY-MM-DD HH24:MI:SS');
  :o_user := SYS_CONTEXT('USERENV', 'SESSION_USER');
  :o_schema := SYS_CONTEXT('USERENV', 'CURRENT_SCHEMA');
  BEGIN
    EXECUTE IMMEDIATE 'SELECT MAX("LIMIT") FROM USER_RESOURCE_LIMITS WHERE RESOURCE_NAME = ''IDLE_TIME''' INTO v_idle;
  EXCEPTION WHEN OTHERS THEN v_idle := NULL;
  END;
  :o_idle := v_idle;
  BEGIN
    EXECUTE IMMEDIATE 'SELECT VALUE FROM NLS_DATABASE_PARAMETERS WHERE PARAMETER = ''NLS_CHARACTERSET''' INTO v_charset;
  EXCEPTION WHEN OTHERS THEN v_charset := REGEXP_SUBSTR(SYS_CONTEXT('USERENV', 'LANGUAGE'), '[^.]+$');
  END;
  :o_charset := v_charset;
  BEGIN
    EXECUTE IMMEDIATE 'SELECT SERIAL# FROM V$SESSION WHERE SID = SYS_CONTEXT(''USERENV'', ''SID'')' INTO v_serial;
  EXCEPTION WHEN OTHERS THEN v_serial := NULL;
  END;
  :o_serial := v_serial;
END;`
}

/** What SESSION_SETUP_SQL's out-binds say. */
export interface SessionFacts {
  /** The session as the server knows it; undefined when SERIAL# could not be read. */
  session: OracleSession | undefined
  /** SESSION_USER: the user the limits count. */
  user: string
  /** CURRENT_SCHEMA: where unqualified names (and RETURNING's tables) are looked up. */
  schema: string
  /** The profile's IDLE_TIME, when it has one: the pool closes an idle connection before the server does. */
  idleTimeoutMs: number | undefined
  /** NLS_CHARACTERSET (AL32UTF8, WE8MSWIN1252 …), undefined when it could not be read. */
  charset: string | undefined
}

/** The database character sets that hold every character (Unicode): text binds need no national character set. */
export const UNICODE_CHARSETS: ReadonlySet<string> = new Set(['AL32UTF8', 'UTF8'])

/** The out-binds of sessionSetupSql: all text (at most 128 bytes each), but SERIAL#. */
export const SESSION_SETUP_BINDS = ['o_sid', 'o_audsid', 'o_server', 'o_started', 'o_user', 'o_schema', 'o_idle', 'o_charset'] as const

export function sessionFactsOf(binds: Record<string, unknown>): SessionFacts {
  const serial = binds.o_serial === null || binds.o_serial === undefined ? undefined : Number(binds.o_serial)
  const session =
    serial === undefined
      ? undefined
      : { sid: Number(binds.o_sid), serial, audsid: String(binds.o_audsid), server: String(binds.o_server), started: String(binds.o_started) }
  const idleMinutes = Number(binds.o_idle)
  const idleTimeoutMs = Number.isInteger(idleMinutes) && idleMinutes > 0 ? idleMinutes * 60_000 : undefined
  const charset = typeof binds.o_charset === 'string' && binds.o_charset !== '' ? binds.o_charset.toUpperCase() : undefined
  return { session, user: String(binds.o_user), schema: String(binds.o_schema), idleTimeoutMs, charset }
}

/**
 * What the server says of a session: which instance answers, and the session's STATUS, seconds in it (LAST_CALL_ET)
 * and SERIAL#, if that very session is still there. Binds: sid, serial, audsid, started.
 */
export const CHECK_SESSION_SQL = `SELECT SYS_CONTEXT('USERENV', 'DB_UNIQUE_NAME') || '/' || SYS_CONTEXT('USERENV', 'INSTANCE_NAME') AS SERVER,
  (SELECT STATUS || ' ' || LAST_CALL_ET FROM V$SESSION
    WHERE SID = :1 AND SERIAL# = :2 AND AUDSID = :3 AND LOGON_TIME <= TO_DATE(:4, 'YYYY-MM-DD HH24:MI:SS')) AS STATE
FROM DUAL`

const checkBinds = (session: OracleSession) => [session.sid, session.serial, session.audsid, session.started]

/** Ends a session, even when its client can no longer be heard (needs the ALTER SYSTEM privilege). */
export const killSessionSql = (session: Pick<OracleSession, 'sid' | 'serial'>) =>
  `ALTER SYSTEM KILL SESSION '${Math.trunc(session.sid)},${Math.trunc(session.serial)}' IMMEDIATE`

/**
 * What the server says of `session` (see SessionState); `ifIdle` runs when it runs nothing. Another instance answering
 * is 'unknown'. INACTIVE for 2 s or more (LAST_CALL_ET is whole seconds): it finished, and its client never heard.
 */
async function sessionState(session: OracleSession, run: ViewQuery, ifIdle?: () => Promise<unknown>): Promise<SessionState> {
  const [row] = await run(CHECK_SESSION_SQL, checkBinds(session))
  if (!row || String(row.SERVER) !== session.server) return 'unknown'
  if (row.STATE === null || row.STATE === undefined) return 'gone'
  const [status, seconds] = String(row.STATE).split(' ')
  if (status !== 'INACTIVE' || Number(seconds) < 2) return 'running'
  await ifIdle?.()
  return 'idle'
}

/** What the server says of `session`, asked on a connection of the engine's own (EngineDriver.checkSession). */
export async function checkOracleSession(session: OracleSession, run: ViewQuery, refusal: StatementRefusal, user: string): Promise<SessionState> {
  try {
    return await sessionState(session, run)
  } catch (error) {
    if (refusedBy(refusal, error)) throw new Error(`cannot check session ${sessionIdOf(session)}: ${grantNote(user, 'V_$SESSION')}`, { cause: error })
    throw error
  }
}

/**
 * Ends `session` on the server if it is that very session and it runs nothing (EngineDriver.endSession). Refused without
 * the ALTER SYSTEM privilege: the error says so.
 */
export async function endOracleSession(session: OracleSession, run: ViewQuery, refusal: StatementRefusal, user: string): Promise<void> {
  try {
    await sessionState(session, run, () => run(killSessionSql(session)))
  } catch (error) {
    if (refusal(error) === 1031) {
      throw new Error(
        `cannot end session ${sessionIdOf(session)} on the server: user ${user} lacks the ALTER SYSTEM privilege ` +
          `(GRANT ALTER SYSTEM TO ${quoteIdentifier(user)}); the server ends it when its idle or dead-connection timeout passes.`,
        { cause: error },
      )
    }
    throw error
  }
}

/** The grant that would let `user` read the view `view` (V_$SESSION, the object behind the V$SESSION synonym). */
export const grantNote = (user: string, view: string) =>
  `user ${user} may not read ${view.replace('_$', '$')}: GRANT SELECT ON ${view} TO ${quoteIdentifier(user)} (or GRANT SELECT_CATALOG_ROLE TO ${quoteIdentifier(user)})`

/**
 * The instance's session and process limits, whether profile limits (SESSIONS_PER_USER) are enforced, and the container
 * the session is in (CON_NAME: CDB$ROOT, a PDB's name, or NULL before multitenant).
 *
 * From a PDB, V$PARAMETER shows the PDB's values (a PDB may lower `sessions` for itself) and V$SESSION only that PDB's
 * sessions, while `processes` (and `sessions`, unless the PDB sets its own) are shared with the other PDBs of the CDB:
 * the sessions those hold are not seen, so the room left may be less than counted. The limits' descriptions say so.
 */
export const PARAMETERS_SQL =
  "SELECT NAME, VALUE FROM V$PARAMETER WHERE NAME IN ('sessions', 'processes', 'resource_limit') " +
  "UNION ALL SELECT 'con_name', SYS_CONTEXT('USERENV', 'CON_NAME') FROM DUAL"
/** The background sessions, which take their share of both limits. */
export const BACKGROUND_SQL = "SELECT COUNT(*) AS N FROM V$SESSION WHERE TYPE = 'BACKGROUND'"
/** The session user's profile limit on its sessions: a number, UNLIMITED (or DEFAULT, resolved by the view). Any user may read it. */
export const PROFILE_SQL = `SELECT "LIMIT" FROM USER_RESOURCE_LIMITS WHERE RESOURCE_NAME = 'SESSIONS_PER_USER'`

/** What was read of the limits; `notes` say what could not be, and which grant would show it. */
export interface OracleLimits {
  limits: ConnectionLimit[]
  notes: string[]
}

/**
 * The limits of PARAMETERS_SQL's, BACKGROUND_SQL's and PROFILE_SQL's rows (each undefined when unreadable): `sessions`
 * and `processes` less the background sessions, and SESSIONS_PER_USER for `user` when resource_limit enforces it.
 */
export function limitsOf(
  parameters: Record<string, unknown>[] | undefined,
  background: number | undefined,
  profileLimit: string | undefined,
  user: string,
): ConnectionLimit[] {
  const limits: ConnectionLimit[] = []
  const value = (name: string) => parameters?.find((row) => String(row.NAME).toLowerCase() === name)?.VALUE
  const taken = background ? ` - ${background} background sessions` : ''
  const container = value('con_name')
  const pdb =
    container !== null && container !== undefined && String(container) !== '' && String(container).toUpperCase() !== 'CDB$ROOT'
      ? ` (seen from PDB ${String(container)}: sessions of the CDB's other PDBs, which share the limit, are not counted)`
      : ''
  for (const name of ['sessions', 'processes']) {
    const n = Number(value(name))
    if (Number.isInteger(n) && n > 0) limits.push({ limit: Math.max(0, n - (background ?? 0)), what: `${name} ${n}${taken}${pdb}` })
  }
  const enforced = String(value('resource_limit') ?? 'TRUE').toUpperCase() !== 'FALSE'
  const perUser = Number(profileLimit)
  if (enforced && Number.isInteger(perUser) && perUser > 0) {
    limits.push({ limit: perUser, what: `SESSIONS_PER_USER ${perUser} of user ${user}'s profile`, scope: { user } })
  }
  return limits
}

/** Reads what it can of the limits (see limitsOf), with a note for each view it may not read. */
export async function readConnectionLimits(run: ViewQuery, refusal: StatementRefusal, user: string): Promise<OracleLimits> {
  const notes: string[] = []
  const optional = async <T>(read: () => Promise<T>, view: string, what: string): Promise<T | undefined> => {
    try {
      return await read()
    } catch (error) {
      if (!refusedBy(refusal, error)) throw error
      notes.push(`${grantNote(user, view)}: ${what}`)
      return undefined
    }
  }
  const parameters = await optional(() => run(PARAMETERS_SQL), 'V_$PARAMETER', "the instance's sessions and processes limits are not checked")
  const background =
    parameters === undefined
      ? undefined
      : await optional(async () => Number((await run(BACKGROUND_SQL))[0]?.N ?? 0), 'V_$SESSION', 'the background sessions are not taken off the limits')
  const [profile] = await run(PROFILE_SQL)
  const limit = profile?.LIMIT === null || profile?.LIMIT === undefined ? undefined : String(profile.LIMIT)
  return { limits: limitsOf(parameters, background, limit, user), notes }
}

/** The instance's user sessions (not the background processes'). IN_TX: it holds a transaction (TADDR). */
export const SESSIONS_SQL =
  'SELECT SID, SERIAL#, USERNAME, STATUS, MODULE, CLIENT_IDENTIFIER, PROGRAM, CASE WHEN TADDR IS NULL THEN 0 ELSE 1 END AS IN_TX ' +
  "FROM V$SESSION WHERE TYPE = 'USER'"

/** The worker tag of a session: its CLIENT_IDENTIFIER or MODULE when one is a tag, else its MODULE or PROGRAM. */
function applicationOf(row: Record<string, unknown>): string {
  const text = (value: unknown) => (value === null || value === undefined ? '' : String(value))
  const clientId = text(row.CLIENT_IDENTIFIER)
  const module = text(row.MODULE)
  // Our connections carry the tag in both; an application may have changed its MODULE since (DBMS_APPLICATION_INFO).
  if (parseTag(clientId)) return clientId
  if (parseTag(module)) return module
  return module || text(row.PROGRAM)
}

/** V$SESSION's STATUS in the words of ServerConnection.state. */
function stateOf(status: unknown, inTransaction: boolean): string {
  switch (String(status)) {
    case 'ACTIVE':
      return 'active'
    case 'INACTIVE':
      return inTransaction ? 'idle in transaction' : 'idle'
    default:
      return String(status).toLowerCase()
  }
}

/** The live view of SESSIONS_SQL's rows. */
export function connectionListOf(rows: Record<string, unknown>[], note?: string): ServerConnectionList {
  const connections = rows.map(
    (row): ServerConnection => ({
      id: sessionIdOf({ sid: Number(row.SID), serial: Number(row['SERIAL#']) }),
      application: applicationOf(row),
      ...(row.USERNAME !== null && row.USERNAME !== undefined ? { user: String(row.USERNAME) } : {}),
      state: stateOf(row.STATUS, Number(row.IN_TX) === 1),
    }),
  )
  return { connections, ...(note ? { note } : {}) }
}

/** The instance's user sessions from V$SESSION; without the grant, none, and a note saying which grant shows them. */
export async function readServerConnections(run: ViewQuery, refusal: StatementRefusal, user: string): Promise<ServerConnectionList> {
  try {
    return connectionListOf(await run(SESSIONS_SQL))
  } catch (error) {
    if (!refusedBy(refusal, error)) throw error
    return connectionListOf([], `${grantNote(user, 'V_$SESSION')}: no session of the server can be listed, this worker's own included.`)
  }
}
