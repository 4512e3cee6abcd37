// Per-worker accounting on the real server: the worker's tag in application_name, the limits PostgreSQL puts on a
// role's connections, the live view of who holds them, and what a role's CONNECTION LIMIT does to a pool.
import { randomInt } from 'node:crypto'
import pg from 'pg'
import { afterAll, describe, expect, test } from 'vitest'
import { parseTag, PoolBudgetError, type FleetConnections } from '@prisma-pool/core'
import { PoolOptionError, PrismaPoolPg, type PrismaPoolPgOptions } from '@prisma-pool/pg'
import type { SqlQuery } from '@prisma/driver-adapter-utils'
import { until } from '../../../test-support/until.js'
import { PrismaClient } from './generated/prisma/client.js'
import { PG_URL, sql, uniqueName } from './helpers.js'

const q = (text: string): SqlQuery => ({ sql: text, args: [], argTypes: [] })

/** Undone in reverse order after the last test: pools, clients, then the roles and the database. */
const cleanups: (() => Promise<unknown>)[] = []
const roles: string[] = []
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {})
  for (const role of roles) {
    await sql('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1', [role])
    await until(async () => (await roleSessions(role)) === 0, `the sessions of ${role} are gone`)
    await sql(`DROP ROLE IF EXISTS "${role}"`)
  }
})

function adapter(options: PrismaPoolPgOptions) {
  const factory = new PrismaPoolPg(options)
  cleanups.push(async () => factory.pool?.dispose())
  return factory
}

function client(factory: PrismaPoolPg) {
  const prisma = new PrismaClient({ adapter: factory })
  cleanups.push(() => prisma.$disconnect())
  return prisma
}

/** A login role with its own CONNECTION LIMIT (dropped after the last test), and PG_URL as that role. */
async function limitedRole(limit: number) {
  const role = uniqueName('pp_acc_role')
  await sql(`CREATE ROLE "${role}" LOGIN CONNECTION LIMIT ${limit}`)
  roles.push(role)
  const url = new URL(PG_URL)
  url.username = role
  url.password = ''
  return { role, url: url.toString() }
}

