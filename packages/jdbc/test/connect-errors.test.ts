// What a JDBC pool that cannot start or connect says, through Prisma: a missing jar or driver once (not as a connect
// failure of each connection), wrong credentials, an unknown database, a closed port; never the password. And the
// thread-pool ceiling: a pool larger than libuv's threads can serve is lowered with a warning, or refused.
import { afterAll, beforeAll, expect, test } from 'vitest'
import { PrismaPoolJdbc } from '@prisma-pool/jdbc'
import { PrismaClient } from '../../pg/test/generated/prisma/client.js'
import { TEST_CLASSPATH } from '../../../test-support/jdbc/classpath.js'
import { jdbcPostgresUrl } from '../../../test-support/jdbc/pg.js'
import { pgFixture } from '../../../test-support/engines/pg.js'
import type { TestDatabase } from '../../../test-support/engines/fixture.js'
import { closedPort } from '../../../test-support/net.js'
import { captureWarnings } from '../../../test-support/warnings.js'

const PASSWORD = 'n0t-the-r1ght-one'
let db: TestDatabase
beforeAll(async () => {
  db = await pgFixture.createDatabase('jdbc_errors')
})
afterAll(async () => {
  await db?.drop()
})

const client = (options: ConstructorParameters<typeof PrismaPoolJdbc>[0]) => new PrismaClient({ adapter: new PrismaPoolJdbc(options) })

/** The error of a first query (the pool's start and connect), with its message. */
async function firstQueryError(prisma: PrismaClient): Promise<Error & { code?: string }> {
  try {
    const error = await prisma.user.count().then(
      () => new Error('the query succeeded'),
      (e: unknown) => e as Error,
    )
    return error
  } finally {
    await prisma.$disconnect()
  }
}

test('a classpath entry that does not exist fails the start once, naming it', async () => {
  const error = await firstQueryError(client({ ...jdbcPostgresUrl(db.url), classpath: ['/nowhere/postgresql.jar'], pool: { timeout: 30 } }))
  expect(error.message).toContain('classpath entry not found: /nowhere/postgresql.jar')
  expect(error.message).toContain('/usr/share/java')
})

test('no driver on the classpath for the URL: said once, with the classpath', async () => {
  const factory = new PrismaPoolJdbc({ url: 'jdbc:sqlserver://127.0.0.1:1;databaseName=app', classpath: TEST_CLASSPATH, pool: { timeout: 30 } })
  const error = await factory.connect().then(
    () => new Error('connected'),
    (e: unknown) => e as Error,
  )
  expect(error.message).toContain('no JDBC driver on the classpath accepts jdbc:sqlserver://127.0.0.1:1 (SQL Server)')
  expect(error.message).toContain(TEST_CLASSPATH[0]!)
})

test('wrong credentials are P1000, and the password appears nowhere', async () => {
  const target = jdbcPostgresUrl(db.url)
  const error = await firstQueryError(client({ ...target, user: 'pp_nobody', password: PASSWORD, classpath: TEST_CLASSPATH, pool: { timeout: 5 } }))
  expect(error.code).toBe('P1000')
  expect(JSON.stringify({ message: error.message, error })).not.toContain(PASSWORD)
})

test('a database that does not exist is P1003', async () => {
  const target = jdbcPostgresUrl(db.url)
  const error = await firstQueryError(client({ ...target, url: target.url.replace(/\/[^/?]+(\?|$)/, '/pp_no_such_db$1'), classpath: TEST_CLASSPATH, pool: { timeout: 5 } }))
  expect(error.code).toBe('P1003')
})

test('a closed port: the pool retries until its timeout, then P2024 says the last attempt was refused, without the password', async () => {
  const port = await closedPort()
  const error = await firstQueryError(client({ url: `jdbc:postgresql://127.0.0.1:${port}/test`, user: 'app', password: PASSWORD, classpath: TEST_CLASSPATH, pool: { timeout: 0.5 } }))
  expect(error.code).toBe('P2024')
  expect(error.message).toContain(`waiting for a connection to jdbc:postgresql://127.0.0.1:${port}/test`)
  expect(error.message).toContain(`the last attempt failed: Connection to 127.0.0.1:${port} refused`)
  expect(error.message).not.toContain(PASSWORD)
})

test("a pool larger than libuv's threads can serve is lowered with a warning that says how to raise them", async () => {
  const captured = captureWarnings()
  const saved = process.env.UV_THREADPOOL_SIZE
  process.env.UV_THREADPOOL_SIZE = '4'
  const factory = new PrismaPoolJdbc({ ...jdbcPostgresUrl(db.url), classpath: TEST_CLASSPATH, pool: { size: 5, maxOverflow: 2 } })
  const prisma = new PrismaClient({ adapter: factory })
  try {
    expect(await prisma.user.count()).toBe(0)
    const warning = await captured.first()
    expect(warning.name).toBe('PrismaPoolWarning')
    expect(warning.message).toContain("@prisma-pool/jdbc can serve at most 3 connections at once (each JDBC call runs on one of libuv's 4 threads")
    expect(warning.message).toContain('set UV_THREADPOOL_SIZE=8 in the environment before the process starts')
    expect(factory.pool!.options).toMatchObject({ size: 3, maxOverflow: 0 })
  } finally {
    process.env.UV_THREADPOOL_SIZE = saved
    await prisma.$disconnect()
  }
})

test("threadPoolLimit: 'refuse' fails the start instead", async () => {
  const saved = process.env.UV_THREADPOOL_SIZE
  process.env.UV_THREADPOOL_SIZE = '4'
  try {
    const error = await firstQueryError(client({ ...jdbcPostgresUrl(db.url), classpath: TEST_CLASSPATH, threadPoolLimit: 'refuse', pool: { size: 5, maxOverflow: 0 } }))
    expect(error.message).toContain('may hold 5 connections, but @prisma-pool/jdbc can serve at most 3 at once')
    expect(error.message).toContain('UV_THREADPOOL_SIZE=6')
  } finally {
    process.env.UV_THREADPOOL_SIZE = saved
  }
})

test('a second pool that asks the running JVM for another classpath is refused, naming both', async () => {
  // The JVM of this process runs with TEST_CLASSPATH (the tests above started it).
  const other = TEST_CLASSPATH.slice(0, 1)
  const error = await firstQueryError(client({ ...jdbcPostgresUrl(db.url), classpath: other, pool: { timeout: 30 } }))
  expect(error.message).toContain(`The JVM of this process was started with classpath [${TEST_CLASSPATH.join(', ')}]; a pool asks for [${other[0]}]`)
  expect(error.message).toContain('give every PrismaPoolJdbc of the process the same classpath and jvmOptions')
})

test('a secret in jvmOptions is hidden in the message that names them', async () => {
  const error = await firstQueryError(client({ ...jdbcPostgresUrl(db.url), classpath: TEST_CLASSPATH, jvmOptions: ['-Djavax.net.ssl.trustStorePassword=S3CRET-store'], pool: { timeout: 30 } }))
  expect(error.message).toContain('options -Djavax.net.ssl.trustStorePassword=***')
  expect(error.message).not.toContain('S3CRET-store')
})
