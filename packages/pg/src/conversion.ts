import { ColumnTypeEnum, type ArgType, type ColumnType } from '@prisma/driver-adapter-utils'
import pg from 'pg'
import { parse as parseArray } from 'postgres-array'

/** OIDs of the built-in types (see `pg_type`); user-defined types (enums, domains' arrays …) start here. */
const FIRST_USER_OID = 16384

const OID = {
  bool: 16, bytea: 17, char: 18, name: 19, int8: 20, int2: 21, int4: 23, text: 25, oid: 26,
  json: 114, xml: 142, cidr: 650, float4: 700, float8: 701, money: 790, inet: 869, bpchar: 1042,
  varchar: 1043, date: 1082, time: 1083, timestamp: 1114, timestamptz: 1184, timetz: 1266,
  bit: 1560, varbit: 1562, numeric: 1700, uuid: 2950, jsonb: 3802,
  _bool: 1000, _bytea: 1001, _char: 1002, _name: 1003, _int2: 1005, _int4: 1007, _text: 1009, _bpchar: 1014,
  _varchar: 1015, _int8: 1016, _float4: 1021, _float8: 1022, _oid: 1028, _inet: 1041, _cidr: 651,
  _xml: 143, _json: 199, _money: 791, _date: 1182, _time: 1183, _timestamp: 1115, _timestamptz: 1185,
  _timetz: 1270, _numeric: 1231, _bit: 1561, _varbit: 1563, _uuid: 2951, _jsonb: 3807,
} as const

const C = ColumnTypeEnum
const COLUMN_TYPES = new Map<number, ColumnType>([
  [OID.int2, C.Int32], [OID.int4, C.Int32], [OID.int8, C.Int64], [OID.oid, C.Int64],
  [OID.float4, C.Float], [OID.float8, C.Double], [OID.numeric, C.Numeric], [OID.money, C.Numeric],
  [OID.bool, C.Boolean], [OID.char, C.Character], [OID.date, C.Date], [OID.time, C.Time], [OID.timetz, C.Time],
  [OID.timestamp, C.DateTime], [OID.timestamptz, C.DateTime], [OID.json, C.Json], [OID.jsonb, C.Json],
  [OID.uuid, C.Uuid], [OID.bytea, C.Bytes],
  ...[OID.text, OID.varchar, OID.bpchar, OID.name, OID.bit, OID.varbit, OID.inet, OID.cidr, OID.xml].map(
    (oid) => [oid, C.Text] as [number, ColumnType],
  ),
  [OID._int2, C.Int32Array], [OID._int4, C.Int32Array], [OID._int8, C.Int64Array], [OID._oid, C.Int64Array],
  [OID._float4, C.FloatArray], [OID._float8, C.DoubleArray], [OID._numeric, C.NumericArray],
  [OID._money, C.NumericArray], [OID._bool, C.BooleanArray], [OID._char, C.CharacterArray],
  [OID._date, C.DateArray], [OID._time, C.TimeArray], [OID._timetz, C.TimeArray],
  [OID._timestamp, C.DateTimeArray], [OID._timestamptz, C.DateTimeArray], [OID._json, C.JsonArray],
  [OID._jsonb, C.JsonArray], [OID._bytea, C.BytesArray], [OID._uuid, C.UuidArray],
  // name[] is what catalog queries return (array_agg(tablename) …).
  ...[OID._text, OID._varchar, OID._bpchar, OID._name, OID._bit, OID._varbit, OID._inet, OID._cidr, OID._xml].map(
    (oid) => [oid, C.TextArray] as [number, ColumnType],
  ),
])

/** The Prisma column type of a result column, or `undefined` for a built-in type Prisma cannot read. */
export function columnType(oid: number): ColumnType | undefined {
  return COLUMN_TYPES.get(oid) ?? (oid >= FIRST_USER_OID ? C.Text : undefined)
}

