// The example's database: a new one, with a unique name, on the server of DATABASE_URL (by default the
// local MariaDB), holding the tables of prisma/schema.sql; dropped again at the end.
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import mysql from 'mysql2/promise'

const DEFAULT_URL = 'mysql://root@127.0.0.1:3306/test'
const TABLES_SQL = readFileSync(new URL('../prisma/schema.sql', import.meta.url), 'utf8')

export interface Database {
  /** For the adapter: DATABASE_URL with the example's database in place of its own. May hold a password: never print it. */
  connectionString: string
  /** `mysql://user@host:port/database` of DATABASE_URL: safe to print. */
  target: string
  /** Where the URL came from. */
  source: string
  /** The database created for this run. */
  name: string
  /** The server's version string. */
  version: string
  /** mysql2 options for a plain connection to the example's database (no pool), as an application might open one. */
  plain: mysql.ConnectionOptions
  /** Runs one statement on a short-lived connection of its own, outside the example's database. */
  sql<T = mysql.RowDataPacket>(statement: string, values?: unknown[]): Promise<T[]>
  /** Drops the database; does nothing the second time. */
  drop(): Promise<void>
}

/** Creates the example's database and its tables. */
export async function createDatabase(): Promise<Database> {
  const url = process.env.DATABASE_URL || DEFAULT_URL
  const source = process.env.DATABASE_URL ? 'DATABASE_URL' : 'DATABASE_URL unset: the local MariaDB'
  const server = serverOptions(url)
  const name = `gone_away_${randomBytes(4).toString('hex')}`

  /** One statement, or with `database` the schema script (several statements) in that database. */
  const sql = async <T>(statement: string, values: unknown[] = [], database?: string): Promise<T[]> => {
    const connection = await mysql.createConnection({ ...server, database, multipleStatements: database !== undefined })
    try {
      const [rows] = await connection.query(statement, values)
      return rows as T[]
    } finally {
      await connection.end()
    }
  }

  const version = (await sql<{ version: string }>('SELECT VERSION() AS version'))[0]?.version ?? 'unknown'
  await sql(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`)
  let dropped = false
  const drop = async () => {
    if (dropped) return
    await sql(`DROP DATABASE IF EXISTS \`${name}\``)
    dropped = true
  }
  try {
    // Prisma Migrate needs an engine binary that this offline example cannot download: create the table with SQL.
    await sql(TABLES_SQL, [], name)
  } catch (error) {
    await drop().catch(() => {})
    throw error
  }

  const adapterUrl = new URL(url)
  adapterUrl.pathname = `/${name}`
  return {
    connectionString: adapterUrl.toString(),
    target: withoutPassword(url),
    source,
    name,
    version,
    plain: { ...server, database: name },
    sql: (statement, values) => sql(statement, values),
    drop,
  }
}

/** host, port, user, password (and `?socket=`) of a mysql:// URL, for mysql2. Other URL parameters are the adapter's. */
function serverOptions(connectionString: string): mysql.ConnectionOptions {
  let url: URL
  try {
    url = new URL(connectionString)
  } catch {
    throw new Error('DATABASE_URL is not a valid URL; expected mysql://user:password@host:3306/database')
  }
  if (url.protocol !== 'mysql:' && url.protocol !== 'mariadb:') {
    throw new Error(`DATABASE_URL must start with mysql:// or mariadb://, not ${url.protocol}//`)
  }
  const socketPath = url.searchParams.get('socket') ?? undefined
  return {
    host: decodeURIComponent(url.hostname.replace(/^\[(.*)\]$/, '$1')) || 'localhost',
    port: url.port ? Number(url.port) : 3306,
    user: decodeURIComponent(url.username) || undefined,
    password: decodeURIComponent(url.password) || undefined,
    ...(socketPath ? { socketPath } : {}),
  }
}

/** The URL without its password and parameters, for printing. */
function withoutPassword(connectionString: string): string {
  const url = new URL(connectionString)
  url.password = ''
  url.search = ''
  return url.toString()
}
