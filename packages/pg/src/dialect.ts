/// <reference path="./pg-utils.d.ts" />
// @prisma-pool/pg/dialect: what PostgreSQL is, apart from the pg driver: how its values read and write, what its
// errors mean, and the SQL of its connection limits and live view. @prisma-pool/jdbc's PostgreSQL route uses it, so
// that both drivers give the same results, errors and views.
import type { ArgType } from '@prisma/driver-adapter-utils'
import { prepareValue } from 'pg/lib/utils.js'
import { toPgValue } from './conversion.js'

export { columnType, parserOf } from './conversion.js'

/**
 * A Prisma argument as this adapter sends it to PostgreSQL: text of an unspecified type, which the server reads as
 * the type its place in the statement wants (dates in UTC, arrays as array literals, JSON as text), or the bytes of a
 * bytea; null for NULL.
 */
export function pgParameter(arg: unknown, argType: ArgType | undefined): string | Buffer | null {
  return prepareValue(toPgValue(arg, argType))
}
export { convertPgError, pgConnectionLoss } from './errors.js'
export { splitStatements, statementsToRunAlone } from './script.js'
export {
  CHECK_SESSION_SQL,
  CONNECTIONS_SQL,
  END_SESSION_SQL,
  SESSION_SQL,
  type ServerSession,
  connectionListOf,
  LIMITS_SQL,
  limitsOf,
  quoteIdentifier,
  type ConnectionRow,
  type LimitsRow,
} from './server-views.js'