/** The name of a built-in type, for `UnsupportedNativeDataType` errors. */
export async function typeName(client: pg.Client, oid: number): Promise<string> {
  const result = await client.query<{ typname: string }>('SELECT typname FROM pg_type WHERE oid = $1', [oid])
  return result.rows[0]?.typname ?? `oid ${oid}`
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0')

/** A year as JavaScript's Date reads it: `YYYY`, or `±YYYYYY` outside 0000–9999 (44 BC is year -43). */
const isoYear = (year: number) => (year >= 0 && year <= 9999 ? pad(year, 4) : `${year < 0 ? '-' : '+'}${pad(Math.abs(year), 6)}`)

/** `±HH[:MM[:SS]]` to seconds east of UTC. */
function offsetSeconds(sign: string, hh: string, mm = '0', ss = '0'): number {
  return (sign === '-' ? -1 : 1) * (Number(hh) * 3600 + Number(mm) * 60 + Number(ss))
}

// PostgreSQL's ISO DateStyle output: `2024-05-01 10:20:30.123456+05:30`, with ` BC` for years before 1.
const TIMESTAMP = /^(\d{4,})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(\.\d+)?(?:([+-])(\d\d)(?::(\d\d))?(?::(\d\d))?)?( BC)?$/

/** Formats a timestamp as `YYYY-MM-DDTHH:MM:SS[.ffffff]+00:00`, converted to UTC; the fraction keeps its microseconds. */
function normalizeTimestamp(text: string): string {
  const m = TIMESTAMP.exec(text)
  if (!m) return text // 'infinity', '-infinity'
  const [, y, mo, d, h, mi, s, fraction = '', sign, oh, om, os, bc] = m
  const offset = sign ? offsetSeconds(sign, oh!, om, os) : 0
  if (offset === 0 && !bc && y!.length === 4) return `${y}-${mo}-${d}T${h}:${mi}:${s}${fraction}+00:00`
  const date = new Date(0)
  date.setUTCFullYear(bc ? 1 - Number(y) : Number(y), Number(mo) - 1, Number(d))
  date.setUTCHours(Number(h), Number(mi), Number(s) - offset)
  return (
    `${isoYear(date.getUTCFullYear())}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}T` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}${fraction}+00:00`
  )
}

const DATE = /^(\d{4,})-(\d\d)-(\d\d)( BC)?$/

/** `2024-05-01` stays; `0044-03-15 BC` and `12345-06-15` get the signed year JavaScript reads. */
function normalizeDate(text: string): string {
  const m = DATE.exec(text)
  if (!m || (m[1]!.length === 4 && !m[4])) return text // also 'infinity', '-infinity'
  const [, y, mo, d, bc] = m
  return `${isoYear(bc ? 1 - Number(y) : Number(y))}-${mo}-${d}`
}

const TIMETZ = /^(\d\d):(\d\d):(\d\d)(\.\d+)?([+-])(\d\d)(?::(\d\d))?(?::(\d\d))?$/

/** `10:00:00.5+02` to the same instant in UTC, `08:00:00.5`. */
function normalizeTimetz(text: string): string {
  const m = TIMETZ.exec(text)
  if (!m) return text
  const [, h, mi, s, fraction = '', sign, oh, om, os] = m
  const day = 24 * 3600
  const seconds = (((Number(h) * 3600 + Number(mi) * 60 + Number(s) - offsetSeconds(sign!, oh!, om, os)) % day) + day) % day
  return `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor((seconds % 3600) / 60))}:${pad(seconds % 60)}${fraction}`
}

/** `$1,234.56` / `-$1,234.56` to `1234.56`: the currency symbol and grouping depend on `lc_monetary`. */
const normalizeMoney = (text: string) => text.replace(/[^\d.-]/g, '')

const identity = (text: string) => text
const arrayOf =
  <T>(element: (text: string) => T) =>
  (text: string) =>
    parseArray(text, element)

const parseBytea = pg.types.getTypeParser(OID.bytea, 'text') as (text: string) => Buffer
const parseInt32 = (text: string) => Number.parseInt(text, 10)
const parseFloat = (text: string) => Number.parseFloat(text)
const parseBool = (text: string) => text === 't'
/** oid values go up to 2^32 - 1: a number, but not an int32. */
const parseOid = (text: string) => Number(text)

/**
 * A parser for every type Prisma reads. Dates and times stay strings (in UTC), JSON stays a string,
 * int8 and numeric keep their precision as strings, arrays are parsed element-wise. pg's global registry
 * (`pg.types.setTypeParser`, which an application may have changed for its own use) is never consulted.
 */
const PARSERS = new Map<number, (text: string) => unknown>([
  [OID.int2, parseInt32], [OID.int4, parseInt32], [OID.oid, parseOid], [OID.float4, parseFloat],
  [OID.float8, parseFloat], [OID.bool, parseBool], [OID.bytea, parseBytea],
  [OID.date, normalizeDate], [OID.time, identity], [OID.timetz, normalizeTimetz],
  [OID.timestamp, normalizeTimestamp], [OID.timestamptz, normalizeTimestamp], [OID.money, normalizeMoney],
  [OID._int2, arrayOf(parseInt32)], [OID._int4, arrayOf(parseInt32)], [OID._oid, arrayOf(parseOid)],
  [OID._int8, arrayOf(identity)], [OID._float4, arrayOf(parseFloat)], [OID._float8, arrayOf(parseFloat)],
  [OID._numeric, arrayOf(identity)], [OID._money, arrayOf(normalizeMoney)], [OID._bool, arrayOf(parseBool)],
  [OID._date, arrayOf(normalizeDate)], [OID._time, arrayOf(identity)], [OID._timetz, arrayOf(normalizeTimetz)],
  [OID._timestamp, arrayOf(normalizeTimestamp)], [OID._timestamptz, arrayOf(normalizeTimestamp)],
  [OID._json, arrayOf(identity)], [OID._jsonb, arrayOf(identity)], [OID._bytea, arrayOf(parseBytea)],
  [OID._uuid, arrayOf(identity)],
  ...[OID._char, OID._text, OID._varchar, OID._bpchar, OID._name, OID._bit, OID._varbit, OID._inet, OID._cidr, OID._xml].map(
    (oid) => [oid, arrayOf(identity)] as [number, (text: string) => unknown],
  ),
])

/** How a value of type `oid` is read from PostgreSQL's text output (the text itself for a type without a parser). */
export const parserOf = (oid: number): ((text: string) => unknown) => PARSERS.get(oid) ?? identity

/** The `types` option of every query: text in, Prisma's encodings out; anything else stays text. */
export const resultTypes = {
  getTypeParser: parserOf,
} as unknown as pg.CustomTypesConfig

/** Writes a Date the way PostgreSQL reads it, in UTC whatever the session's `TimeZone`. */
function formatDate(date: Date, dbType: string | undefined): string {
  const ms = date.getUTCMilliseconds()
  const time =
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}` +
    (ms ? `.${pad(ms, 3)}` : '')
  const year = date.getUTCFullYear()
  // PostgreSQL reads years before 1 with a BC suffix, not as negative numbers (JavaScript's year 0 is 1 BC).
  const era = year < 1 ? ' BC' : ''
  const day = `${pad(year < 1 ? 1 - year : year, 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`
  switch (dbType?.toUpperCase()) {
    case 'DATE':
      return `${day}${era}`
    case 'TIME':
      return time
    case 'TIMETZ':
      return `${time}+00`
    default:
      // The offset makes timestamptz values exact; plain timestamp ignores it.
      return `${day} ${time}+00${era}`
  }
}

