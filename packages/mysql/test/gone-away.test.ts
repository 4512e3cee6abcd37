// "MySQL server has gone away": the server (wait_timeout, KILL) or the network (a firewall dropping idle
// flows) ends pooled connections while they sit idle. With the defaults the user never sees it. (A KILL of every
// pooled connection is one of every engine's pool scenarios: test-support/engines/pool.ts.)
import { once } from 'node:events'
import { afterAll, describe, expect, test } from 'vitest'
import type { PrismaPoolMySqlOptions } from '@prisma-pool/mysql'
import type { PoolAdapterFactory } from '@prisma-pool/core/engine'
import type { CloseReason, PooledConnection } from '@prisma-pool/core'
import { until } from '../../../test-support/until.js'
import { ourMySqlAdapter } from './compare.js'
import { PrismaClient } from './generated/prisma/client.js'
import { startProxy, type TestProxy } from '../../../test-support/proxy.js'
import { createTestDatabase, MYSQL_URL, sql } from './helpers.js'

async function silentProxy() {
  const proxy = await startProxy(MYSQL_URL)
  proxies.push(proxy)
  return proxy
}

type Database = Awaited<ReturnType<typeof createTestDatabase>>
const databases: Database[] = []
const clients: PrismaClient[] = []
const proxies: TestProxy[] = []

afterAll(async () => {
  await Promise.all(clients.map((client) => client.$disconnect()))
  await Promise.all(databases.map((database) => database.drop()))
  await Promise.all(proxies.map((proxy) => proxy.close()))
})

/** A client on its own database, directly or through `port`. */
async function connect(options: Pick<PrismaPoolMySqlOptions, 'pool' | 'sessionVariables'>, port?: number) {
  const database = await createTestDatabase('gone')
  databases.push(database)
  const url = new URL(database.url)
  if (port) url.port = String(port)
  const adapter = ourMySqlAdapter({ connectionString: url.toString(), ...options })
  const prisma = new PrismaClient({ adapter })
  clients.push(prisma)
  await prisma.$connect()
  return { database: database.name, adapter, prisma }
}

const connectionId = async (prisma: PrismaClient) =>
  (await prisma.$queryRaw<[{ id: bigint }]>`SELECT CONNECTION_ID() AS id`)[0].id

const listed = async (id: bigint) =>
  Number((await sql<{ n: number }>('SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE ID = ?', [id]))[0]!.n) > 0

const closeReason = async (adapter: PoolAdapterFactory) => ((await once(adapter.pool!, 'close')) as [PooledConnection, CloseReason])[1]

describe('"MySQL server has gone away" never reaches the user', () => {
  test('idle past the server wait_timeout: the next queries succeed with the defaults', async () => {
    const { prisma } = await connect({ sessionVariables: { wait_timeout: 1 } })
    const first = await connectionId(prisma)
    await until(async () => !(await listed(first)), 'the idle connection is gone from the server')
    await expect(Promise.all(Array.from({ length: 5 }, () => prisma.user.count()))).resolves.toEqual([0, 0, 0, 0, 0])
    expect(await connectionId(prisma)).not.toBe(first)
  })

  test('the pool closes an idle connection before wait_timeout does, even unseen behind a proxy, with prePing and recycle off', async () => {
    const proxy = await silentProxy()
    const { adapter, prisma } = await connect({ sessionVariables: { wait_timeout: 2 }, pool: { prePing: false, recycle: -1 } }, proxy.port)
    await connectionId(prisma)
    expect(await closeReason(adapter)).toBe('idle-timeout')
    await expect(prisma.user.count()).resolves.toBe(0)
  })

  test('the network drops a connection silently: pre-ping replaces it', async () => {
    const proxy = await silentProxy()
    // Ping at every checkout, so that the test need not wait out the default 1-second window.
    const { adapter, prisma } = await connect({ pool: { prePingAfterIdle: 0 } }, proxy.port)
    await connectionId(prisma)
    proxy.drop()
    await expect(prisma.user.count()).resolves.toBe(0)
    expect(adapter.stats().totals).toMatchObject({ prePingFailures: 1 })
  })

  test('the network drops a connection silently, prePing off: once past recycle it is never handed out', async () => {
    const proxy = await silentProxy()
    const { adapter, prisma } = await connect({ pool: { prePing: false, recycle: 0.5 } }, proxy.port)
    await connectionId(prisma)
    proxy.drop()
    expect(await closeReason(adapter)).toBe('recycle')
    await expect(prisma.user.count()).resolves.toBe(0)
  })

  test('with prePing and recycle off, a silent drop reaches the user once (what the defaults prevent); the pool heals', async () => {
    const proxy = await silentProxy()
    const { prisma } = await connect({ pool: { prePing: false, recycle: -1 } }, proxy.port)
    await connectionId(prisma)
    proxy.drop()
    await expect(prisma.user.count()).rejects.toMatchObject({ code: 'P1017' })
    await expect(prisma.user.count()).resolves.toBe(0)
  })

  test('KILL of a connection in the middle of a query fails that query with P1017; the pool heals', async () => {
    const { database, prisma } = await connect({ pool: { size: 1, maxOverflow: 0 } })
    const user = await prisma.user.create({ data: { email: 'locked@example.com', name: 'Locked' } })
    const { connect: open } = await import('./helpers.js')
    const holder = await open(database)
    try {
      await holder.query('BEGIN')
      await holder.query('SELECT * FROM User WHERE id = ? FOR UPDATE', [user.id])
      const waiting = prisma.user.update({ where: { id: user.id }, data: { name: 'Changed' } }).catch((e: unknown) => e)
      const updating = () => sql<{ ID: number }>("SELECT ID FROM information_schema.PROCESSLIST WHERE DB = ? AND INFO LIKE 'UPDATE%'", [database])
      await until(async () => (await updating()).length === 1, 'the update waits for the row lock')
      await sql(`KILL ${(await updating())[0]!.ID}`)
      expect(await waiting).toMatchObject({ code: 'P1017' })
    } finally {
      await holder.end()
    }
    await expect(prisma.user.count()).resolves.toBe(1)
  })
})
