// Big queries and many concurrent ones through the client.
import { ourPgAdapter } from '../../../test-support/engines/pg.js'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { both, expectSame, knownError, openPair, type Pair } from './compare.js'
import { PrismaClient } from './generated/prisma/client.js'
import { OF_APP, PG_URL, sql, uniqueName } from './helpers.js'

const ROWS = 70_000
let pair: Pair
beforeAll(async () => {
  pair = await openPair('large', { pool: { size: 2, maxOverflow: 0 } }, { max: 2 })
  await Promise.all(
    [pair.oursSchema.name, pair.officialSchema.name].map((schema) =>
      sql(`INSERT INTO "${schema}"."Tag" (name) SELECT 'tag' || g FROM generate_series(1, ${ROWS}) AS g`),
    ),
  )
})
afterAll(async () => {
  await pair?.close()
})

test(`findMany with ${ROWS} ids in a list returns exactly the matching rows`, async () => {
  // Every even id from 2 to 140000: half of them exist. Prisma splits the list into chunks of at most
  // 32766 parameters, one query each, and merges the rows.
  const ids = Array.from({ length: ROWS }, (_, i) => 2 * (i + 1))
  const byId = (a: { id: number }, b: { id: number }) => a.id - b.id
  const [ours, official] = await both(pair, async (prisma) => (await prisma.tag.findMany({ where: { id: { in: ids } } })).sort(byId))
  expect(ours).toHaveLength(ROWS / 2)
  expect(ours.every((tag, i) => tag.id === 2 * (i + 1) && tag.name === `tag${tag.id}`)).toBe(true)
  expectSame(ours, official)
})

test('a list too long to split (orderBy, count) is refused with P2029, as with the official adapter', async () => {
  const ids = Array.from({ length: ROWS }, (_, i) => i + 1)
  const [ours, official] = await both(pair, (prisma) =>
    knownError(prisma.tag.findMany({ where: { id: { in: ids } }, orderBy: { id: 'desc' }, take: 1 })),
  )
  expect([ours.code, official.code]).toEqual(['P2029', 'P2029'])
})

test('100 concurrent queries on a pool of size 2 with maxOverflow 1 all succeed, on at most 3 connections', async () => {
  const applicationName = uniqueName('pp_large')
  const prisma = new PrismaClient({
    adapter: ourPgAdapter({ connectionString: PG_URL, schema: pair.oursSchema.name, application_name: applicationName, pool: { size: 2, maxOverflow: 1 } }),
  })
  try {
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        i % 2 === 0
          ? prisma.$queryRaw<{ i: number; pid: number }[]>`SELECT ${i}::int AS i, pg_backend_pid() AS pid`.then((rows) => rows[0]!)
          : prisma.tag.findUniqueOrThrow({ where: { id: i }, select: { id: true, name: true } }).then((tag) => ({ i: tag.id, name: tag.name })),
      ),
    )
    expect(results.map((r) => r.i)).toEqual(Array.from({ length: 100 }, (_, i) => i))
    expect(results.filter((r) => 'name' in r).every((r) => 'name' in r && r.name === `tag${r.i}`)).toBe(true)
    const pids = new Set(results.flatMap((r) => ('pid' in r ? [r.pid] : [])))
    expect(pids.size).toBeLessThanOrEqual(3)
    const [{ n }] = (await sql<{ n: string }>(`SELECT count(*) AS n FROM pg_stat_activity WHERE ${OF_APP}`, [applicationName])) as [{ n: string }]
    expect(Number(n)).toBeLessThanOrEqual(3)
  } finally {
    await prisma.$disconnect()
  }
})
