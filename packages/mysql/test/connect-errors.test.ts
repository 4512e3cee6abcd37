// What users see when the server cannot be reached or refuses them: Prisma's P1xxx codes, fast, without leaks.
import { afterAll, describe, expect, test } from 'vitest'
import { failedConnectWithDebug } from '../../../test-support/debug.js'
import { closedPort, silentServer } from '../../../test-support/net.js'
import { PrismaPoolMySql } from '@prisma-pool/mysql'
import { Prisma, PrismaClient } from './generated/prisma/client.js'
import { uniqueName, urlOf } from './helpers.js'

// Prisma quotes the calling source lines in its messages: the password must not be on those lines.
const PASSWORD = 'sekret-pw'
const clients: PrismaClient[] = []
afterAll(() => Promise.all(clients.map((c) => c.$disconnect())))

function client(connectionString: string, pool = {}) {
  const adapter = new PrismaPoolMySql({ connectionString, pool })
  const prisma = new PrismaClient({ adapter })
  clients.push(prisma)
  return { adapter, prisma }
}

describe('connection failures', () => {
  test('an unreachable server is P1001, and the password is not in the message', async () => {
    const { prisma, adapter } = client(`mysql://app:${PASSWORD}@127.0.0.1:${await closedPort()}/test`)
    const error = await prisma.user.count().catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'P1001' })
    expect((error as Error).message).toContain(`Can't reach database server at 127.0.0.1`)
    expect((error as Error).message).not.toContain(PASSWORD)
    expect(adapter.stats()).toMatchObject({ open: 0, checkedOut: 0 })
  })

  test('a database that does not exist is P1003', async () => {
    const { prisma } = client(urlOf(uniqueName('nodb')))
    await expect(prisma.user.count()).rejects.toMatchObject({ code: 'P1003' })
  })

  test('an unknown user is P1000, naming the user and not the password', async () => {
    const user = uniqueName('nobody')
    const url = new URL(urlOf())
    url.username = user
    url.password = PASSWORD
    const { prisma } = client(url.toString())
    const error = await prisma.user.count().catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'P1000' })
    expect((error as Error).message).toContain(`credentials for \`${user}\` are not valid`)
    expect((error as Error).message).not.toContain(PASSWORD)
  })

  test('a server that accepts TCP but never answers hits connectTimeout with a message naming the option', async () => {
    const silent = await silentServer()
    const { port } = silent
    try {
      const { prisma } = client(`mysql://root@127.0.0.1:${port}/test`, { connectTimeout: 0.2 })
      const error = await prisma.user.count().catch((e: unknown) => e)
      // Prisma makes a known request error of our ConnectTimeoutError, with its code (Prisma 6's for an unreachable server).
      expect(error).toBeInstanceOf(Prisma.PrismaClientKnownRequestError)
      expect(error).toMatchObject({ code: 'P1001', meta: { connect_timeout: 0.2 } })
      expect((error as Error).message).toContain(`could not connect to mysql://127.0.0.1:${port}/test within 0.2 s`)
    } finally {
      await silent.close()
    }
  })

  test('DEBUG=prisma-pool logs a failed attempt with its error, never the password', () => {
    const url = new URL(urlOf())
    url.password = PASSWORD
    const { status, stderr } = failedConnectWithDebug('mysql', url.toString())
    expect(status, stderr).toBe(0)
    expect(stderr).toMatch(new RegExp(`connecting to mysql://127\\.0\\.0\\.1:${url.port}/test failed after [\\d.]+ ms: Access denied for user 'root'@'[^']+' \\(using password: YES\\)`))
    expect(stderr).not.toContain(PASSWORD)
  })

})
