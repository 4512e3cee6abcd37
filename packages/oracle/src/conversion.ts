// Oracle's values in Prisma's encodings, for the columns of a query (described by node-oracledb's metadata) and for
// those of a RETURNING … INTO (described by the table's data dictionary, ALL_TAB_COLUMNS, since out-binds come
// without a description): the Prisma column type, how a value reads, and for RETURNING the out-bind that fetches it.
//
// - NUMBER is fetched as text (node-oracledb Thin decodes it exactly), then read by its declared precision and scale:
//   NUMBER(p ≤ 10, 0) is Int32 (a number), other integers Int64 (text), a scale Numeric (text), FLOAT(p) Double, and a
//   NUMBER without either (an expression's: COUNT, SUM) Numeric, exact. A RETURNING's NUMBER out-bind is text too.
// - BINARY_FLOAT arrives as the double of its float32; it reads as the shortest decimal that is that float32 (0.1, not
//   0.10000000149011612), as PostgreSQL writes a real.
// - DATE and TIMESTAMP hold a wall clock with no zone, which the session keeps in UTC: each connection decodes them as
//   Dates whose UTC fields are that wall clock (thin.ts: decodeDatesExactly; Thin's own decoding goes through the
//   process's local time, an hour off in a DST gap and a century off before year 100). A RETURNING's out-bind of such a
//   column is a TIMESTAMP WITH TIME ZONE, which the server converts in the session's UTC: the instant itself. TIMESTAMP
//   WITH (LOCAL) TIME ZONE arrives as the instant itself. All are written `YYYY-MM-DDTHH:MM:SS.mmm+00:00`, as Prisma
//   reads DateTime.
// - CLOB and NCLOB are fetched as text, BLOB as bytes (a Buffer, as the pg engine gives bytea), native JSON as its text.
//   A column with an IS JSON check (node-oracledb's metadata says so) is Json; Prisma reads a Json field from text
//   either way, which is all a RETURNING's CLOB can say.
import { ColumnTypeEnum as C, DriverAdapterError, type ColumnType } from '@prisma/driver-adapter-utils'
import oracledb, { type BindParameter, type DbType, type FetchTypeResult, type Lob, type Metadata } from 'oracledb'

/** A result column: its Prisma type and how one of its values (never NULL) reads. */
export interface ColumnReader {
  readonly type: ColumnType
  read(value: unknown): unknown
}

const reader = (type: ColumnType, read: (value: unknown) => unknown): ColumnReader => ({ type, read })

/** Oracle's text of a NUMBER has no 0 before the point (`.5`, `-.25`): Prisma's decimals want one. */
export const numberText = (value: unknown): string => String(value).replace(/^(-?)\./, '$10.')

const pad = (n: number, width = 2) => String(n).padStart(width, '0')
/** A year as JavaScript's Date reads it: `YYYY`, or `±YYYYYY` outside 0000–9999. */
const isoYear = (year: number) => (year >= 0 && year <= 9999 ? pad(year, 4) : `${year < 0 ? '-' : '+'}${pad(Math.abs(year), 6)}`)
const dateTimeText = (y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number) =>
  `${isoYear(y)}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(s)}.${pad(ms, 3)}+00:00`

/**
 * A date-time value as Prisma reads it: its UTC fields. For TIMESTAMP WITH (LOCAL) TIME ZONE the instant; for DATE and
 * TIMESTAMP the wall clock, which decodeDatesExactly has Thin put in the UTC fields.
 */
export const instantText = (date: Date) =>
  dateTimeText(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds(), date.getUTCMilliseconds())

/**
 * A BINARY_FLOAT's value (the double of a float32) as the shortest decimal whose float32 it is: 0.1 for
 * 0.10000000149011612. At most 9 significant digits tell any two float32 apart.
 */
export function float32Number(value: number): number {
  if (!Number.isFinite(value) || value === 0) return value
  const single = Math.fround(value)
  for (let digits = 1; digits < 9; digits++) {
    const shortest = Number(value.toPrecision(digits))
    if (Math.fround(shortest) === single) return shortest
  }
  return Number(value.toPrecision(9))
}

const asText = (value: unknown) => (typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString('utf8') : String(value))

const READERS = {
  int32: reader(C.Int32, (value) => (typeof value === 'number' ? value : Number(numberText(value)))),
  int64: reader(C.Int64, (value) => numberText(value)),
  numeric: reader(C.Numeric, (value) => numberText(value)),
  double: reader(C.Double, (value) => (typeof value === 'number' ? value : Number(numberText(value)))),
  float: reader(C.Float, (value) => float32Number(Number(value))),
  text: reader(C.Text, asText),
  json: reader(C.Json, (value) => (typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString('utf8') : JSON.stringify(value))),
  bytes: reader(C.Bytes, (value) => (Buffer.isBuffer(value) ? value : Buffer.from(value as Uint8Array))),
  instant: reader(C.DateTime, (value) => instantText(value as Date)),
  boolean: reader(C.Boolean, (value) => value === true || value === 1),
} as const

