// The fault scenarios of issue 11 (test-support/fault-scenarios.ts) on MariaDB, through the generated Prisma
// Client, against a private server of this file's own: restarted, stopped, filled and its sessions killed.
import { readFileSync } from 'node:fs'
import mysql from 'mysql2/promise'
import { PrismaPoolMySql } from '@prisma-pool/mysql'
import { PrismaClient } from './generated/prisma/client.js'
import type { CounterRow } from '../../../test-support/fault-load.js'
import { registerFaultScenarios } from '../../../test-support/fault-scenarios.js'
import { MariaDbServer } from '../../../test-support/servers/mariadb.js'
import { until } from '../../../test-support/until.js'

const SCHEMA_SQL = readFileSync(new URL('./schema.sql', import.meta.url), 'utf8')

async function sql<T>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const connection = await mysql.createConnection({ uri: url, multipleStatements: true })
  try {
    return (await connection.query(text, values))[0] as T[]
  } finally {
    await connection.end()
  }
}

/** The server's ids of the sessions of an application: every pool connection sends program_name = applicationName. */
const sessionsOf = (url: string, application: string) =>
  sql<{ id: number }>(
    url,
    "SELECT PROCESSLIST_ID AS id FROM performance_schema.session_connect_attrs WHERE ATTR_NAME = 'program_name' AND ATTR_VALUE = ?",
    [application],
  ).then((rows) => rows.map((row) => Number(row.id)))

registerFaultScenarios({
  name: 'MariaDB',
  startServer: ({ maxConnections }) => MariaDbServer.start({ settings: { max_connections: maxConnections } }),
  createTables: async (url) => void (await sql(url, SCHEMA_SQL)),
  client: (url, pool) => new PrismaClient({ adapter: new PrismaPoolMySql({ connectionString: url, pool }) }),
  slow: { sql: 'SELECT SLEEP(0.3) AS s', check: (rows) => Array.isArray(rows) && rows.length === 1 && Number(rows[0].s) === 0 },
  async killSessions(url, application) {
    const admin = await mysql.createConnection({ uri: url })
    try {
      const ids = await sessionsOf(url, application)
      for (const id of ids) await admin.query(`KILL CONNECTION ${id}`).catch(() => {}) // gone already: fine
      // KILL returns before the session has ended: wait until the server lists none of them.
      await until(async () => {
        const [rows] = await admin.query(`SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE ID IN (${ids.join(',') || 0})`)
        return Number((rows as { n: number }[])[0]!.n) === 0
      }, 'the killed sessions are gone')
      return ids.length
    } finally {
      await admin.end()
    }
  },
  sessionCount: async (url, application) => (await sessionsOf(url, application)).length,
  async fillServer(url) {
    const held: mysql.Connection[] = []
    for (;;) {
      let connection: mysql.Connection
      try {
        connection = await mysql.createConnection({ uri: url, connectAttributes: { program_name: 'fault-filler' } })
      } catch (error) {
        // ER_CON_COUNT_ERROR: the server is full (root included: MariaDB keeps one extra connection for SUPER).
        if ((error as { errno?: number }).errno !== 1040) {
          await Promise.all(held.map((c) => c.end()))
          throw error
        }
        break
      }
      connection.on('error', () => {})
      held.push(connection)
      if (held.length > 200) throw new Error('fillServer: the server took 200 connections and is not full')
    }
    return { held: held.length, release: () => Promise.all(held.splice(0).map((c) => c.end().catch(() => {}))).then(() => {}) }
  },
  readRows: (url) => sql<CounterRow>(url, 'SELECT id, name, value FROM Counter'),
})
