// A findMany whose `in` list has 70,000 ids: more than one statement takes with the official adapter's parameter
// limit (Prisma assumes 999 when the adapter gives no connectionInfo.maxBindValues) and with ours (32766, SQLite's
// SQLITE_MAX_VARIABLE_NUMBER), so Prisma splits it into statements and concatenates their rows. Both must return the
// rows the file holds. Prisma splits only an unordered findMany: with an orderBy, or for a count, it refuses a list
// longer than the limit (P2029), which is 999 for the official adapter and 32766 for ours.
import { beforeAll, expect, test } from 'vitest'
import { both, direct, expectSame, knownError, rows, usePair } from './helpers.js'

const pair = usePair('large')

const ROWS = 70_000
/** 70,000 ids: the even ones from 2 to 140,000, half of which exist. */
const IDS = Array.from({ length: 70_000 }, (_, i) => (i + 1) * 2)
const byId = (a: { id: number }, b: { id: number }) => a.id - b.id

beforeAll(async () => {
  const fill = `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${ROWS}) INSERT INTO "Tag" (name) SELECT 'tag-' || i FROM n`
  await Promise.all([direct.run(pair().oursFile, fill), direct.run(pair().officialFile, fill)])
})

test('70,000 ids in one `in`: the same rows as the official adapter and as the file', async () => {
  const [ours, official] = await both(pair(), (prisma) => prisma.tag.findMany({ where: { id: { in: IDS } }, select: { id: true, name: true } }))
  expect(ours).toHaveLength(ROWS / 2)
  expectSame(ours.sort(byId), official.sort(byId))
  const inFile = await rows(pair().oursFile, `SELECT id, name FROM "Tag" WHERE id % 2 = 0 ORDER BY id`)
  expect(ours).toEqual(inFile.map((row) => ({ id: Number(row.id), name: row.name })))
  expect(ours.at(-1)).toEqual({ id: ROWS, name: `tag-${ROWS}` })
})

test('ordered, or counted, the same 70,000 ids are refused alike (P2029)', async () => {
  const [ordered, officialOrdered] = await both(pair(), (prisma) => knownError(prisma.tag.findMany({ where: { id: { in: IDS } }, orderBy: { id: 'desc' } })))
  const [counted, officialCounted] = await both(pair(), (prisma) => knownError(prisma.tag.count({ where: { id: { in: IDS } } })))
  expect([ordered.code, officialOrdered.code, counted.code, officialCounted.code]).toEqual(['P2029', 'P2029', 'P2029', 'P2029'])
  expect(ordered.message.trim().split('\n').at(-1)).toBe('The query parameter limit supported by your database is exceeded.')
})

test('30,000 ordered ids: one statement for ours (limit 32766); the official adapter refuses it (its limit is 999)', async () => {
  const ids = IDS.slice(0, 30_000)
  const ours = await pair().ours.tag.findMany({ where: { id: { in: ids } }, orderBy: { id: 'desc' }, select: { id: true } })
  // 2 to 60,000: all in the file.
  expect(ours).toEqual(Array.from({ length: 30_000 }, (_, i) => ({ id: 60_000 - i * 2 })))
  expect((await knownError(pair().official.tag.findMany({ where: { id: { in: ids } }, orderBy: { id: 'desc' } }))).code).toBe('P2029')
  const [count, officialCount] = await both(pair(), (prisma) => prisma.tag.count({ where: { id: { in: ids.slice(0, 900) } } }))
  expectSame(count, officialCount, 900)
})
