// Each query is prepared once per connection and reused: a bounded cache, deallocated beyond its size, that
// recovers when a table changes under a cached plan or the session's statements are deallocated.
import { afterAll, beforeAll, expect, test } from 'vitest'
import { PrismaPoolPg, type PrismaPoolPgOptions } from '@prisma-pool/pg'
import { PrismaClient } from './generated/prisma/client.js'
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
