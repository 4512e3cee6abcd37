// The fault scenarios of issue 11 (test-support/fault-scenarios.ts) on PostgreSQL, through the generated Prisma
// Client, against a private server of this file's own: restarted, stopped, filled and its sessions terminated.
import { readFileSync } from 'node:fs'
import pg from 'pg'
import { PrismaPoolPg } from '@prisma-pool/pg'
import { PrismaClient } from './generated/prisma/client.js'
import type { CounterRow } from '../../../test-support/fault-load.js'
import { registerFaultScenarios } from '../../../test-support/fault-scenarios.js'
import { PgBouncerServer } from '../../../test-support/servers/pgbouncer.js'
import { PostgresServer } from '../../../test-support/servers/postgres.js'
import { until } from '../../../test-support/until.js'

const SCHEMA_SQL = readFileSync(new URL('./schema.sql', import.meta.url), 'utf8')
/** A pool's sessions carry its application name as the start of their tag (`name@host/pid`). */
const OF_APP = "split_part(application_name, '@', 1) = $1"

async function sql<T extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, application_name: 'fault-admin' })
  await client.connect()
  try {
    return (await client.query<T>(text, values)).rows
  } finally {
    await client.end()
  }
}

registerFaultScenarios({
  name: 'PostgreSQL',
  startServer: ({ maxConnections }) => PostgresServer.start({ settings: { max_connections: maxConnections } }),
  createTables: async (url) => void (await sql(url, SCHEMA_SQL)),
  client: (url, pool) => new PrismaClient({ adapter: new PrismaPoolPg({ connectionString: url, pool }) }),
  slow: { sql: 'SELECT 1 AS one FROM pg_sleep(0.3)', check: (rows) => JSON.stringify(rows) === '[{"one":1}]' },
  async killSessions(url, application) {
    // pg_terminate_backend(pid, timeout) waits until the session has ended (false: it had ended already, the pool
    // having closed it on seeing another one die).
    const rows = await sql<{ pid: number }>(url, `SELECT pid, pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE ${OF_APP}`, [application])
    const pids = rows.map((row) => row.pid)
    await until(async () => (await sql(url, 'SELECT 1 FROM pg_stat_activity WHERE pid = ANY($1)', [pids])).length === 0, 'the killed sessions are gone')
    return pids.length
  },
  async sessionCount(url, application) {
    const rows = await sql<{ n: string }>(url, `SELECT count(*) AS n FROM pg_stat_activity WHERE ${OF_APP}`, [application])
    return Number(rows[0]!.n)
  },
  async fillServer(url) {
    const held: pg.Client[] = []
    for (;;) {
      const client = new pg.Client({ connectionString: url, application_name: 'fault-filler' })
      client.on('error', () => {})
      try {
        await client.connect()
      } catch (error) {
        if ((error as { code?: string }).code !== '53300') {
          await Promise.all(held.map((c) => c.end()))
          throw error
        }
        break
      }
      held.push(client)
      if (held.length > 200) throw new Error('fillServer: the server took 200 connections and is not full')
    }
    return { held: held.length, release: () => Promise.all(held.splice(0).map((c) => c.end().catch(() => {}))).then(() => {}) }
  },
  readRows: (url) => sql<CounterRow>(url, 'SELECT id::text AS id, name, value FROM "Counter"'),
  async startPooler(target) {
    // Two server connections for the pool's five: consecutive transactions of one client run on different sessions.
    const bouncer = await PgBouncerServer.start({ target, poolMode: 'transaction', settings: { default_pool_size: 2, admin_users: 'postgres' } })
    const admin = new URL(bouncer.url)
    admin.pathname = '/pgbouncer'
    return {
      url: bouncer.url,
      async clients() {
        const rows = await sql<{ database: string }>(admin.toString(), 'SHOW CLIENTS')
        return rows.filter((row) => row.database !== 'pgbouncer').length
      },
      stop: () => bouncer.stop(),
    }
  },
})
