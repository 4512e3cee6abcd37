// Network faults, played by a proxy: no failure path may hang, leak a socket, or crash the process.
import { once } from 'node:events'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { PrismaPoolMySql } from '@prisma-pool/mysql'
import { onJdbcRoute } from '../../../test-support/jdbc/classpath.js'
import { ourMySqlAdapter } from './compare.js'
import { PrismaClient } from './generated/prisma/client.js'
import { startProxy, type ProxyOptions, type TestProxy } from '../../../test-support/proxy.js'
import { until } from '../../../test-support/until.js'
import { createTestDatabase, MYSQL_URL, sql } from './helpers.js'

let database: Awaited<ReturnType<typeof createTestDatabase>>
const proxies: TestProxy[] = []
beforeAll(async () => {
  database = await createTestDatabase('faults')
})
afterAll(async () => {
  await Promise.all(proxies.map((proxy) => proxy.close()))
  await database.drop()
})

/** A packet with sequence id 0 carrying COM_QUERY (0x03): the first command after the login. */
const isFirstQuery = (chunk: Buffer) => chunk[3] === 0 && chunk[4] === 0x03

/**
 * A test of PrismaPoolMySql's own machinery, which PrismaPoolJdbc has no counterpart of (the queryTimeout option, with
 * its KILL QUERY and KILL on a connection of their own; scripts on a connection of their own, where the JDBC route runs
 * a script on the pooled connection): registered on the mysql2 route only.
 */
function mysql2Test(name: string, body: () => Promise<void>) {
  if (!onJdbcRoute()) test(name, body)
}

async function proxy(options: ProxyOptions) {
  const started = await startProxy(MYSQL_URL, options)
  proxies.push(started)
  return started
}

mysql2Test('a query timeout whose KILL QUERY cannot connect fails the query, and nothing else', async () => {
  // The proxy lets the pool's one connection through and refuses the side connection that would send the KILL.
  const { url } = await proxy({ accept: 1 })
  const prisma = new PrismaClient({ adapter: new PrismaPoolMySql({ connectionString: url(database.url), queryTimeout: 0.2, pool: { size: 1, maxOverflow: 0, timeout: 0.5 } }) })
  const unhandled: unknown[] = []
  const onUnhandled = (reason: unknown) => unhandled.push(reason)
  process.on('unhandledRejection', onUnhandled)
  try {
    await expect(prisma.$queryRaw`SELECT SLEEP(1)`).rejects.toMatchObject({ code: 'P2010', meta: { driverAdapterError: { cause: { kind: 'SocketTimeout' } } } })
    // The refused KILL has settled by the time new connections, refused too, have been retried for `timeout`.
    await expect(prisma.user.count()).rejects.toMatchObject({ code: 'P2024', message: expect.stringContaining('the last attempt failed') })
    expect(unhandled).toEqual([])
  } finally {
    process.off('unhandledRejection', onUnhandled)
    await prisma.$disconnect()
  }
})

mysql2Test('after a query timeout in a transaction, its later statements are refused, not killed by the late KILL QUERY', async () => {
  const prisma = new PrismaClient({ adapter: new PrismaPoolMySql({ connectionString: database.url, queryTimeout: 0.3, pool: { size: 2 } }) })
  try {
    const seen: unknown[] = []
    const outcome = await prisma
      .$transaction(async (tx) => {
        seen.push(await tx.$queryRaw`SELECT SLEEP(0.31)`.catch((e: { meta?: { driverAdapterError?: { cause?: { kind?: string } } } }) => e.meta?.driverAdapterError?.cause?.kind))
        seen.push(await tx.user.count().catch((e: { code?: string }) => e.code))
      })
      .then(() => 'committed', (e: Error) => `${e.name}: ${e.message}`)
    // Without the refusal, the second statement would run and, most of the time, be killed: error 1317.
    expect(seen).toEqual(['SocketTimeout', 'P1017'])
    // The commit is refused too: the transaction was rolled back with the connection.
    expect(outcome).toBe('DriverAdapterError: ConnectionClosed')
    await expect(prisma.$queryRaw`SELECT SLEEP(0.1) AS s`).resolves.toEqual([{ s: 0 }])
  } finally {
    await prisma.$disconnect()
  }
})

