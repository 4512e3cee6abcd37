// Shared set-up of the Prisma-Client-level tests: one client on PrismaPoolMySql and one on the official
// PrismaMariaDb, each on a fresh database of its own so that autoincrement ids line up. The helpers that
// compare what the two return are shared by every engine (test-support/compare.ts).
import { PrismaPoolMySql, type PrismaPoolMySqlOptions } from '@prisma-pool/mysql'
import { PrismaMariaDb } from '@prisma/adapter-mariadb'
import type { ClientPair } from '../../../test-support/compare.js'
import type { EngineFixture } from '../../../test-support/engines/fixture.js'
import { mysqlFixture } from '../../../test-support/engines/mysql.js'
import { onJdbcRoute } from '../../../test-support/jdbc/classpath.js'
import { jdbcFromMySqlOptions } from '../../../test-support/jdbc/mysql.js'
import { PrismaClient } from './generated/prisma/client.js'
import { createTestDatabase, MYSQL_URL } from './helpers.js'

export { both, canonical, expectSame, knownError } from '../../../test-support/compare.js'

/**
 * Our MySQL adapter: PrismaPoolMySql, or PrismaPoolJdbc on jdbc:mariadb with the same settings when the test file runs
 * on the JDBC route (packages/jdbc/test/mysql).
 */
export function ourMySqlAdapter(options: PrismaPoolMySqlOptions | string) {
  const given = typeof options === 'string' ? { connectionString: options } : options
  return onJdbcRoute() ? jdbcFromMySqlOptions(given) : new PrismaPoolMySql(given)
}

/**
 * The MariaDB fixture, whose adapter is our adapter of the route (see ourMySqlAdapter). On the JDBC route a script runs
 * on the pooled connection itself, one statement after another (its connections never take several statements at once).
 */
export const ourMySqlFixture: EngineFixture = onJdbcRoute() ? { ...mysqlFixture, scriptsOnSideConnection: false } : mysqlFixture

export type Database = Awaited<ReturnType<typeof createTestDatabase>>
export type OursOptions = Omit<PrismaPoolMySqlOptions, 'connectionString'>

/** `official` is the client on `@prisma/adapter-mariadb`. */
export interface Pair extends ClientPair<PrismaClient> {
  official: PrismaClient
  oursDb: Database
  officialDb: Database
  /** The database a client of the pair works in. */
  dbOf(prisma: PrismaClient): string
  /** Disconnects both clients and drops both databases. */
  close(): Promise<void>
}

/**
 * The official adapter on `url`, configured as its documentation shows (pool fields, no options), with a
 * small pool since test files run in parallel against one server. `useTextProtocol` mirrors our
 * `preparedStatements` (false by default).
 */
export function officialAdapter(url: string, config: Record<string, unknown> = {}, useTextProtocol = false) {
  const { hostname, port, username, password, pathname } = new URL(url)
  const connection = {
    host: hostname,
    port: Number(port || 3306),
    user: decodeURIComponent(username),
    password: decodeURIComponent(password),
    database: decodeURIComponent(pathname.slice(1)),
  }
  return new PrismaMariaDb({ ...connection, connectionLimit: 3, ...config }, { useTextProtocol })
}

/**
 * Two clients, ours and the official one, on two fresh databases of `server`; `options` and `officialConfig` go to
 * each adapter.
 */
export async function openPair(prefix: string, options: OursOptions = {}, officialConfig: Record<string, unknown> = {}, server = MYSQL_URL): Promise<Pair> {
  const [oursDb, officialDb] = await Promise.all([createTestDatabase(`${prefix}_ours`, server), createTestDatabase(`${prefix}_off`, server)])
  const ours = new PrismaClient({ adapter: ourMySqlAdapter({ connectionString: oursDb.url, ...options }) })
  const official = new PrismaClient({ adapter: officialAdapter(officialDb.url, officialConfig, options.preparedStatements !== true) })
  return {
    ours,
    official,
    oursDb,
    officialDb,
    dbOf: (prisma) => (prisma === ours ? oursDb.name : officialDb.name),
    async close() {
      await Promise.allSettled([ours.$disconnect(), official.$disconnect()])
      await Promise.all([oursDb.drop(), officialDb.drop()])
    },
  }
}
