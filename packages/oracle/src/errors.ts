// node-oracledb's errors in Prisma's terms: the code and message of an error object, mapped by the shared, driver-free
// table (oracle-errors.ts, which @prisma-pool/jdbc uses too), and a few of the adapter's own.
import { isObject, lossOfKind, mapSocketError, socketError, type ConnectionLoss } from '@prisma-pool/core/engine'
import type { Error as AdapterError } from '@prisma/driver-adapter-utils'
import { convertOracleError, featureNotSupported, oracleCode, oracleConnectionLoss, oraNumber } from './oracle-errors.js'
import { UntranslatableError } from './plan.js'

/** What node-oracledb puts on an error: `code` (`ORA-00001`, `NJS-503`), `errorNum` (the ORA number) and the message. */
interface OracleDbError {
  code?: string
  errorNum?: number
  message: string
}

/**
 * The code of an error of node-oracledb: the server's ORA number (`errorNum`) when it has one, else its `code`, else
 * the `ORA-nnnnn` its message starts with (a batch error carries only a message and an offset). The ORA number comes
 * first: Thin rewrites some server errors (ORA-00028, 00031, 01012, 02396, 00600, 00603 …: errors.transformErr's
 * adjustErrorXref) to code NJS-500, keeping errorNum, and what they mean is the server's number.
 */
export function codeOf(error: unknown): string | undefined {
  if (!isObject(error) || typeof error.message !== 'string') return undefined
  const { code, errorNum, message } = error as unknown as OracleDbError
  if (typeof errorNum === 'number' && errorNum > 0) return oracleCode(errorNum)
  if (typeof code === 'string' && /^(ORA|NJS|DPI)-\d+$/.test(code)) return code
  const ora = /^ORA-\d{5}/.exec(message)?.[0]
  return ora
}

/**
 * A server error that Thin answered by closing the connection (code NJS-500 with the server's errorNum: it disconnects
 * the network session for those, lib/thin/protocol/protocol.js _raiseException). The connection is gone whatever the
 * number says; the server is not, unless the number says so.
 */
const closedByThin = (error: unknown) => {
  const { code, errorNum } = error as OracleDbError
  return code === 'NJS-500' && typeof errorNum === 'number' && errorNum > 0
}

/** Prisma's kinds of a connection that is gone. */
const CLOSED_KINDS = new Set(['ConnectionClosed', 'DatabaseNotReachable'])

/** The ORA number of an error (or of a batch error), if it is the server's. */
export const oraNumberOf = (error: unknown): number | undefined => {
  const code = codeOf(error)
  return code === undefined ? undefined : oraNumber(code)
}

/**
 * An error that stays inside the adapter: the statement was refused before it reached the server (it cannot be
 * translated, a value cannot be bound); `mapped` is what Prisma is told.
 */
export class OracleAdapterError extends Error {
  constructor(readonly mapped: AdapterError) {
    super('message' in mapped && typeof mapped.message === 'string' ? mapped.message : mapped.kind)
  }
}

/**
 * What a call failed with after prisma-pool destroyed its connection (EngineConnection.destroy(): the pool gave up on
 * it). Thin's NJS-500 then says nothing of the server: this connection alone is lost.
 */
export class DestroyedConnectionError extends Error {
  override readonly name = 'DestroyedConnectionError'
  constructor(readonly original: unknown) {
    super(
      `the connection was closed by prisma-pool (the pool gave up on it): ${original instanceof Error ? original.message : String(original)}`,
      { cause: original },
    )
  }
}

/** Maps a node-oracledb (or socket) error to Prisma's kinds, keeping the original code and message. */
export function convertOracleDbError(error: unknown): AdapterError | undefined {
  if (error instanceof OracleAdapterError) return error.mapped
  if (error instanceof UntranslatableError) return featureNotSupported(error.message)
  if (error instanceof DestroyedConnectionError) return { kind: 'ConnectionClosed', originalCode: codeOf(error.original), originalMessage: error.message }
  const code = codeOf(error)
  if (code !== undefined) {
    const { message } = error as OracleDbError
    const mapped = convertOracleError(code, message)
    // ORA-00600 and the like, after which Thin closed the connection: the statement failed and the connection with it.
    if (closedByThin(error) && !CLOSED_KINDS.has(mapped?.kind ?? '')) return { kind: 'ConnectionClosed', originalCode: code, originalMessage: message }
    return mapped
  }
  const socket = socketError(error)
  const mapped = socket && mapSocketError(socket)
  return socket && mapped ? { ...mapped, originalCode: socket.code, originalMessage: socket.message } : undefined
}

/** Whether an error ends its connection (see oracleConnectionLoss), node-oracledb's and Node's alike. */
export function oracleDbConnectionLoss(error: unknown): ConnectionLoss | undefined {
  if (error instanceof OracleAdapterError || error instanceof UntranslatableError) return undefined
  if (error instanceof DestroyedConnectionError) return 'connection'
  const code = codeOf(error)
  if (code !== undefined) {
    const loss = oracleConnectionLoss(code, (error as OracleDbError).message)
    // Thin closed this connection for a server error that does not say the server went away (a killed session, an
    // internal error): this connection alone.
    return closedByThin(error) ? (loss ?? 'connection') : loss
  }
  return lossOfKind(convertOracleDbError(error)?.kind)
}