/** A NUMBER by its declared precision and scale (node-oracledb: precision 0 and scale -127 when undeclared). */
function numberReader(precision: number | null | undefined, scale: number | null | undefined): ColumnReader {
  if (scale === -127 || scale === null || scale === undefined) return precision ? READERS.double : READERS.numeric // FLOAT(p), or NUMBER
  if (scale !== 0) return READERS.numeric
  return precision !== null && precision !== undefined && precision > 0 && precision <= 10 ? READERS.int32 : READERS.int64
}

const unsupported = (type: string) => new DriverAdapterError({ kind: 'UnsupportedNativeDataType', type })

/** How a column of a query's result reads, from node-oracledb's metadata. */
export function fetchedColumn(meta: Metadata): ColumnReader {
  switch (meta.dbType) {
    case oracledb.DB_TYPE_NUMBER:
      return numberReader(meta.precision, meta.scale)
    case oracledb.DB_TYPE_BINARY_DOUBLE:
      return READERS.double
    case oracledb.DB_TYPE_BINARY_FLOAT:
      return READERS.float
    case oracledb.DB_TYPE_BINARY_INTEGER:
      return READERS.int32
    case oracledb.DB_TYPE_VARCHAR:
    case oracledb.DB_TYPE_NVARCHAR:
    case oracledb.DB_TYPE_CHAR:
    case oracledb.DB_TYPE_NCHAR:
    case oracledb.DB_TYPE_CLOB:
    case oracledb.DB_TYPE_NCLOB:
    case oracledb.DB_TYPE_LONG:
    case oracledb.DB_TYPE_LONG_NVARCHAR:
      return meta.isJson ? READERS.json : READERS.text
    case oracledb.DB_TYPE_ROWID:
    case oracledb.DB_TYPE_UROWID:
      return READERS.text
    case oracledb.DB_TYPE_BLOB:
      // JSON text in a BLOB is Json; OSON (binary JSON) is bytes to us.
      return meta.isJson && !meta.isOson ? READERS.json : READERS.bytes
    case oracledb.DB_TYPE_RAW:
    case oracledb.DB_TYPE_LONG_RAW:
      return READERS.bytes
    case oracledb.DB_TYPE_DATE:
    case oracledb.DB_TYPE_TIMESTAMP:
    case oracledb.DB_TYPE_TIMESTAMP_TZ:
    case oracledb.DB_TYPE_TIMESTAMP_LTZ:
      return READERS.instant
    case oracledb.DB_TYPE_BOOLEAN:
      return READERS.boolean
    case oracledb.DB_TYPE_JSON:
      return READERS.json
    default:
      throw unsupported(meta.dbTypeName ?? meta.dbType?.columnTypeName ?? 'unknown')
  }
}

/**
 * What every query asks node-oracledb to fetch differently from its default: NUMBER as text (exact; the default is a
 * double), LOBs inline as text or bytes (the default is a Lob object, one round trip more per value), native JSON as text.
 */
export function fetchTypeHandler(meta: Metadata): FetchTypeResult | undefined {
  switch (meta.dbType) {
    case oracledb.DB_TYPE_NUMBER:
    case oracledb.DB_TYPE_CLOB:
    case oracledb.DB_TYPE_NCLOB:
    case oracledb.DB_TYPE_JSON:
      return { type: oracledb.DB_TYPE_VARCHAR }
    case oracledb.DB_TYPE_BLOB:
      return { type: oracledb.DB_TYPE_RAW }
    default:
      return undefined
  }
}

/** A column of a table as ALL_TAB_COLUMNS describes it (see TABLE_COLUMNS_SQL). */
export interface TableColumn {
  name: string
  /** DATA_TYPE: `NUMBER`, `VARCHAR2`, `TIMESTAMP(6) WITH TIME ZONE` … */
  dataType: string
  /** DATA_LENGTH, in bytes. */
  dataLength: number
  /** CHAR_LENGTH, in characters (0 for other types than text). */
  charLength: number
  precision: number | null
  scale: number | null
}

/** The table's columns, by name (as written: quoted names keep their case). */
export const TABLE_COLUMNS_SQL =
  'SELECT COLUMN_NAME, DATA_TYPE, DATA_LENGTH, CHAR_LENGTH, DATA_PRECISION, DATA_SCALE FROM ALL_TAB_COLUMNS WHERE OWNER = :1 AND TABLE_NAME = :2'

/** ALL_TAB_COLUMNS's row (objects by column name) as a TableColumn. */
export function tableColumnOf(row: Record<string, unknown>): TableColumn {
  const n = (value: unknown) => (value === null || value === undefined ? null : Number(value))
  return {
    name: String(row.COLUMN_NAME),
    dataType: String(row.DATA_TYPE),
    dataLength: Number(row.DATA_LENGTH ?? 0),
    charLength: Number(row.CHAR_LENGTH ?? 0),
    precision: n(row.DATA_PRECISION),
    scale: n(row.DATA_SCALE),
  }
}

/** A RETURNING column: how its values read, and the out-bind that fetches them. */
export interface ReturningReader extends ColumnReader {
  readonly outBind: BindParameter
}

