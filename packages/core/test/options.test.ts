import { afterEach, describe, expect, test } from 'vitest'
import { PoolOptionError, poolDefaults, resolvePoolOptions, setup, validatePoolOptions } from '@prisma-pool/core'

describe('pool options', () => {
  const builtIn = poolDefaults()
  afterEach(() => {
    setup(builtIn)
  })

  test('defaults are those of django-db-connection-pool / SQLAlchemy QueuePool', () => {
    expect(resolvePoolOptions({})).toEqual({
      size: 10,
      maxOverflow: 10,
      timeout: 30,
      recycle: 900,
      prePing: true,
      prePingAfterIdle: 1,
      resetOnReturn: 'rollback',
      overflowIdleTimeout: 10,
      connectTimeout: 10,
      pingTimeout: 1,
      unansweredCheck: 5,
      disposeTimeout: 5,
      applicationName: 'prisma-pool',
      workers: 'auto',
      budgetPolicy: 'warn',
      leakDetectionThreshold: 0,
    })
  })

  test.each([
    [{ size: -1 }, 'invalid pool option "size": expected an integer from 0 to 100000, got -1.'],
    [{ size: 2.5 }, 'invalid pool option "size": expected an integer from 0 to 100000, got 2.5.'],
    [{ size: '10' }, 'invalid pool option "size": expected an integer from 0 to 100000, got "10".'],
    [{ maxOverflow: -2 }, 'invalid pool option "maxOverflow": expected an integer from 0 to 100000, or -1 for no limit, got -2.'],
    [{ timeout: 0 }, 'invalid pool option "timeout": expected a number of seconds greater than 0 (at most 2073600), got 0.'],
    [{ timeout: Number.NaN }, 'invalid pool option "timeout": expected a number of seconds greater than 0 (at most 2073600), got NaN.'],
    [{ recycle: 0 }, 'invalid pool option "recycle": expected a number of seconds greater than 0 (at most 2073600), or -1 for never, got 0.'],
    [{ prePing: 'yes' }, 'invalid pool option "prePing": expected true or false, got "yes".'],
    [{ resetOnReturn: 'discard' }, `invalid pool option "resetOnReturn": expected 'rollback', 'commit' or 'none', got "discard".`],
    [{ connectTimeout: Infinity }, 'invalid pool option "connectTimeout": expected a number of seconds greater than 0 (at most 2073600), got Infinity.'],
    [{ applicationName: '' }, 'invalid pool option "applicationName": expected a non-empty string of printable ASCII characters, at most 40, got "".'],
    [{ applicationName: 'caf\u00e9' }, 'invalid pool option "applicationName": expected a non-empty string of printable ASCII characters, at most 40, got "caf\u00e9".'],
    [{ workers: 0 }, `invalid pool option "workers": expected an integer from 1 to 100000, or 'auto', got 0.`],
    [{ budgetPolicy: 'ignore' }, `invalid pool option "budgetPolicy": expected 'error', 'warn', 'fit' or 'off', got "ignore".`],
    [{ leakDetectionThreshold: -1 }, 'invalid pool option "leakDetectionThreshold": expected a number of seconds from 0 (off) to 2073600, got -1.'],
  ])('rejects %o naming the key and the allowed range', (options, message) => {
    expect(() => validatePoolOptions(options)).toThrow(new PoolOptionError(message))
  })

  test.each([
    ['pool_size', 'size'],
    ['max_overflow', 'maxOverflow'],
    ['POOL_RECYCLE', 'recycle'],
    ['pre_ping', 'prePing'],
    ['idleTimeoutMillis', 'overflowIdleTimeout'],
    ['application_name', 'applicationName'],
    ['leak_detection_threshold', 'leakDetectionThreshold'],
  ])('rejects the unknown key %s and suggests %s', (key, suggestion) => {
    expect(() => validatePoolOptions({ [key]: 1 })).toThrow(`unknown pool option "${key}". Did you mean "${suggestion}"?`)
  })

  test('an unknown key without a likely meaning lists the known options', () => {
    expect(() => validatePoolOptions({ colour: 'blue' })).toThrow(
      'unknown pool option "colour". Known options: size, maxOverflow, timeout, recycle, prePing, prePingAfterIdle, resetOnReturn, overflowIdleTimeout, connectTimeout, pingTimeout, unansweredCheck, disposeTimeout, applicationName, workers, budgetPolicy, leakDetectionThreshold.',
    )
  })

  test('rejects a pool that allows no connection', () => {
    expect(() => resolvePoolOptions({ size: 0, maxOverflow: 0 })).toThrow('size 0 with maxOverflow 0 allows no connection')
  })

  test('messages carry the prisma-pool prefix and the error class', () => {
    const error = (() => {
      try {
        validatePoolOptions({ size: -1 })
      } catch (e) {
        return e
      }
    })()
    expect(error).toBeInstanceOf(PoolOptionError)
    expect((error as Error).message).toMatch(/^prisma-pool: /)
  })

  test('setup() changes the defaults of pools created afterwards and returns the previous ones', () => {
    const previous = setup({ size: 100, maxOverflow: 50 })
    expect(previous).toEqual(builtIn)
    expect(resolvePoolOptions({})).toMatchObject({ size: 100, maxOverflow: 50, timeout: 30 })
    expect(resolvePoolOptions({ size: 5 })).toMatchObject({ size: 5, maxOverflow: 50 })
    setup({ timeout: 5 })
    expect(poolDefaults()).toMatchObject({ size: 100, maxOverflow: 50, timeout: 5 })
    setup(previous)
    expect(poolDefaults()).toEqual(builtIn)
  })

  test('setup() validates like the pool does and changes nothing on error', () => {
    expect(() => setup({ size: -1 })).toThrow('invalid setup() option "size"')
    expect(() => setup({ pool_size: 5 } as never)).toThrow('unknown setup() option "pool_size". Did you mean "size"?')
    expect(poolDefaults()).toEqual(builtIn)
  })
})
