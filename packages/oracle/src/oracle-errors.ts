// What Oracle's errors mean in Prisma's terms, from their code and message alone: no driver object, so that
// @prisma-pool/jdbc (ojdbc's SQLException: getErrorCode() and getMessage()) maps them as @prisma-pool/oracle (node-oracledb
// Thin) does. Codes are the server's `ORA-nnnnn` (given as a number or as its text) and node-oracledb's own `NJS-nnn`.
// Messages are parsed the way Oracle writes them, 19c's and 23ai's forms alike (23ai names the table and columns).
import type { ConnectionLoss } from '@prisma-pool/core/engine'
import type { Error as AdapterError, MappedError } from '@prisma/driver-adapter-utils'

/** `1` or `'ORA-00001'` → `'ORA-00001'`; other texts (`'NJS-503'`) as they are. */
export function oracleCode(code: number | string): string {
  if (typeof code === 'number') return `ORA-${String(code).padStart(5, '0')}`
  return /^\d+$/.test(code) ? oracleCode(Number(code)) : code.toUpperCase()
}

/** The ORA number of a code, or of the first `ORA-nnnnn` in a message (a batch error, a listener's cause). */
export function oraNumber(code: number | string | undefined, message = ''): number | undefined {
  const text = code === undefined ? '' : oracleCode(code)
  const found = /^ORA-(\d+)$/.exec(text) ?? /ORA-(\d{5})/.exec(message)
  return found ? Number(found[1]) : undefined
}

/** `"APP"."User"."email"` or `APP.User_email_key` → its parts, quotes removed. */
function nameParts(text: string): string[] {
  return [...text.matchAll(/"((?:[^"]|"")*)"|([^."\s]+)/g)].map((m) => (m[1] !== undefined ? m[1].replaceAll('""', '"') : m[2]!))
}

/** The last part of the first qualified name in parentheses: `(APP.User_email_key)` → `User_email_key`. */
const constraintName = (message: string) => {
  const inside = /\(([^()]+)\)/.exec(message)?.[1]
  return inside === undefined ? undefined : nameParts(inside).at(-1)
}

/** 23ai: `… on table APP.User columns (email, name)` → `{ table: 'User', fields: ['email', 'name'] }`. */
function tableAndColumns(message: string): { table?: string; fields?: string[] } {
  const table = /\bon table ((?:"[^"]*"|[^\s"(]+)(?:\.(?:"[^"]*"|[^\s"(]+))*)/.exec(message)?.[1]
  const columns = /\bcolumns \(([^)]*)\)/.exec(message)?.[1]
  return {
    ...(table !== undefined ? { table: nameParts(table).at(-1) } : {}),
    ...(columns !== undefined ? { fields: columns.split(',').map((column) => nameParts(column.trim()).join('.')) } : {}),
  }
}

/** The column of `("APP"."User"."email")` or `"APP"."User"."email"`: `email`. */
const quotedColumn = (message: string) => {
  const quoted = /((?:"(?:[^"]|"")*"\.?)+)/.exec(message)?.[1]
  return quoted === undefined ? undefined : nameParts(quoted).at(-1)
}

/** `host 127.0.0.1 port 1521` of node-oracledb's network messages. */
function hostAndPort(message: string): { host?: string; port?: number } {
  const found = /\bhost (\S+) port (\d+)/.exec(message)
  return found ? { host: found[1]!, port: Number(found[2]) } : {}
}

/** The listener's ORA- causes that mean the instance has no room for another session (its processes are used up). */
const LISTENER_FULL = new Set([12516, 12519, 12520])
/** The listener's ORA- causes that mean the instance is there but not accepting sessions now: starting, blocked, restricted. */
const LISTENER_NOT_NOW = new Set([12518, 12526, 12527, 12528])

/** Server errors whose session is gone: the whole connection to the server died, or the server is going down. */
const SERVER_GONE = new Set([
  1033, // ORACLE initialization or shutdown in progress
  1034, // ORACLE not available
  1089, // immediate shutdown or close in progress
  1092, // ORACLE instance terminated. Disconnection forced
  3113, // end-of-file on communication channel
  3114, // not connected to ORACLE
  3135, // connection lost contact
  12537, // TNS:connection closed
  12547, // TNS:lost contact
  12570, // TNS:packet reader failure
  12571, // TNS:packet writer failure
])
/** Server errors that end this session alone: it was killed, timed out, or ended by a fatal error of its own. */
const SESSION_GONE = new Set([
  22, // invalid session ID; access denied
  28, // your session has been killed
  31, // session marked for kill
  603, // ORACLE server session terminated by fatal error
  1012, // not logged on
  2396, // exceeded maximum idle time, please connect again
])