const out = (type: DbType, maxSize?: number): BindParameter => ({ dir: oracledb.BIND_OUT, type, ...(maxSize !== undefined ? { maxSize } : {}) })
/** A NUMBER's text: at most 40 digits, a sign, a point and an exponent. */
const NUMBER_TEXT_SIZE = 64
/** Text of a type that is not text (a RETURNING of `"col"::text` on a NUMBER or DATE column). */
const OTHER_AS_TEXT_SIZE = 4000
/** The most bytes of a VARCHAR out-bind: Oracle's longest VARCHAR2 (MAX_STRING_SIZE = EXTENDED). */
const MAX_STRING_BYTES = 32767
/** The most bytes a character takes in UTF-8, the encoding Thin receives text in. */
const UTF8_MAX_BYTES_PER_CHAR = 4

/**
 * The out-bind and reading of a table column in a RETURNING … INTO. A NUMBER comes as text, whatever its precision
 * (node-oracledb reads an out-bind NUMBER as a double): exact. Text is sized for its longest value as Thin receives it:
 * DATA_LENGTH counts bytes of the database's character set, which may take more in UTF-8, so a VARCHAR2's out-bind is
 * 4 bytes per character (CHAR_LENGTH), up to 32767; an NVARCHAR2's counts characters (Thin makes them bytes). DATE,
 * TIMESTAMP and TIMESTAMP WITH LOCAL TIME ZONE come as TIMESTAMP WITH TIME ZONE: converted by the server in the
 * session's UTC, decoded by Thin without the process's time zone. LOBs come as Lob objects, whose data is read after the
 * statement. `asText`: Prisma cast the column to text.
 */
export function returningColumn(column: TableColumn, asText: boolean): ReturningReader {
  const type = column.dataType.toUpperCase().replace(/\(\d+\)/g, '')
  const withOut = (read: ColumnReader, bind: BindParameter): ReturningReader => ({ ...read, outBind: bind })
  const characters = Math.max(1, column.charLength || column.dataLength)
  switch (type) {
    case 'VARCHAR2':
    case 'CHAR':
      return withOut(READERS.text, out(oracledb.DB_TYPE_VARCHAR, Math.min(UTF8_MAX_BYTES_PER_CHAR * characters, MAX_STRING_BYTES)))
    case 'NVARCHAR2':
    case 'NCHAR':
      return withOut(READERS.text, out(oracledb.DB_TYPE_NVARCHAR, Math.max(1, column.charLength || column.dataLength / 2)))
    case 'CLOB':
      return withOut(READERS.text, out(oracledb.DB_TYPE_CLOB))
    case 'NCLOB':
      return withOut(READERS.text, out(oracledb.DB_TYPE_NCLOB))
  }
  if (asText) return withOut(READERS.text, out(oracledb.DB_TYPE_VARCHAR, OTHER_AS_TEXT_SIZE))
  switch (type) {
    case 'NUMBER':
      return withOut(numberReader(column.precision, column.scale), out(oracledb.DB_TYPE_VARCHAR, NUMBER_TEXT_SIZE))
    case 'FLOAT':
      return withOut(READERS.double, out(oracledb.DB_TYPE_VARCHAR, NUMBER_TEXT_SIZE))
    case 'BINARY_DOUBLE':
      return withOut(READERS.double, out(oracledb.DB_TYPE_BINARY_DOUBLE))
    case 'BINARY_FLOAT':
      return withOut(READERS.float, out(oracledb.DB_TYPE_BINARY_FLOAT))
    case 'BLOB':
      return withOut(READERS.bytes, out(oracledb.DB_TYPE_BLOB))
    case 'RAW':
      return withOut(READERS.bytes, out(oracledb.DB_TYPE_RAW, Math.max(1, column.dataLength)))
    case 'DATE':
    case 'TIMESTAMP':
    case 'TIMESTAMP WITH TIME ZONE':
    case 'TIMESTAMP WITH LOCAL TIME ZONE':
      return withOut(READERS.instant, out(oracledb.DB_TYPE_TIMESTAMP_TZ))
    case 'BOOLEAN':
      return withOut(READERS.boolean, out(oracledb.DB_TYPE_BOOLEAN))
    case 'JSON':
      return withOut(READERS.json, out(oracledb.DB_TYPE_JSON))
    case 'ROWID':
      return withOut(READERS.text, out(oracledb.DB_TYPE_ROWID))
    default:
      throw unsupported(column.dataType)
  }
}

const isLob = (value: unknown): value is Lob => typeof value === 'object' && value !== null && typeof (value as Lob).getData === 'function'

/** A value as a reader takes it: a LOB's data read, NULL as null. */
export async function resolveLob(value: unknown): Promise<unknown> {
  return isLob(value) ? await value.getData() : value
}

/** Rows of raw values through their columns' readers (NULL stays null). */
export function readRows(rows: readonly unknown[][], readers: readonly ColumnReader[]): unknown[][] {
  return rows.map((row) => row.map((value, i) => (value === null || value === undefined ? null : readers[i]!.read(value))))
}
