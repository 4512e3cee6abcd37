// What a pool tells the outside: events, wait and hold figures, leak reports, metrics (Prisma 6 names, JSON and
// Prometheus text) and the debug log.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import parsePrometheus from 'parse-prometheus-text-format'
import { describe, expect, test } from 'vitest'
import { PoolAdapterFactory } from '../src/adapter.js'
import { debugEnabled } from '../src/debug.js'
import { resolvePoolOptions, type PoolOptions } from '../src/options.js'
import { QueuePool } from '../src/pool.js'
import type { PooledConnection } from '../src/pool-types.js'
import { captureWarnings } from '../../../test-support/warnings.js'
import { withoutPasswords } from '../src/debug.js'
import { events, FakeDriver } from './fake-driver.js'

const makePool = (options: PoolOptions = {}, driver = new FakeDriver()) => ({ pool: new QueuePool(driver, resolvePoolOptions(options)), driver })
const select = { sql: 'SELECT 1', args: [], argTypes: [] }

describe('events', () => {
  test('connect, checkout, checkin, reset, close and recycle, in order', async () => {
    const { pool } = makePool({ size: 1, maxOverflow: 0, recycle: 0.05 })
    const seen: string[] = []
    for (const name of ['connect', 'checkout', 'checkin', 'reset', 'close', 'recycle'] as const) {
      pool.on(name, (...args: unknown[]) => seen.push(name === 'close' ? `close:${String(args[1])}` : name))
    }
    const checkout = await pool.acquire()
    await checkout.connection.conn.begin()
    await pool.release(checkout)
    const recycled = events<[PooledConnection]>(pool, 'recycle', 1)
    await recycled
    expect(seen).toEqual(['connect', 'checkout', 'reset', 'checkin', 'close:recycle', 'recycle'])
    await pool.dispose()
  })

  test('timeout and invalidate', async () => {
    const { pool } = makePool({ size: 1, maxOverflow: 0, timeout: 0.05 })
    const timeouts = events(pool, 'timeout', 1)
    const invalidations = events<[number]>(pool, 'invalidate', 1)
    const held = await pool.acquire()
    await expect(pool.acquire()).rejects.toThrow('timed out')
    await timeouts
    await pool.release(held, 'server')
    expect(await invalidations).toEqual([[1]])
    await pool.dispose()
  })

  test('a listener added or removed while the pool opens its first connection reaches that pool', async () => {
    const driver = new FakeDriver()
    let open!: () => void
    driver.connectGate = new Promise((resolve) => (open = resolve))
    // budgetPolicy 'fit' makes connect() open the first connection before it returns.
    const factory = new PoolAdapterFactory(driver, { size: 1, budgetPolicy: 'fit' })
    const connecting = factory.connect()
    const checkouts: number[] = []
    const removed = () => checkouts.push(-1)
    factory.on('checkout', (pc) => checkouts.push(pc.seq))
    factory.on('checkout', removed)
    factory.off('checkout', removed)
    open()
    const adapter = await connecting
    await adapter.queryRaw(select)
    expect(checkouts).toEqual([1, 1])
    await adapter.dispose()
  })

  test('listeners given to the factory follow its pool across a disconnect and reconnect', async () => {
    const factory = new PoolAdapterFactory(new FakeDriver(), { size: 1 })
    const checkouts: number[] = []
    factory.on('checkout', (pc) => checkouts.push(pc.seq))
    let adapter = await factory.connect()
    await adapter.queryRaw(select)
    await adapter.dispose()
    adapter = await factory.connect()
    await adapter.queryRaw(select)
    expect(checkouts).toEqual([1, 1])
    const listener = () => checkouts.push(-1)
    factory.on('checkin', listener)
    factory.off('checkin', listener)
    await adapter.queryRaw(select)
    expect(checkouts).toEqual([1, 1, 1])
    await adapter.dispose()
  })
})

describe('wait and hold figures', () => {
  test('every checkout counts its wait and its hold, in Prisma 6 buckets', async () => {
    const { pool } = makePool({ size: 1, maxOverflow: 0 })
    const first = await pool.acquire()
    const waiting = pool.acquire()
    await pool.release(first)
    await pool.release(await waiting)
    const { acquireWait, hold } = pool.stats()
    expect(acquireWait.count).toBe(2)
    expect(hold.count).toBe(2)
    expect(acquireWait.meanMs).toBe(acquireWait.sumMs / 2)
    expect(acquireWait.buckets.map(([le]) => le)).toEqual([0, 1, 5, 10, 50, 100, 500, 1000, 5000, 50000])
    expect(acquireWait.buckets.reduce((n, [, count]) => n + count, 0)).toBe(2)
    await pool.dispose()
  })
})

