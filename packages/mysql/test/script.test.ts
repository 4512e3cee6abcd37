// executeScript runs a multi-statement script (what Prisma Migrate sends) on a connection of its own; the
// pool's connections refuse stacked statements. connectToShadowDb makes and drops Migrate's scratch database.
import { afterAll, beforeAll, expect, test } from 'vitest'
import { PrismaPoolMySql } from '@prisma-pool/mysql'
import type { SqlDriverAdapter } from '@prisma/driver-adapter-utils'
import { captureWarnings } from '../../../test-support/warnings.js'
import { createTestDatabase, MYSQL_URL, sql } from './helpers.js'

let database: Awaited<ReturnType<typeof createTestDatabase>>
let adapter: SqlDriverAdapter
beforeAll(async () => {
  database = await createTestDatabase('script')
  adapter = await new PrismaPoolMySql(database.url).connect()
})
afterAll(async () => {
  await adapter.dispose()
  await database.drop()
})

const query = (text: string) => adapter.queryRaw({ sql: text, args: [], argTypes: [] })

test('runs every statement of a script, including a procedure whose body holds semicolons', async () => {
  await adapter.executeScript(`
    CREATE TABLE migrated (id INT PRIMARY KEY, note VARCHAR(20) DEFAULT 'a;b');
    -- a comment; with a semicolon
    INSERT INTO migrated (id) VALUES (1), (2);
    CREATE PROCEDURE add_row(IN n INT) BEGIN INSERT INTO migrated (id) VALUES (n); UPDATE migrated SET note = 'c' WHERE id = n; END;
    CALL add_row(3);
  `)
  expect((await query('SELECT id, note FROM migrated ORDER BY id')).rows).toEqual([[1, 'a;b'], [2, 'a;b'], [3, 'c']])
})

test('a failing statement stops the script and reports its error', async () => {
  const error = await adapter.executeScript('CREATE TABLE halfway (id INT); INSERT INTO nowhere VALUES (1); CREATE TABLE never (id INT)').catch((e: unknown) => e)
  expect(error).toMatchObject({ cause: { kind: 'TableDoesNotExist', table: 'nowhere' } })
  expect((await query("SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name IN ('halfway', 'never')")).rows).toEqual([['halfway']])
})

test('the pooled connections refuse several statements in one query, so an injection cannot append any', async () => {
  const error = await adapter.executeRaw({ sql: 'SELECT 1; DROP TABLE migrated', args: [], argTypes: [] }).catch((e: unknown) => e)
  expect(error).toMatchObject({ cause: { kind: 'mysql', code: 1064 } })
  expect((await query('SELECT COUNT(*) FROM migrated')).rows).toEqual([['3']])
})

test('connectToShadowDb creates a database of its own and drops it on dispose', async () => {
  const shadow = await new PrismaPoolMySql(MYSQL_URL).connectToShadowDb()
  const [[db]] = (await shadow.queryRaw({ sql: 'SELECT DATABASE()', args: [], argTypes: [] })).rows as [[string]]
  expect(db).toMatch(/^prisma_migrate_shadow_db_[0-9a-f-]{36}$/)
  await shadow.executeScript('CREATE TABLE t (id INT); INSERT INTO t VALUES (1), (2)')
  expect((await shadow.queryRaw({ sql: 'SELECT COUNT(*) FROM t', args: [], argTypes: [] })).rows).toEqual([['2']])
  expect(await sql('SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [db])).toHaveLength(1)
  await shadow.dispose()
  expect(await sql('SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [db])).toHaveLength(0)
})

test("a script running longer than unansweredCheck on its own connection does not cost the pool's connection", async () => {
  const { warnings } = captureWarnings()
  const factory = new PrismaPoolMySql({ connectionString: database.url, pool: { size: 1, maxOverflow: 0, unansweredCheck: 0.2 } })
  const own = await factory.connect()
  try {
    await own.queryRaw({ sql: 'SELECT 1', args: [], argTypes: [] })
    // The pool's session sleeps the whole time (the script runs elsewhere): it is not taken for a dead path.
    await own.executeScript('DO SLEEP(3); SELECT 1')
    expect(warnings).toEqual([])
    expect(factory.stats().totals).toMatchObject({ created: 1, destroyed: 0 })
  } finally {
    await own.dispose()
  }
})
