// Shared set-up of the Prisma-Client-level tests: one client on PrismaPoolPg and one on the official
// PrismaPg, each on a fresh schema of its own so that autoincrement ids line up, plus helpers to
// compare what the two return.
import { PrismaPoolPg, type PrismaPoolPgOptions } from '@prisma-pool/pg'
import { PrismaPg } from '@prisma/adapter-pg'
import type pg from 'pg'
import { expect } from 'vitest'
import { Prisma, PrismaClient } from './generated/prisma/client.js'
import { createTestSchema, PG_URL } from './helpers.js'

export type Schema = Awaited<ReturnType<typeof createTestSchema>>

export interface Pair {
  /** The client on our adapter. */
  ours: PrismaClient
  /** The client on the official `@prisma/adapter-pg`. */
  official: PrismaClient
  oursSchema: Schema
  officialSchema: Schema
  /** Disconnects both clients and drops both schemas. */
  close(): Promise<void>
}

/** Two clients, ours and the official one, on two fresh schemas; `options` and `officialConfig` go to each adapter. */
export async function openPair(
  prefix: string,
  options: Omit<PrismaPoolPgOptions, 'connectionString' | 'schema'> = {},
  officialConfig: Omit<pg.PoolConfig, 'connectionString'> = {},
): Promise<Pair> {
  const [oursSchema, officialSchema] = await Promise.all([createTestSchema(`${prefix}_ours`), createTestSchema(`${prefix}_off`)])
  const ours = new PrismaClient({ adapter: new PrismaPoolPg({ connectionString: PG_URL, schema: oursSchema.name, ...options }) })
  // A small pool: test files run in parallel against one server.
  const official = new PrismaClient({ adapter: new PrismaPg({ connectionString: PG_URL, max: 3, ...officialConfig }, { schema: officialSchema.name }) })
  return {
    ours,
    official,
    oursSchema,
    officialSchema,
    async close() {
      await Promise.allSettled([ours.$disconnect(), official.$disconnect()])
      await Promise.all([oursSchema.drop(), officialSchema.drop()])
    },
  }
}

/**
 * A plain, comparable form of a Prisma result: Decimal → `Decimal(…)`, bytes → `Bytes(hex)`, Date → ISO
 * string (`Invalid Date` stays visible), bigint → `…n`. Objects and arrays are walked.
 */
export function canonical(value: unknown): unknown {
  if (value === null || value === undefined) return value
  if (typeof value === 'bigint') return `${value}n`
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : `Date(${value.toISOString()})`
  if (Prisma.Decimal.isDecimal(value)) return `Decimal(${(value as Prisma.Decimal).toString()})`
  if (value instanceof Uint8Array) return `Bytes(${Buffer.from(value).toString('hex')})`
  if (Array.isArray(value)) return value.map(canonical)
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, canonical(v)]))
  }
  return value
}

/** Asserts that both adapters produced the same result, and that it is the expected one. */
export function expectSame(ours: unknown, official: unknown, expected?: unknown) {
  expect(canonical(ours)).toEqual(canonical(official))
  if (expected !== undefined) expect(canonical(ours)).toEqual(canonical(expected))
}

/** Runs the same scenario on both clients, in parallel. */
export function both<T>(pair: Pair, scenario: (prisma: PrismaClient) => Promise<T>): Promise<[T, T]> {
  return Promise.all([scenario(pair.ours), scenario(pair.official)])
}

/** The PrismaClientKnownRequestError a promise rejects with; fails the test if it resolves or rejects otherwise. */
export async function knownError(promise: Promise<unknown>): Promise<Prisma.PrismaClientKnownRequestError> {
  const error = await promise.then(
    (value) => {
      throw new Error(`expected a Prisma error, got ${JSON.stringify(canonical(value))}`)
    },
    (error: unknown) => error,
  )
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) {
    throw new Error(`expected a PrismaClientKnownRequestError, got ${String(error)}`, { cause: error })
  }
  return error
}