describe('leak detection', () => {
  async function takeAndForget(pool: QueuePool) {
    // The stack of a leak report leads back here, to the code that took the connection.
    return pool.acquire()
  }

  test('a checkout held past the threshold is reported with the stack of whoever took it', async () => {
    const { pool } = makePool({ leakDetectionThreshold: 0.05 })
    const leaks = events<[PooledConnection, number, string]>(pool, 'leak', 1)
    const checkout = await takeAndForget(pool)
    const [[conn, heldMs, stack]] = (await leaks) as [[PooledConnection, number, string]]
    expect(conn).toBe(checkout.connection)
    expect(heldMs).toBeGreaterThan(0)
    expect(stack).toContain('takeAndForget')
    expect(stack).not.toContain('Error: checked out')
    expect(pool.stats().totals.leaks).toBe(1)
    await pool.release(checkout)
    await pool.dispose()
  })

  test('without a listener the report is a process warning', async () => {
    const { pool } = makePool({ leakDetectionThreshold: 0.05 })
    const warnings = captureWarnings()
    const checkout = await takeAndForget(pool)
    const warning = await warnings.first()
    expect(warning.name).toBe('PrismaPoolLeakWarning')
    expect(warning.message).toContain('longer than leakDetectionThreshold (0.05 s). It was taken at:')
    expect(warning.message).toContain('takeAndForget')
    await pool.release(checkout)
    await pool.dispose()
  })

  test('a checkout returned in time is not reported; off by default', async () => {
    const { pool } = makePool({ leakDetectionThreshold: 0.05 })
    const { pool: unwatched } = makePool()
    const reported: PooledConnection[] = []
    pool.on('leak', (pc) => reported.push(pc))
    unwatched.on('leak', (pc) => reported.push(pc))
    await pool.release(await pool.acquire())
    const heldUnwatched = await unwatched.acquire()
    // Timers fire in the order they expire: when this later checkout is reported, the returned one's report
    // would have come first, had its timer not been cleared; the unwatched pool never arms one.
    const leaked = events<[PooledConnection]>(pool, 'leak', 1)
    const held = await pool.acquire()
    await leaked
    expect(reported).toEqual([held.connection])
    await unwatched.release(heldUnwatched)
    await pool.release(held)
    await Promise.all([pool.dispose(), unwatched.dispose()])
  })
})

