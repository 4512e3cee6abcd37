// Per-worker accounting against the real server: the worker tag in the connection attributes, the server's
// connection limits, the live view of who holds the connections, the start-up budget check, and the error
// when the server refuses a connection for being full. Needs performance_schema=ON (the suite's own server has it).
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import mysql from 'mysql2/promise'
import {
  parseTag,
  PoolBudgetError,
  PoolOptionError,
  PrismaPoolMySql,
  type FleetConnections,
  type PoolOptions,
  type PrismaPoolMySqlOptions,
} from '@prisma-pool/mysql'
import { MySqlDriver } from '../src/driver.js'
import { resolveMySqlOptions } from '../src/options.js'
import { PrismaClient } from './generated/prisma/client.js'
import { until } from '../../../test-support/until.js'
import { connect as rootConnection, createTestDatabase, INNODB_TRX_POLL, MYSQL_URL, requirePerformanceSchema, sql, uniqueName } from './helpers.js'
import { engineContext } from '../../../test-support/engine-context.js'

type Database = Awaited<ReturnType<typeof createTestDatabase>>
const databases: Database[] = []
const clients: PrismaClient[] = []
/** Accounts created here: their connections are killed and the accounts dropped at the end. */
const users: string[] = []

beforeAll(() => requirePerformanceSchema())

afterAll(async () => {
  await Promise.all(clients.map((client) => client.$disconnect()))
  for (const user of users) {
    for (const { ID } of await sql<{ ID: number }>('SELECT ID FROM information_schema.PROCESSLIST WHERE USER = ?', [user])) {
      // A connection may end between the SELECT and the KILL: "Unknown thread id" is fine.
      await sql(`KILL ${Number(ID)}`).catch(() => {})
    }
    await sql(`DROP USER IF EXISTS '${user}'@'%'`)
  }
  await Promise.all(databases.map((database) => database.drop()))
})

async function testDatabase(): Promise<Database> {
  const database = await createTestDatabase('acct')
  databases.push(database)
  return database
}

/** A new account that may open `limit` connections at once (MAX_USER_CONNECTIONS), with every privilege on `database` only. */
async function limitedUser(database: string, limit: number) {
  const name = uniqueName('pp_limited')
  await sql(`CREATE USER '${name}'@'%' IDENTIFIED BY 'limited-pw' WITH MAX_USER_CONNECTIONS ${limit}`)
  users.push(name)
  await sql(`GRANT ALL PRIVILEGES ON \`${database}\`.* TO '${name}'@'%'`)
  const url = new URL(MYSQL_URL)
  url.username = name
  url.password = 'limited-pw'
  url.pathname = `/${database}`
  return { name, url: url.toString() }
}

function client(connectionString: string, pool: PoolOptions, options: Omit<PrismaPoolMySqlOptions, 'connectionString' | 'pool'> = {}) {
  const adapter = new PrismaPoolMySql({ connectionString, pool, ...options })
  const prisma = new PrismaClient({ adapter })
  clients.push(prisma)
  return { adapter, prisma }
}

/** The connections the server lists for an account, optionally only those in one state ('User lock': waiting in GET_LOCK). */
async function sessionsOf(user: string, state?: string): Promise<number> {
  const rows = await sql<{ n: number }>(
    `SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE USER = ?${state ? ' AND STATE = ?' : ''}`,
    state ? [user, state] : [user],
  )
  return Number(rows[0]!.n)
}

/** Holds a named lock on a root connection of its own: queries that wait for it hold their pool connections. */
async function holdLock(name: string) {
  const holder = await rootConnection()
  await holder.query('SELECT GET_LOCK(?, 0)', [name])
  return async () => {
    await holder.query('SELECT RELEASE_LOCK(?)', [name])
    await holder.end()
  }
}

/** Takes the lock and lets it go at once: holds a connection while another session has the lock. (then() starts Prisma's lazy query.) */
const waitForLock = (prisma: PrismaClient, name: string) =>
  prisma.$queryRaw<[{ got: number }]>`SELECT GET_LOCK(${name}, 30) AS got, RELEASE_LOCK(${name}) AS released`.then((rows) => rows)

