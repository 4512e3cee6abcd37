// What every engine's adapter must refuse when it is created, before any connection: the options an unset
// DATABASE_URL produces, a URL without the // after its scheme, misspelt pool options; and the Prisma 6 pool
// parameters, which every engine reads the same way.
import { expect, test } from 'vitest'
import { PoolOptionError } from '@prisma-pool/core'

export function connectionStringChecks(adapter: string, create: (input: unknown) => unknown, { scheme, example }: { scheme: string; example: string }) {
  test('an unset DATABASE_URL is refused when the adapter is created, naming the option and the variable', () => {
    const unset = process.env.PRISMA_POOL_TEST_UNSET_VARIABLE
    for (const [given, what] of [
      [{ connectionString: unset }, 'connectionString is undefined: is DATABASE_URL'],
      [{ connectionString: '' }, 'connectionString is empty: is DATABASE_URL'],
      [{ connectionString: '  ' }, 'connectionString is blank: is DATABASE_URL'],
      [unset, `${adapter} was given no connection string: is DATABASE_URL`],
      ['', `${adapter} was given an empty connection string: is DATABASE_URL`],
    ] as const) {
      expect(() => create(given), what).toThrow(PoolOptionError)
      expect(() => create(given)).toThrow(what)
    }
    // The message says what to write instead.
    expect(() => create({ connectionString: '' })).toThrow(`Expected a URL such as ${example}.`)
    expect(() => create(unset)).toThrow(', pass {}.')
    // No connection string at all, on purpose: the driver's defaults.
    expect(() => create({})).not.toThrow()
  })

  test('a connection string without // is refused without repeating it (it may hold a password)', () => {
    expect(() => create(`${scheme}:app:sekret@db/app`)).toThrow(`connectionString starts with "${scheme}:" but not "${scheme}://": expected a URL such as ${example}.`)
    expect(() => create(`${scheme}:app:sekret@db/app`)).toThrow(expect.objectContaining({ message: expect.not.stringContaining('sekret') }))
    // A JDBC URL is named as such, not as a scheme missing its //.
    expect(() => create(`jdbc:${scheme}://db:1/app`)).toThrow(`connectionString starts with "jdbc:${scheme}://", which is not a URL for this adapter`)
  })

  test('a pool option misspelt, or written outside pool, is refused with a suggestion', () => {
    expect(() => create({ connectionString: example, pool: { maxOverflw: 1 } })).toThrow('unknown pool option "maxOverflw". Did you mean "maxOverflow"?')
    expect(() => create({ connectionString: example, maxOverflow: 1 })).toThrow('unknown option "maxOverflow". Did you mean "pool.maxOverflow"?')
    expect(() => create('not a url')).toThrow(`connectionString does not start with a scheme (${scheme}://`)
  })

  test('the Prisma 6 pool parameters set the pool options; one set both ways, differently, is refused', () => {
    const created = create(`${example}?connection_limit=4&pool_timeout=7&connect_timeout=3`) as { poolOptions: object }
    expect(created.poolOptions).toMatchObject({ size: 4, maxOverflow: 0, timeout: 7, connectTimeout: 3 })
    expect(() => create({ connectionString: `${example}?pool_timeout=5`, pool: { timeout: 6 } })).toThrow(
      'pool.timeout is set both in the pool options (6) and by the connection string (5); keep one.',
    )
  })
}
