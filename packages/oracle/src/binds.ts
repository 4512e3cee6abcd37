// Prisma's arguments as node-oracledb binds. Every bind carries its type, so that a NULL has the type of its place (a
// NULL NUMBER, a NULL RAW) and so that numbers keep what they are: BigInt as an exact NUMBER, Decimal text as text that
// Oracle reads as a NUMBER (the session's NLS_NUMERIC_CHARACTERS is set to '.,' at connect), Float as BINARY_DOUBLE
// (1.5e-300 is outside NUMBER's range), and a REAL (@db.Real) as BINARY_FLOAT, so that `= 0.1` compares with a
// BINARY_FLOAT column's own 0.1. DateTime goes as TIMESTAMP WITH TIME ZONE in UTC, which Oracle stores into a DATE or
// TIMESTAMP column as UTC's wall clock whatever the session's or the process's time zone; a @db.Date as its UTC day.
//
// Text: VARCHAR, or CHAR for a @db.Char (blank-padded comparison, as PostgreSQL's bpchar compares), and a LOB past
// 4000 bytes (which a VARCHAR bind cannot carry into a CLOB or NCLOB). In a database whose character set is not
// Unicode, text that is not ASCII goes in the national character set (NVARCHAR, NCHAR, NCLOB: AL16UTF16, which holds
// every character), since a VARCHAR bind is converted to the database's character set, and Oracle replaces what it
// cannot hold with '¿' silently; JSON's non-ASCII characters are written as \uXXXX escapes instead, the same JSON.
//
// Oracle stores '' (and an empty RAW) as NULL: an empty argument is refused before anything runs, unless the adapter's
// emptyStrings option is 'null' (see checkEmptyString).
import { DriverAdapterError, type ArgType } from '@prisma/driver-adapter-utils'
import oracledb, { type BindDefinition, type BindParameter, type DbType } from 'oracledb'
import type { BindSource } from './plan.js'

/** An input bind: its value and type. */
export interface InBind {
  val: unknown
  type: DbType
}

/** What an empty text argument becomes: refused ('error', the default), or bound as it is (Oracle stores NULL). */
export type EmptyStrings = 'error' | 'null'

/** How a connection binds: what its database is, and what the adapter's options say. */
export interface BindSettings {
  /** The database character set is not Unicode (AL32UTF8, UTF8): text outside ASCII goes in the national character set. */
  readonly national: boolean
  readonly emptyStrings: EmptyStrings
}

export const DEFAULT_BIND_SETTINGS: BindSettings = { national: false, emptyStrings: 'error' }

const invalid = (message: string) => new DriverAdapterError({ kind: 'InvalidInputValue', message })

/** Prisma's dbType of a Float column. */
const FLOAT_DB_TYPES = new Set(['DOUBLEPRECISION', 'DOUBLE PRECISION', 'FLOAT8', 'REAL', 'FLOAT4', 'FLOAT'])
/** Prisma's dbType of a single-precision Float (@db.Real): a BINARY_FLOAT column. */
const FLOAT4_DB_TYPES = new Set(['REAL', 'FLOAT4'])
/** Prisma's dbType of a blank-padded @db.Char: a CHAR column. */
const CHAR_DB_TYPES = new Set(['CHAR', 'BPCHAR', 'CHARACTER'])
/** Prisma's dbTypes of text that the DDL puts in VARCHAR2 or CHAR (the database's character set): a long one is a CLOB. */
const DB_CHARSET_TEXT = new Set(['VARCHAR', 'CHARACTER VARYING', 'CHAR', 'BPCHAR', 'CHARACTER', 'UUID', 'CITEXT'])
const dbTypeOf = (argType: ArgType | undefined) => argType?.dbType?.toUpperCase() ?? ''
const isFloatType = (argType: ArgType | undefined) => argType?.scalarType === 'float' || FLOAT_DB_TYPES.has(dbTypeOf(argType))
const isFloat4 = (argType: ArgType | undefined) => FLOAT4_DB_TYPES.has(dbTypeOf(argType))
const isChar = (argType: ArgType | undefined) => CHAR_DB_TYPES.has(dbTypeOf(argType))

/** The most bytes a VARCHAR bind carries into any column (a longer text is bound as a LOB). */
export const MAX_VARCHAR_BYTES = 4000
/** The LOB types of text binds. */
const TEXT_LOBS = new Set<DbType>([oracledb.DB_TYPE_CLOB, oracledb.DB_TYPE_NCLOB])

/** NUMBER holds magnitudes from 1e-130 to below 1e126; a double outside that (or NaN, ±Infinity) needs BINARY_DOUBLE. */
const fitsNumber = (n: number) => Number.isFinite(n) && (n === 0 || (Math.abs(n) >= 1e-130 && Math.abs(n) < 1e126))

