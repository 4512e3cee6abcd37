// The engine contract's lifecycle and defaults as the core applies them: init and close once per pool, the connect
// deadline as an AbortSignal, a concurrency ceiling, the tag length, and what the core does for an engine that leaves
// connectionLoss or isolationLevels out.
import { DriverAdapterError } from '@prisma/driver-adapter-utils'
import { describe, expect, test } from 'vitest'
import { PoolAdapterFactory } from '../src/adapter.js'
import type { EngineContext, EngineDriver } from '../src/engine.js'
import { connectionLoss, isolationLevels, STANDARD_ISOLATION_LEVELS } from '../src/engine-defaults.js'
import { ConnectTimeoutError, PoolClosedError, PoolTimeoutError } from '../src/errors.js'
import { identityTag, parseTag } from '../src/identity.js'
import { resolvePoolOptions, type PoolOptions } from '../src/options.js'
import { QueuePool } from '../src/pool.js'
import { until } from '../../../test-support/until.js'
import { captureWarnings } from '../../../test-support/warnings.js'
import { FakeDriver, FakeServerError } from './fake-driver.js'

/** A fake engine that records its lifecycle. */
class LifecycleDriver extends FakeDriver {
  calls: string[] = []
  contexts: EngineContext[] = []
  initError: Error | undefined
  async init(context: EngineContext, _signal?: AbortSignal) {
    this.calls.push('init')
    this.contexts.push(context)
    if (this.initError) throw this.initError
  }
  /** What close saw: the pool's connections, those still open. */
  closedWith: { opened: number; open: number } | undefined
  async close(context: EngineContext) {
    this.calls.push('close')
    this.closedWith = { opened: this.connections.length, open: this.open.length }
    expect(context).toBe(this.contexts.at(-1))
  }
  override async connect(context: EngineContext, signal: AbortSignal) {
    this.calls.push('connect')
    return super.connect(context, signal)
  }
}

const pool = (driver: FakeDriver, options: PoolOptions = {}) => new QueuePool(driver, resolvePoolOptions({ budgetPolicy: 'off', ...options }))

