import { afterEach, describe, expect, test } from 'vitest'
import {
  checkAdapterInput,
  mergeFromUrl,
  mergeUrlPoolOptions,
  parseConnectionUrl,
  POOL_PARAMS,
  readParams,
  urlBoolean,
  urlInteger,
  urlOneOf,
  urlSeconds,
  type ConnectionStringSpec,
  type ParamRules,
} from '../src/connection-string.js'
import { PoolOptionError } from '../src/errors.js'
import { agreedSource, checkOptions, rule, suggestName, type OptionTable } from '../src/option-rules.js'
import { NESTED_POOL_ALIASES, poolDefaults, resolvePoolOptions, setup, validatePoolOptions } from '../src/options.js'

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
    // SQLAlchemy's create_engine() spelling: a pool_ prefix on any option.
    ['pool_max_overflow', 'maxOverflow'],
    ['pool_reset_on_return', 'resetOnReturn'],
    ['pool_timeout', 'timeout'],
    ['pool_pre_ping', 'prePing'],
  ])('rejects the unknown key %s and suggests %s', (key, suggestion) => {
    expect(() => validatePoolOptions({ [key]: 1 })).toThrow(`unknown pool option "${key}". Did you mean "${suggestion}"?`)
  })

  test.each([
    ['maxOverflw', 'maxOverflow'],
    ['MAX_OVERFLOW', 'maxOverflow'],
    ['prePingAfterIdel', 'prePingAfterIdle'],
    ['budget_policy', 'budgetPolicy'],
  ])('a typo or another spelling of a known key, %s, suggests %s', (key, suggestion) => {
    expect(() => validatePoolOptions({ [key]: 1 })).toThrow(`unknown pool option "${key}". Did you mean "${suggestion}"? Known options: size,`)
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

/** A made-up engine, to show the mechanism as an engine package uses it. */
const ENGINE: OptionTable = {
  scope: '',
  where: 'as an option',
  rules: {
    connectionString: rule.any,
    host: rule.any,
    password: { ...rule.any, secret: true },
    port: rule.integer(1, 65535),
    cacheSize: rule.integer(0, 50),
    mode: rule.oneOf('fast', 'safe'),
  },
  aliases: { ...NESTED_POOL_ALIASES, hostname: 'host' },
  refused: { poolMax: 'is an option of another pool: use pool.size' },
}
type EngineSettings = { cacheSize: number; mode: 'fast' | 'safe'; tls: boolean }
const ENGINE_PARAMS: ParamRules<EngineSettings> = {
  ...POOL_PARAMS,
  cache_size: { options: (text, name) => ({ cacheSize: urlInteger(0, 50)(text, name) }) },
  mode: { options: (text, name) => ({ mode: urlOneOf('fast', 'safe')(text, name) }) },
  tls: { options: (text, name) => ({ tls: urlBoolean(text, name) }) },
  sslmode: { driver: true },
  keepalive: { refused: 'use the keepAlive option instead' },
}
const SPEC: ConnectionStringSpec = { adapter: 'EngineAdapter', schemes: ['eng', 'engine'], example: 'eng://user:password@host/db', defaults: 'the defaults' }

describe('the option mechanism, as an engine uses it', () => {
  test('unknown keys get a suggestion (an alias, a typo, a pool option written at the top level) and the known keys', () => {
    expect(() => checkOptions(ENGINE, { hots: 'x' })).toThrow(
      'unknown option "hots". Did you mean "host"? Known options: connectionString, host, password, port, cacheSize, mode.',
    )
    expect(() => checkOptions(ENGINE, { hostname: 'x' })).toThrow('Did you mean "host"?')
    expect(() => checkOptions(ENGINE, { maxOverflow: 5 })).toThrow('unknown option "maxOverflow". Did you mean "pool.maxOverflow"?')
    expect(() => checkOptions(ENGINE, { colour: 'blue' })).toThrow(/^prisma-pool: unknown option "colour"\. Known options:/)
  })

  test('refused keys say what to use instead; bad values what is allowed, without a secret value', () => {
    expect(() => checkOptions(ENGINE, { poolMax: 5 })).toThrow(new PoolOptionError('"poolMax" is an option of another pool: use pool.size.'))
    expect(() => checkOptions(ENGINE, { port: 'abc' })).toThrow(new PoolOptionError('invalid option "port": expected an integer from 1 to 65535, got "abc".'))
    expect(() => checkOptions(ENGINE, { mode: 'slow' })).toThrow(`invalid option "mode": expected 'fast' or 'safe', got "slow".`)
    const secret: OptionTable = { scope: 'test', where: 'here', rules: { password: { ...rule.string, secret: true } } }
    expect(() => checkOptions(secret, { password: '' })).toThrow(new PoolOptionError('invalid test option "password": expected a non-empty string, got string.'))
    expect(checkOptions(ENGINE, { host: 'h', port: undefined })).toEqual({ host: 'h' })
  })

  test('suggestions stay away from unrelated names', () => {
    expect(suggestName('size', ['sizes', 'site'])).toBe('sizes')
    expect(suggestName('abc', ['abd'])).toBeUndefined()
    expect(suggestName('colour', ['column', 'color'])).toBe('color')
    expect(suggestName('timeout', ['size', 'recycle'])).toBeUndefined()
  })

  test('parameters become pool options and engine settings; the driver keeps its own; others are refused or unknown', () => {
    const url = parseConnectionUrl('eng://u:pw@h/db?connection_limit=3&cache_size=7&sslmode=require&tls=true', SPEC)
    const read = readParams(url, ENGINE_PARAMS)
    expect(read.pool).toEqual({ size: 3, maxOverflow: 0 })
    expect(read.options).toEqual({ cacheSize: 7, tls: true })
    expect(read.url.toString()).toBe('eng://u:pw@h/db?sslmode=require')
    const refuse = (query: string) => () => readParams(new URL(`eng://h/db?${query}`), ENGINE_PARAMS)
    expect(refuse('keepalive=1')).toThrow(new PoolOptionError('connection string parameter keepalive is not supported: use the keepAlive option instead.'))
    expect(refuse('cache_sise=1')).toThrow(
      'unknown connection string parameter "cache_sise". Did you mean "cache_size"? Known: connection_limit, pool_timeout, connect_timeout, cache_size, mode, tls, sslmode.',
    )
    expect(refuse('cache_size=51')).toThrow('connection string parameter cache_size=51 must be a whole number from 0 to 50.')
    expect(refuse('mode=slow')).toThrow('connection string parameter mode=slow must be fast or safe.')
    expect(refuse('tls=yes')).toThrow('connection string parameter tls=yes must be true or false.')
    expect(refuse('pool_timeout=0')).toThrow('pool_timeout=0 (wait forever) is not supported: a wait without end hides the problem. Remove it to use the default, or set pool.timeout')
  })

  test('the parsers take what they say and nothing else', () => {
    expect(urlSeconds('x')('2.5', 'p')).toBe(2.5)
    for (const text of ['', ' ', '-1', 'abc', 'Infinity']) expect(() => urlSeconds('x')(text, 'p')).toThrow(`p=${text} must be a number of seconds.`)
    expect(urlInteger(1)('4', 'p')).toBe(4)
    for (const text of ['0', '1.5', '', 'x']) expect(() => urlInteger(1)(text, 'p')).toThrow(`p=${text} must be a whole number of at least 1.`)
    expect(urlBoolean('false', 'p')).toBe(false)
  })

  test('connection strings: the adapter\'s schemes, each parameter once, and messages that name no other engine', () => {
    expect(() => parseConnectionUrl('other://h/db', SPEC)).toThrow(new PoolOptionError('connectionString must start with eng:// or engine://, not other:// (use the adapter for that engine).'))
    expect(() => parseConnectionUrl('eng://h/db?mode=a&mode=b', SPEC)).toThrow('connection string parameter mode is given more than once; keep one.')
    expect(() => parseConnectionUrl('eng://u@[h/db', SPEC)).toThrow('connectionString is not a valid URL; expected a URL such as eng://user:password@host/db.')
    expect(() => checkAdapterInput({ connectionString: 'no scheme' }, SPEC)).toThrow(
      new PoolOptionError('connectionString does not start with a scheme (eng:// or engine://): expected a URL such as eng://user:password@host/db.'),
    )
  })

  test('a setting given as an option and by the connection string: checked, and two different values refused', () => {
    expect(mergeFromUrl<{ cacheSize?: number; mode?: string }>(ENGINE, { cacheSize: 5, mode: undefined }, { cacheSize: 5, mode: 'safe' })).toEqual({ cacheSize: 5, mode: 'safe' })
    expect(() => mergeFromUrl(ENGINE, { cacheSize: 5 }, { cacheSize: 6 })).toThrow(
      new PoolOptionError('cacheSize is set both as an option (5) and by the connection string (6); keep one.'),
    )
    expect(() => mergeFromUrl(ENGINE, { password: 'a-secret' }, { password: 'b-secret' })).toThrow(
      new PoolOptionError('password is set both as an option and by the connection string; keep one.'),
    )
    expect(() => mergeFromUrl(ENGINE, {}, { cacheSize: 99 })).toThrow(
      'invalid connection string option "cacheSize": expected an integer from 0 to 50, got 99.',
    )
    expect(() => mergeUrlPoolOptions({ size: 8 }, { size: 4, maxOverflow: 0 })).toThrow(
      'pool.size is set both in the pool options (8) and by the connection string (4); keep one.',
    )
    expect(() => mergeUrlPoolOptions({}, { timeout: 3_000_000 })).toThrow('invalid pool (from the connection string) option "timeout"')
  })

  test('one setting from several places: the first one given, if the others agree', () => {
    const sources = (a?: string, b?: string, c?: string) => [
      { where: 'in the pool options', value: a },
      { where: 'as a field', value: b },
      { where: 'by the connection string', value: c },
    ]
    expect(agreedSource('name', sources(undefined, 'x', 'x'))).toMatchObject({ where: 'as a field', value: 'x' })
    expect(agreedSource('name', sources())).toBeUndefined()
    expect(() => agreedSource('name', sources('x', undefined, 'y'))).toThrow(
      new PoolOptionError('name is set both in the pool options (x) and by the connection string (y); keep one.'),
    )
  })
})