async function roleSessions(role: string): Promise<number> {
  return Number((await sql<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE usename = $1', [role]))[0]!.n)
}

/** The server's slot settings, for the figures the limits must show. */
async function serverSlots() {
  const [row] = await sql<{ max: number; superuser: number; reserved: number }>(
    `SELECT current_setting('max_connections')::int AS max, current_setting('superuser_reserved_connections')::int AS superuser,
            coalesce(current_setting('reserved_connections', true)::int, 0) AS reserved`,
  )
  return row!
}

const workerOf = (fleet: FleetConnections, tag: string) => fleet.workers.find((w) => w.tag === tag)

describe('the worker tag', () => {
  test("every session's application_name is the worker's tag, which names the application and this process", async () => {
    const factory = adapter({ connectionString: PG_URL, pool: { applicationName: 'api', size: 1 } })
    const driverAdapter = await factory.connect()
    cleanups.push(() => driverAdapter.dispose())
    const [[pid]] = (await driverAdapter.queryRaw(q('SELECT pg_backend_pid()'))).rows as [[number]]
    const [row] = await sql<{ application_name: string }>('SELECT application_name FROM pg_stat_activity WHERE pid = $1', [pid])
    expect(row!.application_name).toBe(factory.pool!.tag)
    expect(parseTag(row!.application_name)).toMatchObject({ application: 'api', pid: process.pid })
  })

  test('application_name in the connection string, or as the pg field, is pool.applicationName and starts the tag', async () => {
    const app = uniqueName('pp_acc_url')
    const fromUrl = adapter({ connectionString: `${PG_URL}?application_name=${app}` })
    expect(fromUrl.poolOptions.applicationName).toBe(app)
    expect(adapter({ connectionString: PG_URL, application_name: app }).poolOptions.applicationName).toBe(app)
    // The same name given twice is no conflict.
    expect(adapter({ connectionString: `${PG_URL}?application_name=${app}`, pool: { applicationName: app } }).poolOptions.applicationName).toBe(app)

    // Taken out of the URL: pg would otherwise send it instead of the tag.
    const driverAdapter = await fromUrl.connect()
    cleanups.push(() => driverAdapter.dispose())
    const [[name]] = (await driverAdapter.queryRaw(q('SELECT current_setting(\'application_name\')'))).rows as [[string]]
    expect(name).toBe(fromUrl.pool!.tag)
    expect(parseTag(name)).toMatchObject({ application: app, pid: process.pid })
  })

  test.each([
    [
      { connectionString: `${PG_URL}?application_name=web`, pool: { applicationName: 'api' } },
      'pool.applicationName is set both in the pool options (api) and by the connection string parameter application_name (web); keep one.',
    ],
    [
      { connectionString: PG_URL, application_name: 'web', pool: { applicationName: 'api' } },
      'pool.applicationName is set both in the pool options (api) and as the application_name option (web); keep one.',
    ],
    [
      { connectionString: `${PG_URL}?application_name=web`, application_name: 'api' },
      'pool.applicationName is set both as the application_name option (api) and by the connection string parameter application_name (web); keep one.',
    ],
    [
      { connectionString: `${PG_URL}?application_name=${'x'.repeat(41)}` },
      'invalid pool (from the connection string) option "applicationName": expected a non-empty string of printable ASCII characters, at most 40',
    ],
    [{ connectionString: `${PG_URL}?fallback_application_name=web` }, 'connection string parameter fallback_application_name is not supported'],
    [{ connectionString: PG_URL, fallback_application_name: 'web' }, '"fallback_application_name" is not supported'],
  ] as [PrismaPoolPgOptions, string][])('refuses %j', (options, message) => {
    expect(() => new PrismaPoolPg(options)).toThrow(PoolOptionError)
    expect(() => new PrismaPoolPg(options)).toThrow(message)
  })
})

describe('connectionLimits()', () => {
  test("a role's CONNECTION LIMIT, the database's, and max_connections less the reserved slots", async () => {
    const { role, url } = await limitedRole(3)
    const database = uniqueName('pp_acc_db')
    await sql(`CREATE DATABASE "${database}" CONNECTION LIMIT 5`)
    cleanups.unshift(() => sql(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`))
    const slots = await serverSlots()
    const factory = adapter({ connectionString: url.replace(/\/[^/?]*$/, `/${database}`), pool: { size: 2, maxOverflow: 0, workers: 1 } })
    const driverAdapter = await factory.connect()
    cleanups.push(() => driverAdapter.dispose())
    await driverAdapter.queryRaw(q('SELECT 1'))
    // The budget check read them on the pool's first connection, tightest first.
    expect(factory.pool!.budget!.limits).toEqual([
      { limit: 3, what: `CONNECTION LIMIT 3 of role "${role}"`, scope: { user: role } },
      { limit: 5, what: `CONNECTION LIMIT 5 of database "${database}"`, scope: { database } },
      {
        limit: slots.max - slots.superuser - slots.reserved,
        what:
          `max_connections ${slots.max}` +
          (slots.superuser ? ` - superuser_reserved_connections ${slots.superuser}` : '') +
          (slots.reserved ? ` - reserved_connections ${slots.reserved}` : ''),
      },
    ])
    expect(factory.pool!.budget).toMatchObject({ fits: true, fleet: 2, limit: { limit: 3 } })
  })

  test('behind PgBouncer (pgbouncer=true) the server\'s limits are not the pool\'s: none is reported', async () => {
    const { url } = await limitedRole(2)
    const factory = adapter({ connectionString: `${url}?pgbouncer=true`, pool: { size: 3, maxOverflow: 0, workers: 1, budgetPolicy: 'error' } })
    const driverAdapter = await factory.connect()
    cleanups.push(() => driverAdapter.dispose())
    expect(factory.pool!.budget).toMatchObject({ limits: [], limit: undefined, fits: true })
  })

  test('a superuser may use the reserved slots, and no role or database limit holds it', async () => {
    const [me] = await sql<{ superuser: boolean; name: string }>('SELECT rolsuper AS superuser, rolname AS name FROM pg_roles WHERE rolname = current_user')
    expect(me!.superuser).toBe(true)
    const slots = await serverSlots()
    const factory = adapter({ connectionString: PG_URL, pool: { size: 1, maxOverflow: 0, workers: 1 } })
    const driverAdapter = await factory.connect()
    cleanups.push(() => driverAdapter.dispose())
    await driverAdapter.queryRaw(q('SELECT 1'))
    expect(factory.pool!.budget!.limits).toEqual([
      { limit: slots.max, what: `max_connections ${slots.max}, its ${slots.superuser} superuser_reserved_connections open to superuser "${me!.name}"` },
    ])
  })
})

describe('serverConnections(): the live view', () => {
  test('counts the connections each worker holds, by state, from any one pool', async () => {
    const [appA, appB] = [uniqueName('pp_acc_a'), uniqueName('pp_acc_b')]
    const a = adapter({ connectionString: PG_URL, pool: { applicationName: appA, size: 3, maxOverflow: 1, workers: 1 } })
    const b = adapter({ connectionString: PG_URL, pool: { applicationName: appB, size: 3, maxOverflow: 0, workers: 1 } })
    const [adapterA, adapterB] = await Promise.all([a.connect(), b.connect()])
    cleanups.push(() => adapterA.dispose(), () => adapterB.dispose())
    // A holds 3 connections and B 2, idle on the server; B's third is inside a transaction.
    const heldA = await Promise.all([1, 2, 3].map(() => a.pool!.acquire()))
    const heldB = await Promise.all([1, 2].map(() => b.pool!.acquire()))
    const transaction = await adapterB.startTransaction()
    await transaction.queryRaw(q('SELECT 1'))
    try {
      const fleet = await a.connections()
      // A's fourth connection is the one reading the list, running that statement.
      expect(workerOf(fleet, a.pool!.tag)).toMatchObject({
        identity: { application: appA, pid: process.pid },
        self: true,
        connections: 4,
        active: 1,
        idle: 3,
        idleInTransaction: 0,
      })
      expect(workerOf(fleet, b.pool!.tag)).toMatchObject({
        identity: { application: appB, pid: process.pid },
        self: false,
        connections: 3,
        active: 0,
        idle: 2,
        idleInTransaction: 1,
      })
      expect(fleet.total).toBeGreaterThanOrEqual(7)
      expect(fleet.note).toBeUndefined()
      expect(a.pool!.lastFleet).toBe(fleet)
    } finally {
      await transaction.rollback()
      for (const checkout of heldA) a.pool!.release(checkout)
      for (const checkout of heldB) b.pool!.release(checkout)
    }
  })

  test("without pg_read_all_stats, other roles' connections are counted but show no state, and a note says what to grant", async () => {
    const { role, url } = await limitedRole(5)
    const other = adapter({ connectionString: PG_URL, pool: { applicationName: uniqueName('pp_acc_su'), size: 2, workers: 1 } })
    await other.connect()
    const held = await Promise.all([1, 2].map(() => other.pool!.acquire()))
    // Pools of one process with the same applicationName share a tag: this one gets a name of its own.
    const mine = adapter({ connectionString: url, pool: { applicationName: uniqueName('pp_acc_me'), size: 1, maxOverflow: 0, workers: 1 } })
    const driverAdapter = await mine.connect()
    cleanups.push(() => driverAdapter.dispose())
    try {
      const hidden = await mine.connections()
      // PostgreSQL 15 still shows another role's pid, role, database and application_name: the tag attributes it.
      expect(workerOf(hidden, other.pool!.tag)).toMatchObject({ connections: 2, active: 0, idle: 0, idleInTransaction: 0 })
      expect(workerOf(hidden, mine.pool!.tag)).toMatchObject({ connections: 1, active: 1 })
      expect(hidden.note).toContain(`role "${role}" lacks pg_read_all_stats`)
      expect(hidden.note).toContain(`GRANT pg_read_all_stats TO "${role}";`)

      await sql(`GRANT pg_read_all_stats TO "${role}"`)
      const full = await mine.connections()
      expect(workerOf(full, other.pool!.tag)).toMatchObject({ connections: 2, idle: 2 })
      expect(full.note).toBeUndefined()
    } finally {
      for (const checkout of held) other.pool!.release(checkout)
    }
  })
})

describe("a role's CONNECTION LIMIT", () => {
  test("budgetPolicy 'error': a pool larger than the role's limit refuses to start, with the arithmetic", async () => {
    const { role, url } = await limitedRole(2)
    const factory = adapter({ connectionString: url, pool: { size: 3, maxOverflow: 0, workers: 1, budgetPolicy: 'error' } })
    const error = await factory.connect().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(PoolBudgetError)
    expect((error as Error).message).toContain(`1 worker × (size 3 + maxOverflow 0) = 3 > 2 (CONNECTION LIMIT 2 of role "${role}")`)
    expect((error as Error).message).toContain('Settings that fit: size 2, maxOverflow 0 per worker')
    // The connection that read the limit is closed.
    await until(async () => (await roleSessions(role)) === 0, 'the connection that read the limit is gone')
  })

  test("budgetPolicy 'fit': the pool shrinks to the role's limit, and 10 concurrent queries share its 2 connections", async () => {
    const { role, url } = await limitedRole(2)
    const factory = adapter({ connectionString: url, pool: { size: 3, maxOverflow: 0, workers: 1, budgetPolicy: 'fit' } })
    const prisma = client(factory)
    await prisma.$connect()
    expect(factory.poolOptions).toMatchObject({ size: 2, maxOverflow: 0 })

    // The queries wait for a lock held elsewhere, so that each holds its connection: at most 2 can.
    const key = randomInt(1, 2 ** 31 - 1)
    const holder = new pg.Client({ connectionString: PG_URL })
    await holder.connect()
    cleanups.push(() => holder.end())
    await holder.query('SELECT pg_advisory_lock($1)', [key])
    const queries = Array.from({ length: 10 }, (_, i) => prisma.$queryRaw<[{ i: number }]>`SELECT ${i}::int AS i, pg_advisory_xact_lock_shared(${key})::text`.then((r) => r[0].i))
    await until(
      async () =>
        Number((await sql<{ n: string }>(`SELECT count(*) AS n FROM pg_stat_activity WHERE usename = $1 AND wait_event_type = 'Lock'`, [role]))[0]!.n) === 2,
      'two queries wait for the lock',
    )
    expect(await roleSessions(role)).toBe(2)
    expect(factory.stats()).toMatchObject({ open: 2, checkedOut: 2, waiting: 8 })
    await holder.query('SELECT pg_advisory_unlock($1)', [key])
    await expect(Promise.all(queries)).resolves.toEqual(Array.from({ length: 10 }, (_, i) => i))
    // A third connection would have been refused by the server (53300): none was tried.
    expect(factory.stats().totals).toMatchObject({ created: 2, connectErrors: 0 })
  })

  test("at the role's limit, a caller waits for the pool's own connection rather than fail", async () => {
    const { url } = await limitedRole(2)
    // Another client of the same role takes one of its two slots.
    const outsider = new pg.Client({ connectionString: url, application_name: 'outsider' })
    await outsider.connect()
    cleanups.push(() => outsider.end())
    const factory = adapter({ connectionString: url, pool: { applicationName: uniqueName('pp_acc_wait'), size: 2, maxOverflow: 0, workers: 1 } })
    const prisma = client(factory)
    let finish!: () => void
    const finished = new Promise<void>((resolve) => (finish = resolve))
    let started!: () => void
    const holding = new Promise<void>((resolve) => (started = resolve))
    const order: string[] = []
    const transaction = prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT 1`
      started()
      await finished
      order.push('transaction done')
    })
    await holding
    // The pool needs a second connection; the role's last slot is the outsider's: the query waits for the first.
    const querying = prisma.$queryRaw<{ one: number }[]>`SELECT 1 AS one`.then((rows) => order.push(`query ${rows[0]!.one}`))
    await until(async () => factory.stats().totals.connectErrors > 0, 'the server refused the second connection')
    finish()
    await Promise.all([transaction, querying])
    expect(order).toEqual(['transaction done', 'query 1'])
  })

  test("a connection refused for the role's limit while the pool holds none is P2037 at once, naming who held the rest", async () => {
    const { role, url } = await limitedRole(2)
    const outsider = new pg.Client({ connectionString: url, application_name: 'outsider' })
    await outsider.connect()
    cleanups.push(() => outsider.end())
    // An overflow connection that closes as soon as it is idle: the pool holds none when the server fills up.
    const factory = adapter({ connectionString: url, pool: { applicationName: uniqueName('pp_acc_full'), size: 0, maxOverflow: 1, overflowIdleTimeout: 0.05, workers: 1 } })
    const prisma = client(factory)
    await prisma.$connect()
    await factory.connections()
    const tag = factory.pool!.tag
    await until(async () => factory.stats().open === 0, 'the idle overflow connection is closed')
    const latecomer = new pg.Client({ connectionString: url, application_name: 'latecomer' })
    await until(async () => (await roleSessions(role)) === 1, "the server has let the pool's session go")
    await latecomer.connect()
    cleanups.push(() => latecomer.end())
    // A model query: Prisma reports a failed raw query as P2010 whatever the cause. It fails before reaching a table.
    const error = await prisma.user.count().catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'P2037' })
    const message = (error as Error).message
    expect(message).toContain(`refused a new connection because it is full (too many connections for role "${role}")`)
    expect(message).toContain(`this worker (${tag}) holds none of its connections (size 0 + maxOverflow 1): other clients hold them all`)
    expect(message).toContain(`${tag} (this worker): 1`)
    expect(message).toContain(`outsider [${role}]: 1`)
    expect(message).toContain(`1 worker × (size 0 + maxOverflow 1) = 1 ≤ 2 (CONNECTION LIMIT 2 of role "${role}")`)
  })
})
