// The server is asked about a session whose statement gets no answer (the pool's unansweredCheck): only that very
// session, on that very server, is ever reported idle or ended; anything it cannot tell apart is left alone.
import pg from 'pg'
import { afterEach, expect, test } from 'vitest'
import type { EngineConnection } from '@prisma-pool/core/engine'
import { PgDriver } from '../src/driver.js'
import { resolvePgOptions } from '../src/options.js'
import { PG_URL, sql } from './helpers.js'
import { connectAlone } from '../../../test-support/engine-context.js'

const driver = new PgDriver(resolvePgOptions({ connectionString: PG_URL }))
type Session = { pid: number; started: string; server: string }
const opened: { close(): Promise<unknown> }[] = []
afterEach(async () => {
  for (const conn of opened.splice(0)) await conn.close().catch(() => {})
})

/** Another client's session, idle for more than a second, as the server lists it. */
async function idleStranger(): Promise<{ client: pg.Client; session: Session }> {
  const client = new pg.Client({ connectionString: PG_URL })
  client.on('error', () => {}) // the session the test ends
  await client.connect()
  opened.push({ close: () => client.end() })
  const [row] = await sql<Session>(
    `SELECT pid, backend_start::text AS started, pg_postmaster_start_time()::text AS server FROM pg_stat_activity WHERE pid = $1`,
    [(client as unknown as { processID: number }).processID],
  )
  await sql(`SELECT pg_sleep(1.2)`)
  return { client, session: row! }
}

/** A connection of the adapter's whose session record the test replaces, to point the check elsewhere. */
async function connectionAbout(session: Session): Promise<EngineConnection> {
  const conn = await connectAlone(driver, 'session-check test')
  opened.push(conn)
  Object.defineProperty(conn, 'session', { value: session })
  return conn
}

test("another session with the same pid, started after ours (a reused pid), is 'gone', and endSession leaves it alone", async () => {
  const { client, session } = await idleStranger()
  const conn = await connectionAbout({ ...session, started: '2000-01-01 00:00:00+00' })
  await expect(driver.checkSession(conn, 5000)).resolves.toBe('gone')
  await driver.endSession(conn, 5000)
  await expect(client.query('SELECT 1 AS one')).resolves.toMatchObject({ rows: [{ one: 1 }] })
})

test("another server behind the same address (another start time) is 'unknown'", async () => {
  const { session } = await idleStranger()
  const conn = await connectionAbout({ ...session, server: '2000-01-01 00:00:00+00' })
  await expect(driver.checkSession(conn, 5000)).resolves.toBe('unknown')
})

test("the session itself: 'idle' after a second of idleness, and endSession ends it", async () => {
  const { client, session } = await idleStranger()
  const ended = new Promise((resolve) => client.prependOnceListener('error', resolve))
  const conn = await connectionAbout(session)
  await expect(driver.checkSession(conn, 5000)).resolves.toBe('idle')
  await driver.endSession(conn, 5000)
  await expect(ended).resolves.toMatchObject({ code: '57P01' })
})

test("a session running a statement is 'running', also with track_activities off (state 'disabled')", async () => {
  const { client, session } = await idleStranger()
  await client.query('SET track_activities = off')
  const sleeping = client.query('SELECT pg_sleep(3)')
  const conn = await connectionAbout(session)
  await expect(driver.checkSession(conn, 5000)).resolves.toBe('running')
  await driver.endSession(conn, 5000)
  await expect(sleeping).resolves.toBeDefined()
})
