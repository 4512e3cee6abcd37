// connectToShadowDb: Prisma Migrate's scratch database is created, usable, and dropped on dispose.
import { expect, test } from 'vitest'
import { PrismaPoolPg } from '@prisma-pool/pg'
import { PG_URL, sql } from './helpers.js'

test('connectToShadowDb creates a database of its own and drops it on dispose', async () => {
  const factory = new PrismaPoolPg(PG_URL)
  const shadow = await factory.connectToShadowDb()
  const [[db]] = (await shadow.queryRaw({ sql: 'SELECT current_database() AS db', args: [], argTypes: [] })).rows as [[string]]
  expect(db).toMatch(/^prisma_migrate_shadow_db_[0-9a-f-]{36}$/)
  await shadow.executeScript('CREATE TABLE t (id int); INSERT INTO t VALUES (1), (2)')
  const count = await shadow.queryRaw({ sql: 'SELECT count(*)::int AS n FROM t', args: [], argTypes: [] })
  expect(count.rows).toEqual([[2]])
  expect(await sql('SELECT 1 FROM pg_database WHERE datname = $1', [db])).toHaveLength(1)
  await shadow.dispose()
  expect(await sql('SELECT 1 FROM pg_database WHERE datname = $1', [db])).toHaveLength(0)
})
