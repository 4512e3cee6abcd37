// Per-worker accounting, the engine-independent part: identity tags, worker detection, the budget arithmetic and
// its policies, the live view's grouping, and the "server is full" error. The engines' suites run it for real.
import { describe, expect, test } from 'vitest'
import { assessBudget, describeBudget, formatFleet, summarizeFleet, type BudgetReport } from '../src/accounting.js'
import { PoolAdapterFactory } from '../src/adapter.js'
import { type EngineContext, type ServerConnection } from '../src/engine.js'
import { PoolBudgetError, PoolOptionError, ServerFullError } from '../src/errors.js'
import { identityTag, parseTag, workerIdentity } from '../src/identity.js'
import { detectWorkers } from '../src/workers.js'
import { resolvePoolOptions, type PoolOptions } from '../src/options.js'
import { QueuePool } from '../src/pool.js'
import { DriverAdapterError } from '@prisma/driver-adapter-utils'
import { captureWarnings } from '../../../test-support/warnings.js'
import { FakeDriver, FakeServerError } from './fake-driver.js'

const makePool = (options: PoolOptions, driver = new FakeDriver()) => ({ pool: new QueuePool(driver, resolvePoolOptions(options)), driver })

describe('worker identity', () => {
  test('a tag names application, host, pid, worker and thread, and reads back', () => {
    const identity = { application: 'api', host: 'web-1', pid: 4123, worker: '2', thread: 3 }
    expect(identityTag(identity)).toBe('api@web-1/4123/w2/t3')
    expect(parseTag('api@web-1/4123/w2/t3')).toEqual(identity)
    expect(parseTag('api@web-1/4123')).toEqual({ application: 'api', host: 'web-1', pid: 4123 })
  })

  test('a tag fits in 63 bytes, shortening the host, then the application name', () => {
    const tag = identityTag({ application: 'a'.repeat(40), host: `pod-${'x'.repeat(60)}`, pid: 4_194_304, worker: '12' })
    expect(Buffer.byteLength(tag)).toBeLessThanOrEqual(63)
    expect(tag).toMatch(/^a+@pod-x+\/4194304\/w12$/)
    expect(parseTag(tag)).toMatchObject({ pid: 4_194_304, worker: '12' })
  })

  test("'@' and '/' in the free-text parts cannot break the parse", () => {
    expect(parseTag(identityTag({ application: 'a@b/c', host: 'h/1', pid: 7 }))).toEqual({ application: 'a_b_c', host: 'h_1', pid: 7 })
  })

  test('non-ASCII characters become _, so the tag reads back as the server stores it; a long worker id is cut', () => {
    const tag = identityTag({ application: 'api', host: 'hüst-😀', pid: 1, worker: 'w'.repeat(40) })
    expect(tag).toBe(`api@h_st-__/1/w${'w'.repeat(16)}`)
    expect(parseTag(tag)).toMatchObject({ host: 'h_st-__', worker: 'w'.repeat(16) })
  })

  test('names that are not tags are not taken for workers', () => {
    for (const name of ['psql', '', 'pgAdmin 4 - DB:test', 'x@y']) expect(parseTag(name)).toBeUndefined()
  })

  test('the worker id comes from PM2 when not in a node:cluster worker', () => {
    expect(workerIdentity('api', { NODE_APP_INSTANCE: '3' })).toMatchObject({ application: 'api', pid: process.pid, worker: '3' })
    expect(workerIdentity('api', {}).worker).toBeUndefined()
  })
})