describe('init and close', () => {
  test('init runs once per pool before its first connect, with the pool options, tag and a logger; close after the last connection', async () => {
    const driver = new LifecycleDriver()
    const factory = new PoolAdapterFactory(driver, { size: 2, applicationName: 'lifecycle' })
    const adapter = await factory.connect()
    await Promise.all([adapter.queryRaw({ sql: 'SELECT 1', args: [], argTypes: [] }), adapter.queryRaw({ sql: 'SELECT 1', args: [], argTypes: [] })])
    expect(driver.calls.filter((call) => call === 'init')).toHaveLength(1)
    expect(driver.calls[0]).toBe('init')
    const [context] = driver.contexts
    expect(context!.options).toMatchObject({ size: 2, applicationName: 'lifecycle' })
    expect(context!.connectTimeoutMs).toBe(10_000)
    expect(context!.tag).toMatch(/^lifecycle@/)
    expect(driver.tags.every((tag) => tag === context!.tag)).toBe(true)
    expect(() => context!.log('a line')).not.toThrow()
    await adapter.dispose()
    expect(driver.calls.at(-1)).toBe('close')
    expect(driver.open).toHaveLength(0)
    // A reconnect makes a new pool: init again, with a context of its own.
    const again = await factory.connect()
    expect(driver.calls.filter((call) => call === 'init')).toHaveLength(2)
    expect(driver.contexts[1]).not.toBe(context)
    await again.dispose()
  })

  test("a failing init fails the factory's connect ($connect) once, with its own error, and no connection is tried", async () => {
    const driver = new LifecycleDriver()
    driver.initError = new Error('the JDBC driver jar is not on the classpath')
    const factory = new PoolAdapterFactory(driver, {})
    await expect(factory.connect()).rejects.toBe(driver.initError)
    expect(driver.calls).toEqual(['init'])
    expect(factory.stats().totals.connectErrors).toBe(0)
  })

  test('a pool used without start() starts on its first acquire; every acquire of a pool whose init failed gets that error, unretried', async () => {
    const driver = new LifecycleDriver()
    driver.initError = new Error('no client library')
    const p = pool(driver)
    await expect(p.acquire()).rejects.toBe(driver.initError)
    await expect(p.acquire()).rejects.toBe(driver.initError)
    expect(driver.calls).toEqual(['init'])
    await p.dispose()
    // Nothing was set up: nothing to close.
    expect(driver.calls).toEqual(['init'])
  })

  test('an init that never finishes fails the start at connectTimeout, with its signal aborted, instead of keeping callers waiting', async () => {
    const driver = new LifecycleDriver()
    let signal: AbortSignal | undefined
    driver.init = (_context: EngineContext, initSignal?: AbortSignal) => {
      signal = initSignal
      return new Promise<void>(() => {})
    }
    const p = pool(driver, { connectTimeout: 0.05 })
    await expect(p.acquire()).rejects.toThrow('fake did not get ready for fake://db within connectTimeout (0.05 s): EngineDriver.init did not finish.')
    expect(signal!.aborted).toBe(true)
    expect(driver.calls).toEqual([])
    await p.dispose()
  })

  test('a pool disposed while its init runs closes what init set up once it finishes; one disposed before it started never runs init', async () => {
    const driver = new LifecycleDriver()
    let finish!: () => void
    const finishing = new Promise<void>((resolve) => (finish = resolve))
    const init = driver.init.bind(driver)
    driver.init = async (context: EngineContext) => {
      await finishing // an engine that cannot stop at its signal
      await init(context)
    }
    const p = pool(driver)
    const waiting = p.acquire()
    const disposed = p.dispose()
    await expect(waiting).rejects.toBeInstanceOf(PoolClosedError)
    // A pool that never started has nothing to wait for: dispose returns, and the late init closes itself.
    await disposed
    expect(driver.calls).toEqual([])
    finish()
    await until(async () => driver.calls.length === 2, 'the late init is closed')
    expect(driver.calls).toEqual(['init', 'close'])

    const never = new LifecycleDriver()
    const unused = pool(never)
    await unused.dispose()
    await expect(unused.acquire()).rejects.toBeInstanceOf(PoolClosedError)
    await expect(unused.start()).rejects.toBeInstanceOf(PoolClosedError)
    expect(never.calls).toEqual([])
  })

  test("$connect of an engine whose init hangs fails at connectTimeout, not after the wait for the engine's calls", async () => {
    const driver = new LifecycleDriver()
    driver.init = () => new Promise<void>(() => {})
    // The wait for engine calls at dispose would be 3 × connectTimeout + pingTimeout: longer than this test may take.
    const factory = new PoolAdapterFactory(driver, { connectTimeout: 0.05, pingTimeout: 120, budgetPolicy: 'off' })
    await expect(factory.connect()).rejects.toThrow('EngineDriver.init did not finish')
  }, 10_000)

  test("init's signal concerns init alone: it does not abort when a started pool is disposed", async () => {
    const driver = new LifecycleDriver()
    let signal: AbortSignal | undefined
    const init = driver.init.bind(driver)
    driver.init = async (context: EngineContext, initSignal?: AbortSignal) => {
      signal = initSignal
      await init(context)
    }
    const p = pool(driver)
    await p.release(await p.acquire())
    await p.dispose()
    expect(signal!.aborted).toBe(false)
    expect(driver.calls).toEqual(['init', 'connect', 'close'])
  })

  test("close comes after a connection's close: one whose budget verdict came after dispose gave up on it", async () => {
    const driver = new LifecycleDriver()
    driver.limits = [{ limit: 100, what: 'max_connections 100' }]
    let readLimits!: () => void
    driver.limitsGate = new Promise((resolve) => (readLimits = resolve))
    let finishClose!: () => void
    driver.closeGate = new Promise((resolve) => (finishClose = resolve))
    const p = pool(driver, { budgetPolicy: 'warn', workers: 1 })
    const waiting = p.acquire()
    await until(async () => driver.limitReads === 1, 'the budget check reads the limits')
    const disposed = p.dispose()
    await expect(waiting).rejects.toBeInstanceOf(PoolClosedError)
    readLimits()
    // Whatever dispose() does without waiting for the engine is done once the event loop turns.
    await new Promise(setImmediate)
    finishClose()
    await disposed
    expect(driver.closedWith).toEqual({ opened: 1, open: 0 })
  })

  test("close comes after the pool's engine calls: a connection that arrives after dispose gave up on it is closed first", async () => {
    const driver = new LifecycleDriver()
    driver.ignoresSignal = true
    let open!: () => void
    driver.connectGate = new Promise((resolve) => (open = resolve))
    const p = pool(driver, { connectTimeout: 60 })
    const waiting = p.acquire()
    await until(async () => driver.connecting === 1, 'a connect is under way')
    const disposed = p.dispose()
    await expect(waiting).rejects.toBeInstanceOf(PoolClosedError)
    // Whatever dispose() does without waiting for the engine is done once the event loop turns.
    await new Promise(setImmediate)
    open()
    await disposed
    expect(driver.calls).toEqual(['init', 'connect', 'close'])
    // By the time close ran, the late connection had arrived and been closed.
    expect(driver.closedWith).toEqual({ opened: 1, open: 0 })
  })

  test('the context follows a resize: the engine sees the options as they are now', async () => {
    const driver = new LifecycleDriver()
    const p = pool(driver, { size: 4 })
    await p.start()
    p.resize(2, 0)
    expect(driver.contexts[0]!.options).toMatchObject({ size: 2, maxOverflow: 0 })
    await p.dispose()
  })
})