/** The server's attributes of one connection, by name. */
async function attributesOf(connectionId: bigint | number): Promise<Record<string, string>> {
  const rows = await sql<{ ATTR_NAME: string; ATTR_VALUE: string }>(
    'SELECT ATTR_NAME, ATTR_VALUE FROM performance_schema.session_connect_attrs WHERE PROCESSLIST_ID = ?',
    [Number(connectionId)],
  )
  return Object.fromEntries(rows.map((row) => [row.ATTR_NAME, row.ATTR_VALUE]))
}

const workerOf = (fleet: FleetConnections, application: string) => fleet.workers.find((w) => w.identity.application === application)

describe('the worker tag', () => {
  test("every pool connection sends it as connection attributes: prisma_pool (the tag) and program_name, with the user's own", async () => {
    const database = await testDatabase()
    const { adapter, prisma } = client(database.url, { applicationName: 'api' }, { connectAttributes: { deploy: 'blue' } })
    const [{ id }] = await prisma.$queryRaw<[{ id: bigint }]>`SELECT CONNECTION_ID() AS id`
    const attributes = await attributesOf(id)
    expect(attributes).toMatchObject({ prisma_pool: adapter.pool!.tag, program_name: 'api', deploy: 'blue', _client_name: 'Node-MySQL-2' })
    expect(parseTag(attributes.prisma_pool!)).toMatchObject({ application: 'api', pid: process.pid })
  })

  test('side connections (a script runs on one of its own) carry the tag of the pool they serve', async () => {
    const database = await testDatabase()
    const factory = new PrismaPoolMySql({ connectionString: database.url, pool: { applicationName: 'migrate' } })
    const adapter = await factory.connect()
    try {
      await adapter.executeScript(
        'CREATE TABLE seen (tag VARCHAR(100)); ' +
          'INSERT INTO seen SELECT ATTR_VALUE FROM performance_schema.session_connect_attrs ' +
          "WHERE PROCESSLIST_ID = CONNECTION_ID() AND ATTR_NAME = 'prisma_pool'",
      )
      expect(await sql('SELECT tag FROM seen', [], database.name)).toEqual([{ tag: factory.pool!.tag }])
    } finally {
      await adapter.dispose()
    }
  })

  test('connectAttributes may not set the attributes the adapter sends; the message says what to set instead', () => {
    for (const name of ['program_name', 'prisma_pool']) {
      const create = () => new PrismaPoolMySql({ connectionString: MYSQL_URL, connectAttributes: { [name]: 'mine' } })
      expect(create).toThrow(PoolOptionError)
      expect(create).toThrow(`connectAttributes.${name} is set by the adapter`)
      expect(create).toThrow('Set pool.applicationName instead')
    }
    expect(() => new PrismaPoolMySql({ connectionString: MYSQL_URL, connectAttributes: { build: 7 as unknown as string } })).toThrow(
      'connectAttributes.build must be a string, got number.',
    )
  })
})

