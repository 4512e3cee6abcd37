// Prisma's arguments as node-oracledb binds. Every bind carries its type, so that a NULL has the type of its place (a
// NULL NUMBER, a NULL RAW) and so that numbers keep what they are: BigInt as an exact NUMBER, Decimal text as text that
// Oracle reads as a NUMBER (the session's NLS_NUMERIC_CHARACTERS is set to '.,' at connect), Float as BINARY_DOUBLE
// (1.5e-300 is outside NUMBER's range). DateTime goes as TIMESTAMP WITH TIME ZONE in UTC, which Oracle stores into a
// DATE or TIMESTAMP column as UTC's wall clock whatever the session's or the process's time zone.
import { DriverAdapterError, type ArgType } from '@prisma/driver-adapter-utils'
import oracledb, { type BindDefinition, type BindParameter, type DbType } from 'oracledb'
import type { BindSource } from './plan.js'

/** An input bind: its value and type. */
export interface InBind {
  val: unknown
  type: DbType
}

const invalid = (message: string) => new DriverAdapterError({ kind: 'InvalidInputValue', message })

/** Prisma's dbType of a Float column. */
const FLOAT_DB_TYPES = new Set(['DOUBLEPRECISION', 'DOUBLE PRECISION', 'FLOAT8', 'REAL', 'FLOAT4', 'FLOAT'])
const isFloatType = (argType: ArgType | undefined) => argType?.scalarType === 'float' || FLOAT_DB_TYPES.has(argType?.dbType?.toUpperCase() ?? '')

/** NUMBER holds magnitudes from 1e-130 to below 1e126; a double outside that (or NaN, ±Infinity) needs BINARY_DOUBLE. */
const fitsNumber = (n: number) => Number.isFinite(n) && (n === 0 || (Math.abs(n) >= 1e-130 && Math.abs(n) < 1e126))

/** The type of a NULL in the place of an argument of `argType`. */
function nullType(argType: ArgType | undefined): DbType {
  if (isFloatType(argType)) return oracledb.DB_TYPE_BINARY_DOUBLE
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

/** A Date, or Prisma's ISO text of one (without an offset it is UTC, not the process's time zone). */
function toDate(value: unknown): Date {
  const date = value instanceof Date ? value : new Date(/(?:[zZ]|[+-]\d\d(?::?\d\d)?)$/.test(String(value)) ? String(value) : `${String(value)}Z`)
  if (Number.isNaN(date.getTime())) throw invalid(`${JSON.stringify(String(value))} is not a date and time`)
  return date
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
export function bindArg(arg: unknown, argType: ArgType | undefined): InBind {
  if (arg === null || arg === undefined) return { val: null, type: nullType(argType) }
  if (argType?.arity === 'list' || Array.isArray(arg)) {
    throw invalid('a list argument cannot be bound in Oracle SQL (Oracle has no array parameters); the statement needs an IN list instead')
  }
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
    case 'datetime':
      return { val: toDate(arg), type: oracledb.DB_TYPE_TIMESTAMP_TZ }
    case 'bytes':
      if (typeof arg === 'string') return { val: Buffer.from(arg, 'base64'), type: oracledb.DB_TYPE_RAW }
      if (arg instanceof Uint8Array) return { val: bytes(arg), type: oracledb.DB_TYPE_RAW }
      throw invalid(`a ${typeof arg} is not bytes`)
    case 'json':
      return { val: typeof arg === 'string' ? arg : JSON.stringify(arg), type: oracledb.DB_TYPE_VARCHAR }
    default:
      // Text, enums, UUIDs, and the values of raw queries, by what they are.
      if (typeof arg === 'string') return { val: arg, type: oracledb.DB_TYPE_VARCHAR }
      if (typeof arg === 'number') return numberBind(arg)
      if (typeof arg === 'bigint') return bigintBind(arg)
      if (typeof arg === 'boolean') return { val: arg ? 1 : 0, type: oracledb.DB_TYPE_NUMBER }
      if (arg instanceof Date) return { val: toDate(arg), type: oracledb.DB_TYPE_TIMESTAMP_TZ }
      if (arg instanceof Uint8Array) return { val: bytes(arg), type: oracledb.DB_TYPE_RAW }
      return { val: JSON.stringify(arg), type: oracledb.DB_TYPE_VARCHAR }
  }
}

/** A value the translator fixed in the plan (a boolean literal's 1/0, a LIKE escape). */
export function bindFixed(value: string | number | null): InBind {
  if (value === null) return { val: null, type: oracledb.DB_TYPE_VARCHAR }
  return typeof value === 'number' ? numberBind(value) : { val: value, type: oracledb.DB_TYPE_VARCHAR }
}

/** The binds of a step, from Prisma's arguments by the plan's sources. */
export function stepBinds(sources: readonly BindSource[], args: readonly unknown[], argTypes: readonly (ArgType | undefined)[]): InBind[] {
  return sources.map((source) => {
    if ('value' in source) return bindFixed(source.value)
    if (source.arg < 0 || source.arg >= args.length) {
      throw invalid(`the statement's translation refers to argument ${source.arg + 1}, but only ${args.length} were given`)
    }
    return bindArg(args[source.arg], argTypes[source.arg])
  })
}

/** Types whose binds need a maxSize: the longest value, in bytes. */
const SIZED = new Set<DbType>([oracledb.DB_TYPE_VARCHAR, oracledb.DB_TYPE_RAW])
const sizeOf = (bind: InBind) =>
  bind.val === null ? 1 : bind.type === oracledb.DB_TYPE_RAW ? (bind.val as Buffer).length : Buffer.byteLength(String(bind.val))

/**
 * executeMany's bind definitions for rows of binds: each position's type (a NULL takes the others'), and the longest
 * value for text and bytes. `undefined` when a position's values differ in type (a number in one row, text in
 * another): such rows run one by one instead.
 */
export function batchDefinitions(rows: readonly InBind[][]): BindDefinition[] | undefined {
  const width = rows[0]?.length ?? 0
  const defs: BindDefinition[] = []
  for (let i = 0; i < width; i++) {
    const column = rows.map((row) => row[i]!)
    const typed = column.filter((bind) => bind.val !== null)
    const type = (typed[0] ?? column[0]!).type
    if (typed.some((bind) => bind.type !== type)) return undefined
    defs.push(SIZED.has(type) ? { type, maxSize: column.reduce((max, bind) => Math.max(max, sizeOf(bind)), 1) } : { type })
  }
  return defs
}

/** An input bind as node-oracledb takes it. */
export const asParameter = (bind: InBind): BindParameter => ({ val: bind.val, type: bind.type })
