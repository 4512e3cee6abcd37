// The pool at work on one SQLite file: 100 concurrent queries on one client, reads and writes mixed, on a pool of 3
// connections: each answers what the official adapter answers, the file holds every write, and the pool ran queries
// side by side on more than one connection without closing any (SQLite's transaction state is known: no resets).
import { expect, test } from 'vitest'
import { PrismaClient } from './generated/prisma/client.js'
import { both, createDatabase, direct, expectSame, oursAdapter, rows, tempDir, usePair } from './helpers.js'

const pair = usePair('pool', { size: 3, maxOverflow: 0 })
const QUERIES = 100

test('100 concurrent queries on one client: reads, creates and increments of one row', async () => {
  const pool = await (async () => {
    await pair().ours.counter.create({ data: { name: 'hits' } })
    return pair().adapter.pool!
  })()
  await pair().official.counter.create({ data: { name: 'hits' } })
  let peak = 0
  const track = () => (peak = Math.max(peak, pool.stats().checkedOut))
  pool.on('checkout', track)

  const [ours, official] = await both(pair(), (prisma) =>
    Promise.all(
      Array.from({ length: QUERIES }, (_, i) => {
        switch (i % 4) {
          case 0:
            return prisma.user.create({ data: { email: `u${i}@pool`, name: `user ${i}` }, select: { email: true } })
          case 1:
            return prisma.counter.update({ where: { name: 'hits' }, data: { value: { increment: 1 } }, select: { name: true } })
          case 2:
            // findFirst, not findUnique: Prisma batches concurrent findUnique calls into one query.
            return prisma.counter.findFirstOrThrow({ where: { name: 'hits' }, select: { name: true } })
          default:
            return prisma.$queryRaw<{ i: bigint }[]>`SELECT ${i} AS i`.then((r) => r[0]!.i)
        }
      }),
    ),
  )
  pool.off('checkout', track)
  expectSame(ours, official)
  expect(ours.filter((result) => typeof result === 'number')).toEqual(Array.from({ length: QUERIES / 4 }, (_, k) => k * 4 + 3))

  const [counter, officialCounter] = await both(pair(), (prisma) => prisma.counter.findUniqueOrThrow({ where: { name: 'hits' }, select: { value: true } }))
  expectSame(counter, officialCounter, { value: QUERIES / 4 })
  expect(await rows(pair().oursFile, `SELECT count(*) AS users FROM "User" WHERE email LIKE '%@pool'`)).toEqual([{ users: BigInt(QUERIES / 4) }])
  expect(await rows(pair().oursFile, `SELECT value FROM "Counter" WHERE name = 'hits'`)).toEqual([{ value: BigInt(QUERIES / 4) }])

  // Side by side on the pool's 3 connections, none closed or reset on its return.
  expect(peak).toBe(3)
  expect(pair().adapter.stats()).toMatchObject({ open: 3, waiting: 0 })
  expect(pair().adapter.stats().totals).toMatchObject({ created: 3, destroyed: 0, resets: 0, resetFailures: 0 })
  expect(pair().adapter.stats().totals.checkouts).toBeGreaterThanOrEqual(QUERIES)
})

test('a statement still running when the pool closes is interrupted and its connection closed (xerial’s abort() does nothing)', async () => {
  const dir = tempDir('abort')
  const file = dir.file('abort.db')
  createDatabase(file)
  // disposeTimeout: how long $disconnect() waits for a checked-out connection before it closes it under its user.
  const adapter = oursAdapter(file, { pool: { size: 1, maxOverflow: 0, disposeTimeout: 0.2 } })
  const prisma = new PrismaClient({ adapter })
  try {
    await prisma.user.count()
    const checkedOut = new Promise<void>((resolve) => adapter.on('checkout', () => resolve()))
    // Counts for ever: only an interrupt ends it.
    const endless = prisma.$queryRawUnsafe('WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c').then(
      () => 'finished',
      (error: Error) => error.message,
    )
    await checkedOut
    await prisma.$disconnect()
    expect(await endless).toContain('Code: `SQLITE_INTERRUPT`')
    expect(adapter.stats().totals.destroyed).toBe(1)
    // Its lock on the file is gone: another process writes at once.
    expect((await direct.run(file, `INSERT INTO "Tag" (name) VALUES ('after')`)).changes).toBe(1)
  } finally {
    await prisma.$disconnect()
    dir.remove()
  }
})
