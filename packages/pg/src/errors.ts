import { describeTlsFailure, isObject, lossOfKind, mapSocketError, socketError, TLS_CODES, type ConnectionLoss } from '@prisma-pool/core/engine'
import type { Error as AdapterError, MappedError } from '@prisma/driver-adapter-utils'

/** What pg puts on a server error (a `DatabaseError`). */
interface PgServerError {
  code: string
  message: string
  severity: string
  detail?: string
  hint?: string
  column?: string
  constraint?: string
  table?: string
}

/** pg's words for the settings a certificate failure's fix needs (in the connection string, or the `ssl` option). */
const TLS_FIXES = {
  trustCa: 'sslrootcert=/path/to/ca.pem in the connection string (or, with no TLS parameter in it, the ssl option { ca })',
  skipVerify: 'sslmode=no-verify',
}

const TLS_MESSAGES = new Set([
  'The server does not support SSL connections',
  'There was an error establishing an SSL connection',
])
/** pg's own messages when the socket goes away under it. */
const LOST_MESSAGES = [
  'Connection terminated unexpectedly',
  'Connection terminated',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
]
const QUERY_TIMEOUT_MESSAGE = 'Query read timeout'

function isServerError(e: unknown): e is PgServerError {
  return isObject(e) && typeof e.code === 'string' && typeof e.severity === 'string' && typeof e.message === 'string'
}

/** Quoted names in a message: `relation "public.User" does not exist` → `public.User`. */
function quoted(message: string): string | undefined {
  return /"((?:[^"]|"")*)"/.exec(message)?.[1]?.replaceAll('""', '"')
}

/** One column of a key list: a plain or a quoted identifier, then `, ` or the end. */
const KEY_FIELD = /("(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)(, |$)/y

/**
 * `Key (email, "Tenant Id")=(…)` → `['email', 'Tenant Id']`; `undefined` when the key is not a plain list
 * of columns (an expression index such as `lower(email)`), so that the index name is reported instead.
 */
function keyFields(detail: string | undefined): string[] | undefined {
  const list = /^Key \((.+?)\)=/.exec(detail ?? '')?.[1]
  if (list === undefined) return undefined
  const fields: string[] = []
  KEY_FIELD.lastIndex = 0
  while (KEY_FIELD.lastIndex < list.length) {
    const m = KEY_FIELD.exec(list)
    if (!m) return undefined
    fields.push(m[1]!.startsWith('"') ? m[1]!.slice(1, -1).replaceAll('""', '"') : m[1]!)
    if (m[2] === '') break
  }
  return KEY_FIELD.lastIndex === list.length ? fields : undefined
}

function mapServerError(e: PgServerError): MappedError {
  switch (e.code) {
    case '22001':
      return { kind: 'LengthMismatch', column: e.column }
    case '22003':
      return { kind: 'ValueOutOfRange', cause: e.message }
    case '22P02':
    case '22007':
    case '22008':
      return { kind: 'InvalidInputValue', message: e.message }
    case '23505': {
      const fields = keyFields(e.detail)
      return {
        kind: 'UniqueConstraintViolation',
        constraint: fields ? { fields } : e.constraint ? { index: e.constraint } : undefined,
        table: e.table,
      }
    }
    case '23502':
      return { kind: 'NullConstraintViolation', constraint: e.column ? { fields: [e.column] } : undefined }
    case '23503':
    case '23001': {
      const fields = keyFields(e.detail)
      const constraint = fields ? { fields } : e.constraint ? { index: e.constraint } : undefined
      return { kind: e.code === '23503' ? 'ForeignKeyConstraintViolation' : 'RestrictViolation', constraint }
    }
    case '3D000':
      return { kind: 'DatabaseDoesNotExist', db: quoted(e.message) }
    case '42P04':
      return { kind: 'DatabaseAlreadyExists', db: quoted(e.message) }
    case '28000': {
      // Also raised for a login role that does not exist: that is a credentials problem, not a database one.
      const role = /^role "(.+)" does not exist$/.exec(e.message)?.[1]
      if (role !== undefined) return { kind: 'AuthenticationFailed', user: role }
      return { kind: 'DatabaseAccessDenied', db: /database "([^"]+)"/.exec(e.message)?.[1] }
    }
    case '28P01':
      return { kind: 'AuthenticationFailed', user: quoted(e.message) }
    case '40001':
    case '40P01':
      return { kind: 'TransactionWriteConflict' }
    case '42P01':
      return { kind: 'TableDoesNotExist', table: quoted(e.message) }
    case '42703': {
      // `column "nope" does not exist`, `column t.nope does not exist`, `column "nope" of relation "t" does not exist`
      const m = /^column (?:"((?:[^"]|"")+)"|(\S+)) (?:of relation .* )?does not exist$/.exec(e.message)
      return { kind: 'ColumnNotFound', column: m?.[1]?.replaceAll('""', '"') ?? m?.[2] }
    }
    case '53300':
      return { kind: 'TooManyConnections', cause: e.message }
    case '57P01': // admin_shutdown: pg_terminate_backend, server shutting down
    case '57P02': // crash_shutdown
      return { kind: 'ConnectionClosed' }
    case '57P03': // cannot_connect_now: the server is starting up or shutting down
      return { kind: 'DatabaseNotReachable' }
    default:
      return {
        kind: 'postgres',
        code: e.code,
        severity: e.severity,
        message: e.message,
        detail: e.detail,
        column: e.column,
        hint: e.hint,
      }
  }
}

