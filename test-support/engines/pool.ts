// Pool behaviour against the real server, for every engine, counting the sessions the server itself reports: the
// limits of size and maxOverflow, a pool timeout, recycling, and sessions the server ends.
import { once } from 'node:events'
import { PrismaClientKnownRequestError } from '@prisma/client/runtime/client'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { PoolTimeoutError, type CloseReason, type PoolOptions, type PooledConnection } from '@prisma-pool/core'
import { until } from '../until.js'
import { uniqueName } from './clients.js'
import type { EngineFixture, TestDatabase, TestPrisma } from './fixture.js'

export function registerPoolScenarios(fixture: EngineFixture): void {
  describe(`the pool on the real server (${fixture.name})`, () => {
    let db: TestDatabase
    const clients: TestPrisma[] = []

    beforeAll(async () => {
      db = await fixture.createDatabase('pool')
    })
    afterAll(async () => {
      await Promise.all(clients.map((client) => client.$disconnect()))
      await db?.drop()
    })

    /** A client on its own pool, its sessions named by an application name of its own. */
    function open(pool: PoolOptions) {
      const app = uniqueName('pp_pool')
      const adapter = fixture.adapter(db.url, { ...pool, applicationName: app })
      const prisma = fixture.client(adapter)
      clients.push(prisma)
      return { app, adapter, prisma }
    }

    const sessionCount = async (app: string) => (await fixture.sessions(db.server, app)).length
    const waitingForLock = async (app: string) => (await fixture.sessions(db.server, app)).filter((s) => s.waitingForLock).length
    /** Statements that wait for the lock `key`, each holding its connection; sent now (Prisma's promises are lazy). */
    const waitForLock = (prisma: TestPrisma, key: string, n: number) =>
      Array.from({ length: n }, () => prisma.$queryRawUnsafe(fixture.dialect.waitForLock(key)).then((rows) => rows))

    test('never opens more than size + maxOverflow sessions; overflow sessions close when idle', async () => {
      const { app, adapter, prisma } = open({ size: 2, maxOverflow: 2, overflowIdleTimeout: 0.1 })
      const release = await fixture.holdLock(db.server, `limits_${app}`)
      const queries = waitForLock(prisma, `limits_${app}`, 10)
      await until(async () => (await waitingForLock(app)) === 4, '4 sessions wait for the lock')
      expect(await sessionCount(app)).toBe(4)
      expect(adapter.stats()).toMatchObject({ open: 4, checkedOut: 4, overflow: 2, waiting: 6 })

      const closed = once(adapter.pool!, 'close')
      await release()
      await Promise.all(queries)
      const [, reason] = (await closed) as [PooledConnection, CloseReason]
      expect(reason).toBe('overflow')
      await until(async () => (await sessionCount(app)) === 2, 'the overflow sessions are gone')
      expect(adapter.stats()).toMatchObject({ open: 2, idle: 2, overflow: 0 })
    })

    test('an exhausted pool fails waiting callers with a pool timeout (P2024), then works normally', async () => {
      const { adapter, prisma } = open({ size: 1, maxOverflow: 0, timeout: 0.2 })
      let finish!: () => void
      const finished = new Promise<void>((resolve) => (finish = resolve))
      let started!: () => void
      const holding = new Promise<void>((resolve) => (started = resolve))
      const transaction = prisma.$transaction(
        async (tx) => {
          await tx.user.count()
          started()
          await finished
        },
        { timeout: 20_000 },
      )
      await holding
      const error = await prisma.user.count().catch((e: unknown) => e)
      // Prisma makes a known request error of it, with Prisma 6's code for a pool timeout, its meta and our message.
      expect(error).toBeInstanceOf(PrismaClientKnownRequestError)
      expect(error).toMatchObject({ code: 'P2024', meta: { connection_limit: 1, timeout: 0.2, checked_out: 1, waiting: 1 } })
      expect((error as Error).message).toContain('prisma-pool: timed out after 0.2 s waiting for a connection')
      expect((error as Error).message).toContain('size 1 + maxOverflow 0 = 1 connection; 1 checked out')
      // An interactive transaction that cannot start gets the pool's own error, as Prisma rethrows it: the same code.
      const notStarted = await prisma.$transaction(async (tx) => tx.user.count()).catch((e: unknown) => e)
      expect(notStarted).toBeInstanceOf(PoolTimeoutError)
      expect(notStarted).toMatchObject({ code: 'P2024', meta: { connection_limit: 1 } })
      finish()
      await transaction
      await expect(Promise.all(Array.from({ length: 5 }, () => prisma.user.count()))).resolves.toEqual([0, 0, 0, 0, 0])
      expect(adapter.stats().totals.timeouts).toBe(2)
    })

    test('recycle replaces a connection older than its age with a new session', async () => {
      const { adapter, prisma } = open({ size: 1, recycle: 0.2 })
      const [{ id: first }] = await prisma.$queryRawUnsafe<[{ id: unknown }]>(fixture.dialect.sessionId)
      const [, reason] = (await once(adapter.pool!, 'close')) as [PooledConnection, CloseReason]
      expect(reason).toBe('recycle')
      const [{ id: second }] = await prisma.$queryRawUnsafe<[{ id: unknown }]>(fixture.dialect.sessionId)
      expect(second).not.toBe(first)
      expect(adapter.stats().totals.recycled).toBeGreaterThanOrEqual(1)
    })

    test('after the server ends every pooled session, the next queries succeed with prePing on', async () => {
      const { app, adapter, prisma } = open({ size: 3, maxOverflow: 0 })
      const release = await fixture.holdLock(db.server, `warm_${app}`)
      const warm = waitForLock(prisma, `warm_${app}`, 3)
      await until(async () => (await waitingForLock(app)) === 3, '3 sessions are open')
      await release()
      await Promise.all(warm)
      expect(adapter.stats()).toMatchObject({ open: 3 })
      // Resolves once the server lists none of them.
      expect(await fixture.killSessions(db.server, app)).toBe(3)
      expect(await sessionCount(app)).toBe(0)

      const results = await Promise.all(Array.from({ length: 10 }, () => prisma.user.count()))
      expect(results).toEqual(Array(10).fill(0))
      const { totals } = adapter.stats()
      expect(totals.destroyed).toBeGreaterThanOrEqual(3)
      expect(totals.created).toBeGreaterThanOrEqual(4)
    })

    test('with prePing off, an idle session the server ended is still never handed out', async () => {
      const { app, prisma } = open({ size: 1, maxOverflow: 0, prePing: false })
      await prisma.user.count()
      expect(await fixture.killSessions(db.server, app)).toBe(1)
      // The driver reports the closed socket on the idle connection (EngineConnection.isBroken); the pool drops it on checkout.
      await expect(prisma.user.count()).resolves.toBe(0)
    })
  })
}
