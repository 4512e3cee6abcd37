// What any JDBC driver's errors say by their SQLSTATE (the SQL standard's classes, which most drivers follow), for
// databases whose dialect has no mapping of its own and for what a dialect leaves out.
import type { ConnectionLoss } from '@prisma-pool/core/engine'
import type { Error as AdapterError } from '@prisma/driver-adapter-utils'
import type { JdbcError } from './dialect.js'
import { JdbcException } from './session.js'

/** Java exceptions among the causes that mean the socket is gone. */
const SOCKET_GONE = /^java\.(net\.(SocketException|ConnectException|NoRouteToHostException|UnknownHostException)|io\.EOFException|nio\.channels\.ClosedChannelException)$/

/** A read that timed out (the driver's socketTimeout): this connection's statement, not the server's loss. */
const timedOut = (error: JdbcError) => error.className === 'java.sql.SQLTimeoutException' || error.causes.includes('java.net.SocketTimeoutException')

export function genericConvertError(error: JdbcError): AdapterError | undefined {
  if (timedOut(error)) return { kind: 'SocketTimeout' }
  const state = error.sqlState ?? ''
  switch (state) {
    case '23505':
      return { kind: 'UniqueConstraintViolation', constraint: undefined }
    case '23502':
      return { kind: 'NullConstraintViolation', constraint: undefined }
    case '23503':
      return { kind: 'ForeignKeyConstraintViolation', constraint: undefined }
    case '22001':
      return { kind: 'LengthMismatch' }
    case '22003':
      return { kind: 'ValueOutOfRange', cause: error.message }
    case '40001':
      return { kind: 'TransactionWriteConflict' }
    case '42P01':
    case '42S02':
      return { kind: 'TableDoesNotExist' }
    case '42703':
    case '42S22':
      return { kind: 'ColumnNotFound' }
    case '3D000':
      return { kind: 'DatabaseDoesNotExist' }
    case '53300':
      return { kind: 'TooManyConnections', cause: error.message }
  }
  if (state.startsWith('28')) return { kind: 'AuthenticationFailed' }
  if (state === '08001' || state === '08004') return { kind: 'DatabaseNotReachable' }
  if (state.startsWith('08') || error.causes.some((cause) => SOCKET_GONE.test(cause))) return { kind: 'ConnectionClosed' }
  return undefined
}

/** Class 08 (connection exception) or a socket gone among the causes: the server is lost; a timeout ends one connection. */
export function genericConnectionLoss(error: JdbcError): ConnectionLoss | undefined {
  if (timedOut(error)) return 'connection'
  if (error.sqlState?.startsWith('08') || error.causes.some((cause) => SOCKET_GONE.test(cause))) return 'server'
  return undefined
}

export const jdbcErrorOf = (error: unknown): JdbcError | undefined => (error instanceof JdbcException ? error.jdbc : undefined)
