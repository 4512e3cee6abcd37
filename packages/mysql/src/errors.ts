import { describeTlsFailure, isObject, lossOfKind, mapSocketError, socketError, TLS_CODES, type ConnectionLoss } from '@prisma-pool/core/engine'
import type { Error as AdapterError, MappedError } from '@prisma/driver-adapter-utils'

/**
 * An error the server sent, as every MySQL driver reports it: the server's error number, SQLSTATE and message (without
 * what the driver adds to it). @prisma-pool/jdbc's MySQL route maps its SQLExceptions through the same functions.
 */
export interface MySqlServerError {
  errno: number
  sqlState?: string | undefined
  message: string
}

/** What mysql2 puts on an error the server sent. */
interface ServerError {
  errno: number
  code: string
  sqlState?: string
  sqlMessage: string
  message: string
  fatal?: boolean
}

function isServerError(e: unknown): e is ServerError {
  return isObject(e) && typeof e.errno === 'number' && e.errno > 0 && typeof e.sqlMessage === 'string'
}

/** The first `'quoted'` name in a message, or the one at `index`. */
const quoted = (message: string, index = 0) => [...message.matchAll(/'((?:[^']|'')*)'/g)][index]?.[1]

/** Server errors that end the session: the client library's "gone away" family, and the server's own notices. */
const SESSION_ENDED = new Set([
  1053, // ER_SERVER_SHUTDOWN
  1927, // ER_CONNECTION_KILLED (MariaDB: KILL of this connection)
  2006, // CR_SERVER_GONE_ERROR "MySQL server has gone away"
  2013, // CR_SERVER_LOST "Lost connection to MySQL server during query"
  2055, // CR_SERVER_LOST_EXTENDED
  4031, // ER_CLIENT_INTERACTION_TIMEOUT (MySQL 8.0.24+: wait_timeout expired)
])

function mapServerError(e: MySqlServerError): MappedError {
  const message = e.message
  switch (e.errno) {
    case 1062: {
      // `Duplicate entry 'x' for key 'User_email_key'` (MySQL 8: `'User.User_email_key'`)
      const key = / for key '([^']*)'$/.exec(message)?.[1]?.split('.')
      return {
        kind: 'UniqueConstraintViolation',
        constraint: key ? { index: key.at(-1)! } : undefined,
        table: key && key.length > 1 ? key.slice(0, -1).join('.') : undefined,
      }
    }
    case 1451:
    case 1452: {
      // `… CONSTRAINT `Post_authorId_fkey` FOREIGN KEY (`authorId`) REFERENCES …`
      const list = /FOREIGN KEY \(([^)]*)\)/.exec(message)?.[1]
      const fields = list?.split(',').map((field) => field.trim().replace(/^`|`$/g, '').replaceAll('``', '`'))
      return { kind: 'ForeignKeyConstraintViolation', constraint: fields ? { fields } : undefined }
    }
    case 1048: // `Column 'name' cannot be null`
    case 1364: // `Field 'name' doesn't have a default value`
    case 1263: {
      // `Column set to default value; NULL supplied to NOT NULL column 'name' at row 1`
      const field = quoted(message)
      return { kind: 'NullConstraintViolation', constraint: field !== undefined ? { fields: [field] } : undefined }
    }
    case 1264:
      return { kind: 'ValueOutOfRange', cause: message }
    case 1406:
      return { kind: 'LengthMismatch', column: quoted(message) }
    case 1049:
      return { kind: 'DatabaseDoesNotExist', db: quoted(message) }
    case 1007:
      return { kind: 'DatabaseAlreadyExists', db: quoted(message) }
    case 1044:
      return { kind: 'DatabaseAccessDenied', db: quoted(message, 2) }
    case 1045: // `Access denied for user 'u'@'host' (using password: YES)`
    case 1698: // the same, for an account that does not exist or takes another authentication plugin
      return { kind: 'AuthenticationFailed', user: quoted(message) }
    case 1146:
      return { kind: 'TableDoesNotExist', table: quoted(message)?.split('.').pop() }
    case 1054:
      return { kind: 'ColumnNotFound', column: quoted(message) }
    case 1191:
      return { kind: 'MissingFullTextSearchIndex' }
    case 1213:
      return { kind: 'TransactionWriteConflict' }
    case 1969: // MariaDB's max_statement_time
    case 3024: // MySQL's max_execution_time
      return { kind: 'SocketTimeout' }
    case 1040: // ER_CON_COUNT_ERROR: max_connections
    case 1203: // ER_TOO_MANY_USER_CONNECTIONS: max_user_connections
    case 1226: // ER_USER_LIMIT_REACHED: the account's MAX_USER_CONNECTIONS
      return { kind: 'TooManyConnections', cause: message }
    default:
      if (SESSION_ENDED.has(e.errno)) return { kind: 'ConnectionClosed' }
      return { kind: 'mysql', code: e.errno, message, state: e.sqlState ?? 'N/A' }
  }
}

