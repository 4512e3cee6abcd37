// Pool behaviour against the real server: the scenarios every engine runs (test-support/engines/pool.ts), and what a
// connection left inside a transaction or with a changed session brings back on MySQL / MariaDB.
import { once } from 'node:events'
import { afterAll, describe, expect, test } from 'vitest'
import type { PoolOptions } from '@prisma-pool/mysql'
import type { CloseReason, PooledConnection } from '@prisma-pool/core'
import { registerPoolScenarios } from '../../../test-support/engines/pool.js'
import { ourMySqlAdapter, ourMySqlFixture } from './compare.js'
import { PrismaClient } from './generated/prisma/client.js'
import { createTestDatabase, sql } from './helpers.js'

registerPoolScenarios(ourMySqlFixture)

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
  const adapter = ourMySqlAdapter({ connectionString: database.url, pool })
  const prisma = new PrismaClient({ adapter })
  clients.push(prisma)
  await prisma.$connect()
  return { database: database.name, adapter, prisma }
}

describe('PrismaPoolMySql pool on the real server', () => {
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
