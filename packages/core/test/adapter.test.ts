import { DriverAdapterError, type SqlQuery } from '@prisma/driver-adapter-utils'
import { describe, expect, test } from 'vitest'
import { PoolAdapterFactory, type PoolAdapter } from '../src/adapter.js'
import { PoolClosedError, PoolOptionError } from '../src/errors.js'
import { until } from '../../../test-support/until.js'
import { captureWarnings } from '../../../test-support/warnings.js'
import { FakeDriver, FakeServerError } from './fake-driver.js'

const q = (sql: string): SqlQuery => ({ sql, args: [], argTypes: [] })

async function connect(pool = {}) {
  const driver = new FakeDriver()
  const factory = new PoolAdapterFactory(driver, pool)
  const adapter = (await factory.connect()) as PoolAdapter
  return { driver, factory, adapter }
}

describe('PoolAdapter', () => {
  test('connections are opened lazily, unless the connection info depends on the server', async () => {
    const lazy = await connect()
    expect(lazy.driver.connections).toHaveLength(0)
    await lazy.adapter.dispose()

    const driver = Object.assign(new FakeDriver(), { connectionInfoFromServer: true })
    const adapter = (await new PoolAdapterFactory(driver, {}).connect()) as PoolAdapter
    expect(driver.connections).toHaveLength(1)
    expect(adapter.pool.stats()).toMatchObject({ open: 1, idle: 1 })
    await adapter.dispose()
  })

  test('when that first connection fails, connect() still succeeds and the first query reports the failure', async () => {
    const driver = Object.assign(new FakeDriver(), { connectionInfoFromServer: true })
    driver.connectError = new FakeServerError('REFUSED')
    const adapter = (await new PoolAdapterFactory(driver, { timeout: 0.1 }).connect()) as PoolAdapter
    // A refusal is retried for as long as the caller waits (timeout), then reported with it as the cause.
    await expect(adapter.queryRaw(q('SELECT 1'))).rejects.toMatchObject({ name: 'PoolTimeoutError', cause: driver.connectError })
    // Nobody waits: the retries stop. (A caller arriving during them would wait for the next, up to 1 s away.)
    await until(async () => adapter.pool.stats().connecting === 0, 'the retries stopped')
    driver.connectError = undefined
    await expect(adapter.queryRaw(q('SELECT 1'))).resolves.toBeDefined()
    await adapter.dispose()
  })

  test('a statement without an answer is failed once the server says its session runs nothing; one still running is left alone', async () => {
    const { warnings } = captureWarnings()
    const driver = new FakeDriver()
    const adapter = (await new PoolAdapterFactory(driver, { unansweredCheck: 0.05 }).connect()) as PoolAdapter
    await adapter.queryRaw(q('SELECT 1'))
    const conn = driver.connections[0]!
    conn.sessionId = 7
    conn.hangNext = true
    const waiting = adapter.queryRaw(q('SELECT pg_sleep(60)'))
    // A slow statement: the server says it runs it, every time it is asked.
    await until(async () => driver.checkedSessions.length >= 2, 'the server was asked twice')
    expect(conn.closed).toBe(false)
    driver.sessionState = 'idle'
    await expect(waiting).rejects.toMatchObject({ cause: { kind: 'ConnectionClosed' } })
    expect(driver.checkedSessions.every((id) => id === 7)).toBe(true)
    await until(async () => driver.endedSessions.length === 1, "the server's side is ended")
    expect(driver.endedSessions).toEqual([7])
    expect(warnings.map((w) => w.message)).toEqual([expect.stringContaining('(server session 7) had no answer for')])
    // The next statement runs on a new connection.
    await adapter.queryRaw(q('SELECT 1'))
    expect(driver.connections).toHaveLength(2)
    expect(adapter.pool.stats().totals).toMatchObject({ destroyed: 1 })
    await adapter.dispose()
  })

  test('bad pool options fail when the factory is created, before any connection', () => {
    const driver = new FakeDriver()
    expect(() => new PoolAdapterFactory(driver, { size: -3 })).toThrow(PoolOptionError)
    expect(driver.connections).toHaveLength(0)
  })

  test('each query checks a connection out and back in', async () => {
    const { adapter, driver } = await connect()
    await Promise.all([adapter.queryRaw(q('SELECT 1')), adapter.executeRaw(q('UPDATE x')), adapter.executeScript('A; B')])
    expect(adapter.pool.stats()).toMatchObject({ checkedOut: 0, totals: { checkouts: 3 } })
    expect(driver.connections.flatMap((c) => c.log)).toEqual(expect.arrayContaining(['SELECT 1', 'UPDATE x', 'A; B']))
    await adapter.dispose()
  })

  test('driver errors become DriverAdapterError with the mapped kind; others pass unchanged', async () => {
    const { adapter, driver } = await connect()
    await adapter.queryRaw(q('SELECT 1'))
    driver.connections[0]!.failNext = new FakeServerError('UNIQUE')
    const mapped = await adapter.executeRaw(q('INSERT')).catch((e: unknown) => e)
    expect(mapped).toBeInstanceOf(DriverAdapterError)
    expect((mapped as DriverAdapterError).cause).toMatchObject({ kind: 'UniqueConstraintViolation', originalCode: 'UNIQUE' })
    const plain = new TypeError('not a driver error')
    driver.connections[0]!.failNext = plain
    await expect(adapter.executeRaw(q('INSERT'))).rejects.toBe(plain)
    expect(driver.connections[0]!.closed).toBe(false)
    await adapter.dispose()
  })

  test('a query that loses its connection closes it; the next query gets a new one', async () => {
    const { adapter, driver } = await connect()
    await adapter.queryRaw(q('SELECT 1'))
    driver.connections[0]!.failNext = new FakeServerError('RESET', 'server')
    await expect(adapter.queryRaw(q('SELECT 1'))).rejects.toBeInstanceOf(DriverAdapterError)
    expect(driver.connections[0]!.closed).toBe(true)
    const result = await adapter.queryRaw(q('SELECT 1'))
    expect(result.rows).toEqual([[driver.connections[1]!.id]])
    await adapter.dispose()
  })

  test('a transaction pins one connection, sends its own COMMIT and returns the connection once, refusing a late rollback', async () => {
    const { adapter, driver } = await connect({ size: 1, maxOverflow: 0 })
    const tx = await adapter.startTransaction('SERIALIZABLE')
    expect(tx.options.usePhantomQuery).toBe(true)
    await tx.executeRaw(q('UPDATE a'))
    await tx.createSavepoint!('prisma_sp_0')
    await tx.rollbackToSavepoint!('prisma_sp_0')
    await tx.releaseSavepoint!('prisma_sp_0')
    expect(adapter.pool.stats().checkedOut).toBe(1)
    // A second commit waits for the first; a rollback after it is refused: one release, no stray statement.
    const [, rollback] = await Promise.allSettled([tx.commit(), tx.rollback(), tx.commit()])
    expect(rollback).toMatchObject({ status: 'rejected', reason: { cause: { kind: 'TransactionAlreadyClosed', cause: 'the transaction has already been committed' } } })
    expect(driver.connections[0]!.log).toEqual([
      'BEGIN SERIALIZABLE',
      'UPDATE a',
      'SAVEPOINT prisma_sp_0',
      'ROLLBACK TO prisma_sp_0',
      'RELEASE prisma_sp_0',
      'COMMIT',
    ])
    expect(adapter.pool.stats()).toMatchObject({ checkedOut: 0, idle: 1 })
    await adapter.dispose()
  })

  test('a rollback while a statement of the transaction still runs interrupts it first', async () => {
    const { adapter, driver } = await connect({ size: 1, maxOverflow: 0 })
    const tx = await adapter.startTransaction()
    driver.connections[0]!.hangNext = true
    const blocked = tx.queryRaw(q('UPDATE locked')).catch((e: DriverAdapterError) => e.cause)
    await tx.rollback()
    expect(await blocked).toEqual({
      kind: 'TransactionAlreadyClosed',
      cause: 'the transaction was rolled back (by its timeout, or a rollback) while this statement ran; the statement was cancelled',
    })
    expect(driver.connections[0]!.log).toEqual(['BEGIN', 'UPDATE locked', 'CANCEL', 'ROLLBACK'])
    expect(adapter.pool.stats()).toMatchObject({ checkedOut: 0, idle: 1 })
    await adapter.dispose()
  })

  test('a finished transaction refuses further queries instead of using a connection someone else may hold', async () => {
    const { adapter } = await connect()
    const tx = await adapter.startTransaction()
    await tx.rollback()
    const error = await tx.queryRaw(q('SELECT 1')).catch((e: unknown) => e)
    expect((error as DriverAdapterError).cause).toMatchObject({ kind: 'TransactionAlreadyClosed' })
    await adapter.dispose()
  })

  test('a failed COMMIT still returns the connection, reset', async () => {
    const { adapter, driver } = await connect({ size: 1, maxOverflow: 0 })
    const tx = await adapter.startTransaction()
    driver.connections[0]!.failNext = new FakeServerError('UNIQUE')
    await expect(tx.commit()).rejects.toBeInstanceOf(DriverAdapterError)
    expect(driver.connections[0]!.log.at(-1)).toBe('ROLLBACK')
    expect(adapter.pool.stats()).toMatchObject({ checkedOut: 0, idle: 1 })
    await adapter.dispose()
  })

  test('a BEGIN that fails returns its connection', async () => {
    const { adapter, driver } = await connect({ size: 1, maxOverflow: 0 })
    await adapter.queryRaw(q('SELECT 1'))
    driver.connections[0]!.failNext = new FakeServerError('RESET', 'server')
    await expect(adapter.startTransaction()).rejects.toBeInstanceOf(DriverAdapterError)
    expect(adapter.pool.stats()).toMatchObject({ checkedOut: 0 })
    await adapter.queryRaw(q('SELECT 1'))
    await adapter.dispose()
  })

  test('an isolation level the engine lacks is refused before a connection is taken', async () => {
    const { adapter } = await connect()
    const error = await adapter.startTransaction('SNAPSHOT').catch((e: unknown) => e)
    expect((error as DriverAdapterError).cause).toEqual({ kind: 'InvalidIsolationLevel', level: 'SNAPSHOT' })
    expect(adapter.pool.stats().totals.checkouts).toBe(0)
    await adapter.dispose()
  })

  test('savepoint names that are not plain identifiers are refused', async () => {
    const { adapter, driver } = await connect()
    const tx = await adapter.startTransaction()
    await expect(tx.createSavepoint!('x; DROP TABLE users')).rejects.toBeInstanceOf(DriverAdapterError)
    expect(driver.connections[0]!.log).toEqual(['BEGIN'])
    await tx.rollback()
    await adapter.dispose()
  })

  test('clients connected through one factory share its pool; the last dispose closes it and a new connect opens another', async () => {
    const driver = new FakeDriver()
    const factory = new PoolAdapterFactory(driver, {})
    const one = (await factory.connect()) as PoolAdapter
    const two = (await factory.connect()) as PoolAdapter
    expect(one.pool).toBe(two.pool)
    await one.queryRaw(q('SELECT 1'))
    await one.dispose()
    await one.dispose()
    expect(one.pool.closed).toBe(false)
    await two.queryRaw(q('SELECT 1'))
    await two.dispose()
    expect(two.pool.closed).toBe(true)
    expect(driver.open).toHaveLength(0)
    await expect(two.queryRaw(q('SELECT 1'))).rejects.toBeInstanceOf(PoolClosedError)
    expect(factory.status()).toMatch(/, disposed$/)
    const three = (await factory.connect()) as PoolAdapter
    expect(three.pool).not.toBe(one.pool)
    await three.queryRaw(q('SELECT 1'))
    expect(factory.stats()).toMatchObject({ open: 1 })
    await three.dispose()
  })
})
