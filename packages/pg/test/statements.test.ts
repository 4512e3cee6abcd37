// Each query is prepared once per connection and reused: a bounded cache, deallocated beyond its size, that
// recovers when a table changes under a cached plan or the session's statements are deallocated.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { PrismaPoolPg, type PrismaPoolPgOptions } from '@prisma-pool/pg'
import { PrismaClient } from './generated/prisma/client.js'
import { PgBouncerServer } from '../../../test-support/servers/pgbouncer.js'
import { createTestSchema, PG_URL } from './helpers.js'

let schema: Awaited<ReturnType<typeof createTestSchema>>
const clients: PrismaClient[] = []
beforeAll(async () => {
  schema = await createTestSchema('statements')
})
afterAll(async () => {
  await Promise.all(clients.map((client) => client.$disconnect()))
  await schema.drop()
})

/** A client on one connection, so that every query sees the same session's prepared statements. */
function client(options: Omit<PrismaPoolPgOptions, 'schema' | 'pool'> = {}) {
  const prisma = new PrismaClient({ adapter: new PrismaPoolPg({ connectionString: PG_URL, schema: schema.name, ...options, pool: { size: 1, maxOverflow: 0 } }) })
  clients.push(prisma)
  return prisma
}

const prepared = async (prisma: PrismaClient) =>
  (await prisma.$queryRawUnsafe<{ statement: string }[]>(`SELECT statement FROM pg_prepared_statements ORDER BY prepare_time`)).map((row) => row.statement)

test('a query is prepared once per connection, then reused', async () => {
  const prisma = client()
  for (let i = 0; i < 3; i++) await prisma.user.findUnique({ where: { id: i } })
  const statements = await prepared(prisma)
  expect(statements.filter((s) => s.includes('FROM "' + schema.name + '"."User"'))).toHaveLength(1)
})

test('beyond statementCacheSize the least recently used statement is deallocated', async () => {
  const prisma = client({ statementCacheSize: 3 })
  for (const n of [1, 2, 3, 4]) await prisma.$queryRawUnsafe(`SELECT ${n} AS n`)
  // Each is deallocated ahead of the next statement (outside a transaction): SELECT 2, dropped for the list's
  // own query, goes with the one after it.
  expect(await prepared(prisma)).toEqual(['SELECT 2 AS n', 'SELECT 3 AS n', 'SELECT 4 AS n', 'SELECT statement FROM pg_prepared_statements ORDER BY prepare_time'])
  expect(await prepared(prisma)).toEqual(['SELECT 3 AS n', 'SELECT 4 AS n', 'SELECT statement FROM pg_prepared_statements ORDER BY prepare_time'])
})

test('a table changed under a cached plan, and DEALLOCATE ALL, are recovered from', async () => {
  const prisma = client()
  await prisma.$executeRawUnsafe('CREATE TABLE shape (a int)')
  await prisma.$executeRawUnsafe('INSERT INTO shape VALUES (1)')
  expect(await prisma.$queryRawUnsafe('SELECT * FROM shape')).toEqual([{ a: 1 }])
  await prisma.$executeRawUnsafe('ALTER TABLE shape ADD COLUMN b int DEFAULT 2')
  expect(await prisma.$queryRawUnsafe('SELECT * FROM shape')).toEqual([{ a: 1, b: 2 }])
  await prisma.$executeRawUnsafe('DEALLOCATE ALL')
  expect(await prisma.$queryRawUnsafe('SELECT * FROM shape')).toEqual([{ a: 1, b: 2 }])
})

test('behind PgBouncer (pgbouncer=true) or with statementCacheSize 0, nothing is prepared', async () => {
  for (const prisma of [client({ connectionString: `${PG_URL}?pgbouncer=true` }), client({ statementCacheSize: 0 })]) {
    await prisma.user.findUnique({ where: { id: 1 } })
    expect(await prepared(prisma)).toEqual([])
  }
})

test('statement names are unique to each connection, never the same on two', async () => {
  const names = async (prisma: PrismaClient) =>
    (await prisma.$queryRawUnsafe<{ name: string }[]>(`SELECT name FROM pg_prepared_statements`)).map((row) => row.name)
  const [a, b] = [client(), client()]
  await Promise.all([a.user.findUnique({ where: { id: 1 } }), b.user.findUnique({ where: { id: 1 } })])
  const [namesA, namesB] = [await names(a), await names(b)]
  expect(namesA.every((name) => /^pp_[0-9a-f]{16}_\d+$/.test(name))).toBe(true)
  expect(namesA.filter((name) => namesB.includes(name))).toEqual([])
})

test('a statement name someone else has prepared on the session (42P05) is never run as ours: a new name is used', async () => {
  const prisma = client()
  await prisma.$queryRawUnsafe('SELECT 1 AS n')
  const [{ name } = { name: '' }] = await prisma.$queryRawUnsafe<{ name: string }[]>(`SELECT name FROM pg_prepared_statements WHERE statement = 'SELECT 1 AS n'`)
  // The names count up: this PREPARE takes the next one itself, so the one after it goes to another's statement.
  const [, prefix, n] = /^(pp_[0-9a-f]+_)(\d+)$/.exec(name)!
  await prisma.$executeRawUnsafe(`PREPARE ${prefix}${Number(n) + 3} AS SELECT 'foreign' AS n`)
  expect(await prisma.$queryRawUnsafe('SELECT 2 AS n')).toEqual([{ n: 2 }])
  expect(await prisma.$queryRawUnsafe(`SELECT 'ours' AS n`)).toEqual([{ n: 'ours' }])
})

describe('behind a pooler', () => {
  let bouncer: PgBouncerServer
  beforeAll(async () => {
    // Session mode: the client keeps one server session, so what it has prepared can be read back.
    bouncer = await PgBouncerServer.start({ target: PG_URL, poolMode: 'session' })
  })
  afterAll(() => bouncer.stop())

  test('a pooler is found without pgbouncer=true, and nothing is prepared by default; statementCacheSize turns the cache on', async () => {
    const found = client({ connectionString: bouncer.url })
    await found.user.findUnique({ where: { id: 1 } })
    expect(await prepared(found)).toEqual([])
    const chosen = client({ connectionString: bouncer.url, statementCacheSize: 10 })
    await chosen.user.findUnique({ where: { id: 1 } })
    expect((await prepared(chosen)).some((statement) => statement.includes('"User"'))).toBe(true)
  })
})
