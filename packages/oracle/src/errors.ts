// node-oracledb's errors in Prisma's terms: the code and message of an error object, mapped by the shared, driver-free
// table (oracle-errors.ts, which @prisma-pool/jdbc uses too), and a few of the adapter's own.
import { isObject, lossOfKind, mapSocketError, socketError, type ConnectionLoss } from '@prisma-pool/core/engine'
import type { Error as AdapterError } from '@prisma/driver-adapter-utils'
import { convertOracleError, oracleCode, oracleConnectionLoss, oraNumber } from './oracle-errors.js'
import { UntranslatableError } from './plan.js'

/** What node-oracledb puts on an error: `code` (`ORA-00001`, `NJS-503`), `errorNum` (the ORA number) and the message. */
interface OracleDbError {
  code?: string
  errorNum?: number
  message: string
}

/**
 * The code of an error of node-oracledb: its `code`, else its `errorNum`, else the `ORA-nnnnn` its message starts with
 * (a batch error carries only a message and an offset).
 */
export function codeOf(error: unknown): string | undefined {
  if (!isObject(error) || typeof error.message !== 'string') return undefined
  const { code, errorNum, message } = error as unknown as OracleDbError
  if (typeof code === 'string' && /^(ORA|NJS|DPI)-\d+$/.test(code)) return code
  if (typeof errorNum === 'number' && errorNum > 0) return oracleCode(errorNum)
  const ora = /^ORA-\d{5}/.exec(message)?.[0]
  return ora
}

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

/** What a statement that cannot be translated is for Prisma: PostgreSQL's feature_not_supported, with the translator's reason. */
function untranslatable(error: UntranslatableError): AdapterError {
  return {
    kind: 'postgres',
    code: '0A000',
    severity: 'ERROR',
    message: error.message,
    detail: undefined,
    column: undefined,
    hint: undefined,
    originalCode: '0A000',
    originalMessage: error.message,
  }
}

/** Maps a node-oracledb (or socket) error to Prisma's kinds, keeping the original code and message. */
export function convertOracleDbError(error: unknown): AdapterError | undefined {
  if (error instanceof OracleAdapterError) return error.mapped
  if (error instanceof UntranslatableError) return untranslatable(error)
  const code = codeOf(error)
  if (code !== undefined) return convertOracleError(code, (error as OracleDbError).message)
  const socket = socketError(error)
  const mapped = socket && mapSocketError(socket)
  return socket && mapped ? { ...mapped, originalCode: socket.code, originalMessage: socket.message } : undefined
}

/** Whether an error ends its connection (see oracleConnectionLoss), node-oracledb's and Node's alike. */
export function oracleDbConnectionLoss(error: unknown): ConnectionLoss | undefined {
  if (error instanceof OracleAdapterError || error instanceof UntranslatableError) return undefined
  const code = codeOf(error)
  if (code !== undefined) return oracleConnectionLoss(code, (error as OracleDbError).message)
  return lossOfKind(convertOracleDbError(error)?.kind)
}