/** A server error in Prisma's kinds, with its original code and message. */
export function convertMySqlServerError(e: MySqlServerError): AdapterError {
  return { ...mapServerError(e), originalCode: String(e.errno), originalMessage: e.message }
}

/** Server errors that concern only this session (its own timeout, a KILL of it). */
const SESSION_ONLY = new Set([1927, 4031])

/**
 * What a server error says of its connection: `'connection'` when this session alone is gone (killed, timed out),
 * `'server'` when the server may have dropped every session (a shutdown, "gone away"), undefined when it says nothing
 * (the driver may still know the connection is gone: mysql2's `fatal`).
 */
export function mySqlServerErrorLoss(errno: number): ConnectionLoss | undefined {
  if (SESSION_ONLY.has(errno)) return 'connection'
  if (SESSION_ENDED.has(errno)) return 'server'
  return undefined
}

/** mysql2's own codes and messages for a connection that has gone. */
const LOST_CODES = new Set(['PROTOCOL_CONNECTION_LOST', 'PROTOCOL_ENQUEUE_AFTER_QUIT', 'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR'])
const CLOSED_MESSAGE = "Can't add new command when connection is in closed state"
const TLS_LIBRARY_CODES = new Set(['HANDSHAKE_NO_SSL_SUPPORT', 'HANDSHAKE_SSL_ERROR'])
/** The settings a certificate failure's fix needs: Prisma 6's URL parameters (or mysql2's `ssl` option). */
const TLS_FIXES = {
  trustCa: 'sslcert=/path/to/ca.pem in the connection string (or, with no TLS parameter in it, the ssl option { ca })',
  skipVerify: 'sslaccept=accept_invalid_certs',
}

/** A statement refused because its connection was given up after a query timeout. */
export class ConnectionGivenUpError extends Error {
  constructor() {
    super('the connection was given up after a query timed out on it; its transaction, if any, is rolled back')
  }
}

/**
 * A loss on a side connection (a script's): it is reported like the original error, but says nothing about
 * the pooled connection that ran the call, which must not be closed for it.
 */
export class SideConnectionError extends Error {
  constructor(readonly original: Error) {
    super(original.message, { cause: original })
  }
}

/** Maps a mysql2 or socket error to Prisma's kinds, keeping the original code and message. */
export function convertMySqlError(error: unknown): AdapterError | undefined {
  if (!isObject(error) || typeof error.message !== 'string') return undefined
  if (isServerError(error)) return convertMySqlServerError({ errno: error.errno, sqlState: error.sqlState, message: error.sqlMessage })
  if (error instanceof ConnectionGivenUpError) return { kind: 'ConnectionClosed', originalMessage: error.message }
  if (error instanceof SideConnectionError) return convertMySqlError(error.original)
  const code = typeof error.code === 'string' ? error.code : undefined
  const socket = socketError(error)
  const mapped = socket && mapSocketError(socket)
  if (socket && mapped) return { ...mapped, originalCode: socket.code, originalMessage: socket.message }
  if (code && (TLS_CODES.has(code) || TLS_LIBRARY_CODES.has(code))) {
    // No originalMessage: Prisma would show it instead of the reason (with the fix) for a raw query's P2010.
    return { kind: 'TlsConnectionError', reason: describeTlsFailure({ code, message: error.message }, TLS_FIXES), originalCode: code }
  }
  if (code === 'PROTOCOL_SEQUENCE_TIMEOUT') return { kind: 'SocketTimeout', originalCode: code, originalMessage: error.message }
  if ((code && LOST_CODES.has(code)) || error.message === CLOSED_MESSAGE) {
    return { kind: 'ConnectionClosed', originalCode: code, originalMessage: error.message }
  }
  return undefined
}

/**
 * Whether an error ends its connection: `'server'` when the server may have dropped every connection
 * (a reset socket, a shutdown, "gone away"), `'connection'` when only this session is gone (killed, timed
 * out), `undefined` when the connection is fine (constraint errors …).
 */
export function mySqlConnectionLoss(error: unknown): ConnectionLoss | undefined {
  if (!isObject(error)) return undefined
  if (error instanceof ConnectionGivenUpError) return 'connection'
  if (error instanceof SideConnectionError) return undefined
  if (isServerError(error)) return mySqlServerErrorLoss(error.errno) ?? (error.fatal === true ? 'connection' : undefined)
  return lossOfKind(convertMySqlError(error)?.kind) ?? (error.fatal === true ? 'connection' : undefined)
}