describe('worker count', () => {
  test.each([
    [{ PRISMA_POOL_WORKERS: '4', WEB_CONCURRENCY: '9' }, { count: 4, source: 'PRISMA_POOL_WORKERS=4' }],
    [{ pm_id: '0', instances: '3', WEB_CONCURRENCY: '9' }, { count: 3, source: 'instances=3' }],
    // Outside a cluster worker, WEB_CONCURRENCY is a platform's default, not this process's fleet.
    [{ WEB_CONCURRENCY: '5' }, { count: 1, source: 'a single process' }],
    [{}, { count: 1, source: 'a single process' }],
  ])('%o gives %o', (env, expected) => {
    expect(detectWorkers(env)).toEqual(expected)
  })

  test("PM2's 'max' means one per CPU; a PM2 process without a count is unknown", () => {
    expect(detectWorkers({ pm_id: '1', instances: 'max' })?.source).toBe('PM2 instances=max')
    expect(detectWorkers({ pm_id: '1' })).toBeUndefined()
  })

  test('a wrong PRISMA_POOL_WORKERS is an error, not a silent 1', () => {
    expect(() => detectWorkers({ PRISMA_POOL_WORKERS: 'four' })).toThrow(PoolOptionError)
    expect(() => detectWorkers({ PRISMA_POOL_WORKERS: 'four' })).toThrow('invalid PRISMA_POOL_WORKERS="four"')
  })
})

describe('budget arithmetic', () => {
  const limits = [
    { limit: 97, what: 'max_connections 100 - superuser_reserved_connections 3' },
    { limit: 6, what: 'CONNECTION LIMIT 6 of role "app"' },
  ]

  test('the tightest limit counts; the message shows the arithmetic and the settings that fit', () => {
    const report = assessBudget(limits, { count: 3, source: 'WEB_CONCURRENCY=3' }, 3, 1)
    expect(report).toMatchObject({ limit: limits[1], fleet: 12, fits: false, fitting: { size: 2, maxOverflow: 0 } })
    expect(describeBudget(report, 'postgres://db/test')).toBe(
      'the fleet may open more connections than postgres://db/test allows: 3 workers × (size 3 + maxOverflow 1) = 12 > 6 ' +
        '(CONNECTION LIMIT 6 of role "app"); workers from WEB_CONCURRENCY=3. Settings that fit: size 2, maxOverflow 0 per worker ' +
        "(6 ÷ 3 workers = 2 each), or budgetPolicy 'fit' to use them automatically; or raise the server's limit.",
    )
  })

  test("under 'fit' the message says the settings were applied", () => {
    const report = assessBudget(limits, { count: 3, source: 's' }, 3, 1)
    expect(describeBudget(report, 't', 'fit')).toContain("(6 ÷ 3 workers = 2 each), which budgetPolicy 'fit' applied to this worker")
  })

  test('a share keeps as much of size as it can and gives the rest to overflow', () => {
    expect(assessBudget([{ limit: 20, what: 'x' }], { count: 2, source: 's' }, 5, 10).fitting).toEqual({ size: 5, maxOverflow: 5 })
  })

  test('unlimited overflow never fits; fewer slots than workers cannot be fitted', () => {
    expect(assessBudget([{ limit: 1000, what: 'x' }], { count: 1, source: 's' }, 5, -1)).toMatchObject({ fits: false, fitting: { size: 5, maxOverflow: 995 } })
    const report = assessBudget([{ limit: 2, what: 'x' }], { count: 3, source: 's' }, 1, 0)
    expect(report.fitting).toBeUndefined()
    expect(describeBudget(report, 't')).toContain('Even one connection per worker does not fit (2 ÷ 3 workers = 0 each)')
  })

  test("an engine's side connections count for every worker, and come out of the share", () => {
    const report = assessBudget([{ limit: 6, what: 'MAX_USER_CONNECTIONS 6' }], { count: 2, source: 's' }, 3, 0, 1)
    expect(report).toMatchObject({ fleet: 8, fits: false, fitting: { size: 2, maxOverflow: 0 } })
    expect(describeBudget(report, 't')).toContain('2 workers × (size 3 + maxOverflow 0 + 1 side connection) = 8 > 6')
    expect(describeBudget(report, 't')).toContain('(6 ÷ 2 workers = 3 each, 1 of them for side connections)')
  })

  test('no readable limit is no verdict', () => {
    expect(assessBudget([], { count: 8, source: 's' }, 100, 100)).toMatchObject({ limit: undefined, fits: true })
  })
})

