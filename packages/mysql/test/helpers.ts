import { randomBytes } from 'node:crypto'
import mysql from 'mysql2/promise'
import { mysqlFixture } from '../../../test-support/engines/mysql.js'
import { printable, testServer } from '../../../test-support/servers/index.js'

const SERVER = testServer('mysql')
/** The test server: the suite's private MariaDB, or the one of MYSQL_TEST_URL. */
export const MYSQL_URL = SERVER.url

/** A connection of its own to `database` (the one of the URL by default) on `server`; the caller ends it. */
export function connect(database?: string, server = MYSQL_URL) {
  return mysql.createConnection({ uri: urlOf(database, server), multipleStatements: true, dateStrings: true })
}

/** Runs one statement (or several, `;`-separated) on a short-lived connection of its own. */
export async function sql<T = mysql.RowDataPacket>(text: string, values: unknown[] = [], database?: string, server = MYSQL_URL): Promise<T[]> {
  const connection = await connect(database, server)
  try {
    const [rows] = await connection.query(text, values)
    return rows as T[]
  } finally {
    await connection.end()
  }
}

export const uniqueName = (prefix: string) => `${prefix}_${randomBytes(4).toString('hex')}`

/** The server's URL (MYSQL_URL by default) pointing at another database. */
export function urlOf(database?: string, server = MYSQL_URL): string {
  if (database === undefined) return server
  const url = new URL(server)
  url.pathname = `/${database}`
  return url.toString()
}

/** A fresh database holding the tables of test/prisma/schema.prisma; `drop()` removes it. */
export const createTestDatabase = (prefix: string, server = MYSQL_URL) => mysqlFixture.createDatabase(prefix, server)

/** Sessions the server holds on `database`: every test database is unique, so this counts one pool's connections. */
export async function sessionCount(database: string): Promise<number> {
  const rows = await sql<{ n: number }>('SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE DB = ?', [database])
  return Number(rows[0]!.n)
}

export { INNODB_TRX_POLL } from '../../../test-support/engines/mysql.js'

/**
 * Fails a test file at once, with one message naming the setting, when its server keeps no connection attributes:
 * the accounting tests read the worker tag of each connection from performance_schema.session_connect_attrs. The
 * suite's own server has performance_schema on; a server of MYSQL_TEST_URL keeps its settings (the tests never change them).
 */
export async function requirePerformanceSchema(server = MYSQL_URL): Promise<void> {
  const [row] = await sql<{ on: unknown }>('SELECT @@global.performance_schema AS `on`', [], undefined, server)
  if (Number(row?.on) === 1) return
  const where = server === MYSQL_URL ? SERVER.description : printable(server)
  throw new Error(
    `performance_schema is OFF on ${where}, and these tests read the worker tag of each connection from ` +
      'performance_schema.session_connect_attrs. Add performance_schema=ON under [mysqld] in that server\'s configuration and ' +
      'restart it, or unset MYSQL_TEST_URL so that the suite starts a server of its own, configured for its tests.',
  )
}
