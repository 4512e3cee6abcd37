// The PostgreSQL tests' adapter options (PrismaPoolPg's) as PrismaPoolJdbc options on jdbc:postgresql, for the
// Prisma-level test files of packages/pg that packages/jdbc/test/postgres runs on the JDBC route.
import type { PoolOptions } from '@prisma-pool/core'
import { PrismaPoolJdbc } from '@prisma-pool/jdbc'
import type { PrismaPoolPgOptions } from '@prisma-pool/pg'
import { TEST_CLASSPATH } from './classpath.js'

/** `postgres://user:pw@host:port/db?schema=s&pgbouncer=true` → the JDBC URL (currentSchema, prepareThreshold=0), user and password. */
export function jdbcPostgresUrl(url: string, schema?: string): { url: string; user: string; password?: string } {
  const parsed = new URL(url)
  const currentSchema = schema ?? parsed.searchParams.get('schema') ?? undefined
  const params = new URLSearchParams()
  if (currentSchema) params.set('currentSchema', currentSchema)
  // pgjdbc's way of saying "a pooler in transaction mode": no statement prepared on the server.
  if (parsed.searchParams.get('pgbouncer') === 'true') params.set('prepareThreshold', '0')
  const query = params.size ? `?${params}` : ''
  return {
    url: `jdbc:postgresql://${parsed.host}${parsed.pathname}${query}`,
    user: decodeURIComponent(parsed.username) || 'postgres',
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
  }
}

/** Our PostgreSQL adapter on the JDBC route, for what the tests give PrismaPoolPg. */
export function jdbcFromPgOptions(options: PrismaPoolPgOptions): PrismaPoolJdbc {
  const { connectionString, schema, options: serverOptions, application_name: applicationName, pool, ...rest } = options
  const untranslated = Object.keys(rest)
  if (!connectionString || untranslated.length) {
    throw new Error(`test-support/jdbc/pg.ts: ${untranslated.length ? `no JDBC equivalent for ${untranslated.join(', ')}` : 'a connectionString is needed'}`)
  }
  const target = jdbcPostgresUrl(connectionString, schema)
  const poolOptions: PoolOptions = { ...pool, ...(applicationName ? { applicationName } : {}) }
  return new PrismaPoolJdbc({
    ...target,
    classpath: TEST_CLASSPATH,
    // pgjdbc's `options` property is libpq's: settings sent with the startup packet (-c TimeZone=…).
    ...(serverOptions ? { properties: { options: serverOptions } } : {}),
    pool: poolOptions,
  })
}
