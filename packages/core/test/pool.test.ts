import { describe, expect, test, vi } from 'vitest'
import { ConnectTimeoutError, PoolClosedError, PoolTimeoutError } from '../src/errors.js'
import { resolvePoolOptions, type PoolOptions } from '../src/options.js'
import { QueuePool } from '../src/pool.js'
import type { Checkout, CloseReason, PooledConnection } from '../src/pool-types.js'
import { captureWarnings } from '../../../test-support/warnings.js'
import { until } from '../../../test-support/until.js'
import { events, FakeConnection, FakeDriver, FakeServerError } from './fake-driver.js'

function makePool(options: PoolOptions = {}, driver = new FakeDriver()) {
  const pool = new QueuePool(driver, resolvePoolOptions(options))
  return { pool, driver }
}

const fake = (checkout: Checkout) => checkout.connection.conn as FakeConnection

describe('QueuePool', () => {
  test('creates connections lazily and reuses an idle one', async () => {
    const { pool, driver } = makePool({ size: 3 })
    expect(pool.stats().open).toBe(0)
    expect(driver.connections).toHaveLength(0)
    const first = await pool.acquire()
    await pool.release(first)
    const second = await pool.acquire()
    expect(second.connection).toBe(first.connection)
    expect(pool.stats()).toMatchObject({ open: 1, checkedOut: 1, idle: 0, totals: { created: 1, checkouts: 2 } })
    await pool.release(second)
    await pool.dispose()
  })

  test('never opens more than size + maxOverflow; the rest wait in order', async () => {
    const { pool, driver } = makePool({ size: 2, maxOverflow: 1 })
    const held = await Promise.all([pool.acquire(), pool.acquire(), pool.acquire()])
    const waiting = [pool.acquire(), pool.acquire()]
    await Promise.resolve()
    expect(pool.stats()).toMatchObject({ open: 3, checkedOut: 3, overflow: 1, waiting: 2 })
    expect(driver.connections).toHaveLength(3)
    await pool.release(held[0]!)
    const first = await waiting[0]!
    expect(first.connection).toBe(held[0]!.connection)
    await pool.release(held[1]!)
    const second = await waiting[1]!
    expect(second.connection).toBe(held[1]!.connection)
    expect(driver.connections).toHaveLength(3)
    // A stale second release of a checkout does nothing, even though its connection has a new holder.
    await pool.release(held[0]!)
    expect(pool.stats()).toMatchObject({ checkedOut: 3, idle: 0 })
    await Promise.all([first, second, held[2]!].map((checkout) => pool.release(checkout)))
    await pool.dispose()
  })

  test('maxOverflow -1 means no limit', async () => {
    const { pool } = makePool({ size: 1, maxOverflow: -1 })
    const held = await Promise.all(Array.from({ length: 50 }, () => pool.acquire()))
    expect(pool.stats()).toMatchObject({ open: 50, overflow: 49 })
    await Promise.all(held.map((pc) => pool.release(pc)))
    await pool.dispose()
  })

  test('closes overflow connections once idle, keeping size', async () => {
    const { pool, driver } = makePool({ size: 1, maxOverflow: 2, overflowIdleTimeout: 0.02 })
    const held = await Promise.all([pool.acquire(), pool.acquire(), pool.acquire()])
    const closed = events<[PooledConnection, CloseReason]>(pool, 'close', 2)
    await Promise.all(held.map((pc) => pool.release(pc)))
    expect((await closed).map(([, reason]) => reason)).toEqual(['overflow', 'overflow'])
    expect(pool.stats()).toMatchObject({ open: 1, idle: 1, overflow: 0 })
    expect(driver.open).toHaveLength(1)
    await pool.dispose()
  })

  test('times out with a PoolTimeoutError that gives the figures and the options to change, then works again', async () => {
    const { pool } = makePool({ size: 1, maxOverflow: 0, timeout: 0.05 })
    const held = await pool.acquire()
    const timedOut = events<[PoolTimeoutError]>(pool, 'timeout', 1)
    const error = await pool.acquire().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(PoolTimeoutError)
    const message = (error as PoolTimeoutError).message
    expect(message).toContain('timed out after 0.05 s')
    expect(message).toContain('size 1 + maxOverflow 0 = 1 connection')
    expect(message).toContain('1 checked out, 1 waiting')
    expect(message).toMatch(/pool\.size.*pool\.maxOverflow.*pool\.timeout/)
    expect((error as PoolTimeoutError).details).toEqual({
      timeout: 0.05,
      size: 1,
      maxOverflow: 0,
      checkedOut: 1,
      connecting: 0,
      waiting: 1,
      lastConnectError: undefined,
      serverFull: false,
    })
    expect(await timedOut).toEqual([[error]])
    expect(pool.stats().totals.timeouts).toBe(1)
    await pool.release(held)
    const again = await pool.acquire()
    expect(again.connection).toBe(held.connection)
    await pool.release(again)
    await pool.dispose()
  })

  test('recycle: an idle connection past its age is closed in the background and never handed out', async () => {
    const { pool, driver } = makePool({ recycle: 0.05 })
    const first = await pool.acquire()
    const closed = events<[PooledConnection, CloseReason]>(pool, 'close', 1)
    await pool.release(first)
    expect(await closed).toEqual([[first.connection, 'recycle']])
    const second = await pool.acquire()
    expect(second.connection).not.toBe(first.connection)
    expect(fake(first).closed).toBe(true)
    expect(driver.connections).toHaveLength(2)
    expect(pool.stats().totals).toMatchObject({ recycled: 1, created: 2, destroyed: 1 })
    await pool.release(second)
    await pool.dispose()
  })

  test("an idle connection is closed at 90% of the server's idle timeout, to the millisecond, and never handed out", async () => {
    // Fake clocks: the background sweep runs once a second, so only the connection's own timer can be this early.
    vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval', 'clearTimeout', 'clearInterval', 'performance'] })
    try {
      const { pool } = makePool()
      const first = await pool.acquire()
      fake(first).idleTimeoutMs = 2000
      const closes: CloseReason[] = []
      pool.on('close', (_, reason: CloseReason) => closes.push(reason))
      await pool.release(first)
      await vi.advanceTimersByTimeAsync(1790)
      expect(closes).toEqual([])
      await vi.advanceTimersByTimeAsync(20)
      expect(closes).toEqual(['idle-timeout'])
      const second = await pool.acquire()
      expect(second.connection).not.toBe(first.connection)
      await pool.release(second)
      await pool.dispose()
    } finally {
      vi.useRealTimers()
    }
  })

  test("a connection checked out longer than the server's idle timeout is not closed for it when it comes back", async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval', 'clearTimeout', 'clearInterval', 'performance'] })
    try {
      const { pool } = makePool()
      const held = await pool.acquire()
      fake(held).idleTimeoutMs = 100
      await vi.advanceTimersByTimeAsync(500) // busy all along: the server's idle clock restarts with each statement
      await pool.release(held)
      const again = await pool.acquire()
      expect(again.connection).toBe(held.connection)
      await pool.release(again)
      await pool.dispose()
    } finally {
      vi.useRealTimers()
    }
  })

  test('recycle: a checked-out connection that ages is closed when it comes back', async () => {
    const { pool } = makePool({ recycle: 0.02 })
    const pc = await pool.acquire()
    const closed = events<[PooledConnection, CloseReason]>(pool, 'close', 1)
    // Hold it past its age: wait for an unrelated pool's recycle to be sure time has passed.
    const { pool: clock } = makePool({ recycle: 0.02 })
    const tick = events(clock, 'close', 1)
    await clock.release(await clock.acquire())
    await tick
    await pool.release(pc)
    expect(await closed).toEqual([[pc.connection, 'recycle']])
    await Promise.all([pool.dispose(), clock.dispose()])
  })

  test('pre-ping replaces a dead connection without the caller seeing it, and invalidates the others', async () => {
    const { pool, driver } = makePool({ size: 3, prePingAfterIdle: 0 })
    const held = await Promise.all([pool.acquire(), pool.acquire(), pool.acquire()])
    for (const pc of held) await pool.release(pc)
    // The server restarted: every connection is dead, but only the next one to be checked out is pinged.
    for (const conn of driver.connections) conn.pingFails = true
    const fresh = await pool.acquire()
    expect(driver.connections).toHaveLength(4)
    expect(fresh.connection.conn).toBe(driver.connections[3])
    expect(driver.connections.slice(0, 3).every((c) => c.closed)).toBe(true)
    const pinged = driver.connections.slice(0, 3).filter((c) => c.log.includes('ping'))
    expect(pinged).toHaveLength(1)
    expect(pool.stats().totals).toMatchObject({ prePingFailures: 1, invalidated: 2, destroyed: 3 })
    await pool.release(fresh)
    await pool.dispose()
  })

  test('a ping that never answers counts as failed after pingTimeout, well before the caller times out', async () => {
    const { pool, driver } = makePool({ pingTimeout: 0.02, timeout: 30, prePingAfterIdle: 0 })
    const pc = await pool.acquire()
    await pool.release(pc)
    fake(pc).pingHangs = true
    const next = await pool.acquire()
    expect(next.connection.conn).toBe(driver.connections[1])
    expect(fake(pc).closed).toBe(true)
    expect(pool.stats().totals.prePingFailures).toBe(1)
    await pool.release(next)
    await pool.dispose()
  })

  test('pre-ping skips a connection that was never used or came back within prePingAfterIdle', async () => {
    const { pool } = makePool({ prePingAfterIdle: 60 })
    const pc = await pool.acquire()
    await pool.release(pc)
    await pool.release(await pool.acquire())
    expect(fake(pc).log).not.toContain('ping')
    const { pool: always } = makePool({ prePingAfterIdle: 0 })
    const other = await always.acquire()
    expect(fake(other).log).not.toContain('ping') // brand new
    await always.release(other)
    await always.release(await always.acquire())
    expect(fake(other).log).toEqual(['ping'])
    await Promise.all([pool.dispose(), always.dispose()])
  })

  test('without prePing, connections are handed out unchecked', async () => {
    const { pool } = makePool({ prePing: false, prePingAfterIdle: 0 })
    const pc = await pool.acquire()
    await pool.release(pc)
    await pool.release(await pool.acquire())
    expect(fake(pc).log).not.toContain('ping')
    await pool.dispose()
  })

  test('a connection returned as lost invalidates every connection opened before, not those opened after', async () => {
    const { pool, driver } = makePool({ size: 5 })
    const [a, b, c] = await Promise.all([pool.acquire(), pool.acquire(), pool.acquire()])
    await pool.release(a!)
    const invalidated = events<[number]>(pool, 'invalidate', 1)
    await pool.release(b!, 'server')
    expect(await invalidated).toEqual([[3]])
    expect(fake(a!).closed).toBe(true) // idle: closed at once
    expect(fake(b!).closed).toBe(true)
    expect(fake(c!).closed).toBe(false) // checked out: closed when it comes back
    await pool.release(c!)
    expect(fake(c!).closed).toBe(true)
    const d = await pool.acquire()
    expect(d.connection.conn).toBe(driver.connections[3])
    await pool.release(d)
    const again = await pool.acquire()
    expect(again.connection).toBe(d.connection)
    await pool.release(again)
    await pool.dispose()
  })

  test('a connection the driver reports broken while idle is never handed out', async () => {
    const { pool } = makePool({ prePing: false })
    const pc = await pool.acquire()
    await pool.release(pc)
    fake(pc).broken = true
    const next = await pool.acquire()
    expect(next.connection).not.toBe(pc.connection)
    expect(fake(pc).closed).toBe(true)
    await pool.release(next)
    await pool.dispose()
  })

  test.each([
    ['rollback', ['ROLLBACK']],
    ['commit', ['COMMIT']],
    ['none', []],
  ] as const)('resetOnReturn %s: a connection returned inside a transaction is never reused as it is', async (resetOnReturn, sent) => {
    const { pool } = makePool({ resetOnReturn })
    const pc = await pool.acquire()
    await fake(pc).begin()
    fake(pc).log = []
    await pool.release(pc)
    expect(fake(pc).log).toEqual(sent)
    expect(pool.stats().totals.resets).toBe(sent.length)
    // 'none' spends no round trip, but does not hand a connection that is mid-transaction to the next caller.
    expect(fake(pc).closed).toBe(resetOnReturn === 'none')
    const next = await pool.acquire()
    expect(fake(next).inTransaction()).toBe(false)
    await pool.release(next)
    await pool.dispose()
  })

  test('a connection outside a transaction is returned without a round trip', async () => {
    const { pool } = makePool()
    const pc = await pool.acquire()
    await pool.release(pc)
    expect(fake(pc).log).toEqual([])
    await pool.dispose()
  })

  test('a connection whose reset fails is closed, not reused', async () => {
    const { pool } = makePool()
    const pc = await pool.acquire()
    await fake(pc).begin()
    fake(pc).rollbackFails = true
    const closed = events<[PooledConnection, CloseReason]>(pool, 'close', 1)
    await pool.release(pc)
    expect(await closed).toEqual([[pc.connection, 'reset-failed']])
    const next = await pool.acquire()
    expect(next.connection).not.toBe(pc.connection)
    expect(pool.stats().totals.resetFailures).toBe(1)
    await pool.release(next)
    await pool.dispose()
  })

  test('a reset that never answers is given up after `timeout`; the connection is closed, not reused', async () => {
    const { pool } = makePool({ timeout: 0.05 })
    const pc = await pool.acquire()
    await fake(pc).begin()
    fake(pc).rollbackHangs = true
    await pool.release(pc)
    expect(fake(pc).closed).toBe(true)
    expect(pool.stats()).toMatchObject({ open: 0, totals: { resetFailures: 1 } })
    await pool.dispose()
  })

  test('a connection lost on its own is closed alone; the others stay', async () => {
    const { pool } = makePool()
    const [a, b] = await Promise.all([pool.acquire(), pool.acquire()])
    await pool.release(a!)
    await pool.release(b!, 'connection')
    expect(fake(b!).closed).toBe(true)
    expect(fake(a!).closed).toBe(false)
    expect(pool.stats()).toMatchObject({ open: 1, totals: { destroyed: 1, invalidated: 0 } })
    await pool.dispose()
  })

  test('a broken idle connection is closed once, alone', async () => {
    // A short overflowIdleTimeout makes the sweep run often (every 50 ms, not every second).
    const { pool } = makePool({ size: 3, recycle: 3600, overflowIdleTimeout: 0.1 })
    const held = await Promise.all([pool.acquire(), pool.acquire(), pool.acquire()])
    for (const checkout of held) await pool.release(checkout)
    const closed = events<[PooledConnection, CloseReason]>(pool, 'close', 1)
    fake(held[1]!).broken = true
    // The background sweep finds it without anyone checking it out.
    expect(await closed).toEqual([[held[1]!.connection, 'broken']])
    expect(pool.stats()).toMatchObject({ open: 2, idle: 2, totals: { destroyed: 1, invalidated: 0 } })
    await pool.dispose()
  })

  test('a listener that throws does not break the pool', async () => {
    const { pool } = makePool({ size: 1, maxOverflow: 0 })
    const { warnings } = captureWarnings()
    pool.on('checkin', () => {
      throw new Error('metrics exporter crashed')
    })
    try {
      await pool.release(await pool.acquire())
      await pool.release(await pool.acquire())
      expect(pool.stats()).toMatchObject({ checkedOut: 0, idle: 1 })
      expect(warnings).toEqual(Array(2).fill({ name: 'PrismaPoolWarning', message: "a 'checkin' listener of the pool threw: Error: metrics exporter crashed" }))
    } finally {
      await pool.dispose()
    }
  })

  test('times in seconds may have any fraction', async () => {
    const { pool } = makePool({ timeout: 1.001, overflowIdleTimeout: 1.005, connectTimeout: 0.0015, recycle: 2.0001 })
    await pool.release(await pool.acquire())
    await pool.dispose()
  })

  test('a pool timeout while connections are still being opened says so, with the last connect error', async () => {
    const driver = new FakeDriver()
    driver.connectGate = new Promise(() => {})
    const { pool } = makePool({ timeout: 0.05, connectTimeout: 10 }, driver)
    const error = (await pool.acquire().catch((e: unknown) => e)) as PoolTimeoutError
    expect(error).toBeInstanceOf(PoolTimeoutError)
    expect(error.message).toContain('0 checked out, 1 connecting, 1 waiting')
    void pool.dispose()

    // The server refused once, then stopped answering: the next caller's timeout names the refusal.
    const flaky = new FakeDriver()
    flaky.connectError = new Error('connect ECONNREFUSED 10.0.0.9:5432')
    const { pool: refused } = makePool({ timeout: 0.05, connectTimeout: 10 }, flaky)
    await expect(refused.acquire()).rejects.toThrow('ECONNREFUSED')
    flaky.connectError = undefined
    flaky.connectGate = new Promise(() => {})
    const second = (await refused.acquire().catch((e: unknown) => e)) as PoolTimeoutError
    expect(second).toBeInstanceOf(PoolTimeoutError)
    expect(second.message).toContain('the last attempt failed: connect ECONNREFUSED 10.0.0.9:5432.')
    expect(second.cause).toBe(flaky.connectError ?? second.cause)
    void refused.dispose()
  })

  test('a connect error reaches the caller at once, and the pool recovers', async () => {
    const driver = new FakeDriver()
    driver.connectError = new Error('password authentication failed for user "app"')
    const { pool } = makePool({ timeout: 30 }, driver)
    await expect(pool.acquire()).rejects.toThrow('password authentication failed')
    expect(pool.stats().totals.connectErrors).toBe(1)
    driver.connectError = undefined
    const pc = await pool.acquire()
    await pool.release(pc)
    await pool.dispose()
  })

  test('a connection returned just as the waiting caller fails is not lost to it', async () => {
    // The waiter's connect fails while the holder returns its connection, a few microtasks apart in either order:
    // the connection goes to the waiter if it is still waiting, and back to the pool if it is not.
    const outcomes = new Set<string>()
    for (let hops = 0; hops < 40; hops++) {
      const { pool, driver } = makePool({ size: 1, maxOverflow: 1 })
      const holder = await pool.acquire()
      driver.connectError = new Error('too many clients already')
      const waiter = pool.acquire().then(
        async (checkout) => {
          await pool.release(checkout)
          return 'served'
        },
        () => 'failed',
      )
      for (let i = 0; i < hops; i++) await Promise.resolve()
      void pool.release(holder)
      outcomes.add(String(await waiter))
      await new Promise(setImmediate)
      expect(pool.stats(), `release ${hops} microtasks after the acquire`).toMatchObject({ checkedOut: 0, idle: 1 })
      driver.connectError = undefined
      await pool.release(await pool.acquire())
      await pool.dispose()
    }
    expect(outcomes).toEqual(new Set(['served', 'failed']))
  })

  test('a caller arriving as a new connection opens does not take it from the caller who waited for it', async () => {
    for (let hops = 0; hops < 40; hops++) {
      const driver = new FakeDriver()
      let open!: () => void
      driver.connectGate = new Promise((resolve) => (open = resolve))
      // Without the rule the first caller would wait forever: a short timeout makes that a quick failure.
      const { pool } = makePool({ size: 1, maxOverflow: 0, timeout: 1 }, driver)
      const order: string[] = []
      const first = pool.acquire().then((checkout) => (order.push('first'), checkout))
      open()
      for (let i = 0; i < hops; i++) await Promise.resolve()
      const second = pool.acquire().then((checkout) => (order.push('second'), checkout))
      await pool.release(await first)
      await pool.release(await second)
      expect(order, `second caller ${hops} microtasks after the connection opened`).toEqual(['first', 'second'])
      await pool.dispose()
    }
  })

  test('a connect that takes longer than connectTimeout is retried until the caller times out; the late connections are closed', async () => {
    const driver = new FakeDriver()
    // An engine that cannot stop its driver at the signal: its connections arrive late.
    driver.ignoresSignal = true
    let open!: () => void
    driver.connectGate = new Promise((resolve) => (open = resolve))
    const { pool } = makePool({ connectTimeout: 0.02, timeout: 0.3 }, driver)
    const error = (await pool.acquire().catch((e: unknown) => e)) as PoolTimeoutError
    expect(error).toBeInstanceOf(PoolTimeoutError)
    expect(error.cause).toBeInstanceOf(ConnectTimeoutError)
    expect(error.message).toContain('the last attempt failed: prisma-pool: could not connect to fake://db within 0.02 s')
    expect(driver.tags.length).toBeGreaterThan(1)
    open()
    await driver.connectGate
    // Each late one is closed, unless the last retry was under way: that one the pool keeps, idle.
    await until(
      async () => driver.connections.length === driver.tags.length && driver.open.length === pool.stats().idle && pool.stats().connecting === 0,
      'every late connection is closed or idle in the pool',
    )
    expect(driver.open.length).toBeLessThanOrEqual(1)
    await pool.dispose()
  })

  test('transient connect failures are retried while callers wait, by one create at a time, and the callers get connections', async () => {
    const driver = new FakeDriver()
    driver.connectDelayMs = 2
    driver.connectError = new FakeServerError('REFUSED')
    const { pool } = makePool({ size: 5, maxOverflow: 0, timeout: 30 }, driver)
    const callers = Array.from({ length: 5 }, () => pool.acquire())
    // The first round: one connect per caller. From then on, one create retries while the others wait for it.
    await until(async () => driver.tags.length >= 5 && driver.connecting === 0, 'every caller tried once')
    driver.peakConnecting = 0
    await until(async () => driver.tags.length >= 10, 'five retries')
    expect(driver.peakConnecting).toBe(1)
    driver.connectError = undefined
    const checkouts = await Promise.all(callers)
    expect(new Set(checkouts.map((c) => c.connection)).size).toBe(5)
    expect(pool.stats().totals).toMatchObject({ created: 5, timeouts: 0 })
    for (const checkout of checkouts) await pool.release(checkout)
    await pool.dispose()
  })

  test('a caller whose wait ends during an outage gets a PoolTimeoutError caused by the last connect error', async () => {
    const driver = new FakeDriver()
    driver.connectError = new FakeServerError('REFUSED')
    const { pool } = makePool({ timeout: 0.2 }, driver)
    const error = (await pool.acquire().catch((e: unknown) => e)) as PoolTimeoutError
    expect(error).toBeInstanceOf(PoolTimeoutError)
    expect(error.cause).toBe(driver.connectError)
    expect(error.message).toContain('the last attempt failed: fake server error REFUSED. Check that the server is running')
    // Nobody waits any more: the retries stop.
    await until(async () => pool.stats().connecting === 0, 'the retrying create gave up')
    await pool.dispose()
  })

  test('a full server makes callers wait for the connections this pool holds, not fail', async () => {
    const driver = new FakeDriver()
    const { pool } = makePool({ size: 1, maxOverflow: 2, timeout: 30 }, driver)
    const held = await pool.acquire()
    driver.connectError = new FakeServerError('FULL')
    const waiting = [pool.acquire(), pool.acquire()]
    await until(async () => driver.tags.length >= 4, 'the full server refused twice')
    await pool.release(held)
    const first = await waiting[0]!
    expect(first.connection).toBe(held.connection)
    await pool.release(first)
    const second = await waiting[1]!
    expect(second.connection).toBe(held.connection)
    expect(pool.stats().totals.timeouts).toBe(0)
    driver.connectError = undefined
    await pool.release(second)
    await pool.dispose()
  })

  test('dispose() closes what is still checked out after disposeTimeout, with a warning, and returns', async () => {
    const { warnings } = captureWarnings()
    const { pool, driver } = makePool({ size: 1, maxOverflow: 0, disposeTimeout: 0.05 })
    const held = await pool.acquire()
    fake(held).hangNext = true
    const running = fake(held).query({ sql: 'SELECT pg_sleep(1000)', args: [], argTypes: [] })
    await pool.dispose()
    await expect(running).rejects.toThrow('fake server error LOST')
    expect(driver.open).toHaveLength(0)
    expect(warnings.map((w) => w.message)).toEqual([expect.stringContaining('dispose() waited 0.05 s (pool.disposeTimeout) for 1 checked-out connection to fake://db')])
    // Its user gives it back late: nothing happens.
    await pool.release(held)
  })

  test('dispose does not wait for connects under way: nobody wants them any more; one that arrives later is closed', async () => {
    const driver = new FakeDriver()
    driver.ignoresSignal = true
    let open!: () => void
    driver.connectGate = new Promise((resolve) => (open = resolve))
    const { pool } = makePool({ connectTimeout: 60, disposeTimeout: 60 }, driver)
    const waiting = pool.acquire()
    await until(async () => driver.tags.length === 1, 'a connect is under way')
    await pool.dispose()
    await expect(waiting).rejects.toBeInstanceOf(PoolClosedError)
    open()
    await until(async () => driver.connections.length === 1 && driver.open.length === 0, 'the late connection is closed')
  })

  test('dispose refuses new callers, fails waiting ones, and closes connections as they come back', async () => {
    const { pool, driver } = makePool({ size: 1, maxOverflow: 0 })
    const held = await pool.acquire()
    const waiting = pool.acquire()
    const disposed = pool.dispose()
    await expect(waiting).rejects.toBeInstanceOf(PoolClosedError)
    await expect(pool.acquire()).rejects.toBeInstanceOf(PoolClosedError)
    expect(fake(held).closed).toBe(false)
    await pool.release(held)
    await disposed
    expect(driver.open).toHaveLength(0)
    expect(pool.status()).toMatch(/disposed$/)
  })

  test('callers that come while the pool is full wait in order, and each one whose time runs out gets P2024 alone', async () => {
    const { pool } = makePool({ size: 1, maxOverflow: 0, timeout: 0.3 })
    const held = await pool.acquire()
    const first = pool.acquire().catch((e: unknown) => e)
    // The second caller's time runs out half the timeout after the first's: no event to wait for, only time apart.
    await new Promise((resolve) => setTimeout(resolve, 150))
    const second = pool.acquire()
    expect(pool.stats().waiting).toBe(2)
    const error = (await first) as PoolTimeoutError
    expect(error).toBeInstanceOf(PoolTimeoutError)
    expect(error.details).toMatchObject({ checkedOut: 1, waiting: 2 })
    // The second caller still waits: its time has not run out. It gets the connection when it comes back.
    expect(pool.stats().waiting).toBe(1)
    await pool.release(held)
    expect((await second).connection).toBe(held.connection)
    expect(pool.stats().totals.timeouts).toBe(1)
    await pool.dispose()
  })

  test('a caller waiting for a full pool gets a new connection when a checked-out one is closed instead of returned', async () => {
    const { pool, driver } = makePool({ size: 2, maxOverflow: 0 })
    const held = await Promise.all([pool.acquire(), pool.acquire()])
    const waiting = pool.acquire()
    fake(held[0]!).broken = true
    await pool.release(held[0]!)
    const served = await waiting
    expect(served.connection).not.toBe(held[0]!.connection)
    expect(served.connection).not.toBe(held[1]!.connection)
    expect(driver.connections).toHaveLength(3)
    await pool.release(served)
    await pool.release(held[1]!)
    await pool.dispose()
  })

  test('callers waiting for a connection being opened are served before those who came once the pool was full', async () => {
    const driver = new FakeDriver()
    let open!: () => void
    driver.connectGate = new Promise((resolve) => (open = resolve))
    const { pool } = makePool({ size: 1, maxOverflow: 0 }, driver)
    const order: string[] = []
    const served = (name: string) => (checkout: Checkout) => (order.push(name), checkout)
    const a = pool.acquire().then(served('a'))
    // The pool is full now (one connection being opened, for a): b and c wait for it to come back.
    const b = pool.acquire().then(served('b'))
    const c = pool.acquire().then(served('c'))
    open()
    await pool.release(await a)
    await pool.release(await b)
    await pool.release(await c)
    expect(order).toEqual(['a', 'b', 'c'])
    await pool.dispose()
  })

  test('a caller who comes after others parked waits behind them, even when a place in tarn opens (a return handed to a caller there)', async () => {
    const driver = new FakeDriver()
    const { pool } = makePool({ size: 2, maxOverflow: 0, timeout: 30 }, driver)
    const held = await pool.acquire()
    let open!: () => void
    driver.connectGate = new Promise((resolve) => (open = resolve))
    const order: string[] = []
    const served = (name: string) => (checkout: Checkout) => (order.push(name), checkout)
    // w waits in tarn for the second connection, being opened; x comes when the pool is full, and parks.
    const w = pool.acquire().then(served('w'))
    const x = pool.acquire().then(served('x'))
    // The return goes to w; the connection being opened is now x's, not that of y, who comes after.
    void pool.release(held)
    const y = pool.acquire().then(served('y'))
    open()
    // With w still holding its connection, the one opened is the only one to be had: x gets it, y waits.
    expect(await Promise.race([x.then(() => 'x'), y.then(() => 'y')])).toBe('x')
    expect(pool.stats().waiting).toBe(1)
    await pool.release(await w)
    await pool.release(await x)
    await pool.release(await y)
    expect(order).toEqual(['w', 'x', 'y'])
    await pool.dispose()
  })

  test('a caller who comes while others are parked waits behind them, even when a place in tarn is free at that moment', async () => {
    const driver = new FakeDriver()
    const { pool } = makePool({ size: 1, maxOverflow: 0, timeout: 0.3 }, driver)
    const held = await pool.acquire()
    let open!: () => void
    driver.connectGate = new Promise((resolve) => (open = resolve))
    const order: string[] = []
    const outcome = (name: string) => [(checkout: Checkout) => (order.push(name), checkout), () => void order.push(`${name} timed out`)] as const
    const x = pool.acquire().then(...outcome('x'))
    // y's time runs out half the timeout after x's: no event to wait for, only time apart.
    await new Promise((resolve) => setTimeout(resolve, 150))
    const y = pool.acquire().then(...outcome('y'))
    // The held connection is lost: x moves into tarn's queue, for the connection opened in its place.
    fake(held).broken = true
    await pool.release(held)
    // x's time runs out while that connection is still being opened; the moment it leaves tarn's queue, z comes.
    let z: Promise<unknown> | undefined
    pool.once('timeout', () => {
      z = pool.acquire().then(...outcome('z'))
      open()
    })
    await x
    const first = (await y) as Checkout
    expect(order).toEqual(['x timed out', 'y'])
    await pool.release(first)
    const last = (await z) as Checkout
    expect(order).toEqual(['x timed out', 'y', 'z'])
    await pool.release(last)
    await pool.dispose()
  })

  test('status() is one line with the figures', async () => {
    const { pool } = makePool({ size: 2, maxOverflow: -1 })
    const pc = await pool.acquire()
    expect(pool.status()).toBe(
      'QueuePool fake://db: size 2, maxOverflow unlimited, open 1 (checked out 1, idle 0, overflow 0), waiting 0',
    )
    await pool.release(pc)
    await pool.dispose()
  })
})