/** Maps a pg or socket error to Prisma's kinds, keeping the original code and message. */
export function convertPgError(error: unknown): AdapterError | undefined {
  if (!isObject(error) || typeof error.message !== 'string') return undefined
  if (isServerError(error)) {
    return { ...mapServerError(error), originalCode: error.code, originalMessage: error.message }
  }
  const socket = socketError(error)
  const mapped = socket && mapSocketError(socket)
  if (socket && mapped) return { ...mapped, originalCode: socket.code, originalMessage: socket.message }
  if ((typeof error.code === 'string' && TLS_CODES.has(error.code)) || TLS_MESSAGES.has(error.message)) {
    // No originalMessage: Prisma would show it instead of the reason (with the fix) for a raw query's P2010.
    const reason = describeTlsFailure({ code: error.code, message: error.message }, TLS_FIXES)
    return { kind: 'TlsConnectionError', reason, ...(typeof error.code === 'string' ? { originalCode: error.code } : {}) }
  }
  if (error.message === QUERY_TIMEOUT_MESSAGE) return { kind: 'SocketTimeout', originalMessage: error.message }
  if (LOST_MESSAGES.some((message) => (error.message as string).startsWith(message))) {
    return { kind: 'ConnectionClosed', originalMessage: error.message }
  }
  return undefined
}

/** SQLSTATEs that mean the server is dropping its sessions: shutdown, crash, restart (or pg_terminate_backend). */
const SERVER_GONE = new Set(['57P01', '57P02', '57P03'])

/**
 * Whether an error ends its connection: `'server'` when the server has dropped its connections (a reset
 * socket, a shutdown), `'connection'` when only this session is gone (a query timeout, a FATAL error such
 * as idle_session_timeout), `undefined` when the connection is fine (constraint errors …).
 */
export function pgConnectionLoss(error: unknown): ConnectionLoss | undefined {
  if (!isObject(error)) return undefined
  if (isServerError(error)) {
    // A protocol violation (08P01) is this connection's alone: a pooler refusing what it cannot relay, say.
    if (error.code === '08P01') return 'connection'
    if (SERVER_GONE.has(error.code) || error.code.startsWith('08')) return 'server'
    return error.severity === 'FATAL' || error.severity === 'PANIC' ? 'connection' : undefined
  }
  return lossOfKind(convertPgError(error)?.kind)
}
