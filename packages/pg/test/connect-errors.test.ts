// What users see when the server cannot be reached or refuses them: Prisma's P1xxx codes, fast, without leaks.
import { onJdbcRoute } from '../../../test-support/jdbc/classpath.js'
import { afterAll, describe, expect, test } from 'vitest'
import { failedConnectWithDebug } from '../../../test-support/debug.js'
import { closedPort, silentServer } from '../../../test-support/net.js'
import { until } from '../../../test-support/until.js'
import { PrismaPoolPg } from '@prisma-pool/pg'
import { Prisma, PrismaClient } from './generated/prisma/client.js'
import { PG_URL, sessionCount, uniqueName } from './helpers.js'

// Prisma quotes the calling source lines in its messages: the password must not be on those lines.
const PASSWORD = 'sekret-pw'
const clients: PrismaClient[] = []
afterAll(() => Promise.all(clients.map((c) => c.$disconnect())))

function client(connectionString: string, pool = {}) {
  const adapter = new PrismaPoolPg({ connectionString, pool })
  const prisma = new PrismaClient({ adapter })
  clients.push(prisma)
  return { adapter, prisma }
}

describe('connection failures', () => {
  test('an unreachable server is retried until the caller times out: P2024 naming the refusal, never the password', async () => {
    const port = await closedPort()
    const { prisma, adapter } = client(`postgres://app:${PASSWORD}@127.0.0.1:${port}/test`, { timeout: 0.5 })
    const error = await prisma.user.count().catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'P2024' })
    expect((error as Error).message).toContain(`the last attempt failed: connect ECONNREFUSED 127.0.0.1:${port}. Check that the server is running`)
    expect((error as Error).message).not.toContain(PASSWORD)
    // Nobody waits any more: the retries stop.
    await until(async () => adapter.stats().connecting === 0, 'the retries stopped')
    expect(adapter.stats()).toMatchObject({ open: 0 })
    expect(adapter.stats().totals.connectErrors).toBeGreaterThan(1)
  })

  test('a database that does not exist is P1003', async () => {
    const url = new URL(PG_URL)
    url.pathname = `/${uniqueName('nodb')}`
    const { prisma } = client(url.toString())
    await expect(prisma.user.count()).rejects.toMatchObject({ code: 'P1003' })
  })

  test('an unknown role is P1000, leaving no session behind', async () => {
    const app = uniqueName('pp_badrole')
    const url = new URL(PG_URL)
    url.username = uniqueName('nobody')
    url.searchParams.set('application_name', app)
    const { prisma } = client(url.toString())
    const error = await prisma.user.count().catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'P1000' })
    expect((error as Error).message).toMatch(/credentials for `nobody_[0-9a-f]+` are not valid/)
    expect(await sessionCount(app)).toBe(0)
  })

  test('a server that accepts TCP but never answers hits connectTimeout with a message naming the option', async () => {
    const silent = await silentServer()
    const { port } = silent
    try {
      const { prisma } = client(`postgres://postgres@127.0.0.1:${port}/test`, { connectTimeout: 0.2, timeout: 0.5 })
      const error = await prisma.user.count().catch((e: unknown) => e)
      // Prisma makes a known request error of our PoolTimeoutError, with its code; the connect timeout is its cause.
      expect(error).toBeInstanceOf(Prisma.PrismaClientKnownRequestError)
      expect(error).toMatchObject({ code: 'P2024' })
      expect((error as Error).message).toContain(`could not connect to postgres://127.0.0.1:${port}/test within 0.2 s`)
      expect((error as Error).message).toContain('pool.connectTimeout')
    } finally {
      await silent.close()
    }
  })

  test('DEBUG=prisma-pool logs a failed attempt with its error, never the password', () => {
    const url = new URL(PG_URL)
    url.password = PASSWORD
    url.pathname = `/${uniqueName('nodb')}`
    const { status, stderr } = failedConnectWithDebug('pg', url.toString())
    expect(status, stderr).toBe(0)
    // The JDBC route names its target by the JDBC URL.
    const target = onJdbcRoute() ? 'jdbc:postgresql' : 'postgres'
    expect(stderr).toMatch(new RegExp(`connecting to ${target}://127\\.0\\.0\\.1:${url.port}${url.pathname} failed after [\\d.]+ ms: database "${url.pathname.slice(1)}" does not exist`))
    expect(stderr).not.toContain(PASSWORD)
  })

})
