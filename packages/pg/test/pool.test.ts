// Pool behaviour against the real server, counting the sessions PostgreSQL itself reports.
import { once } from 'node:events'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { PoolTimeoutError, PrismaPoolPg, type PoolOptions } from '@prisma-pool/pg'
import type { CloseReason, PooledConnection } from '@prisma-pool/core'
import { Prisma, PrismaClient } from './generated/prisma/client.js'
import { createTestSchema, OF_APP, PG_URL, sessionCount, sql, uniqueName } from './helpers.js'

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

/** Polls a condition the server reports (no event exists for it), failing after a deadline. */
async function until(condition: () => Promise<boolean>, what: string) {
  const deadline = Date.now() + 10_000
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** Holds an advisory lock in a session of its own; queries that want it block, holding their connections. */
async function holdLock(key: number) {
  const { default: pg } = await import('pg')
  const holder = new pg.Client({ connectionString: PG_URL })
  await holder.connect()
  await holder.query('SELECT pg_advisory_lock($1)', [key])
  return async () => {
    await holder.query('SELECT pg_advisory_unlock($1)', [key])
    await holder.end()
  }
}

const blockedOn = async (app: string) =>
  Number(
    (
      await sql<{ n: string }>(
        `SELECT count(*) AS n FROM pg_stat_activity WHERE ${OF_APP} AND wait_event_type = 'Lock'`,
        [app],
      )
    )[0]!.n,
  )

describe('PrismaPoolPg pool on the real server', () => {
  test('never opens more than size + maxOverflow sessions; overflow sessions close when idle', async () => {
    const { app, adapter, prisma } = connect({ size: 2, maxOverflow: 2, overflowIdleTimeout: 0.1 })
    const release = await holdLock(7001)
    // Prisma's promises are lazy: then() sends the query now.
    const queries = Array.from({ length: 10 }, () => prisma.$queryRaw`SELECT pg_advisory_lock_shared(7001)::text`.then((r) => r))
    await until(async () => (await blockedOn(app)) === 4, '4 sessions are blocked on the lock')
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
    const { adapter, prisma } = connect({ size: 1, maxOverflow: 0, timeout: 0.2 })
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
    expect(error).toBeInstanceOf(Prisma.PrismaClientKnownRequestError)
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
    const { adapter, prisma } = connect({ size: 1, recycle: 0.2 })
    const [{ pid: first }] = await prisma.$queryRaw<[{ pid: number }]>`SELECT pg_backend_pid() AS pid`
    const [, reason] = (await once(adapter.pool!, 'close')) as [PooledConnection, CloseReason]
    expect(reason).toBe('recycle')
    const [{ pid: second }] = await prisma.$queryRaw<[{ pid: number }]>`SELECT pg_backend_pid() AS pid`
    expect(second).not.toBe(first)
    expect(adapter.stats().totals.recycled).toBeGreaterThanOrEqual(1)
  })

  test('after pg_terminate_backend of every pooled session, the next queries succeed with prePing on', async () => {
    const { app, adapter, prisma } = connect({ size: 3, maxOverflow: 0 })
    const release = await holdLock(7002)
    const warm = Array.from({ length: 3 }, () => prisma.$queryRaw`SELECT pg_advisory_lock_shared(7002)::text`.then((r) => r))
    await until(async () => (await blockedOn(app)) === 3, '3 sessions are open')
    await release()
    await Promise.all(warm)
    const terminated = await sql<{ ok: boolean }>(
      `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE ${OF_APP}`,
      [app],
    )
    expect(terminated).toHaveLength(3)
    await until(async () => (await sessionCount(app)) === 0, 'the sessions are gone')

    const results = await Promise.all(Array.from({ length: 10 }, () => prisma.user.count()))
    expect(results).toEqual(Array(10).fill(0))
    const { totals } = adapter.stats()
    expect(totals.destroyed).toBeGreaterThanOrEqual(3)
    expect(totals.created).toBeGreaterThanOrEqual(4)
  })

  test('with prePing off, a terminated idle session is still never handed out', async () => {
    const { app, prisma } = connect({ size: 1, maxOverflow: 0, prePing: false })
    await prisma.user.count()
    await sql(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE ${OF_APP}`, [app])
    await until(async () => (await sessionCount(app)) === 0, 'the session is gone')
    // pg reports the dead socket as an error event on the idle client; the pool drops it on checkout.
    await expect(prisma.user.count()).resolves.toBe(0)
  })

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
