// The engine-agnostic half of the Prisma-Client-level compatibility suites: a comparable form of Prisma
// results, the assertion that ours and the official adapter agree, and the Prisma error a promise rejects
// with. Decimal and PrismaClientKnownRequestError come from the client runtime, which every generated
// client re-exports, so these helpers serve the clients of every engine.
import { Decimal, PrismaClientKnownRequestError } from '@prisma/client/runtime/client'
import { expect } from 'vitest'

/** Two clients of the same generated type: one on our adapter, one on the official one. */
export interface ClientPair<Client> {
  /** The client on our adapter. */
  ours: Client
  /** The client on the official adapter; absent for an engine that has none (see both()). */
  official?: Client
}

/**
 * A plain, comparable form of a Prisma result: Decimal → `Decimal(…)`, bytes → `Bytes(hex)`, Date → ISO
 * string (`Invalid Date` stays visible), bigint → `…n`. Objects and arrays are walked.
 */
export function canonical(value: unknown): unknown {
  if (value === null || value === undefined) return value
  if (typeof value === 'bigint') return `${value}n`
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : `Date(${value.toISOString()})`
  if (Decimal.isDecimal(value)) return `Decimal(${(value as Decimal).toString()})`
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

/**
 * Runs the same scenario on both clients, in parallel. Without an official client, on ours alone, whose result then
 * stands for both: expectSame() still checks it against the expected one.
 */
export function both<Client, T>(pair: ClientPair<Client>, scenario: (prisma: Client) => Promise<T>): Promise<[T, T]> {
  if (!pair.official) return scenario(pair.ours).then((ours) => [ours, ours])
  return Promise.all([scenario(pair.ours), scenario(pair.official)])
}

/** The PrismaClientKnownRequestError a promise rejects with; fails the test if it resolves or rejects otherwise. */
export async function knownError(promise: Promise<unknown>): Promise<PrismaClientKnownRequestError> {
  const error = await promise.then(
    (value) => {
      throw new Error(`expected a Prisma error, got ${JSON.stringify(canonical(value))}`)
    },
    (error: unknown) => error,
  )
  if (!(error instanceof PrismaClientKnownRequestError)) {
    throw new Error(`expected a PrismaClientKnownRequestError, got ${String(error)}`, { cause: error })
  }
  return error
}