describe('budget policies on a pool', () => {
  const tooBig = { size: 3, maxOverflow: 1, workers: 3 } as const
  const limited = () => {
    const driver = new FakeDriver()
    driver.limits = [{ limit: 6, what: 'CONNECTION LIMIT 6 of role "app"' }]
    return driver
  }

  test("'error' refuses the first connection with the arithmetic, closes it, and refuses later ones without connecting", async () => {
    const { pool, driver } = makePool({ ...tooBig, budgetPolicy: 'error' }, limited())
    const error = await pool.acquire().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(PoolBudgetError)
    expect((error as Error).message).toContain('3 workers × (size 3 + maxOverflow 1) = 12 > 6')
    expect(driver.open).toHaveLength(0)
    await expect(pool.acquire()).rejects.toBe(error)
    expect(driver.connections).toHaveLength(1)
    await pool.dispose()
  })

  test("'error' holds back every connection opened while the first one runs the check, and refuses them all", async () => {
    const driver = limited()
    const { pool } = makePool({ size: 3, maxOverflow: 2, workers: 2, budgetPolicy: 'error' }, driver)
    let open!: () => void
    driver.connectGate = new Promise((resolve) => (open = resolve))
    const callers = Array.from({ length: 5 }, () => pool.acquire().then(() => 'served', (error: unknown) => (error as Error).name))
    open()
    expect(await Promise.all(callers)).toEqual(Array(5).fill('PoolBudgetError'))
    expect(driver.open).toHaveLength(0)
    await pool.dispose()
  })

  test('a budget check that gets no answer is given up after connectTimeout, with a warning', async () => {
    const driver = limited()
    const { pool } = makePool({ ...tooBig, budgetPolicy: 'error', connectTimeout: 0.05 }, driver)
    const warnings = captureWarnings()
    // The first connection's limits never come.
    const hanging = driver.connect.bind(driver)
    driver.connect = async (context: EngineContext, signal: AbortSignal) => {
      const conn = await hanging(context, signal)
      conn.connectionLimits = () => new Promise(() => {})
      return conn
    }
    await pool.release(await pool.acquire())
    expect((await warnings.first()).message).toContain("so budgetPolicy 'error' was not applied: no answer within connectTimeout (0.05 s)")
    await pool.dispose()
  })

  test("'off' does not read the worker count: a wrong PRISMA_POOL_WORKERS only matters to a check that runs", () => {
    const previous = process.env.PRISMA_POOL_WORKERS
    process.env.PRISMA_POOL_WORKERS = 'four'
    try {
      expect(() => makePool({ budgetPolicy: 'off' })).not.toThrow()
      expect(() => makePool({ budgetPolicy: 'warn' })).toThrow('invalid PRISMA_POOL_WORKERS="four"')
    } finally {
      if (previous === undefined) delete process.env.PRISMA_POOL_WORKERS
      else process.env.PRISMA_POOL_WORKERS = previous
    }
  })

  test("'error' makes the factory's connect (Prisma's $connect) fail, and leaves nothing open", async () => {
    const driver = limited()
    const factory = new PoolAdapterFactory(driver, { ...tooBig, budgetPolicy: 'error' })
    await expect(factory.connect()).rejects.toThrow(PoolBudgetError)
    expect(driver.open).toHaveLength(0)
  })

  test("'fit' lowers size and maxOverflow to this worker's share before any load", async () => {
    const driver = limited()
    const factory = new PoolAdapterFactory(driver, { ...tooBig, budgetPolicy: 'fit' })
    const budgets: BudgetReport[] = []
    factory.on('budget', (report) => budgets.push(report))
    const adapter = await factory.connect()
    expect(factory.poolOptions).toMatchObject({ size: 2, maxOverflow: 0 })
    expect(budgets).toMatchObject([{ fits: false, fitting: { size: 2, maxOverflow: 0 } }])
    const results = await Promise.all(Array.from({ length: 10 }, () => adapter.queryRaw({ sql: 'SELECT 1', args: [], argTypes: [] })))
    expect(results).toHaveLength(10)
    expect(driver.connections).toHaveLength(2)
    await adapter.dispose()
  })

  test("'fit' after connections are already open: the ones beyond the new limit close as they come back", async () => {
    const driver = limited()
    let open!: () => void
    const { pool } = makePool({ ...tooBig, budgetPolicy: 'fit' }, driver)
    // Four callers at once: four connects start before the first one's check has lowered the limit.
    driver.connectGate = new Promise((resolve) => (open = resolve))
    const held = [pool.acquire(), pool.acquire(), pool.acquire(), pool.acquire()]
    open()
    const checkouts = await Promise.all(held)
    expect(pool.options).toMatchObject({ size: 2, maxOverflow: 0 })
    for (const checkout of checkouts) await pool.release(checkout)
    expect(pool.stats()).toMatchObject({ open: 2, idle: 2 })
    expect(driver.open).toHaveLength(2)
    await pool.dispose()
  })

  test('resize() checks its values, and a larger pool serves the callers already waiting', async () => {
    const { pool } = makePool({ size: 1, maxOverflow: 0, budgetPolicy: 'off' })
    expect(() => pool.resize(-5, Number.NaN)).toThrow('invalid resize() option "size"')
    const held = await pool.acquire()
    const waiting = pool.acquire()
    pool.resize(2, 0)
    const second = await waiting
    expect(second.connection).not.toBe(held.connection)
    await pool.release(held)
    await pool.release(second)
    await pool.dispose()
  })

  test("'warn' warns with the arithmetic and changes nothing", async () => {
    const { warnings } = captureWarnings()
    const { pool } = makePool({ ...tooBig, budgetPolicy: 'warn' }, limited())
    await pool.release(await pool.acquire())
    expect(warnings).toMatchObject([{ name: 'PrismaPoolBudgetWarning', message: expect.stringContaining('3 workers × (size 3 + maxOverflow 1) = 12 > 6') }])
    expect(pool.options).toMatchObject({ size: 3, maxOverflow: 1 })
    await pool.dispose()
  })

  test('limits that cannot be read skip the check with a warning that says so', async () => {
    const driver = limited()
    driver.limits = 'unreadable'
    const { pool } = makePool({ ...tooBig, budgetPolicy: 'error' }, driver)
    const warnings = captureWarnings()
    await pool.release(await pool.acquire())
    const warning = await warnings.first()
    expect(warning.name).toBe('PrismaPoolBudgetWarning')
    expect(warning.message).toContain("could not read the connection limits of fake://db, so budgetPolicy 'error' was not applied: no limits readable")
    await pool.dispose()
  })

  test("'off' never asks the server", async () => {
    const driver = limited()
    const { pool } = makePool({ ...tooBig, budgetPolicy: 'off' }, driver)
    await pool.release(await pool.acquire())
    expect(driver.limitReads).toBe(0)
    expect(pool.budget).toBeUndefined()
    await pool.dispose()
  })
})

