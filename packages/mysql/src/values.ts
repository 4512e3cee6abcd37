// Prisma's values as MySQL and MariaDB take them, and their dates as they read back, whatever the driver: shared by
// this package's two protocols and by @prisma-pool/jdbc's MySQL route (through @prisma-pool/mysql/dialect), so that
// every route sends the same values. No mysql2 here: the JDBC route does not load it.
import { DriverAdapterError, type ArgType } from '@prisma/driver-adapter-utils'

/** `YYYY-MM-DD…` with a zero month or day (MySQL's zero dates): refused, with Prisma 6's message. */
function checkDate(value: string, column: string): void {
  if (value.slice(5, 7) === '00' || value.slice(8, 10) === '00') {
    throw new DriverAdapterError({
      kind: 'ValueOutOfRange',
      cause: `The column \`${column}\` contained an invalid datetime value with either day or month set to zero.`,
    })
  }
}

/**
 * A DATETIME or TIMESTAMP of column `column` as the session (in UTC) prints it, `YYYY-MM-DD HH:MM:SS[.ffffff]`, to
 * ISO 8601 with the UTC offset; a zero date is refused.
 */
export function readMySqlDateTime(value: string, column: string): string {
  checkDate(value, column)
  const time = value.length > 10 ? value.slice(11) : '00:00:00'
  return `${value.slice(0, 10)}T${time}+00:00`
}

/** A DATE of column `column`, `YYYY-MM-DD` as it is; a zero date is refused. */
export function readMySqlDate(value: string, column: string): string {
  checkDate(value, column)
  return value
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0')

/** A Date in UTC as MySQL reads it: `YYYY-MM-DD`, `HH:MM:SS.fff` or both. */
function formatDate(date: Date, dbType: string | undefined): string {
  if (Number.isNaN(date.getTime())) {
    throw new DriverAdapterError({ kind: 'InvalidInputValue', message: 'invalid DateTime value (Invalid Date)' })
  }
  const day = `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`
  const ms = date.getUTCMilliseconds()
  const time = `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}${ms ? `.${pad(ms, 3)}` : ''}`
  switch (dbType?.toUpperCase()) {
    case 'DATE':
      return day
    case 'TIME':
      return time
    default:
      return `${day} ${time}`
  }
}

const INTEGER = /^[+-]?\d+$/
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/
/** Whether a decimal argument's text is a number (an exponent allowed): then it goes as a DECIMAL, exact, not as text. */
export const isDecimalText = (value: string) => DECIMAL.test(value)
/** A decimal MySQL's DECIMAL type holds exactly: no exponent, at most 65 digits. */
export const isExactDecimal = (v: string) => /^[+-]?(\d+\.?\d*|\.\d+)$/.test(v) && v.replace(/\D/g, '').length <= 65
export const isInt32 = (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31
export const INT64_MIN = -(2n ** 63n)
export const INT64_MAX = 2n ** 63n - 1n
const UINT64_MAX = 2n ** 64n - 1n

/** Prisma's InvalidInputValue: an argument MySQL cannot take. */
export function invalid(message: string): never {
  throw new DriverAdapterError({ kind: 'InvalidInputValue', message })
}

/** An integer argument (BigInt arrives as a string) as a BigInt, within what MySQL's integers hold. */
function toBigInt(value: unknown): bigint {
  const n =
    typeof value === 'bigint'
      ? value
      : (typeof value === 'number' && Number.isSafeInteger(value)) || (typeof value === 'string' && INTEGER.test(value))
        ? BigInt(value)
        : invalid(`expected an integer, got ${JSON.stringify(String(value))}`)
  if (n < INT64_MIN || n > UINT64_MAX) invalid(`${n} is outside the range of MySQL's BIGINT and BIGINT UNSIGNED`)
  return n
}

/**
 * An argument in the form every protocol starts from: null, a bigint (integers, range-checked), a number (doubles, and
 * integers beyond 2^53 that a raw query passed as numbers), a string (decimals, dates as MySQL reads them in UTC, JSON
 * text …), a boolean, a Buffer, or an object for JSON; Prisma's encodings undone. @prisma-pool/jdbc's MySQL route binds
 * the same values.
 */
export function mysqlArgument(value: unknown, type: ArgType | undefined): unknown {
  if (value === null || value === undefined) return null
  switch (type?.scalarType) {
    case 'bigint':
      return toBigInt(value)
    case 'int':
      return typeof value === 'number' && !Number.isSafeInteger(value) ? value : toBigInt(value)
    case 'float':
      return value
    case 'decimal':
      // Prisma sends Float fields as decimals too, marked with their column type.
      return /^(FLOAT|DOUBLE|REAL)/i.test(type.dbType ?? '') ? Number(value) : value
    case 'datetime':
      return formatDate(value instanceof Date ? value : new Date(value as string), type.dbType)
    case 'bytes':
      if (typeof value === 'string') return Buffer.from(value, 'base64')
      break
  }
  if (value instanceof Date) return formatDate(value, type?.dbType)
  if (ArrayBuffer.isView(value)) return Buffer.from(value.buffer, value.byteOffset, value.byteLength)
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value)
  return value
}