function mapOra(ora: number, message: string): MappedError {
  switch (ora) {
    case 1: {
      const { table, fields } = tableAndColumns(message)
      const index = constraintName(message)
      return {
        kind: 'UniqueConstraintViolation',
        constraint: fields ? { fields } : index !== undefined ? { index } : undefined,
        ...(table !== undefined ? { table } : {}),
      }
    }
    case 2291: // integrity constraint (APP.Post_authorId_fkey) violated - parent key not found
    case 2292: {
      // … - child record found
      const index = constraintName(message)
      return { kind: 'ForeignKeyConstraintViolation', constraint: index !== undefined ? { index } : undefined }
    }
    case 1400: // cannot insert NULL into ("APP"."User"."name")
    case 1407: {
      // cannot update ("APP"."User"."name") to NULL
      const column = quotedColumn(message)
      return { kind: 'NullConstraintViolation', constraint: column !== undefined ? { fields: [column] } : undefined }
    }
    case 12899: // value too large for column "APP"."User"."email" (actual: 41, maximum: 40)
    case 1401:
      return { kind: 'LengthMismatch', column: quotedColumn(message) }
    case 1438: // value larger than specified precision allowed for this column
    case 1426: // numeric overflow
    case 1455: // converting column overflows integer datatype
      return { kind: 'ValueOutOfRange', cause: message }
    case 1722: // invalid number
    case 1830: // date format picture ends before converting entire input string
    case 1840:
    case 1841:
    case 1843:
    case 1847:
    case 1858:
    case 1861:
    case 1878: // specified field not found in datetime or interval (a time in a DST gap)
    case 40441: // JSON syntax error
      return { kind: 'InvalidInputValue', message }
    case 942: {
      // table or view does not exist; 23ai: table or view "APP"."Nope" does not exist
      const table = quotedColumn(message)
      return { kind: 'TableDoesNotExist', ...(table !== undefined ? { table } : {}) }
    }
    case 904: // "nope": invalid identifier; 23ai: "User"."nope": invalid identifier
      return { kind: 'ColumnNotFound', column: quotedColumn(message) }
    case 60: // deadlock detected while waiting for resource
    case 8177: // can't serialize access for this transaction
      return { kind: 'TransactionWriteConflict' }
    case 1017: // invalid username/password; logon denied (23ai: invalid credential or not authorized)
    case 1005: // null password given
    case 28000: // the account is locked
    case 28001: // the password has expired
    case 28040: // no matching authentication protocol
      return { kind: 'AuthenticationFailed' }
    case 1045: // user lacks CREATE SESSION privilege; logon denied
      return { kind: 'DatabaseAccessDenied' }
    case 18: // maximum number of sessions exceeded
    case 20: // maximum number of processes exceeded
    case 2391: // exceeded simultaneous SESSIONS_PER_USER limit
      return { kind: 'TooManyConnections', cause: message }
    case 12514: // TNS:listener does not currently know of service requested; 23ai: Service X is not registered with the listener …
      return { kind: 'DatabaseDoesNotExist', db: /Service "?([^"\s]+)"? is not registered/i.exec(message)?.[1] }
    case 12505: // TNS:listener does not currently know of SID; 23ai: SID X is not registered …
      return { kind: 'DatabaseDoesNotExist', db: /SID "?([^"\s]+)"? is not registered/i.exec(message)?.[1] }
    case 12541: // TNS:no listener (ojdbc, Thick)
    case 12543: // TNS:destination host unreachable
    case 12545: // connect failed because target host or object does not exist
    case 12170: // TNS:connect timeout occurred
      return { kind: 'DatabaseNotReachable' }
    default:
      if (LISTENER_FULL.has(ora)) return { kind: 'TooManyConnections', cause: message }
      if (LISTENER_NOT_NOW.has(ora)) return { kind: 'DatabaseNotReachable' }
      if (SERVER_GONE.has(ora) || SESSION_GONE.has(ora)) return ora === 1033 || ora === 1034 ? { kind: 'DatabaseNotReachable' } : { kind: 'ConnectionClosed' }
      // What Prisma has no kind for (ORA-01013, the statement cancelled, among them): its code and message, as a
      // PostgreSQL error would carry its SQLSTATE (Prisma's P2010 / P2039 show them).
      return { kind: 'postgres', code: oracleCode(ora), severity: 'ERROR', message, detail: undefined, column: undefined, hint: undefined }
  }
}

