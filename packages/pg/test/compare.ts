// Shared set-up of the Prisma-Client-level tests: one client on PrismaPoolPg and one on the official
// PrismaPg, each on a fresh schema of its own so that autoincrement ids line up. The helpers that compare
// what the two return are shared by every engine (test-support/compare.ts).
import { ourPgAdapter } from '../../../test-support/engines/pg.js'
import type { PrismaPoolPgOptions } from '@prisma-pool/pg'
import { PrismaPg } from '@prisma/adapter-pg'
import type pg from 'pg'
import type { ClientPair } from '../../../test-support/compare.js'
import { PrismaClient } from './generated/prisma/client.js'
import { createTestSchema, PG_URL } from './helpers.js'

export { both, canonical, expectSame, knownError } from '../../../test-support/compare.js'

export type Schema = Awaited<ReturnType<typeof createTestSchema>>

/** `official` is the client on `@prisma/adapter-pg`. */
export interface Pair extends ClientPair<PrismaClient> {
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
  const ours = new PrismaClient({ adapter: ourPgAdapter({ connectionString: PG_URL, schema: oursSchema.name, ...options }) })
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