describe('the connect deadline', () => {
  test('the signal aborts at connectTimeout with the ConnectTimeoutError, and the engine stops there', async () => {
    const driver = new FakeDriver()
    driver.connectGate = new Promise(() => {})
    const p = pool(driver, { connectTimeout: 0.02, timeout: 0.2 })
    const error = await p.acquire().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(PoolTimeoutError)
    const [signal] = driver.signals
    expect(signal!.aborted).toBe(true)
    expect(signal!.reason).toBeInstanceOf(ConnectTimeoutError)
    // The fake stops at each signal: the last retry too ends at its deadline, and no connection ever arrives.
    await until(async () => driver.connecting === 0, 'the last retry ends at its signal')
    expect(driver.signals.every((s) => s.aborted && s.reason instanceof ConnectTimeoutError)).toBe(true)
    expect(driver.connections).toHaveLength(0)
    await p.dispose()
  })

  test('dispose aborts the connects under way with a PoolClosedError', async () => {
    const driver = new FakeDriver()
    driver.connectGate = new Promise(() => {})
    const p = pool(driver, { connectTimeout: 60 })
    const waiting = p.acquire()
    await until(async () => driver.signals.length === 1, 'a connect is under way')
    await p.dispose()
    await expect(waiting).rejects.toBeInstanceOf(PoolClosedError)
    expect(driver.signals[0]!.reason).toBeInstanceOf(PoolClosedError)
    expect(driver.connecting).toBe(0)
  })
})