/** The type of a NULL in the place of an argument of `argType`. */
function nullType(argType: ArgType | undefined): DbType {
  if (isFloat4(argType)) return oracledb.DB_TYPE_BINARY_FLOAT
  if (isFloatType(argType)) return oracledb.DB_TYPE_BINARY_DOUBLE
  if (isChar(argType)) return oracledb.DB_TYPE_CHAR
  switch (argType?.scalarType) {
    case 'int':
    case 'bigint':
    case 'decimal':
    case 'boolean':
      return oracledb.DB_TYPE_NUMBER
    case 'datetime':
      return oracledb.DB_TYPE_TIMESTAMP_TZ
    case 'bytes':
      return oracledb.DB_TYPE_RAW
    default:
      return oracledb.DB_TYPE_VARCHAR
  }
}

/** A Date, or Prisma's ISO text of one (without an offset it is UTC, not the process's time zone; a day alone is its midnight, UTC). */
function toDate(value: unknown): Date {
  const text = String(value)
  const iso = /^[+-]?\d{4,6}-\d\d-\d\d$/.test(text) ? `${text}T00:00:00Z` : /(?:[zZ]|[+-]\d\d(?::?\d\d)?)$/.test(text) ? text : `${text}Z`
  const date = value instanceof Date ? value : new Date(iso)
  if (Number.isNaN(date.getTime())) throw invalid(`${JSON.stringify(text)} is not a date and time`)
  return date
}

/** A @db.Date: the UTC calendar day of the instant, at midnight UTC (PostgreSQL's date is the day Prisma's pg adapter sends). */
function utcDay(date: Date): Date {
  const day = new Date(date.getTime())
  // setUTCHours, not Date.UTC: Date.UTC reads years 0–99 as 1900–1999.
  day.setUTCHours(0, 0, 0, 0)
  return day
}

/** The largest finite float32 (FLT_MAX). */
const FLOAT4_MAX = 3.4028234663852886e38

/**
 * A REAL's value as BINARY_FLOAT (node-oracledb rounds it to single precision, as PostgreSQL's real does). One that no
 * float32 holds is refused, as PostgreSQL refuses it ("out of range for type real"), rather than stored as ±Infinity or 0.
 */
function float4Bind(n: number, value: unknown): InBind {
  if (Number.isFinite(n) && (Math.abs(n) > FLOAT4_MAX || (n !== 0 && Math.fround(n) === 0))) {
    throw invalid(`${JSON.stringify(String(value))} is out of range for a REAL (single precision: magnitudes from about 1.4e-45 to 3.4e38)`)
  }
  return { val: n, type: oracledb.DB_TYPE_BINARY_FLOAT }
}

const isAscii = (text: string) => !/[^\x00-\x7f]/.test(text)

/** JSON text with every non-ASCII character written as a \uXXXX escape: the same JSON, in any character set. */
const asciiJson = (text: string) => text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)

/**
 * Text as a bind: VARCHAR (CHAR for a @db.Char), in the national character set where the database's is not Unicode and
 * the text is not ASCII, and past 4000 bytes a LOB: CLOB for text the DDL keeps in the database's character set
 * (VARCHAR2, CHAR: @db.VarChar, @db.Char, @db.Uuid), NCLOB for the rest (String, @db.Text: NVARCHAR2, NCLOB).
 */
function textBind(text: string, argType: ArgType | undefined, settings: BindSettings): InBind {
  const national = settings.national && !isAscii(text)
  if (Buffer.byteLength(text) > MAX_VARCHAR_BYTES) {
    const dbCharset = DB_CHARSET_TEXT.has(dbTypeOf(argType))
    return { val: text, type: dbCharset && !national ? oracledb.DB_TYPE_CLOB : oracledb.DB_TYPE_NCLOB }
  }
  if (isChar(argType)) return { val: text, type: national ? oracledb.DB_TYPE_NCHAR : oracledb.DB_TYPE_CHAR }
  return { val: text, type: national ? oracledb.DB_TYPE_NVARCHAR : oracledb.DB_TYPE_VARCHAR }
}

/** JSON text as a bind: VARCHAR, a CLOB past 4000 bytes (Json columns are CLOBs), ASCII-escaped where the database is not Unicode. */
function jsonBind(text: string, settings: BindSettings): InBind {
  const json = settings.national ? asciiJson(text) : text
  return { val: json, type: Buffer.byteLength(json) > MAX_VARCHAR_BYTES ? oracledb.DB_TYPE_CLOB : oracledb.DB_TYPE_VARCHAR }
}