describe('connectionLimits() and serverConnections()', () => {
  test("connectionLimits(): max_connections, and the account's own MAX_USER_CONNECTIONS (from SHOW GRANTS)", async () => {
    const database = await testDatabase()
    const user = await limitedUser(database.name, 3)
    const [server] = await sql<{ max: string; perUser: string }>(
      'SELECT @@global.max_connections AS max, @@global.max_user_connections AS perUser',
    )
    const { max, perUser } = server!
    const maxConnections = { limit: Number(max), what: `max_connections ${max}` }

    const limited = await new MySqlDriver(resolveMySqlOptions(user.url)).connect(engineContext('limits@test/1'), new AbortController().signal)
    try {
      // The account's limit replaces the global max_user_connections for it: that one is not listed.
      expect(await limited.connectionLimits!()).toEqual([maxConnections, { limit: 3, what: `MAX_USER_CONNECTIONS 3 of '${user.name}'@'%'`, scope: { user: user.name } }])
    } finally {
      await limited.close()
    }
    const root = await new MySqlDriver(resolveMySqlOptions(MYSQL_URL)).connect(engineContext('limits@test/1'), new AbortController().signal)
    try {
      const global = Number(perUser) > 0 ? [{ limit: Number(perUser), what: `max_user_connections ${perUser}`, scope: { user: 'root' } }] : []
      expect(await root.connectionLimits!()).toEqual([maxConnections, ...global])
    } finally {
      await root.close()
    }
  })

  test('connections(): each worker with its connections, active, idle and idle in a transaction', async () => {
    const database = await testDatabase()
    const [appA, appB] = [uniqueName('fleet_a'), uniqueName('fleet_b')]
    const a = client(database.url, { applicationName: appA })
    const b = client(database.url, { applicationName: appB })
    await Promise.all([a.prisma.$connect(), b.prisma.$connect()])

    // A: two connections wait for a lock (active); connections() itself runs on a third.
    const lock = `fleet_${database.name}`
    const release = await holdLock(lock)
    const waiting = [waitForLock(a.prisma, lock), waitForLock(a.prisma, lock)]
    const lockedOut = () =>
      sql<{ n: number }>(`SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE DB = ? AND STATE = 'User lock'`, [database.name])
    await until(async () => Number((await lockedOut())[0]!.n) === 2, "A's two connections wait for the lock")

    // B: one connection idle inside a transaction that has written a row, one idle in the pool.
    let finish!: () => void
    const finished = new Promise<void>((resolve) => (finish = resolve))
    let started!: () => void
    const inside = new Promise<void>((resolve) => (started = resolve))
    const transaction = b.prisma.$transaction(
      async (tx) => {
        await tx.user.create({ data: { email: 'open@example.com', name: 'open' } })
        started()
        await finished
      },
      { timeout: 20_000 },
    )
    await inside
    await b.prisma.user.count()

    const expectedA = { self: true, connections: 3, active: 3, idle: 0, idleInTransaction: 0 }
    const expectedB = { self: false, connections: 2, active: 0, idle: 1, idleInTransaction: 1 }
    let fleet!: FleetConnections
    // A statement's end reaches the client a moment before the server lists its connection as Sleep. And InnoDB serves
    // the INNODB_TRX snapshot it last made for as long as it is read more often than every 0.1 s (the budget check read
    // it at $connect(), before B's transaction began): polled every 20 ms, the view would never show that transaction.
    const matches = (actual: object | undefined, expected: object) => expect.objectContaining(expected).asymmetricMatch(actual)
    await until(async () => {
      fleet = await a.adapter.connections()
      return matches(workerOf(fleet, appA), expectedA) && matches(workerOf(fleet, appB), expectedB)
    }, 'connections() shows both workers as they are', INNODB_TRX_POLL)
    expect(workerOf(fleet, appA)).toMatchObject({ ...expectedA, tag: a.adapter.pool!.tag, identity: { application: appA, pid: process.pid } })
    expect(workerOf(fleet, appB)).toMatchObject({ ...expectedB, tag: b.adapter.pool!.tag, identity: { application: appB, pid: process.pid } })
    // root has the PROCESS privilege and reads performance_schema: nothing is missing.
    expect(fleet.note).toBeUndefined()
    expect(fleet.total).toBeGreaterThanOrEqual(5)

    finish()
    await transaction
    await release()
    expect(await Promise.all(waiting)).toMatchObject([[{ got: 1 }], [{ got: 1 }]])
  })

  test('a user without PROCESS sees its own connections, still attributed, and the note says what it lacks', async () => {
    const database = await testDatabase()
    const user = await limitedUser(database.name, 3)
    const { adapter, prisma } = client(user.url, { applicationName: 'limited', size: 1, maxOverflow: 0, budgetPolicy: 'off' })
    await prisma.$connect()
    const fleet = await adapter.connections()
    expect(fleet.workers).toMatchObject([{ tag: adapter.pool!.tag, self: true, connections: 1, active: 1 }])
    // Only its own account's connections are listed (root's, at least the one reading the fleet elsewhere, are not).
    expect(fleet.others).toEqual([])
    expect(fleet.note).toContain(`'${user.name}'@'%' lacks the PROCESS privilege: the server lists only its own connections`)
    expect(fleet.note).toContain(`GRANT SELECT ON performance_schema.session_connect_attrs TO '${user.name}'@'%'`)
  })
})

