import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import pg from 'pg'
import { testServer } from '../../../test-support/servers/index.js'

/** The test server: the suite's private PostgreSQL, or the one of PG_TEST_URL. */
export const PG_URL = testServer('pg').url

const SCHEMA_SQL = readFileSync(new URL('./schema.sql', import.meta.url), 'utf8')

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
export async function createTestSchema(prefix: string, server = PG_URL) {
  const name = uniqueName(`pp_${prefix}`)
  const client = new pg.Client({ connectionString: server })
  await client.connect()
  try {
    await client.query(`CREATE SCHEMA "${name}"`)
    await client.query(`SET search_path TO "${name}"`)
    await client.query(SCHEMA_SQL)
  } finally {
    await client.end()
  }
  return {
    name,
    drop: () => sql(`DROP SCHEMA IF EXISTS "${name}" CASCADE`, [], server),
  }
}

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