describe('metrics', () => {
  test("Prisma 6's metric names; counters and histograms move with a known load", async () => {
    const factory = new PoolAdapterFactory(new FakeDriver(), { size: 2, maxOverflow: 1 })
    expect(factory.metrics().counters.find((m) => m.key === 'prisma_pool_connections_opened_total')?.value).toBe(0)
    const adapter = await factory.connect()
    await Promise.all(Array.from({ length: 3 }, () => adapter.queryRaw(select)))
    for (let i = 0; i < 7; i++) await adapter.queryRaw(select)
    const tx = await adapter.startTransaction()
    const json = factory.metrics({ service: 'api' })
    const value = (list: { key: string; value: unknown }[], key: string) => list.find((m) => m.key === key)?.value
    expect(value(json.counters, 'prisma_pool_connections_opened_total')).toBe(3)
    expect(value(json.counters, 'prisma_pool_connections_closed_total')).toBe(0)
    // 10 queries and the BEGIN.
    expect(value(json.counters, 'prisma_datasource_queries_total')).toBe(11)
    expect(value(json.gauges, 'prisma_pool_connections_open')).toBe(3)
    expect(value(json.gauges, 'prisma_pool_connections_busy')).toBe(1)
    expect(value(json.gauges, 'prisma_pool_connections_idle')).toBe(2)
    expect(value(json.gauges, 'prisma_client_queries_wait')).toBe(0)
    expect(value(json.histograms, 'prisma_client_queries_wait_histogram_ms')).toMatchObject({ count: 11 })
    expect(value(json.histograms, 'prisma_pool_connections_hold_histogram_ms')).toMatchObject({ count: 10 })
    expect(json.gauges.every((m) => m.labels.service === 'api')).toBe(true)
    await tx.rollback()
    await adapter.dispose()
  })

  test('the Prometheus text parses, with cumulative buckets that end in the count', async () => {
    const factory = new PoolAdapterFactory(new FakeDriver(), { size: 2 })
    const adapter = await factory.connect()
    for (let i = 0; i < 5; i++) await adapter.queryRaw(select)
    const labelled = parsePrometheus(factory.prometheus({ service: 'a "quoted" \\ name' }))
    expect(labelled.find((f) => f.name === 'prisma_pool_connections_opened_total')).toMatchObject({
      type: 'COUNTER',
      metrics: [{ value: '1', labels: { service: 'a "quoted" \\ name' } }],
    })
    // (This parser flattens labelled histograms away, so the histogram is read without labels.)
    const families = parsePrometheus(factory.prometheus())
    const family = (name: string) => families.find((f) => f.name === name)
    expect(family('prisma_pool_connections_idle')).toMatchObject({ type: 'GAUGE', metrics: [{ value: '1' }] })
    expect(() => factory.prometheus({ 'service-name': 'x' })).toThrow('invalid metrics label name "service-name"')
    expect(() => factory.metrics({ le: 'x' })).toThrow('invalid metrics label name "le"')
    const wait = family('prisma_client_queries_wait_histogram_ms')!
    expect(wait.type).toBe('HISTOGRAM')
    const buckets = wait.metrics[0]!.buckets!
    expect(Object.keys(buckets)).toEqual(['0', '1', '5', '10', '50', '100', '500', '1000', '5000', '50000', '+Inf'])
    const counts = Object.values(buckets).map(Number)
    expect(counts).toEqual([...counts].sort((a, b) => a - b))
    expect(buckets['+Inf']).toBe('5')
    expect(wait.metrics[0]!.count).toBe('5')
    await adapter.dispose()
  })
})

describe('debug log', () => {
  test.each([
    ['prisma-pool', true],
    ['prisma-pool:*', true],
    ['prisma:*,prisma-pool', true],
    ['*', true],
    ['*,-prisma-pool', false],
    ['prisma:*', false],
    ['', false],
    [undefined, false],
  ])('DEBUG=%s → %s', (value, enabled) => {
    expect(debugEnabled(value)).toBe(enabled)
  })

  const child = fileURLToPath(new URL('./debug-child.ts', import.meta.url))
  const run = (env: Record<string, string>) =>
    spawnSync(process.execPath, ['--import', 'tsx', child], { env: { ...process.env, ...env, DEBUG: env.DEBUG ?? '' }, encoding: 'utf8' })

  test('DEBUG=prisma-pool logs what the pool does to stderr, with the worker tag', () => {
    const { status, stderr } = run({ DEBUG: 'prisma-pool' })
    expect(status).toBe(0)
    const lines = stderr.trim().split('\n')
    expect(lines.every((line) => line.includes(`prisma-pool [debug-demo@`))).toBe(true)
    expect(stderr).toContain('connection #1 opened to fake://db')
    expect(stderr).toContain('connection #1 checked out; QueuePool fake://db: size 1')
    expect(stderr).toMatch(/connection #1 checked in after \d+\.\d ms\n/)
    expect(stderr).toContain('connection #1 closed (dispose)')
    // Failed attempts are logged with their error, never with a password.
    expect(stderr).toMatch(/connecting to fake:\/\/db failed after \d+\.\d ms: could not reach postgres:\/\/app:\*\*\*@db\.internal:5432\/app\n/)
    expect(stderr).not.toContain('sekret-pw')
  })

  test('passwords in a message are masked, also one holding an unencoded @', () => {
    expect(withoutPasswords('connect to postgres://app:s3cr@t@db:5432/x failed; mysql://root:pw@h/y too')).toBe(
      'connect to postgres://app:***@db:5432/x failed; mysql://root:***@h/y too',
    )
    expect(withoutPasswords('postgres://app@db/x and https://example.com/a:b@c')).toBe('postgres://app@db/x and https://example.com/a:b@c')
  })

  test('off by default: nothing on stderr', () => {
    const { status, stderr } = run({})
    expect(status).toBe(0)
    expect(stderr).toBe('')
  })
})
