// What the JDBC route to PostgreSQL must get right beyond the pg package's scenarios (packages/jdbc/test/postgres):
// pgjdbc's placeholders, one transaction's isolation level (never the session's), $executeRaw's count of a statement
// that returns rows, a migration script with a statement that refuses a transaction block, URL parameters that would
// override the adapter's, a read timeout.
import { afterAll, beforeAll, expect, test } from 'vitest'
import { PoolOptionError, PrismaPoolJdbc } from '@prisma-pool/jdbc'
import { PrismaClient } from '../../pg/test/generated/prisma/client.js'
import { translatePlaceholders } from '../src/dialects/postgres.js'
import { expandClasspath } from '../src/jvm.js'
import { TEST_CLASSPATH } from '../../../test-support/jdbc/classpath.js'
import { jdbcPostgresUrl } from '../../../test-support/jdbc/pg.js'
import { pgFixture } from '../../../test-support/engines/pg.js'
import type { TestDatabase } from '../../../test-support/engines/fixture.js'

let db: TestDatabase
beforeAll(async () => {
  db = await pgFixture.createDatabase('jdbc_route')
})
afterAll(async () => {
  await db?.drop()
})

const adapter = (pool = {}, properties?: Record<string, string>) =>
  new PrismaPoolJdbc({ ...jdbcPostgresUrl(db.url), classpath: TEST_CLASSPATH, pool, ...(properties ? { properties } : {}) })

test('$n becomes ?, a reused one takes its argument again; ? of the SQL becomes ??; literals, identifiers, dollar quotes and comments are left alone', () => {
  expect(translatePlaceholders('SELECT $1, $2')).toEqual({ sql: 'SELECT ?, ?' })
  expect(translatePlaceholders('SELECT $2, $1, $2')).toEqual({ sql: 'SELECT ?, ?, ?', argOrder: [1, 0, 1] })
  expect(translatePlaceholders(`SELECT '{"a":1}'::jsonb ? 'a', $1`)).toEqual({ sql: `SELECT '{"a":1}'::jsonb ?? 'a', ?` })
  expect(translatePlaceholders(`SELECT 'it''s $1 ?', E'\\' $1 ?', "col$1?", $1`)).toEqual({ sql: `SELECT 'it''s $1 ?', E'\\' $1 ?', "col$1?", ?` })
  expect(translatePlaceholders('SELECT $fn$ $1 ? $fn$, $é$ ? $é$, $$ $1 $$, $1')).toEqual({ sql: 'SELECT $fn$ $1 ? $fn$, $é$ ? $é$, $$ $1 $$, ?' })
  const longTag = `$${'t'.repeat(70)}$`
  expect(translatePlaceholders(`SELECT ${longTag} ? ${longTag}`)).toEqual({ sql: `SELECT ${longTag} ? ${longTag}` })
  expect(translatePlaceholders('SELECT 1 -- $1 ?\r, $1 /* $2 ? /* nested */ */')).toEqual({ sql: 'SELECT 1 -- $1 ?\r, ? /* $2 ? /* nested */ */' })
  expect(translatePlaceholders('SELECT a$1, $1')).toEqual({ sql: 'SELECT a$1, ?' })
})

test('a placeholder without its argument is refused, not bound to NULL', async () => {
  const prisma = new PrismaClient({ adapter: adapter({ size: 1 }) })
  try {
    await expect(prisma.$queryRawUnsafe('SELECT $2::int AS x', 1)).rejects.toThrow('placeholder $2 has no argument (1 given)')
    await expect(prisma.$queryRawUnsafe('SELECT $1::int AS x', 7)).resolves.toEqual([{ x: 7 }])
  } finally {
    await prisma.$disconnect()
  }
})

test("an isolation level is the transaction's alone: the session's own stays as it was", async () => {
  const prisma = new PrismaClient({ adapter: adapter({ size: 1, maxOverflow: 0 }) })
  try {
    const inside = await prisma.$transaction(
      (tx) => tx.$queryRaw<{ level: string; session: string }[]>`SELECT current_setting('transaction_isolation') AS level, current_setting('default_transaction_isolation') AS session`,
      { isolationLevel: 'Serializable' },
    )
    expect(inside).toEqual([{ level: 'serializable', session: 'read committed' }])
    // The one connection, after the transaction: the next one runs at the server's default.
    const after = await prisma.$transaction((tx) => tx.$queryRaw<{ level: string }[]>`SELECT current_setting('transaction_isolation') AS level`)
    expect(after).toEqual([{ level: 'read committed' }])
  } finally {
    await prisma.$disconnect()
  }
})

test('$executeRaw of a statement that returns rows counts them', async () => {
  const prisma = new PrismaClient({ adapter: adapter({ size: 1 }) })
  try {
    expect(await prisma.$executeRaw`INSERT INTO "Tag" (name) SELECT 'count_' || g FROM generate_series(1, 3) g RETURNING id`).toBe(3)
    expect(await prisma.$executeRaw`SELECT * FROM generate_series(1, 5)`).toBe(5)
    expect(await prisma.tag.count({ where: { name: { startsWith: 'count_' } } })).toBe(3)
  } finally {
    await prisma.$disconnect()
  }
})

test('a migration script with a statement that refuses a transaction block runs one statement at a time', async () => {
  const factory = adapter({ size: 1 })
  const driverAdapter = await factory.connect()
  try {
    await driverAdapter.executeScript('CREATE TABLE script_t (id int); CREATE INDEX CONCURRENTLY script_t_id ON script_t (id)')
    const rows = await driverAdapter.queryRaw({ sql: `SELECT indexname FROM pg_indexes WHERE tablename = 'script_t'`, args: [], argTypes: [] })
    expect(rows.rows).toEqual([['script_t_id']])
  } finally {
    await driverAdapter.dispose()
  }
})

test("the URL's ApplicationName and loginTimeout, which would override the adapter's, are refused saying what to use", () => {
  const { url, user } = jdbcPostgresUrl(db.url)
  const withParam = (param: string) => `${url}${url.includes('?') ? '&' : '?'}${param}`
  expect(() => new PrismaPoolJdbc({ url: withParam('ApplicationName=app'), user })).toThrow(PoolOptionError)
  expect(() => new PrismaPoolJdbc({ url: withParam('ApplicationName=app'), user })).toThrow('name the pool with pool.applicationName')
  expect(() => new PrismaPoolJdbc({ url: withParam('loginTimeout=5'), user })).toThrow('use pool.connectTimeout')
})

test("a read that times out (pgjdbc's socketTimeout) is a SocketTimeout (P2010 for a raw query), this connection's loss alone", async () => {
  const factory = adapter({ size: 2 }, { socketTimeout: '1' })
  const prisma = new PrismaClient({ adapter: factory })
  try {
    await expect(prisma.$queryRaw`SELECT pg_sleep(3)`).rejects.toMatchObject({ code: 'P2010', meta: { driverAdapterError: { cause: { kind: 'SocketTimeout' } } } })
    expect(factory.stats().totals).toMatchObject({ invalidated: 0 })
    await expect(prisma.$queryRaw`SELECT 1::int AS one`).resolves.toEqual([{ one: 1 }])
  } finally {
    await prisma.$disconnect()
  }
})

test('a dir/* classpath entry is the folder\'s jars, in order (the JVM does not expand it)', () => {
  const jars = expandClasspath(['/usr/share/java/*'])
  expect(jars).toContain('/usr/share/java/postgresql.jar')
  expect(jars.every((jar) => jar.endsWith('.jar'))).toBe(true)
  expect(jars).toEqual([...jars].sort())
})