test('closing a connection on a dead network path does not hang, and frees its socket', async () => {
  const deadPath = await proxy({})
  const prisma = new PrismaClient({ adapter: ourMySqlAdapter({ connectionString: deadPath.url(database.url), pool: { size: 1 } }) })
  await prisma.user.count()
  deadPath.silence()
  const closed = once(deadPath.events, 'client-closed')
  await prisma.$disconnect() // COM_QUIT gets no answer: the socket is destroyed
  await closed
})

test('a server that stops answering after the handshake hits connectTimeout, and the socket is closed', async () => {
  // Lets the login through, then nothing: the session set-up never gets an answer.
  const { url, events } = await proxy({ stallWhen: isFirstQuery })
  const prisma = new PrismaClient({ adapter: ourMySqlAdapter({ connectionString: url(database.url), pool: { connectTimeout: 0.5, timeout: 0.8 } }) })
  try {
    const closed = once(events, 'client-closed')
    // Retried (a stalled connect may pass) until the caller's timeout, which names the connect timeout.
    await expect(prisma.user.count()).rejects.toMatchObject({ code: 'P2024', message: expect.stringContaining('within 0.5 s') })
    await closed
  } finally {
    await prisma.$disconnect()
  }
})

mysql2Test("a script's own connection failing does not cost the pool the connection that ran the call", async () => {
  // The proxy lets the pool's connection through and refuses the script's connection of its own.
  const { url } = await proxy({ accept: 1 })
  const factory = new PrismaPoolMySql({ connectionString: url(database.url), pool: { size: 1, maxOverflow: 0 } })
  const adapter = await factory.connect()
  try {
    await expect(adapter.executeScript('SELECT 1; SELECT 2')).rejects.toMatchObject({ cause: { kind: 'ConnectionClosed' } })
    // The pooled connection is still there (a new one would be refused): the next query runs on it.
    await expect(adapter.queryRaw({ sql: 'SELECT 1 AS one', args: [], argTypes: [] })).resolves.toMatchObject({ rows: [[1]] })
    expect(factory.stats().totals).toMatchObject({ created: 1, invalidated: 0 })
  } finally {
    await adapter.dispose()
  }
})

mysql2Test('a script whose own connection stops answering after the handshake fails, within connectTimeout, instead of waiting for ever', async () => {
  // The pool's connection sets its session up; the script's connection of its own, the second to do so, gets no answer.
  let setUps = 0
  const { url } = await proxy({ stallWhen: (chunk) => isFirstQuery(chunk) && chunk.includes('SET time_zone') && ++setUps === 2 })
  const factory = new PrismaPoolMySql({ connectionString: url(database.url), pool: { size: 1, maxOverflow: 0, connectTimeout: 0.3, budgetPolicy: 'off' } })
  const adapter = await factory.connect()
  try {
    await expect(adapter.executeScript('SELECT 1; SELECT 2')).rejects.toMatchObject({ cause: { kind: 'ConnectionClosed' } })
    expect(setUps).toBe(2)
  } finally {
    await adapter.dispose()
  }
})

mysql2Test('a query timeout on a dead path ends the session on the server (KILL, not KILL QUERY), so no session is left behind', async () => {
  const deadPath = await proxy({})
  const prisma = new PrismaClient({ adapter: new PrismaPoolMySql({ connectionString: deadPath.url(database.url), queryTimeout: 0.5, pool: { size: 1, maxOverflow: 0 } }) })
  try {
    const [{ id } = { id: 0n }] = await prisma.$queryRaw<{ id: bigint }[]>`SELECT CONNECTION_ID() AS id`
    const sleeping = prisma.$queryRaw`SELECT SLEEP(3)`.catch((e: { meta?: { driverAdapterError?: { cause?: { kind?: string } } } }) => e.meta?.driverAdapterError?.cause?.kind)
    deadPath.silenceExisting()
    await expect(sleeping).resolves.toBe('SocketTimeout')
    await until(async () => (await sql(`SELECT ID FROM information_schema.PROCESSLIST WHERE ID = ?`, [id])).length === 0, 'the session is gone from the server')
  } finally {
    await prisma.$disconnect()
  }
})
