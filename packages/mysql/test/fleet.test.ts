// Per-worker accounting with real worker processes (test-support/fleet.ts): the connection budget a fleet of
// workers shares, and the live view of who holds the connections, against a user WITH MAX_USER_CONNECTIONS.
import type { Connection } from 'mysql2/promise'
import { afterAll, beforeAll } from 'vitest'
import { describeFleet, type Account } from '../../../test-support/fleet.js'
import { onJdbcRoute } from '../../../test-support/jdbc/classpath.js'
import { connect, createTestDatabase, INNODB_TRX_POLL, requirePerformanceSchema, sql, uniqueName, urlOf } from './helpers.js'

let database: Awaited<ReturnType<typeof createTestDatabase>>
/** root's connection the tests watch the server through. */
let probe: Connection
const users: string[] = []

beforeAll(async () => {
  await requirePerformanceSchema()
  database = await createTestDatabase('fleet')
  probe = await connect()
})

afterAll(async () => {
  await probe?.end()
  for (const user of users) await sql(`DROP USER IF EXISTS '${user}'@'%'`)
  await database?.drop()
})

describeFleet(
  {
    engine: 'mysql',
    // mysql2's KILL QUERY and script connections; the JDBC route runs scripts on the pooled connection and cancels through
    // Connector/J, whose connections the engine does not count (the pg package's and its JDBC route's 0, likewise).
    sideConnections: onJdbcRoute() ? 0 : 1,
    livePoll: INNODB_TRX_POLL,
    async account(limit): Promise<Account> {
      const user = uniqueName('pp_fleet')
      await sql(`CREATE USER '${user}'@'%' WITH MAX_USER_CONNECTIONS ${limit}`)
      users.push(user)
      await sql(`GRANT ALL ON \`${database.name}\`.* TO '${user}'@'%'`)
      // For the live view: PROCESS to read information_schema.INNODB_TRX (who is idle in a transaction), and the
      // connection attributes that carry each worker's tag.
      await sql(`GRANT PROCESS ON *.* TO '${user}'@'%'`)
      await sql(`GRANT SELECT ON performance_schema.session_connect_attrs TO '${user}'@'%'`)
      const url = new URL(urlOf(database.name))
      url.username = user
      url.password = ''
      return { name: user, url: url.toString() }
    },
    async sessions(account) {
      const [rows] = await probe.query(
        `SELECT COUNT(*) AS total, COALESCE(SUM(STATE = 'Waiting for table metadata lock'), 0) AS waiting
           FROM information_schema.PROCESSLIST WHERE USER = ?`,
        [account.name],
      )
      const [row] = rows as { total: number | string; waiting: number | string }[]
      return { total: Number(row!.total), waiting: Number(row!.waiting) }
    },
    async lockUsers() {
      const holder = await connect(database.name)
      await holder.query('LOCK TABLES `User` WRITE')
      return async () => {
        await holder.query('UNLOCK TABLES')
        await holder.end()
      }
    },
  },
  uniqueName('fleet'),
)