const number = (value: unknown, what: string): number => {
  const n = typeof value === 'number' ? value : Number(value)
  if (typeof value === 'string' && value.trim() === '') throw invalid(`an empty text is not ${what}`)
  if (Number.isNaN(n) && !/^[+-]?nan$/i.test(String(value))) throw invalid(`${JSON.stringify(String(value))} is not ${what}`)
  return n
}

/** A number that NUMBER holds, else BINARY_DOUBLE. */
const numberBind = (n: number): InBind => ({ val: n, type: fitsNumber(n) ? oracledb.DB_TYPE_NUMBER : oracledb.DB_TYPE_BINARY_DOUBLE })

function bigintBind(value: unknown): InBind {
  try {
    return { val: typeof value === 'bigint' ? value : BigInt(typeof value === 'number' ? Math.trunc(value) : String(value)), type: oracledb.DB_TYPE_NUMBER }
  } catch {
    throw invalid(`${JSON.stringify(String(value))} is not an integer`)
  }
}

const bytes = (value: Uint8Array) => (Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength))

/** One of Prisma's arguments as a bind of its type. */
export function bindArg(arg: unknown, argType: ArgType | undefined, settings: BindSettings = DEFAULT_BIND_SETTINGS): InBind {
  if (arg === null || arg === undefined) return { val: null, type: nullType(argType) }
  if (argType?.arity === 'list' || Array.isArray(arg)) {
    throw invalid('a list argument cannot be bound in Oracle SQL (Oracle has no array parameters); the statement needs an IN list instead')
  }
  if (isFloat4(argType)) return float4Bind(number(arg, 'a number'), arg)
  if (isFloatType(argType)) return { val: number(arg, 'a number'), type: oracledb.DB_TYPE_BINARY_DOUBLE }
  switch (argType?.scalarType) {
    case 'boolean':
      return { val: arg === true || arg === 'true' || arg === 1 || arg === '1' ? 1 : 0, type: oracledb.DB_TYPE_NUMBER }
    case 'int': {
      const n = number(arg, 'an integer')
      if (!Number.isInteger(n)) throw invalid(`${JSON.stringify(String(arg))} is not an integer`)
      return { val: n, type: oracledb.DB_TYPE_NUMBER }
    }
    case 'bigint':
      return bigintBind(arg)
    case 'decimal':
      // Decimal's text, exact; Oracle reads it as a NUMBER where the statement wants one. A JS number (a raw query's)
      // goes as a number.
      if (typeof arg === 'number') return numberBind(arg)
      if (typeof arg === 'bigint') return bigintBind(arg)
      return { val: String(arg), type: oracledb.DB_TYPE_VARCHAR }
    case 'datetime': {
      const date = toDate(arg)
      return { val: dbTypeOf(argType) === 'DATE' ? utcDay(date) : date, type: oracledb.DB_TYPE_TIMESTAMP_TZ }
    }
    case 'bytes':
      if (typeof arg === 'string') return { val: Buffer.from(arg, 'base64'), type: oracledb.DB_TYPE_RAW }
      if (arg instanceof Uint8Array) return { val: bytes(arg), type: oracledb.DB_TYPE_RAW }
      throw invalid(`a ${typeof arg} is not bytes`)
    case 'json':
      return jsonBind(typeof arg === 'string' ? arg : JSON.stringify(arg), settings)
    default:
      // Text, enums, UUIDs, and the values of raw queries, by what they are.
      if (typeof arg === 'string') return textBind(arg, argType, settings)
      if (typeof arg === 'number') return numberBind(arg)
      if (typeof arg === 'bigint') return bigintBind(arg)
      if (typeof arg === 'boolean') return { val: arg ? 1 : 0, type: oracledb.DB_TYPE_NUMBER }
      if (arg instanceof Date) return { val: toDate(arg), type: oracledb.DB_TYPE_TIMESTAMP_TZ }
      if (arg instanceof Uint8Array) return { val: bytes(arg), type: oracledb.DB_TYPE_RAW }
      return textBind(JSON.stringify(arg), argType, settings)
  }
}

/** Whether an argument is empty text or empty bytes, which Oracle stores as NULL. */
const emptyKind = (arg: unknown, argType: ArgType | undefined): 'text' | 'bytes' | undefined => {
  if (arg === '') return argType?.scalarType === 'bytes' ? 'bytes' : 'text'
  if (arg instanceof Uint8Array && arg.byteLength === 0) return 'bytes'
  return undefined
}

/**
 * Refuses an empty text (or empty bytes) argument when `emptyStrings` is 'error': Oracle stores '' as NULL, and compares
 * it as NULL (matching no row), which would silently differ from what Prisma's PostgreSQL statement means. Where the
 * translator marks the bind `likePattern` (the argument only goes into a LIKE pattern, `'%' || :1 || '%'`: contains,
 * startsWith, endsWith), '' is exact (the pattern becomes '%%') and is allowed. A bind without the mark is a value.
 * `position` is the argument's index in Prisma's list.
 */
