// Pool behaviour against the real server, counting the connections MariaDB itself lists.
import { once } from 'node:events'
import { afterAll, describe, expect, test } from 'vitest'
import { PoolTimeoutError, PrismaPoolMySql, type PoolOptions } from '@prisma-pool/mysql'
import type { CloseReason, PooledConnection } from '@prisma-pool/core'
import { Prisma, PrismaClient } from './generated/prisma/client.js'
import { until } from '../../../test-support/until.js'
import { createTestDatabase, sessionCount, sql } from './helpers.js'

type Database = Awaited<ReturnType<typeof createTestDatabase>>
const databases: Database[] = []
const clients: PrismaClient[] = []

afterAll(async () => {
  await Promise.all(clients.map((client) => client.$disconnect()))
  await Promise.all(databases.map((database) => database.drop()))
})

/** A client on its own pool and its own database, so that the server's process list shows just its connections. */
async function connect(pool: PoolOptions) {
  const database = await createTestDatabase('pool')
  databases.push(database)
  const adapter = new PrismaPoolMySql({ connectionString: database.url, pool })
  const prisma = new PrismaClient({ adapter })
  clients.push(prisma)
  await prisma.$connect()
  return { database: database.name, adapter, prisma }
}

/** Holds a named lock in a connection of its own; queries that wait for it hold their pool connections. */
async function holdLock(name: string) {
  const { connect: open } = await import('./helpers.js')
  const holder = await open()
  await holder.query('SELECT GET_LOCK(?, 0)', [name])
  return async () => {
    await holder.query('SELECT RELEASE_LOCK(?)', [name])
    await holder.end()
  }
}

/** Takes the lock and lets it go at once: waits while another session holds it. */
const waitForLock = (prisma: PrismaClient, name: string) =>
  prisma.$queryRaw`SELECT GET_LOCK(${name}, 30) AS got, RELEASE_LOCK(${name}) AS released`.then((rows) => rows)

const waitingOnLock = async (database: string) =>
  Number((await sql<{ n: number }>(`SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE DB = ? AND STATE = 'User lock'`, [database]))[0]!.n)

describe('PrismaPoolMySql pool on the real server', () => {
  test('never opens more than size + maxOverflow connections; overflow connections close when idle', async () => {
    const { database, adapter, prisma } = await connect({ size: 2, maxOverflow: 2, overflowIdleTimeout: 0.1 })
    const release = await holdLock(`limits_${database}`)
    const queries = Array.from({ length: 10 }, () => waitForLock(prisma, `limits_${database}`))
    await until(async () => (await waitingOnLock(database)) === 4, '4 connections wait for the lock')
    expect(await sessionCount(database)).toBe(4)
    expect(adapter.stats()).toMatchObject({ open: 4, checkedOut: 4, overflow: 2, waiting: 6 })

    const closed = once(adapter.pool!, 'close')
    await release()
    await Promise.all(queries)
    const [, reason] = (await closed) as [PooledConnection, CloseReason]
    expect(reason).toBe('overflow')
    await until(async () => (await sessionCount(database)) === 2, 'the overflow connections are gone')
    expect(adapter.stats()).toMatchObject({ open: 2, idle: 2, overflow: 0 })
  })

  test('an exhausted pool fails waiting callers with a pool timeout (P2024), then works normally', async () => {
    const { adapter, prisma } = await connect({ size: 1, maxOverflow: 0, timeout: 0.2 })
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

  test('recycle replaces a connection older than its age with a new one', async () => {
    const { adapter, prisma } = await connect({ size: 1, recycle: 0.2 })
    const [{ id: first }] = await prisma.$queryRaw<[{ id: bigint }]>`SELECT CONNECTION_ID() AS id`
    const [, reason] = (await once(adapter.pool!, 'close')) as [PooledConnection, CloseReason]
    expect(reason).toBe('recycle')
    const [{ id: second }] = await prisma.$queryRaw<[{ id: bigint }]>`SELECT CONNECTION_ID() AS id`
    expect(second).not.toBe(first)
    expect(adapter.stats().totals.recycled).toBeGreaterThanOrEqual(1)
  })

  test.each([
    ['with no result', '', (prisma: PrismaClient) => prisma.$executeRaw`CALL leave_open()`],
    ['with a result set', "SELECT 'left open' AS status;", (prisma: PrismaClient) => prisma.$queryRaw`CALL leave_open()`],
  ])('a transaction a procedure (%s) leaves open is rolled back when its connection comes back', async (_, select, call) => {
    const { database, adapter, prisma } = await connect({ size: 1, maxOverflow: 0 })
    await sql(
      'CREATE TABLE ledger (id INT AUTO_INCREMENT PRIMARY KEY, note VARCHAR(20)) ENGINE=InnoDB; ' +
        `CREATE PROCEDURE leave_open() BEGIN START TRANSACTION; INSERT INTO ledger (note) VALUES ('abandoned'); ${select} END`,
      [],
      database,
    )
    const reset = once(adapter.pool!, 'reset')
    await call(prisma)
    const [, action] = (await reset) as [PooledConnection, string]
    expect(action).toBe('rollback')
    expect(await prisma.$queryRaw`SELECT @@in_transaction AS open, (SELECT COUNT(*) FROM ledger) AS n`).toEqual([{ open: 0n, n: 0n }])
    expect(adapter.stats()).toMatchObject({ open: 1, totals: { resets: 1 } })
  })

  test("with resetOnReturn 'none' a connection left in a transaction is closed, not handed on", async () => {
    const { database, adapter, prisma } = await connect({ size: 1, maxOverflow: 0, resetOnReturn: 'none' })
    await sql(
      'CREATE TABLE ledger (id INT AUTO_INCREMENT PRIMARY KEY, note VARCHAR(20)) ENGINE=InnoDB; ' +
        "CREATE PROCEDURE leave_open() BEGIN START TRANSACTION; INSERT INTO ledger (note) VALUES ('abandoned'); END",
      [],
      database,
    )
    const closed = once(adapter.pool!, 'close')
    await prisma.$executeRaw`CALL leave_open()`
    const [, reason] = (await closed) as [PooledConnection, CloseReason]
    expect(reason).toBe('in-transaction')
    expect(await prisma.$queryRaw`SELECT COUNT(*) AS n FROM ledger`).toEqual([{ n: 0n }])
  })

  test('a connection whose session time zone a raw statement changed is not reused', async () => {
    const { adapter, prisma } = await connect({ size: 1, maxOverflow: 0 })
    const closed = once(adapter.pool!, 'close')
    await prisma.$executeRawUnsafe("SET time_zone = '+05:00'")
    expect(((await closed) as [PooledConnection, CloseReason])[1]).toBe('broken')
    expect(await prisma.$queryRaw`SELECT @@session.time_zone AS tz`).toEqual([{ tz: '+00:00' }])
  })
})