/** What a TLS failure is, and what to set. */
const TLS_HINT =
  'check the wallet (walletLocation, walletPassword) and, for a server certificate whose name is not the host name, ' +
  'sslServerCertDN or sslServerDNMatch: false'

function mapNjs(njs: number, message: string): MappedError | undefined {
  switch (njs) {
    case 500: // connection to Oracle Database was closed or broken
    case 501: // connection … terminated unexpectedly
    case 521: // … received end-of-file on communication channel
      return { kind: 'ConnectionClosed' }
    case 3: // invalid or closed connection: a call on a connection already closed here
      return { kind: 'ConnectionClosed' }
    case 503: // connection to host H port P could not be established (no listener, refused, unreachable)
    case 510: // connection to host H port P timed out
      return { kind: 'DatabaseNotReachable', ...hostAndPort(message) }
    case 530: // the host addresses … are incorrect or unresolvable
      return { kind: 'DatabaseNotReachable' }
    case 511: {
      // connection to listener at host H port P was refused … Cause: ORA-12516
      const cause = oraNumber(undefined, message)
      if (cause !== undefined && LISTENER_FULL.has(cause)) return { kind: 'TooManyConnections', cause: message }
      return { kind: 'DatabaseNotReachable', ...hostAndPort(message) }
    }
    case 518: // Service "S" is not registered with the listener at host H port P
      return { kind: 'DatabaseDoesNotExist', db: /Service "([^"]*)"/.exec(message)?.[1] }
    case 519: // SID "S" is not registered …
      return { kind: 'DatabaseDoesNotExist', db: /SID "([^"]*)"/.exec(message)?.[1] }
    case 505: // unable to initiate TLS connection
    case 506: // TLS handshake failure
    case 507: // server DN in certificate does not match the specified DN
    case 508: // <name> not present in certificate
      return { kind: 'TlsConnectionError', reason: `${message.split('\n')[0]}: ${TLS_HINT}` }
    case 123: // call timeout of N ms exceeded
      return { kind: 'SocketTimeout' }
    default:
      return undefined
  }
}

/**
 * What Oracle cannot do of a statement Prisma sent (the translator's refusal, a JSON filter before 21c), for Prisma:
 * PostgreSQL's feature_not_supported (0A000) with the reason, which says what to do instead.
 */
export function featureNotSupported(message: string): AdapterError {
  return { kind: 'postgres', code: '0A000', severity: 'ERROR', message, detail: undefined, column: undefined, hint: undefined, originalCode: '0A000', originalMessage: message }
}

/**
 * An Oracle error in Prisma's kinds, with its code and message as `originalCode` / `originalMessage`; `undefined` for
 * a code this mapping does not know (a driver's own usage error), which then reaches the user unchanged.
 */
export function convertOracleError(code: number | string, message: string): AdapterError | undefined {
  const text = oracleCode(code)
  const njs = /^NJS-(\d+)$/.exec(text)
  const ora = oraNumber(text)
  const mapped = njs ? mapNjs(Number(njs[1]), message) : ora !== undefined ? mapOra(ora, message) : undefined
  return mapped && { ...mapped, originalCode: text, originalMessage: message }
}

/**
 * What an Oracle error says of its connection: `'server'` when the path to the server, or the server, went away (every
 * connection opened before is suspect), `'connection'` when this session alone ended (killed, idle too long, a call
 * timed out, or used after it was closed here), `undefined` when the session is fine (a constraint, a cancelled call).
 */
export function oracleConnectionLoss(code: number | string, message = ''): ConnectionLoss | undefined {
  const text = oracleCode(code)
  const njs = /^NJS-(\d+)$/.exec(text)
  if (njs) {
    switch (Number(njs[1])) {
      case 500:
      case 501:
      case 521:
      case 503:
      case 510:
        return 'server'
      case 3:
      case 123:
      case 509: // a malformed packet: the protocol is out of step on this connection
        return 'connection'
      default:
        return undefined
    }
  }
  const ora = oraNumber(text, message)
  if (ora === undefined) return undefined
  if (SERVER_GONE.has(ora)) return 'server'
  if (SESSION_GONE.has(ora)) return 'connection'
  return undefined
}

/** ORA-00001: what a skipDuplicate step ignores (ON CONFLICT DO NOTHING). */
export const UNIQUE_VIOLATION = 1
/** Server refusals of one statement for want of a privilege or a view: the session is fine, the note says what to grant. */
export const NOT_PERMITTED = new Set([942, 1031, 1039])
