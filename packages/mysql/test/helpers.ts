import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import mysql from 'mysql2/promise'

/** The test server: the local MariaDB unless MYSQL_TEST_URL points elsewhere. */
export const MYSQL_URL = process.env.MYSQL_TEST_URL ?? 'mysql://root@127.0.0.1:3306/test'

const SCHEMA_SQL = readFileSync(new URL('./schema.sql', import.meta.url), 'utf8')

/** A connection of its own to `database` (the one of MYSQL_URL by default); the caller ends it. */
export function connect(database?: string) {
  return mysql.createConnection({ uri: urlOf(database), multipleStatements: true, dateStrings: true })
}

/** Runs one statement (or several, `;`-separated) on a short-lived connection of its own. */
export async function sql<T = mysql.RowDataPacket>(text: string, values: unknown[] = [], database?: string): Promise<T[]> {
  const connection = await connect(database)
  try {
    const [rows] = await connection.query(text, values)
    return rows as T[]
  } finally {
    await connection.end()
  }
}

export const uniqueName = (prefix: string) => `${prefix}_${randomBytes(4).toString('hex')}`

/** MYSQL_URL pointing at another database. */
export function urlOf(database?: string): string {
  if (database === undefined) return MYSQL_URL
  const url = new URL(MYSQL_URL)
  url.pathname = `/${database}`
  return url.toString()
}

/** A fresh database holding the tables of test/prisma/schema.prisma; `drop()` removes it. */
export async function createTestDatabase(prefix: string) {
  const name = uniqueName(`pp_${prefix}`)
  await sql(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`)
  await sql(SCHEMA_SQL, [], name)
  return {
    name,
    url: urlOf(name),
    drop: () => sql(`DROP DATABASE IF EXISTS \`${name}\``),
  }
}

/** Sessions the server holds on `database`: every test database is unique, so this counts one pool's connections. */
export async function sessionCount(database: string): Promise<number> {
  const rows = await sql<{ n: number }>('SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE DB = ?', [database])
  return Number(rows[0]!.n)
}
