// Result columns read by their java.sql.Types code alone: what any JDBC driver reports. The dialects of databases
// that need more (PostgreSQL's arrays and JSON, MySQL's unsigned types, SQLite's declared types) start from it.
import { ColumnTypeEnum as C, DriverAdapterError, type ColumnType } from '@prisma/driver-adapter-utils'
import type { ColumnReader, JdbcColumn } from '../dialect.js'

/** java.sql.Types codes. */
export const T = {
  BIT: -7, TINYINT: -6, SMALLINT: 5, INTEGER: 4, BIGINT: -5, FLOAT: 6, REAL: 7, DOUBLE: 8, NUMERIC: 2, DECIMAL: 3,
  CHAR: 1, VARCHAR: 12, LONGVARCHAR: -1, DATE: 91, TIME: 92, TIMESTAMP: 93, BINARY: -2, VARBINARY: -3,
  LONGVARBINARY: -4, NULL: 0, OTHER: 1111, JAVA_OBJECT: 2000, ARRAY: 2003, BLOB: 2004, CLOB: 2005, BOOLEAN: 16,
  NCHAR: -15, NVARCHAR: -9, LONGNVARCHAR: -16, NCLOB: 2011, SQLXML: 2009, TIME_WITH_TIMEZONE: 2013,
  TIMESTAMP_WITH_TIMEZONE: 2014,
} as const

const reader = (type: ColumnType, read: (cell: string) => unknown): ColumnReader => ({ type, read })
const asText = (cell: string) => cell
const asNumber = (cell: string) => Number(cell)
export const asBytes = (cell: string) => new Uint8Array(Buffer.from(cell, 'base64'))
export const asBoolean = (cell: string) => cell === 't' || cell === 'true' || cell === '1'

const TIMESTAMP_TEXT = /^(-?\d{4,})-(\d\d)-(\d\d)[ T](\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d(?::?\d\d)?)?$/

/** `2024-02-29 23:59:59.123` (the driver's text, UTC: the JVM runs with user.timezone=UTC) → `2024-02-29T23:59:59.123+00:00`. */
export function asUtcDateTime(cell: string): string {
  const m = TIMESTAMP_TEXT.exec(cell)
  if (!m) return cell
  const [, y, mo, d, time, fraction = '', zone] = m
  // An offset of hours alone (H2's `+02`) or without its colon (`+0200`) is `+02:00` to Date.
  const offset = zone && zone !== 'Z' ? `${zone.slice(0, 3)}:${zone.slice(3).replace(':', '') || '00'}` : undefined
  if (offset && offset.slice(1) !== '00:00') return new Date(`${y}-${mo}-${d}T${time}${fraction}${offset}`).toISOString().replace('Z', '+00:00')
  // A fraction of only zeros (Timestamp.toString's ".0") is none.
  const kept = /^\.0+$/.test(fraction) ? '' : fraction
  return `${y}-${mo}-${d}T${time}${kept}+00:00`
}

export const READERS = {
  int32: reader(C.Int32, asNumber),
  int64: reader(C.Int64, asText),
  float: reader(C.Float, asNumber),
  double: reader(C.Double, asNumber),
  numeric: reader(C.Numeric, asText),
  boolean: reader(C.Boolean, asBoolean),
  text: reader(C.Text, asText),
  date: reader(C.Date, asText),
  time: reader(C.Time, asText),
  dateTime: reader(C.DateTime, asUtcDateTime),
  bytes: reader(C.Bytes, asBytes),
} as const

/** The reader of a column by its java.sql.Types code; undefined where that code says nothing Prisma can read. */
export function readerByJdbcType(jdbcType: number): ColumnReader | undefined {
  switch (jdbcType) {
    case T.TINYINT:
    case T.SMALLINT:
    case T.INTEGER:
      return READERS.int32
    case T.BIGINT:
      return READERS.int64
    case T.REAL:
      return READERS.float
    case T.FLOAT:
    case T.DOUBLE:
      return READERS.double
    case T.NUMERIC:
    case T.DECIMAL:
      return READERS.numeric
    case T.BIT:
    case T.BOOLEAN:
      return READERS.boolean
    case T.CHAR:
    case T.VARCHAR:
    case T.LONGVARCHAR:
    case T.NCHAR:
    case T.NVARCHAR:
    case T.LONGNVARCHAR:
    case T.CLOB:
    case T.NCLOB:
    case T.SQLXML:
    case T.NULL:
      return READERS.text
    case T.DATE:
      return READERS.date
    case T.TIME:
    case T.TIME_WITH_TIMEZONE:
      return READERS.time
    case T.TIMESTAMP:
    case T.TIMESTAMP_WITH_TIMEZONE:
      return READERS.dateTime
    case T.BINARY:
    case T.VARBINARY:
    case T.LONGVARBINARY:
    case T.BLOB:
      return READERS.bytes
  }
  return undefined
}

/** The generic reader, or Prisma's UnsupportedNativeDataType error naming the column's type. */
export function genericColumn(column: JdbcColumn): ColumnReader {
  const found = readerByJdbcType(column.jdbcType)
  if (!found) throw new DriverAdapterError({ kind: 'UnsupportedNativeDataType', type: column.typeName })
  return found
}
