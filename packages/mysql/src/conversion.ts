import { ColumnTypeEnum, type ArgType, type ColumnType } from '@prisma/driver-adapter-utils'
import mysql, { type FieldPacket } from 'mysql2'
import { positionsInSql } from './sql-text.js'
import { INT64_MAX, invalid, isDecimalText, isExactDecimal, isInt32, mysqlArgument, readMySqlDate, readMySqlDateTime } from './values.js'

/** Column type codes of the MySQL protocol, and their names (`T[0xff]` is 'GEOMETRY'). */
const T = mysql.Types

const UNSIGNED_FLAG = 32
const ENUM_FLAG = 256
const BINARY_CHARSET = 63

/** What mysql2 reports of a result column (its typings leave out a few fields it sets). */
export type Field = FieldPacket & { columnType: number; characterSet: number; flags: number; extendedFormat?: string }

const C = ColumnTypeEnum

/** The Prisma column type of a result column, or `undefined` for a type Prisma cannot read (VECTOR …). */
export function columnType(field: Field): ColumnType | undefined {
  switch (field.columnType) {
    case T.TINY:
    case T.SHORT:
    case T.INT24:
    case T.YEAR:
    case T.NULL:
      return C.Int32
    case T.LONG:
      return field.flags & UNSIGNED_FLAG ? C.Int64 : C.Int32
    case T.LONGLONG:
      return C.Int64
    case T.FLOAT:
      return C.Float
    case T.DOUBLE:
      return C.Double
    case T.DECIMAL:
    case T.NEWDECIMAL:
      return C.Numeric
    case T.TIMESTAMP:
    case T.DATETIME:
      return C.DateTime
    case T.DATE:
    case T.NEWDATE:
      return C.Date
    case T.TIME:
      return C.Time
    case T.JSON:
      return C.Json
    case T.BIT:
    case T.GEOMETRY:
      return C.Bytes
    case T.ENUM:
      return C.Enum
    case T.SET:
    case T.VARCHAR:
    case T.VAR_STRING:
    case T.STRING:
    case T.TINY_BLOB:
    case T.MEDIUM_BLOB:
    case T.LONG_BLOB:
    case T.BLOB:
      // MariaDB sends JSON columns as LONGTEXT, marked as JSON in its extended metadata.
      if (field.extendedFormat === 'json') return C.Json
      if (field.characterSet === BINARY_CHARSET) return C.Bytes
      return field.flags & ENUM_FLAG ? C.Enum : C.Text
    default:
      return undefined
  }
}

/** The name of a column's type, for `UnsupportedNativeDataType` errors. */
export function typeName(field: Field): string {
  return (T as unknown as Record<number, string | undefined>)[field.columnType] ?? `type ${field.columnType}`
}

type Reader = (value: string, column: string) => unknown

/** The columns whose values mysql2 does not already give in Prisma's encoding. */
function readers(types: ColumnType[]): [number, Reader][] {
  const result: [number, Reader][] = []
  types.forEach((type, i) => {
    if (type === C.DateTime) result.push([i, readMySqlDateTime])
    else if (type === C.Date) result.push([i, readMySqlDate])
  })
  return result
}

/** Converts mysql2's rows (arrays; exact numbers and dates as strings) to Prisma's encodings, in place. */
export function convertRows(rows: unknown[][], fields: Field[], types: ColumnType[]): unknown[][] {
  const columns = readers(types)
  if (columns.length === 0) return rows
  for (const row of rows) {
    for (const [i, read] of columns) {
      const value = row[i]
      if (typeof value === 'string') row[i] = read(value, fields[i]!.name)
    }
  }
  return rows
}

/**
 * A mysql2 typeCast reading GEOMETRY values as the bytes the server sent (SRID + WKB), like the official
 * adapter; mysql2 would parse them into objects and drop the SRID.
 */
export function geometryAsBytes(field: { type: string; buffer(): Buffer | null }, next: () => unknown): unknown {
  return field.type === 'GEOMETRY' ? field.buffer() : next()
}

const Typed = mysql.TypedParameter as unknown as {
  LONG(value: number): unknown
  LONGLONG: ((value: bigint) => unknown) & { unsigned(value: bigint): unknown }
  NEWDECIMAL(value: string): unknown
}

