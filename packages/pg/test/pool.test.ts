// Pool behaviour against the real server, counting the sessions PostgreSQL itself reports: the scenarios every engine
// runs (test-support/engines/pool.ts), and what a returned or timed-out transaction leaves on PostgreSQL.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { PrismaPoolPg, type PoolOptions } from '@prisma-pool/pg'
import { pgFixture } from '../../../test-support/engines/pg.js'
import { registerPoolScenarios } from '../../../test-support/engines/pool.js'
import { until } from '../../../test-support/until.js'
import { PrismaClient } from './generated/prisma/client.js'
import { createTestSchema, OF_APP, PG_URL, sessionCount, sql, uniqueName } from './helpers.js'

registerPoolScenarios(pgFixture)

let schema: Awaited<ReturnType<typeof createTestSchema>>
const clients: PrismaClient[] = []

beforeAll(async () => {
  schema = await createTestSchema('pool')
})
afterAll(async () => {
  await Promise.all(clients.map((client) => client.$disconnect()))
  await schema.drop()
})

/** A client on its own pool, its sessions tagged with a unique application_name. */
function connect(pool: PoolOptions) {
  const app = uniqueName('pp_pool')
  const adapter = new PrismaPoolPg({ connectionString: PG_URL, schema: schema.name, application_name: app, pool })
  const prisma = new PrismaClient({ adapter })
  clients.push(prisma)
  return { app, adapter, prisma }
}

describe('PrismaPoolPg pool on the real server', () => {
  test.each([
    ['rollback', 'rolled back and kept'],
    ['none', 'closed'],
  ] as const)('resetOnReturn %s: a connection returned inside a transaction is %s, its lock released', async (resetOnReturn, _outcome) => {
    const { app, adapter } = connect({ size: 1, maxOverflow: 0, resetOnReturn })
    const driverAdapter = await adapter.connect()
    try {
      // A script that opens a transaction and never ends it: the connection comes back holding a lock.
      await driverAdapter.executeScript(`BEGIN; LOCK TABLE "${schema.name}"."Counter" IN ACCESS EXCLUSIVE MODE`)
      const locks = await sql<{ n: string }>(
        `SELECT count(*) AS n FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
         WHERE c.relname = 'Counter' AND c.relnamespace = $1::regnamespace AND l.mode = 'AccessExclusiveLock'`,
        [schema.name],
      )
      expect(Number(locks[0]!.n)).toBe(0)
      const { totals } = adapter.stats()
      expect(totals.resets).toBe(resetOnReturn === 'rollback' ? 1 : 0)
      expect(totals.destroyed).toBe(resetOnReturn === 'rollback' ? 0 : 1)
      if (resetOnReturn === 'none') await until(async () => (await sessionCount(app)) === 0, 'the session is closed')
    } finally {
      await driverAdapter.dispose()
    }
  })

  test('an interactive transaction that times out is cancelled and leaves no open transaction behind', async () => {
    const { app, prisma } = connect({ size: 1, maxOverflow: 0 })
    const error = await prisma
      .$transaction(
        async (tx) => {
          await tx.$executeRawUnsafe(`LOCK TABLE "${schema.name}"."Tag" IN ACCESS EXCLUSIVE MODE`)
          await tx.$queryRaw`SELECT pg_sleep(0.5)::text`
        },
        { timeout: 100 },
      )
      .catch((e: unknown) => e)
    // The statement still running when the timeout struck is cancelled, and says so.
    expect((error as Error).message).toContain('was rolled back (by its timeout, or a rollback) while this statement ran; the statement was cancelled')
    await expect(prisma.tag.count()).resolves.toBe(0)
    const states = await sql<{ state: string }>(`SELECT state FROM pg_stat_activity WHERE ${OF_APP}`, [app])
    expect(states.map((s) => s.state)).not.toContain('idle in transaction')
  })
})
