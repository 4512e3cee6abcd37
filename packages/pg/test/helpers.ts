import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { pgFixture } from '../../../test-support/engines/pg.js'
import { testServer } from '../../../test-support/servers/index.js'

/** The test server: the suite's private PostgreSQL, or the one of PG_TEST_URL. */
export const PG_URL = testServer('pg').url

/** Runs one statement on a short-lived connection of its own (to the test server, or `server`). */
export async function sql<T extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values: unknown[] = [], server = PG_URL) {
  const client = new pg.Client({ connectionString: server })
  await client.connect()
  try {
    return (await client.query<T>(text, values)).rows
  } finally {
    await client.end()
  }
}

export const uniqueName = (prefix: string) => `${prefix}_${randomBytes(4).toString('hex')}`

/** A fresh schema holding the tables of test/prisma/schema.prisma (on the test server, or `server`); `drop()` removes it. */
export const createTestSchema = (prefix: string, server = PG_URL) => pgFixture.createDatabase(prefix, server)

/**
 * SQL true for the sessions of an application: a pool's sessions carry its name as the start of their tag
 * (`name@host/pid`), other clients' the name alone.
 */
export const OF_APP = "split_part(application_name, '@', 1) = $1"

/** Sessions the server holds for an application name: the pool's real connection count. */
export async function sessionCount(applicationName: string): Promise<number> {
  const rows = await sql<{ n: string }>(`SELECT count(*) AS n FROM pg_stat_activity WHERE ${OF_APP}`, [applicationName])
  return Number(rows[0]!.n)
}
