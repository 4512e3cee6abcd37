// The private PgBouncer the fault tests put between the pool and PostgreSQL: it forwards to the test server, pools
// by transaction (one server connection serves several clients), and leaves nothing behind when stopped.
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import pg from 'pg'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { testServer } from './index.js'
import { PgBouncerServer } from './pgbouncer.js'

let bouncer: PgBouncerServer
beforeAll(async () => {
  bouncer = await PgBouncerServer.start({ target: testServer('pg').url, settings: { default_pool_size: 1 } })
})
afterAll(async () => {
  await bouncer?.stop()
})

async function client(url = bouncer.url) {
  const connection = new pg.Client({ connectionString: url, application_name: 'pgbouncer.test' })
  await connection.connect()
  return connection
}

test('a query through PgBouncer reaches the test server, as the same user on the same database', async () => {
  const direct = new URL(testServer('pg').url)
  expect(bouncer.url).toBe(Object.assign(new URL(direct), { host: `127.0.0.1:${bouncer.port}` }).toString())
  expect(bouncer.description).toMatch(/^a private PgBouncer \d+\.\d+\.\d+ on 127\.0\.0\.1:\d+, pool_mode transaction/)
  const connection = await client()
  try {
    const { rows } = await connection.query('SELECT current_user AS "user", current_database() AS db, 1 + 1 AS two')
    expect(rows).toEqual([{ user: decodeURIComponent(direct.username) || 'postgres', db: direct.pathname.slice(1), two: 2 }])
  } finally {
    await connection.end()
  }
})

test('a role a test creates logs in through PgBouncer too (looked up on the server: auth_query)', async () => {
  const role = `bouncer_${randomBytes(4).toString('hex')}`
  const admin = await client(testServer('pg').url)
  try {
    await admin.query(`CREATE ROLE ${role} LOGIN`)
    const url = Object.assign(new URL(bouncer.url), { username: role, password: '' }).toString()
    const connection = await client(url)
    try {
      expect((await connection.query('SELECT current_user AS "user"')).rows).toEqual([{ user: role }])
    } finally {
      await connection.end()
    }
  } finally {
    await admin.query(`DROP ROLE IF EXISTS ${role}`)
    await admin.end()
  }
})

test('in transaction mode, two clients take turns on one server connection, whose pid neither was told', async () => {
  const [a, b] = [await client(), await client()]
  try {
    const backendPid = async (connection: pg.Client) => {
      await connection.query('BEGIN')
      const { rows } = await connection.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')
      await connection.query('COMMIT')
      return rows[0]!.pid
    }
    const first = await backendPid(a)
    const second = await backendPid(b)
    // default_pool_size 1: one server connection for both clients' transactions.
    expect(second).toBe(first)
    expect(await backendPid(a)).toBe(first)
    // What the clients got at connect (BackendKeyData) is PgBouncer's, not the server's.
    const told = [(a as unknown as { processID: number }).processID, (b as unknown as { processID: number }).processID]
    expect(told).not.toContain(first)
    expect(told[0]).not.toBe(told[1])
  } finally {
    await Promise.all([a.end(), b.end()])
  }
})

test('stop() ends PgBouncer and removes its directory', async () => {
  const other = await PgBouncerServer.start({ target: testServer('pg').url, poolMode: 'session' })
  expect(existsSync(other.directory)).toBe(true)
  expect(other.description).toContain('pool_mode session')
  await other.stop()
  expect(existsSync(other.directory)).toBe(false)
  await expect(client(other.url)).rejects.toThrow(/ECONNREFUSED/)
})
