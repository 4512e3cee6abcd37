// The JDBC drivers the tests load: Debian's jars (.ci/run installs them), or JDBC_TEST_CLASSPATH (':'-separated)
// pointing elsewhere. Every test file's JVM gets all of them: a process has one JVM, and its classpath is fixed.
export const JDBC_JARS = {
  postgres: '/usr/share/java/postgresql.jar',
  mariadb: '/usr/share/java/mariadb-java-client.jar',
  sqlite: '/usr/share/java/sqlite-jdbc.jar',
  h2: '/usr/share/java/h2.jar',
} as const

export const TEST_CLASSPATH: string[] = process.env.JDBC_TEST_CLASSPATH?.split(':').filter(Boolean) ?? Object.values(JDBC_JARS)

/**
 * Whether Prisma-level test files of another engine (packages/pg/test, packages/mysql/test) run with PrismaPoolJdbc
 * as "ours": a thin file under packages/jdbc/test sets this before it imports them.
 */
export const JDBC_ROUTE_VARIABLE = 'PRISMA_POOL_TEST_ROUTE'
export const onJdbcRoute = () => process.env[JDBC_ROUTE_VARIABLE] === 'jdbc'