describe('the live view', () => {
  const self = { application: 'api', host: 'web-1', pid: 10 }
  const conn = (id: number, application: string, state = 'idle', user = 'app'): ServerConnection => ({ id, application, state, user })

  test('tagged connections are grouped by worker, the rest by application and user', () => {
    const list = {
      connections: [
        conn(1, 'api@web-1/10', 'active'),
        conn(2, 'api@web-1/10'),
        conn(3, 'api@web-2/11/w1', 'idle in transaction'),
        conn(4, 'psql', 'active', 'postgres'),
        conn(5, '', 'idle', 'backup'),
        conn(6, 'psql', 'idle', 'postgres'),
      ],
    }
    const fleet = summarizeFleet(list, identityTag(self), 'postgres://db/test', { limit: 20, what: 'max_connections 20' })
    expect(fleet.total).toBe(6)
    expect(fleet.workers).toMatchObject([
      { tag: 'api@web-1/10', self: true, connections: 2, active: 1, idle: 1, idleInTransaction: 0 },
      { tag: 'api@web-2/11/w1', self: false, connections: 1, idleInTransaction: 1, identity: { host: 'web-2', pid: 11, worker: '1' } },
    ])
    expect(fleet.others).toEqual([
      { application: 'psql', user: 'postgres', connections: 2 },
      { application: '', user: 'backup', connections: 1 },
    ])
    const text = formatFleet(fleet)
    expect(text).toContain(': 6 of 20 allowed (max_connections 20)')
    expect(text).toContain('  api@web-1/10 (this worker): 2 (1 active, 1 idle)')
    expect(text).toContain('  api@web-2/11/w1: 1 (0 active, 0 idle, 1 idle in transaction)')
    expect(text).toContain('  (no application name) [backup]: 1')
  })

  test("a user's or a database's limit counts only its own connections", () => {
    const list = { connections: [conn(1, 'api@web-1/10'), conn(2, 'api@web-1/10'), conn(3, 'psql', 'idle', 'postgres')] }
    const limit = { limit: 2, what: 'CONNECTION LIMIT 2 of role "app"', scope: { user: 'app' } }
    const fleet = summarizeFleet(list, identityTag(self), 'postgres://db/test', limit)
    expect(fleet).toMatchObject({ total: 3, underLimit: 2 })
    expect(formatFleet(fleet)).toContain(': 3; 2 of 2 allowed by CONNECTION LIMIT 2 of role "app"')
  })

  test('connections() reads the list on a pooled connection and keeps it as lastFleet', async () => {
    const driver = new FakeDriver()
    const { pool } = makePool({ applicationName: 'api' }, driver)
    driver.serverList = () => ({ connections: [conn(1, pool.tag, 'active')], note: 'only your own connections are visible' })
    const fleet = await pool.connections()
    expect(fleet.workers).toMatchObject([{ tag: pool.tag, self: true, connections: 1 }])
    expect(fleet.note).toBe('only your own connections are visible')
    expect(pool.lastFleet).toBe(fleet)
    expect(pool.stats().checkedOut).toBe(0)
    expect(driver.tags.every((tag) => parseTag(tag)?.application === 'api')).toBe(true)
    await pool.dispose()
  })
})