describe('the budget check and a full server, for an account limited to 3 connections', () => {
  test("budgetPolicy 'error': size 4 for 1 worker does not fit, and $connect() refuses with the arithmetic", async () => {
    const database = await testDatabase()
    const user = await limitedUser(database.name, 3)
    const { prisma } = client(user.url, { size: 4, maxOverflow: 0, workers: 1, budgetPolicy: 'error' })
    const error = await prisma.$connect().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(PoolBudgetError)
    expect((error as Error).message).toContain(`1 worker × (size 4 + maxOverflow 0 + 1 side connection) = 5 > 3 (MAX_USER_CONNECTIONS 3 of '${user.name}'@'%')`)
    await until(async () => (await sessionsOf(user.name)) === 0, 'the connection that read the limits is closed')
  })

  test("budgetPolicy 'fit': the pool shrinks to 2 (one slot left for KILL QUERY), and 10 concurrent queries through Prisma all succeed", async () => {
    const database = await testDatabase()
    const user = await limitedUser(database.name, 3)
    const { adapter, prisma } = client(user.url, { size: 4, maxOverflow: 0, workers: 1, budgetPolicy: 'fit' })
    await prisma.$connect()
    expect(adapter.poolOptions).toMatchObject({ size: 2, maxOverflow: 0 })

    // The server's own count of the account's connections, read over and over while the queries run.
    const watcher = await rootConnection()
    let most = 0
    let running = true
    const watching = (async () => {
      while (running) {
        const [rows] = await watcher.query<mysql.RowDataPacket[]>('SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE USER = ?', [user.name])
        most = Math.max(most, Number(rows[0]!.n))
      }
    })()
    try {
      const lock = `fit_${database.name}`
      const release = await holdLock(lock)
      const queries = Array.from({ length: 10 }, () => waitForLock(prisma, lock))
      await until(async () => (await sessionsOf(user.name, 'User lock')) === 2, 'two connections wait for the lock')
      expect(adapter.stats()).toMatchObject({ open: 2, checkedOut: 2, waiting: 8 })
      await release()
      expect(await Promise.all(queries)).toHaveLength(10)
    } finally {
      running = false
      await watching
      await watcher.end()
    }
    // The third slot stays free for a side connection.
    expect(most).toBeLessThanOrEqual(2)
  })

  test('the server refusing a connection for the account limit is P2037, with what this worker holds', async () => {
    const database = await testDatabase()
    const user = await limitedUser(database.name, 3)
    // Someone else holds all three of the account's connections.
    const holders = await Promise.all([1, 2, 3].map(() => mysql.createConnection({ uri: user.url })))
    try {
      const { adapter, prisma } = client(user.url, { size: 1, maxOverflow: 0, budgetPolicy: 'off' })
      const error = await prisma.user.count().catch((e: unknown) => e)
      expect(error).toMatchObject({ code: 'P2037' })
      const message = (error as Error).message
      expect(message).toContain('refused a new connection because it is full')
      expect(message).toContain(`'max_user_connections'`)
      expect(message).toContain(`this worker (${adapter.pool!.tag}) holds none of its connections (size 1 + maxOverflow 0): other clients hold them all`)

      await holders.pop()!.end()
      await expect(prisma.user.count()).resolves.toBe(0)
    } finally {
      await Promise.all(holders.map((holder) => holder.end()))
    }
  })
})
