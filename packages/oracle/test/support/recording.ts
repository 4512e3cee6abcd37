// A driver adapter factory that records every statement Prisma sends through another one: how the corpus of Prisma's
// own SQL (test/corpus.json) is captured, and how the scenario tests collect what they made Prisma send.
import type { SqlDriverAdapter, SqlDriverAdapterFactory, SqlQuery, Transaction } from '@prisma/driver-adapter-utils'

export interface RecordedStatement {
  sql: string
  argTypes: SqlQuery['argTypes']
  /** Prisma's arguments, as JSON can hold them (bytes as base64, bigint as a string). */
  args: unknown[]
}

const plain = (arg: unknown): unknown =>
  arg instanceof Uint8Array ? { base64: Buffer.from(arg).toString('base64') } : typeof arg === 'bigint' ? String(arg) : arg

function recordingQueryable<T extends SqlDriverAdapter | Transaction>(inner: T, record: (query: SqlQuery) => void): T {
  return new Proxy(inner, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver)
      if (key === 'queryRaw' || key === 'executeRaw') {
        return (query: SqlQuery) => {
          record(query)
          return (value as (q: SqlQuery) => unknown).call(target, query)
        }
      }
      if (key === 'startTransaction') {
        return async (...args: unknown[]) => recordingQueryable(await (value as (...a: unknown[]) => Promise<Transaction>).apply(target, args), record)
      }
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}

/** `factory`, recording each statement into `statements`; `normalize` rewrites its SQL first (a schema name → "public"). */
export function recording(
  factory: SqlDriverAdapterFactory,
  statements: RecordedStatement[],
  normalize: (sql: string) => string = (sql) => sql,
): SqlDriverAdapterFactory {
  const record = (query: SqlQuery) => statements.push({ sql: normalize(query.sql), argTypes: query.argTypes, args: query.args.map(plain) })
  return new Proxy(factory, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver)
      if (key === 'connect') return async () => recordingQueryable(await target.connect(), record)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}
