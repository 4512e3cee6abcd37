// Big queries and many concurrent ones through the client.
import { afterAll, beforeAll, expect, test } from 'vitest'
import { both, expectSame, knownError, openPair, ourMySqlAdapter, type Pair } from './compare.js'
import { PrismaClient } from './generated/prisma/client.js'
import { createTestDatabase, sessionCount, sql } from './helpers.js'

const ROWS = 70_000
/** One INSERT of tags tag1 … tagN: ids 1 … N. */
const insertTags = (n: number) => `INSERT INTO Tag (name) VALUES ${Array.from({ length: n }, (_, i) => `('tag${i + 1}')`).join(',')}`

let pair: Pair
beforeAll(async () => {
  pair = await openPair('large', { pool: { size: 2, maxOverflow: 0 } }, { connectionLimit: 2 })
  await Promise.all([pair.oursDb.name, pair.officialDb.name].map((db) => sql(insertTags(ROWS), [], db)))
})
afterAll(async () => {
  await pair?.close()
})

test(`findMany with ${ROWS} ids in a list returns exactly the matching rows`, async () => {
  // Every even id from 2 to 140000: half of them exist. Prisma splits the list into chunks of at most
  // 65535 parameters (MySQL's limit), one query each, and merges the rows.
  const ids = Array.from({ length: ROWS }, (_, i) => 2 * (i + 1))
  const byId = (a: { id: number }, b: { id: number }) => a.id - b.id
  const [ours, official] = await both(pair, async (prisma) => (await prisma.tag.findMany({ where: { id: { in: ids } } })).sort(byId))
  expect(ours).toHaveLength(ROWS / 2)
  expect(ours.every((tag, i) => tag.id === 2 * (i + 1) && tag.name === `tag${tag.id}`)).toBe(true)
  expectSame(ours, official)
})

test('a list too long to split (orderBy, take) is refused with P2029, as with the official adapter', async () => {
  const ids = Array.from({ length: ROWS }, (_, i) => i + 1)
  const [ours, official] = await both(pair, (prisma) => knownError(prisma.tag.findMany({ where: { id: { in: ids } }, orderBy: { id: 'desc' }, take: 1 })))
  expect([ours.code, official.code]).toEqual(['P2029', 'P2029'])
  expect(ours.message).toBe(official.message)
})

test('100 concurrent queries on a pool of size 2 with maxOverflow 1 all succeed, on at most 3 connections', async () => {
  // A database of its own: the server's sessions on it are this client's connections.
  const db = await createTestDatabase('large_conc')
  await sql(insertTags(100), [], db.name)
  const prisma = new PrismaClient({ adapter: ourMySqlAdapter({ connectionString: db.url, pool: { size: 2, maxOverflow: 1 } }) })
  try {
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        i % 2 === 0
          ? prisma.$queryRaw<{ i: bigint; connection: bigint }[]>`SELECT CAST(${i} AS SIGNED) AS i, CONNECTION_ID() AS connection`.then((rows) => ({
              i: Number(rows[0]!.i),
              connection: rows[0]!.connection,
            }))
          : prisma.tag.findUniqueOrThrow({ where: { id: i }, select: { id: true, name: true } }).then((tag) => ({ i: tag.id, name: tag.name })),
      ),
    )
    expect(results.map((r) => r.i)).toEqual(Array.from({ length: 100 }, (_, i) => i))
    expect(results.filter((r) => 'name' in r).every((r) => 'name' in r && r.name === `tag${r.i}`)).toBe(true)
    const connections = new Set(results.flatMap((r) => ('connection' in r ? [r.connection] : [])))
    expect(connections.size).toBeLessThanOrEqual(3)
    expect(await sessionCount(db.name)).toBeLessThanOrEqual(3)
  } finally {
    await prisma.$disconnect()
    await db.drop()
  }
})
