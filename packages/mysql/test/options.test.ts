import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inspect } from 'node:util'
import { describe, expect, test } from 'vitest'
import { connectionStringChecks } from '../../../test-support/connection-string.js'
import { PoolOptionError, PrismaPoolMySql } from '@prisma-pool/mysql'
import { resolveMySqlOptions } from '../src/options.js'

const url = 'mysql://app:sekret-pw@db.example:3307/shop'

describe('PrismaPoolMySql options', () => {
  test('takes a connection string alone or in the options, mysql:// or mariadb://', () => {
    expect(new PrismaPoolMySql(url).status()).toBe('QueuePool mysql://db.example:3307/shop: not connected')
    expect(new PrismaPoolMySql({ connectionString: 'mariadb://root@localhost/test' }).status()).toContain('mysql://localhost:3306/test')
    expect(resolveMySqlOptions(url).connection).toEqual({ host: 'db.example', port: 3307, user: 'app', password: 'sekret-pw', database: 'shop' })
    expect(resolveMySqlOptions('mysql://us%40er:p%2Fw@[::1]/d').connection).toMatchObject({ host: '::1', user: 'us@er', password: 'p/w' })
  })

  test('defaults: the text protocol, no query timeout; a statement cache size asks for prepared statements', () => {
    expect(resolveMySqlOptions(url)).toMatchObject({ preparedStatements: false, queryTimeoutMs: undefined })
    expect(resolveMySqlOptions({ connectionString: url, preparedStatements: true })).toMatchObject({ preparedStatements: true, statementCacheSize: 100 })
    expect(resolveMySqlOptions({ connectionString: url, statementCacheSize: 20 })).toMatchObject({ preparedStatements: true, statementCacheSize: 20 })
  })

  test('Prisma 6 URL parameters become options', () => {
    const adapter = new PrismaPoolMySql(`${url}?connection_limit=4&pool_timeout=7&connect_timeout=3&max_connection_lifetime=60`)
    expect(adapter.poolOptions).toMatchObject({ size: 4, maxOverflow: 0, timeout: 7, connectTimeout: 3, recycle: 60 })
    expect(new PrismaPoolMySql(`${url}?max_connection_lifetime=0`).poolOptions.recycle).toBe(-1)
    expect(resolveMySqlOptions(`${url}?statement_cache_size=20&socket_timeout=2.5`)).toMatchObject({ preparedStatements: true, statementCacheSize: 20, queryTimeoutMs: 2500 })
    expect(resolveMySqlOptions(`${url}?statement_cache_size=0`).preparedStatements).toBe(false)
    expect(resolveMySqlOptions(`${url}?socket=/run/mysqld/mysqld.sock`)).toMatchObject({
      connection: { socketPath: '/run/mysqld/mysqld.sock' },
      target: 'mysql://localhost/shop?socket=/run/mysqld/mysqld.sock',
    })
  })

  test('TLS parameters: sslaccept, sslcert (the CA file), sslidentity and sslpassword', () => {
    const ca = join(tmpdir(), `pp-ca-${process.pid}.pem`)
    writeFileSync(ca, 'CA PEM')
    const { connection } = resolveMySqlOptions(`${url}?sslaccept=accept_invalid_certs&sslcert=${ca}&sslpassword=x`)
    expect(connection.ssl).toEqual({ rejectUnauthorized: false, ca: Buffer.from('CA PEM'), passphrase: 'x' })
    // A checked certificate is checked against the host name too (mysql2 does that only when asked), but not against an
    // IP address, which mysql2 would replace with "localhost".
    expect(resolveMySqlOptions(`${url}?ssl=true`).connection.ssl).toEqual({ verifyIdentity: true })
    expect(resolveMySqlOptions('mysql://root@127.0.0.1/test?ssl=true').connection.ssl).toEqual({})
    expect(resolveMySqlOptions({ connectionString: url, ssl: { ca: 'PEM' } }).connection.ssl).toEqual({ ca: 'PEM', verifyIdentity: true })
    expect(resolveMySqlOptions({ connectionString: url, ssl: { verifyIdentity: false } }).connection.ssl).toEqual({ verifyIdentity: false })
    // TLS from the URL and from the ssl option: one would silently replace the other.
    expect(() => resolveMySqlOptions({ connectionString: `${url}?ssl=true`, ssl: { ca: 'PEM' } })).toThrow(
      'TLS is set both by the ssl option and by the connection string (ssl, sslaccept, sslcert, sslidentity or sslpassword); keep one.',
    )
    expect(() => resolveMySqlOptions(`${url}?sslcert=/nonexistent/ca.pem`)).toThrow('connection string parameter sslcert: cannot read /nonexistent/ca.pem')
  })

  test.each([
    [`${url}?pool_timeout=0`, 'pool_timeout=0 (wait forever) is not supported'],
    [`${url}?ssl=true&ssl=false`, 'connection string parameter ssl is given more than once; keep one.'],
    [`${url}?socket_timeout=x`, 'socket_timeout=x must be a number of seconds'],
    [`${url}?connection_limit=0`, 'connection_limit=0 must be a whole number of at least 1'],
    [`${url}?statement_cache_size=-1`, 'statement_cache_size=-1 must be a whole number'],
    [`${url}?max_idle_connection_lifetime=60`, 'max_idle_connection_lifetime is not supported: connections above pool.size are closed after pool.overflowIdleTimeout'],
    [`${url}?connectionLimit=5`, 'connectionLimit is not supported: use connection_limit, or pool.size and pool.maxOverflow'],
    [`${url}?timezone=Z`, 'every session runs in UTC'],
    [`${url}?sslaccept=maybe`, 'sslaccept=maybe must be strict or accept_invalid_certs'],
    [`${url}?poolsize=5`, 'unknown connection string parameter "poolsize"'],
    ['postgres://root@localhost/test', 'must start with mysql:// or mariadb://, not postgres://'],
    ['not a url', 'connectionString does not start with a scheme (mysql:// or mariadb://)'],
    ['mysql://app@[db/app', 'connectionString is not a valid URL'],
  ])('refuses %s', (connectionString, message) => {
    expect(() => new PrismaPoolMySql(connectionString)).toThrow(PoolOptionError)
    expect(() => new PrismaPoolMySql(connectionString)).toThrow(message)
  })

  connectionStringChecks('PrismaPoolMySql', (input) => new PrismaPoolMySql(input as never), { scheme: 'mysql', example: 'mysql://user:password@host:3306/database' })

  test('a setting given twice, differently, is an error rather than a silent choice', () => {
    expect(() => new PrismaPoolMySql({ connectionString: `${url}?connection_limit=4`, pool: { size: 8 } })).toThrow(
      'pool.size is set both in the pool options (8) and by the connection string (4); keep one.',
    )
    expect(() => new PrismaPoolMySql({ connectionString: `${url}?statement_cache_size=5`, statementCacheSize: 6 })).toThrow(
      'statementCacheSize is set both as an option (6) and by the connection string (5); keep one.',
    )
  })

  test("other pools' options and the settings the adapter fixes are refused with what to use instead", () => {
    expect(() => new PrismaPoolMySql({ connectionString: url, connectionLimit: 20 } as never)).toThrow(
      '"connectionLimit" is an option of another pool; this adapter has its own: use pool.size and pool.maxOverflow.',
    )
    expect(() => new PrismaPoolMySql({ connectionString: url, timezone: 'local' } as never)).toThrow('"timezone" cannot be set: every session runs in UTC')
    expect(() => new PrismaPoolMySql({ connectionString: url, multipleStatements: true } as never)).toThrow('only executeScript runs several statements')
    expect(() => new PrismaPoolMySql({ connectionString: url, hots: 'x' } as never)).toThrow('unknown option "hots"')
    // A suggestion: a typo of a field, a pool option written outside pool.
    expect(() => new PrismaPoolMySql({ connectionString: url, hots: 'x' } as never)).toThrow('Did you mean "host"?')
    expect(() => new PrismaPoolMySql({ connectionString: url, maxOverflow: 5 } as never)).toThrow('unknown option "maxOverflow". Did you mean "pool.maxOverflow"?')
  })

  test('values out of range are refused, naming the option and the range', () => {
    expect(() => new PrismaPoolMySql({ connectionString: url, statementCacheSize: 0 })).toThrow(
      'invalid option "statementCacheSize": expected an integer from 1 to 16382 (to prepare no statements, set preparedStatements: false), got 0.',
    )
    expect(() => new PrismaPoolMySql({ connectionString: url, queryTimeout: -1 })).toThrow('invalid option "queryTimeout": expected a number of seconds greater than 0')
    expect(() => new PrismaPoolMySql({ connectionString: url, preparedStatements: 'no' as never })).toThrow(
      'invalid option "preparedStatements": expected true or false, got "no".',
    )
    // From the connection string: the parameter as written, or the option it sets.
    expect(() => new PrismaPoolMySql(`${url}?statement_cache_size=20000`)).toThrow('statement_cache_size=20000 must be a whole number from 0 to 16382.')
    expect(() => new PrismaPoolMySql(`${url}?socket_timeout=3000000`)).toThrow(
      'invalid connection string option "queryTimeout": expected a number of seconds greater than 0 (at most 2073600), got 3000000.',
    )
    expect(() => new PrismaPoolMySql({ connectionString: url, sessionVariables: { 'a; DROP': 1 } })).toThrow('sessionVariables: "a; DROP" is not a variable name.')
    expect(() => new PrismaPoolMySql({ connectionString: url, sessionVariables: { time_zone: 'SYSTEM' } })).toThrow('sessionVariables: time_zone is set by the adapter')
    expect(() => new PrismaPoolMySql({ connectionString: url, sessionVariables: { x: NaN } })).toThrow('sessionVariables.x must be a string, a finite number or a boolean.')
  })

  test('contradictions and malformed values are refused rather than silently resolved', () => {
    expect(() => new PrismaPoolMySql({ connectionString: url, flags: ['MULTI_STATEMENTS'] } as never)).toThrow('"flags" cannot be set')
    expect(() => new PrismaPoolMySql({ connectionString: url, sessionVariables: { sql_mode: 'A\\B' } })).toThrow('sessionVariables.sql_mode must not contain a backslash.')
    expect(() => new PrismaPoolMySql({ host: 'h', port: 'abc' as never })).toThrow('invalid option "port": expected an integer from 1 to 65535, got "abc".')
    expect(() => new PrismaPoolMySql({ connectionString: url, preparedStatements: false, statementCacheSize: 5 })).toThrow('statementCacheSize has no effect with preparedStatements: false')
    expect(() => new PrismaPoolMySql(`${url}?ssl=false&sslaccept=strict`)).toThrow('ssl=false contradicts its other ssl parameters')
    expect(() => new PrismaPoolMySql({ connectionString: url, database: 'other' })).toThrow('database is set both as an option and by the connection string; keep one.')
    expect(() => new PrismaPoolMySql('mysql://app:50%@db/shop')).toThrow('connectionString: the password is not valid URL encoding (write % as %25).')
    expect(new PrismaPoolMySql('mysql://root@[::1]:3307/shop').status()).toContain('mysql://[::1]:3307/shop')
  })

  test('neither printing the adapter nor any message shows the password', () => {
    expect(inspect(new PrismaPoolMySql(url), { depth: 10 })).not.toContain('sekret')
    expect(inspect(new PrismaPoolMySql({ host: 'db', password: 'field-secret' }), { depth: 10 })).not.toContain('field-secret')
    expect(() => new PrismaPoolMySql({ connectionString: url, password: 'field-secret' })).toThrow(/^(?!.*(sekret|field-secret)).*keep one/)
    const messages: string[] = []
    for (const bad of [`${url}?pool_timeout=0`, `${url}?bogus=1`, `${url}?connection_limit=x`]) {
      try {
        new PrismaPoolMySql(bad)
      } catch (error) {
        messages.push((error as Error).message)
      }
    }
    expect(messages).toHaveLength(3)
    for (const message of messages) expect(message).not.toContain('sekret')
  })
})