describe('a concurrency ceiling', () => {
  class BoundedDriver extends FakeDriver {
    concurrencyLimit() {
      return { limit: 3, reason: 'each call runs on one of 3 threads' }
    }
  }

  test('a pool allowed more connections than the engine can serve is lowered to the limit, with a warning that says why', async () => {
    const { warnings } = captureWarnings()
    const driver = new BoundedDriver()
    const p = pool(driver, { size: 2, maxOverflow: 5 })
    await p.start()
    expect(p.options).toMatchObject({ size: 2, maxOverflow: 1 })
    expect(warnings).toHaveLength(1)
    expect(warnings[0]!.message).toContain('fake can serve at most 3 connections at once (each call runs on one of 3 threads)')
    expect(warnings[0]!.message).toContain('lowered from size 2 + maxOverflow 5 to size 2 + maxOverflow 1')
    const held = await Promise.all([p.acquire(), p.acquire(), p.acquire()])
    const fourth = p.acquire()
    await until(async () => p.stats().waiting === 1, 'the fourth caller waits')
    expect(driver.connections).toHaveLength(3)
    for (const checkout of held) await p.release(checkout)
    await p.release(await fourth)
    await p.dispose()
  })

  test('a size above the limit is lowered too; a pool within it is left alone, without a warning', async () => {
    const { warnings } = captureWarnings()
    const big = pool(new BoundedDriver(), { size: 10, maxOverflow: -1 })
    await big.start()
    expect(big.options).toMatchObject({ size: 3, maxOverflow: 0 })
    const fits = pool(new BoundedDriver(), { size: 1, maxOverflow: 2 })
    await fits.start()
    expect(fits.options).toMatchObject({ size: 1, maxOverflow: 2 })
    expect(warnings).toHaveLength(1)
    await big.dispose()
    await fits.dispose()
  })
})

describe('defaults for what an engine leaves out', () => {
  test('the tag is cut to the engine’s tagLength', async () => {
    const driver = Object.assign(new FakeDriver(), { tagLength: 30 })
    const p = pool(driver, { applicationName: 'an-application-with-a-long-name' })
    expect(Buffer.byteLength(p.tag)).toBeLessThanOrEqual(30)
    expect(p.tag).toContain(`/${process.pid}`)
    // With a worker id, the host gives up more than its first 8 characters.
    const worker = identityTag({ application: 'app', host: 'a-long-host-name.example.com', pid: 4_194_304, worker: 'web-worker-12', thread: 7 }, 30)
    expect(Buffer.byteLength(worker)).toBeLessThanOrEqual(30)
    expect(parseTag(worker)).toMatchObject({ pid: 4_194_304, worker: 'web-worker-12', thread: 7 })
    const defaults = pool(new FakeDriver(), { applicationName: 'a'.repeat(40) })
    expect(Buffer.byteLength(defaults.tag)).toBeLessThanOrEqual(63)
    expect(Buffer.byteLength(defaults.tag)).toBeGreaterThan(30)
  })

  test('without connectionLoss, the error kind decides: a closed connection is the server’s loss; an engine’s own verdict stands', () => {
    const driver = new FakeDriver()
    const withoutLoss: EngineDriver = Object.assign(Object.create(driver) as FakeDriver, { connectionLoss: undefined })
    expect(connectionLoss(withoutLoss, new FakeServerError('RESET'))).toBe('server')
    expect(connectionLoss(withoutLoss, new FakeServerError('UNIQUE'))).toBeUndefined()
    expect(connectionLoss(driver, new FakeServerError('RESET', 'connection'))).toBe('connection')
    // "Not a loss" from the engine (a failed side connection, say) is not overruled by its kind, ConnectionClosed.
    expect(connectionLoss(driver, new FakeServerError('RESET'))).toBeUndefined()
  })

  test('without isolationLevels, the four of the SQL standard are accepted and any other is refused before a connection is taken', async () => {
    const fakeDriver = new FakeDriver()
    const driver: EngineDriver = Object.assign(Object.create(fakeDriver) as FakeDriver, { isolationLevels: undefined })
    expect(isolationLevels(driver)).toBe(STANDARD_ISOLATION_LEVELS)
    const adapter = await new PoolAdapterFactory(driver, {}).connect()
    const tx = await adapter.startTransaction('REPEATABLE READ')
    await tx.commit()
    await expect(adapter.startTransaction('SNAPSHOT')).rejects.toBeInstanceOf(DriverAdapterError)
    expect(fakeDriver.connections).toHaveLength(1)
    await adapter.dispose()
  })
})