/** An argument for the binary protocol: integers and decimals typed, so that the server computes with them exactly. */
export function toBinaryArg(value: unknown, type: ArgType | undefined): unknown {
  const v = mysqlArgument(value, type)
  if (typeof v === 'bigint') return v > INT64_MAX ? Typed.LONGLONG.unsigned(v) : Typed.LONGLONG(v)
  // A JS number goes as a DOUBLE (mysql2's default), one that fits an INT as an INT: the types the official adapter's
  // driver sends, so that `${2} * 3` is a BIGINT and `${2} / 4` a DECIMAL there too.
  if (typeof v === 'number' && isInt32(v)) return Typed.LONG(v)
  // In arithmetic a string becomes a DOUBLE; a DECIMAL parameter stays exact.
  if (type?.scalarType === 'decimal' && typeof v === 'string' && isExactDecimal(v)) return Typed.NEWDECIMAL(v)
  if (typeof v === 'object' && v !== null && !Buffer.isBuffer(v)) return JSON.stringify(v)
  return v
}

// In the default SQL mode a backslash escapes; with NO_BACKSLASH_ESCAPES only a doubled quote does.
const ESCAPES: Record<string, string> = { '\0': '\\0', '\b': '\\b', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\x1a': '\\Z', "'": "''", '\\': '\\\\' }

/** A string literal, safe whether or not the session has NO_BACKSLASH_ESCAPES. */
export function quoteString(value: string, noBackslashEscapes: boolean): string {
  return noBackslashEscapes
    ? `'${value.replaceAll("'", "''")}'`
    : `'${value.replace(/[\0\b\t\n\r\x1a'\\]/g, (c) => ESCAPES[c]!)}'`
}

/**
 * A JS number as an SQL literal. A safe integer is written as it is: exact, and the only form LIMIT and OFFSET
 * accept (MySQL types a long one, ten characters or more, BIGINT: `SELECT ${2 ** 31}` gives a bigint, as the
 * official adapter's text protocol does). Any other number is a double, written with an exponent so that MySQL reads a DOUBLE, not a
 * DECIMAL: `SELECT ${1.5}` then gives the number 1.5, as over the binary protocol, and 2 ** 60 keeps its value
 * (`String(2 ** 60)` is 1152921504606847000, which as a DECIMAL is another number).
 */
function numberLiteral(v: number): string {
  if (!Number.isFinite(v)) invalid(`${v} cannot be sent to MySQL`)
  const s = String(v)
  return Number.isSafeInteger(v) || s.includes('e') ? s : `${s}e0`
}

/** An argument as an SQL literal, for the text protocol. */
export function toLiteral(value: unknown, type: ArgType | undefined, noBackslashEscapes: boolean): string {
  const v = mysqlArgument(value, type)
  if (v === null) return 'NULL'
  if (typeof v === 'bigint') return v.toString()
  if (typeof v === 'number') return numberLiteral(v)
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE'
  if (Buffer.isBuffer(v)) return `X'${v.toString('hex')}'`
  // An unquoted decimal literal is exact; in arithmetic a quoted one would become a DOUBLE.
  if (type?.scalarType === 'decimal' && typeof v === 'string' && isDecimalText(v)) return v
  if (typeof v === 'string') return quoteString(v, noBackslashEscapes)
  return quoteString(JSON.stringify(v), noBackslashEscapes)
}

/**
 * Puts the literals in place of the `?` placeholders, skipping those inside strings, quoted identifiers
 * and comments (`SELECT '?', ?` has one placeholder).
 */
export function inlineArgs(sql: string, literals: string[], noBackslashEscapes: boolean): string {
  const placeholders = positionsInSql(sql, '?', noBackslashEscapes)
  if (placeholders.length > literals.length) invalid(`the query has more placeholders than the ${literals.length} values given`)
  if (placeholders.length !== literals.length) invalid(`the query has ${placeholders.length} placeholders for ${literals.length} values`)
  let out = ''
  let from = 0
  placeholders.forEach((at, i) => {
    out += sql.slice(from, at) + literals[i]
    from = at + 1
  })
  return out + sql.slice(from)
}