export function checkEmptyString(arg: unknown, argType: ArgType | undefined, bind: { likePattern?: boolean }, position: number, mode: EmptyStrings): void {
  if (mode === 'null' || bind.likePattern === true) return
  const kind = emptyKind(arg, argType)
  if (kind === undefined) return
  const what = kind === 'text' ? "'' as NULL" : 'empty bytes as NULL'
  throw new DriverAdapterError({
    kind: 'InvalidInputValue',
    message:
      `Oracle stores ${what}: argument ${position + 1} is ${kind === 'text' ? 'an empty string' : 'empty bytes'}, which Oracle would store, ` +
      `and compare, as NULL. Set emptyStrings: 'null' on PrismaPoolOracle to store it as NULL, as Oracle does, or write null.`,
  })
}

/** A value the translator fixed in the plan (a boolean literal's 1/0, a LIKE escape). */
export function bindFixed(value: string | number | null): InBind {
  if (value === null) return { val: null, type: oracledb.DB_TYPE_VARCHAR }
  return typeof value === 'number' ? numberBind(value) : { val: value, type: oracledb.DB_TYPE_VARCHAR }
}

/** A bind of Prisma's argument, as the translator marks it (`likePattern`: see checkEmptyString). */
type ArgSource = Extract<BindSource, { arg: number }> & { readonly likePattern?: boolean }

/** The binds of a step, from Prisma's arguments by the plan's sources. */
export function stepBinds(
  sources: readonly BindSource[],
  args: readonly unknown[],
  argTypes: readonly (ArgType | undefined)[],
  settings: BindSettings = DEFAULT_BIND_SETTINGS,
): InBind[] {
  return sources.map((source) => {
    if ('value' in source) return bindFixed(source.value)
    if (source.arg < 0 || source.arg >= args.length) {
      throw invalid(`the statement's translation refers to argument ${source.arg + 1}, but only ${args.length} were given`)
    }
    checkEmptyString(args[source.arg], argTypes[source.arg], source as ArgSource, source.arg, settings.emptyStrings)
    return bindArg(args[source.arg], argTypes[source.arg], settings)
  })
}

/** Types whose binds need a maxSize: the longest value, in bytes. */
const SIZED = new Set<DbType>([oracledb.DB_TYPE_VARCHAR, oracledb.DB_TYPE_NVARCHAR, oracledb.DB_TYPE_CHAR, oracledb.DB_TYPE_NCHAR, oracledb.DB_TYPE_RAW])
const sizeOf = (bind: InBind) =>
  bind.val === null ? 1 : bind.type === oracledb.DB_TYPE_RAW ? (bind.val as Buffer).length : Buffer.byteLength(String(bind.val))

/** The national type a text bind of the database's character set may be bound as, in a batch with national ones. */
const NATIONAL_OF = new Map<DbType, DbType>([
  [oracledb.DB_TYPE_VARCHAR, oracledb.DB_TYPE_NVARCHAR],
  [oracledb.DB_TYPE_CHAR, oracledb.DB_TYPE_NCHAR],
])

/**
 * executeMany's bind definitions for rows of binds: each position's type (a NULL takes the others'), and the longest
 * value for text and bytes. Text of the database's character set and national text share the national type (which holds
 * both). `undefined` when a position's values differ in type otherwise (a number in one row, text in another), or when
 * a value is a LOB (text past 4000 bytes): such rows run one by one instead.
 */
export function batchDefinitions(rows: readonly InBind[][]): BindDefinition[] | undefined {
  const width = rows[0]?.length ?? 0
  const defs: BindDefinition[] = []
  for (let i = 0; i < width; i++) {
    const column = rows.map((row) => row[i]!)
    if (column.some((bind) => TEXT_LOBS.has(bind.type))) return undefined
    const typed = column.filter((bind) => bind.val !== null)
    const types = new Set(typed.map((bind) => bind.type))
    let type = (typed[0] ?? column[0]!).type
    if (types.size > 1) {
      const shared = new Set([...types].map((t) => NATIONAL_OF.get(t) ?? t))
      if (shared.size > 1) return undefined
      type = [...shared][0]!
    }
    defs.push(SIZED.has(type) ? { type, maxSize: column.reduce((max, bind) => Math.max(max, sizeOf(bind)), 1) } : { type })
  }
  return defs
}

/** An input bind as node-oracledb takes it. */
export const asParameter = (bind: InBind): BindParameter => ({ val: bind.val, type: bind.type })