/** A time zone at the end of an ISO date-time: `Z`, `+02:00`, `-0500`; a date alone counts as having one. */
const HAS_ZONE = /(?:[zZ]|[+-]\d\d(?::?\d\d)?|^\d{4,}-\d\d-\d\d)$/

/** Converts one Prisma argument to what pg sends. */
export function toPgValue(arg: unknown, argType: ArgType | undefined): unknown {
  if (arg === null || arg === undefined) return null
  if (Array.isArray(arg) && argType?.arity === 'list') return arg.map((value) => toPgValue(value, argType))
  // Prisma sends ISO strings with a Z; one without an offset is UTC too, not the process's time zone.
  if (typeof arg === 'string' && argType?.scalarType === 'datetime') arg = new Date(HAS_ZONE.test(arg) ? arg : `${arg}Z`)
  if (arg instanceof Date) {
    if (Number.isNaN(arg.getTime())) throw new TypeError('invalid Date passed as a query argument')
    return formatDate(arg, argType?.dbType)
  }
  if (typeof arg === 'string' && argType?.scalarType === 'bytes') return Buffer.from(arg, 'base64')
  if (ArrayBuffer.isView(arg) && !Buffer.isBuffer(arg)) return Buffer.from(arg.buffer, arg.byteOffset, arg.byteLength)
  return arg
}