describe('a server that is full', () => {
  test('the refusal says what this worker holds and who held the server, and reaches Prisma as P2037', async () => {
    const driver = new FakeDriver()
    const factory = new PoolAdapterFactory(driver, { size: 1, maxOverflow: 1, applicationName: 'api' })
    const adapter = await factory.connect()
    const held = factory.pool!
    driver.serverList = () => ({ connections: [{ id: 1, application: held.tag, state: 'active' }, { id: 2, application: 'report-job', state: 'active', user: 'etl' }] })
    await factory.connections()
    // The pool's only connection dies; the server, meanwhile filled by another client, refuses a new one.
    driver.connections[0]!.broken = true
    driver.connectError = new FakeServerError('FULL')
    const error = await adapter.queryRaw({ sql: 'SELECT 1', args: [], argTypes: [] }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DriverAdapterError)
    const cause = (error as DriverAdapterError).cause
    expect(cause.kind).toBe('TooManyConnections')
    const message = (cause as { cause: string }).cause
    expect(message).toContain('fake://db refused a new connection because it is full (fake server error FULL)')
    expect(message).toContain(`this worker (${held.tag}) holds none of its connections (size 1 + maxOverflow 1): other clients hold them all`)
    expect(message).toContain("Who held the server's connections when last read")
    expect(message).toContain('report-job [etl]: 1')
    await adapter.dispose()
  })

  test('without a list read before, the refusal says how to get one', async () => {
    const driver = new FakeDriver()
    const { pool } = makePool({ size: 1, maxOverflow: 1, budgetPolicy: 'off' }, driver)
    driver.connectError = new FakeServerError('FULL')
    const error = await pool.acquire().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ServerFullError)
    expect((error as Error).message).toContain('Call connections() on a worker that has a connection')
    expect((error as ServerFullError).cause).toBe(driver.connectError)
    await pool.dispose()
  })

  test('the start-up budget check reads the list, so that a later refusal can show it', async () => {
    const driver = new FakeDriver()
    driver.limits = [{ limit: 50, what: 'max_connections 50' }]
    driver.serverList = () => ({ connections: [{ id: 1, application: 'nightly-report', state: 'active' }] })
    const { pool } = makePool({ size: 1, maxOverflow: 1 }, driver)
    const held = await pool.acquire()
    await pool.release(held)
    driver.connections[0]!.broken = true
    driver.connectError = new FakeServerError('FULL')
    const error = (await pool.acquire().catch((e: unknown) => e)) as Error
    expect(error.message).toContain('nightly-report: 1')
    expect(error.message).toContain('At start-up: the fleet fits fake://db: 1 worker × (size 1 + maxOverflow 1) = 2 ≤ 50 (max_connections 50)')
    await pool.dispose()
  })
})
