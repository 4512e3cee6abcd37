// Prisma's arguments as the Java helper binds them (JdbcSession.bind): one string for all of them, so that a statement
// costs one crossing into the JVM whatever its number of arguments.
import type { ArgType } from '@prisma/driver-adapter-utils'
import type { JdbcDialect } from './dialect.js'

/** A Date as `YYYY-MM-DD HH:MM:SS.fff` in UTC: what every SQL database reads as a timestamp. */
export function sqlTimestamp(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new TypeError('invalid Date passed as a query argument')
  return date.toISOString().replace('T', ' ').replace('Z', '')
}

const toBase64 = (bytes: ArrayBufferView) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')

/** The binding of one argument by Prisma's argument type (the generic one; a dialect may have its own). */
export function genericBind(arg: unknown, argType: ArgType | undefined): readonly [string, string] | null {
  if (arg === null || arg === undefined) return null
  switch (argType?.scalarType) {
    case 'int':
      return ['L', String(arg)]
    case 'bigint':
      return ['M', String(arg)]
    case 'float':
      return ['D', String(arg)]
    case 'decimal':
      return ['M', String(arg)]
    case 'boolean':
      return ['B', arg === true || arg === 1 || arg === '1' || arg === 'true' ? '1' : '0']
    case 'datetime':
      return ['S', sqlTimestamp(arg instanceof Date ? arg : new Date(String(arg)))]
    case 'bytes':
      return ['Y', typeof arg === 'string' ? arg : toBase64(arg as ArrayBufferView)]
  }
  // Raw queries' arguments carry no type of their own ('unknown'): their JavaScript type decides.
  if (typeof arg === 'number') return Number.isInteger(arg) ? ['L', String(arg)] : ['D', String(arg)]
  if (typeof arg === 'bigint') return ['M', String(arg)]
  if (typeof arg === 'boolean') return ['B', arg ? '1' : '0']
  if (arg instanceof Date) return ['S', sqlTimestamp(arg)]
  if (ArrayBuffer.isView(arg)) return ['Y', toBase64(arg)]
  if (typeof arg === 'object') return ['S', JSON.stringify(arg)]
  return ['S', String(arg)]
}

/** Every argument in one string, in the order of the statement's placeholders. */
export function encodeArgs(dialect: JdbcDialect, args: readonly unknown[], argTypes: readonly (ArgType | undefined)[], order?: readonly number[]): string {
  const bind = dialect.bind ?? genericBind
  let out = ''
  const count = order ? order.length : args.length
  for (let i = 0; i < count; i++) {
    const index = order ? order[i]! : i
    // `$3` with two arguments, or `$0`: the server would refuse it; binding NULL would answer wrongly.
    if (index < 0 || index >= args.length) throw new RangeError(`the statement's placeholder $${index + 1} has no argument (${args.length} given)`)
    const bound = bind(args[index], argTypes[index])
    out += bound === null ? 'N' : `${bound[0]}${bound[1].length}:${bound[1]}`
  }
  return out
}
