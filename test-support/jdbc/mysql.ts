// The MySQL tests' adapter options (PrismaPoolMySql's) as PrismaPoolJdbc options on jdbc:mariadb (MariaDB
// Connector/J), for the Prisma-level test files of packages/mysql that packages/jdbc/test/mysql runs on the JDBC route.
import type { PrismaPoolMySqlOptions } from '@prisma-pool/mysql'
import { PrismaPoolJdbc, type PrismaPoolJdbcOptions } from '@prisma-pool/jdbc'
import { TEST_CLASSPATH } from './classpath.js'

/** `mysql://user:pw@host:port/db` → the JDBC URL, user and password. A URL with parameters is not translated. */
export function jdbcMySqlUrl(url: string): { url: string; user: string; password?: string } {
  const parsed = new URL(url)
  if (parsed.search) {
    throw new Error(`test-support/jdbc/mysql.ts: connection string parameters (${parsed.search}) have no translation to Connector/J properties here; add one`)
  }
  return {
    url: `jdbc:mariadb://${parsed.host}${parsed.pathname}`,
    user: decodeURIComponent(parsed.username) || 'root',
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
  }
}

/** `{ sql_mode: 'TRADITIONAL', wait_timeout: 600 }` → Connector/J's sessionVariables, `sql_mode='TRADITIONAL',wait_timeout=600`. */
function sessionVariables(variables: NonNullable<PrismaPoolMySqlOptions['sessionVariables']>): string {
  return Object.entries(variables)
    .map(([name, value]) => `${name}=${typeof value === 'string' ? `'${value.replaceAll("'", "''")}'` : String(value)}`)
    .join(',')
}

/** The PrismaPoolJdbc options for what a test gives PrismaPoolMySql; an option without an equivalent is an error. */
export function jdbcOptionsFromMySql(options: PrismaPoolMySqlOptions): PrismaPoolJdbcOptions {
  const { connectionString, pool, preparedStatements, statementCacheSize, sessionVariables: variables, connectAttributes, ...rest } = options
  const untranslated = Object.keys(rest)
  if (!connectionString || untranslated.length) {
    throw new Error(
      `test-support/jdbc/mysql.ts: ${untranslated.length ? `no JDBC equivalent for ${untranslated.join(', ')}` : 'a connectionString is needed'} ` +
        '(the JDBC route takes the options the MySQL tests give PrismaPoolMySql; add a translation here for a new one)',
    )
  }
  const properties: Record<string, string> = {}
  // Server-side prepared statements (the binary protocol), as preparedStatements: true is for mysql2; else
  // Connector/J's client-side ones, which send the values inlined (the text protocol), as mysql2 does by default.
  const prepared = preparedStatements ?? statementCacheSize !== undefined
  properties.useServerPrepStmts = String(prepared)
  if (statementCacheSize !== undefined) properties.prepStmtCacheSize = String(statementCacheSize)
  if (variables) properties.sessionVariables = sessionVariables(variables)
  if (connectAttributes) properties.connectionAttributes = Object.entries(connectAttributes).map(([name, value]) => `${name}:${value}`).join(',')
  return { ...jdbcMySqlUrl(connectionString), classpath: TEST_CLASSPATH, properties, ...(pool ? { pool } : {}) }
}

/** Our MySQL adapter on the JDBC route, for what a test gives PrismaPoolMySql. */
export const jdbcFromMySqlOptions = (options: PrismaPoolMySqlOptions) => new PrismaPoolJdbc(jdbcOptionsFromMySql(options))
