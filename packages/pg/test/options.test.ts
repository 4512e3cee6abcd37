import { describe, expect, test } from 'vitest'
import { connectionStringChecks } from '../../../test-support/connection-string.js'
import { PoolOptionError, PrismaPoolPg } from '@prisma-pool/pg'
import { resolvePgOptions } from '../src/options.js'

const url = 'postgres://app:sekret-pw@db.example:6432/shop'

describe('PrismaPoolPg options', () => {
  test('takes a connection string alone, or in the options', () => {
    expect(new PrismaPoolPg(url).status()).toBe('QueuePool postgres://db.example:6432/shop: not connected')
    expect(new PrismaPoolPg({ connectionString: url }).poolOptions.size).toBe(10)
  })

  test('Prisma 6 URL parameters become pool options', () => {
    const adapter = new PrismaPoolPg(`${url}?connection_limit=4&pool_timeout=7&connect_timeout=3&schema=sales&pgbouncer=true`)
    expect(adapter.poolOptions).toMatchObject({ size: 4, maxOverflow: 0, timeout: 7, connectTimeout: 3 })
    expect(adapter.pgbouncer).toBe(true)
  })

  test('the schema parameter becomes the schema Prisma qualifies its tables with', async () => {
    const adapter = new PrismaPoolPg(`${url}?schema=sales`)
    const info = (await adapter.connect()).getConnectionInfo!()
    expect(info).toEqual({ schemaName: 'sales', supportsRelationJoins: true })
  })

  test.each([
    [`${url}?pool_timeout=0`, 'pool_timeout=0 (wait forever) is not supported'],
    [`${url}?connection_limit=5&connection_limit=7`, 'connection string parameter connection_limit is given more than once; keep one.'],
    [`${url}?sslmode=require&sslmode=disable`, 'connection string parameter sslmode is given more than once; keep one.'],
    [`${url}?connect_timeout=abc`, 'connect_timeout=abc must be a number of seconds'],
    [`${url}?connection_limit=0`, 'connection_limit=0 must be a whole number of at least 1'],
    [`${url}?pgbouncer=yes`, 'pgbouncer=yes must be true or false'],
    [`${url}?statement_cache_size=-1`, 'statement_cache_size=-1 must be a whole number from 0 to 10000'],
    [`${url}?sslaccept=accept_invalid_certs`, 'use sslmode=no-verify'],
    [`${url}?poolsize=5`, 'unknown connection string parameter "poolsize"'],
    [`${url}?pool_timeout=3000000`, 'invalid pool (from the connection string) option "timeout": expected a number of seconds greater than 0 (at most 2073600), got 3000000.'],
    [`${url}?keepalives=1`, 'unknown connection string parameter "keepalives"'],
    ['mysql://root@localhost/test', 'must start with postgres:// or postgresql://, not mysql://'],
    ['not a url', 'connectionString does not start with a scheme (postgres:// or postgresql://)'],
    ['postgres://app@[db/app', 'connectionString is not a valid URL'],
  ])('refuses %s', (connectionString, message) => {
    expect(() => new PrismaPoolPg(connectionString)).toThrow(PoolOptionError)
    expect(() => new PrismaPoolPg(connectionString)).toThrow(message)
  })

  connectionStringChecks('PrismaPoolPg', (input) => new PrismaPoolPg(input as never), { scheme: 'postgres', example: 'postgres://user:password@host:5432/database' })

  test('TLS set both by the ssl option and by the connection string is refused: pg would drop the option', () => {
    for (const param of ['sslmode=require', 'sslrootcert=/etc/ca.pem', 'ssl=true']) {
      expect(() => new PrismaPoolPg({ connectionString: `${url}?${param}`, ssl: { ca: 'PEM' } })).toThrow(
        `TLS is set both by the ssl option and by the connection string (${param.split('=')[0]}); keep one.`,
      )
    }
    expect(() => new PrismaPoolPg({ connectionString: url, ssl: { ca: 'PEM' } })).not.toThrow()
  })

  test('a setting given twice, differently, is an error rather than a silent choice', () => {
    expect(() => new PrismaPoolPg({ connectionString: `${url}?connection_limit=4`, pool: { size: 8 } })).toThrow(
      'pool.size is set both in the pool options (8) and by the connection string (4); keep one.',
    )
    expect(() => new PrismaPoolPg({ connectionString: `${url}?schema=a`, schema: 'b' })).toThrow('schema is set both')
  })

  test('pg.Pool options are refused with what to use instead; unknown keys are named', () => {
    expect(() => new PrismaPoolPg({ connectionString: url, max: 20 } as never)).toThrow(
      '"max" is a pg.Pool option; this adapter has its own pool: use pool.size and pool.maxOverflow.',
    )
    expect(() => new PrismaPoolPg({ connectionString: url, hots: 'x' } as never)).toThrow('unknown option "hots"')
    expect(() => new PrismaPoolPg({ connectionString: url, pool: { size: -1 } })).toThrow('invalid pool option "size"')
  })

  test('unknown keys get a suggestion: a typo of a pg field, a pool option written outside pool', () => {
    expect(() => new PrismaPoolPg({ connectionString: url, hots: 'x' } as never)).toThrow('unknown option "hots". Did you mean "host"? Known options: connectionString, pool, schema,')
    expect(() => new PrismaPoolPg({ connectionString: url, size: 5 } as never)).toThrow('unknown option "size". Did you mean "pool.size"?')
    expect(() => new PrismaPoolPg(`${url}?statement_cache_sise=5`)).toThrow('unknown connection string parameter "statement_cache_sise". Did you mean "statement_cache_size"?')
  })

  test('bad values name the option and what it takes', () => {
    expect(() => new PrismaPoolPg({ connectionString: url, statementCacheSize: 20_000 })).toThrow(
      'invalid option "statementCacheSize": expected an integer from 0 to 10000, got 20000.',
    )
    expect(() => new PrismaPoolPg({ connectionString: url, schema: '' })).toThrow('invalid option "schema": expected a non-empty string, got "".')
    expect(() => new PrismaPoolPg(`${url}?schema=`)).toThrow('invalid connection string option "schema": expected a non-empty string, got "".')
  })

  test("socket_timeout and pg's query_timeout are one setting: given both, differently, it is refused", () => {
    expect(resolvePgOptions({ connectionString: `${url}?socket_timeout=2.5` }).client.query_timeout).toBe(2500)
    expect(resolvePgOptions({ connectionString: `${url}?socket_timeout=2`, query_timeout: 2000 }).client.query_timeout).toBe(2000)
    expect(() => new PrismaPoolPg({ connectionString: `${url}?socket_timeout=2`, query_timeout: 5000 })).toThrow(
      'The query timeout is set both by the query_timeout option (5000 ms) and by the connection string parameter socket_timeout (2 s); keep one.',
    )
  })

  test('the target in messages is where pg connects: the connection string wins over separate fields', () => {
    expect(new PrismaPoolPg({ connectionString: url, host: 'elsewhere', port: 1 }).status()).toContain('postgres://db.example:6432/shop')
    expect(new PrismaPoolPg({ host: 'db2', port: 5433, database: 'app' }).status()).toContain('postgres://db2:5433/app')
  })

  test('printing the adapter does not show the password', async () => {
    const { inspect } = await import('node:util')
    const adapter = new PrismaPoolPg({ connectionString: url, password: 'field-secret' })
    expect(inspect(adapter, { depth: 10 })).not.toMatch(/sekret|field-secret/)
  })

  test('no message carries the password', () => {
    const messages: string[] = []
    for (const bad of [`${url}?pool_timeout=0`, `${url}?bogus=1`, `${url}?connection_limit=x`]) {
      try {
        new PrismaPoolPg(bad)
      } catch (error) {
        messages.push((error as Error).message)
      }
    }
    expect(messages).toHaveLength(3)
    for (const message of messages) expect(message).not.toContain('sekret')
    expect(new PrismaPoolPg(url).status()).not.toContain('sekret')
  })
})
