// PrismaPoolOracle's options: where to connect (an oracle:// URL or node-oracledb's connect string), who as, the schema,
// the pool, and the messages for what is wrong, none of them with the password.
import { inspect } from 'node:util'
import { describe, expect, test } from 'vitest'
import { PoolOptionError } from '@prisma-pool/core'
import { PrismaPoolOracle } from '../src/index.js'
import { resolveOracleOptions, targetOf, type PrismaPoolOracleOptions } from '../src/options.js'

const PASSWORD = 'pw-S3cret%/'
const ENCODED = encodeURIComponent(PASSWORD)

/** The message of what `options` throws, checked to be a PoolOptionError without the password. */
function refusal(options: PrismaPoolOracleOptions | string | undefined): string {
  try {
    resolveOracleOptions(options)
  } catch (error) {
    expect(error).toBeInstanceOf(PoolOptionError)
    const { message } = error as Error
    expect(message).not.toContain(PASSWORD)
    expect(message).not.toContain(ENCODED)
    return message
  }
  throw new Error('the options were accepted')
}

describe('where to connect', () => {
  test('an oracle:// URL: credentials, Easy Connect string, schema and Prisma 6\'s pool parameters', () => {
    const resolved = resolveOracleOptions({
      url: `oracle://app:${ENCODED}@db.example.com:1522/FREEPDB1?schema=APP&connection_limit=5&pool_timeout=7&connect_timeout=3`,
    })
    expect(resolved).toEqual({
      connection: { user: 'app', password: PASSWORD, connectString: 'db.example.com:1522/FREEPDB1' },
      schema: 'APP',
      schemaFrom: "the url's schema parameter",
      emptyStrings: 'error',
      pool: { size: 5, maxOverflow: 0, timeout: 7, connectTimeout: 3 },
      target: 'oracle://db.example.com:1522/FREEPDB1',
    })
  })

  test('schema public (any case), PostgreSQL\'s default, is the session\'s own schema, as the translator reads it', () => {
    for (const schema of ['public', 'PUBLIC', 'Public']) {
      expect(resolveOracleOptions(`oracle://app:${ENCODED}@h/S?schema=${schema}`)).toMatchObject({ schema: undefined })
      expect(resolveOracleOptions({ connectString: 'h/S', user: 'u', password: PASSWORD, schema })).toMatchObject({ schema: undefined })
      expect(resolveOracleOptions({ connectString: 'h/S', user: 'u', password: PASSWORD, schema }).schemaFrom).toBeUndefined()
    }
    expect(resolveOracleOptions({ connectString: 'h/S', user: 'u', password: PASSWORD, schema: 'APP' })).toMatchObject({ schema: 'APP', schemaFrom: 'the schema option' })
  })

  test("emptyStrings: 'error' by default, or 'null'", () => {
    expect(resolveOracleOptions({ connectString: 'h/S', user: 'u', password: PASSWORD }).emptyStrings).toBe('error')
    expect(resolveOracleOptions({ connectString: 'h/S', user: 'u', password: PASSWORD, emptyStrings: 'null' }).emptyStrings).toBe('null')
    expect(refusal({ connectString: 'h/S', user: 'u', password: PASSWORD, emptyStrings: 'empty' as never })).toContain(`invalid option "emptyStrings": expected 'error' or 'null'`)
  })

  test('the URL\'s defaults, TLS and IPv6', () => {
    expect(resolveOracleOptions(`oracle://app:${ENCODED}@db/ORCL`).connection.connectString).toBe('db:1521/ORCL')
    expect(resolveOracleOptions(`oracle://app:${ENCODED}@db:2484/ORCL?ssl=true`).connection.connectString).toBe('tcps://db:2484/ORCL')
    expect(resolveOracleOptions(`oracle://app:${ENCODED}@[::1]:1521/ORCL`)).toMatchObject({ connection: { connectString: '[::1]:1521/ORCL' }, target: 'oracle://[::1]:1521/ORCL' })
  })

  test('node-oracledb\'s connect string, as it is, with the attributes of Thin mode passed on', () => {
    const resolved = resolveOracleOptions({
      connectString: 'tcps://adb.eu-frankfurt-1.oraclecloud.com:1522/abc_high.adb.oraclecloud.com',
      user: 'ADMIN',
      password: PASSWORD,
      walletLocation: '/opt/wallet',
      walletPassword: 'wallet-pw',
      sslServerDNMatch: true,
      privilege: 'SYSDBA',
      expireTime: 2,
    })
    expect(resolved.connection).toEqual({
      connectString: 'tcps://adb.eu-frankfurt-1.oraclecloud.com:1522/abc_high.adb.oraclecloud.com',
      user: 'ADMIN',
      password: PASSWORD,
      walletLocation: '/opt/wallet',
      walletPassword: 'wallet-pw',
      sslServerDNMatch: true,
      privilege: 2,
      expireTime: 2,
    })
    expect(resolved.target).toBe('oracle://adb.eu-frankfurt-1.oraclecloud.com:1522/abc_high.adb.oraclecloud.com')
  })

  test('a string is a URL when it has a scheme, else a connect string', () => {
    expect(resolveOracleOptions(`oracle://app:${ENCODED}@h:1521/S`).connection.connectString).toBe('h:1521/S')
    expect(refusal('db.example.com:1521/FREEPDB1')).toContain('needs a user')
  })

  test('messages name where a connect string goes, without credentials', () => {
    expect(targetOf('db:1521/FREEPDB1')).toBe('oracle://db:1521/FREEPDB1')
    expect(targetOf('db/FREEPDB1')).toBe('oracle://db:1521/FREEPDB1')
    expect(targetOf('tcps://db:2484/S?wallet_location=/w')).toBe('oracle://db:2484/S')
    expect(targetOf('(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=10.0.0.5)(PORT=1522))(CONNECT_DATA=(SERVICE_NAME=orcl)))')).toBe('oracle://10.0.0.5:1522/orcl')
    expect(targetOf('MYDB_HIGH')).toBe('oracle://MYDB_HIGH')
  })

  test('connectTimeout is pool.connectTimeout, given the way node-oracledb users write it', () => {
    expect(resolveOracleOptions({ connectString: 'h/S', user: 'u', password: PASSWORD, connectTimeout: 4 }).pool).toEqual({ connectTimeout: 4 })
    expect(refusal({ connectString: 'h/S', user: 'u', password: PASSWORD, connectTimeout: 4, pool: { connectTimeout: 5 } })).toBe(
      'prisma-pool: pool.connectTimeout is set both in the pool options (5) and as the connectTimeout option (4); keep one.',
    )
  })
})

describe('what is refused, and how it is said', () => {
  test('nothing, or an empty variable', () => {
    expect(refusal(undefined)).toContain('is DATABASE_URL (or whichever variable it is read from) set')
    expect(refusal('')).toContain('an empty string')
    expect(refusal({ url: undefined })).toContain('url is undefined')
    expect(refusal({ url: '' })).toContain('url is empty')
    expect(refusal({ user: 'u', password: PASSWORD })).toContain('needs to know where to connect')
  })

  test('URLs for other clients', () => {
    expect(refusal({ url: `postgres://app:${ENCODED}@h/db` })).toContain('url must start with oracle://, not postgres://')
    expect(refusal({ url: `jdbc:oracle:thin:app/${ENCODED}@//h:1521/S` })).toContain('url is a JDBC URL')
    expect(refusal({ url: 'tcps://h:2484/S' })).toContain('give it as connectString')
    expect(refusal({ url: 'h:1521/S' })).toContain('goes in connectString')
    expect(refusal({ url: `oracle:app:${ENCODED}@h/S` })).toContain('not "oracle://"')
  })

  test('a malformed URL, never repeated (it holds the password)', () => {
    expect(refusal({ url: `oracle://app:${ENCODED}@h:99999/S` })).toContain('not a valid URL')
    expect(refusal({ url: `oracle://app:%E0%A4%A@h/S` })).toContain('password is not valid URL encoding')
    expect(refusal({ url: `oracle://app:${ENCODED}@h/a/b` })).toContain('one service name')
    expect(refusal({ url: `oracle://app:${ENCODED}@h/S?schema=A&schema=B` })).toContain('schema is given more than once')
    expect(refusal({ url: `oracle://app:${ENCODED}@h/S?conection_limit=5` })).toContain('Did you mean "connection_limit"?')
    expect(refusal({ url: `oracle://app:${ENCODED}@h/S?socket_timeout=5` })).toContain('socket_timeout is not supported')
  })

  test('a setting given twice, by the URL and as an option', () => {
    expect(refusal({ url: `oracle://app:${ENCODED}@h/S`, connectString: 'h/S' })).toContain('set both by the url option and by the connectString option')
    expect(refusal({ url: `oracle://app:${ENCODED}@h/S`, password: 'other' })).toBe(
      'prisma-pool: password is set both as an option and by the connection string; keep one.',
    )
    expect(refusal({ url: `oracle://app:${ENCODED}@h/S?schema=A`, schema: 'B' })).toContain('schema is set both as an option (B) and by the connection string (A)')
  })

  test('unknown options get a suggestion; other pools\' options say what to use', () => {
    const base = { connectString: 'h/S', user: 'u', password: PASSWORD }
    expect(refusal({ ...base, passwrod: PASSWORD } as PrismaPoolOracleOptions)).toContain('Did you mean "password"?')
    expect(refusal({ ...base, username: 'u' } as PrismaPoolOracleOptions)).toContain('Did you mean "user"?')
    expect(refusal({ ...base, maxOverflow: 3 } as PrismaPoolOracleOptions)).toContain('Did you mean "pool.maxOverflow"?')
    expect(refusal({ ...base, poolMax: 10 } as PrismaPoolOracleOptions)).toContain("is an option of node-oracledb's pool; this adapter has its own: use pool.size and pool.maxOverflow")
    expect(refusal({ ...base, connectionString: 'h/S' } as PrismaPoolOracleOptions)).toContain('is ambiguous here')
    expect(refusal({ ...base, externalAuth: true } as PrismaPoolOracleOptions)).toContain('Thin mode')
    expect(refusal({ ...base, transportConnectTimeout: 3 } as PrismaPoolOracleOptions)).toContain('sets it from connectTimeout')
  })

  test('bad values name the option and what it takes', () => {
    const base = { connectString: 'h/S', user: 'u', password: PASSWORD }
    expect(refusal({ ...base, schema: '"APP"' })).toContain('invalid option "schema": expected an Oracle schema name')
    expect(refusal({ ...base, privilege: 'ROOT' as never })).toContain('invalid option "privilege": expected one of SYSDBA')
    expect(refusal({ ...base, httpsProxyPort: 0 })).toContain('invalid option "httpsProxyPort": expected an integer from 1 to 65535')
    expect(refusal({ ...base, connectTimeout: 0 })).toContain('invalid option "connectTimeout"')
    expect(refusal({ ...base, pool: { size: -1 } })).toContain('invalid pool option "size"')
    // A password of the wrong type is not shown.
    expect(refusal({ ...base, password: 12345 as never })).toBe('prisma-pool: invalid option "password": expected a string, got number.')
  })

  test("SQL*Plus's user/password@connect_identifier is refused without repeating it: user and password go in options", () => {
    for (const connectString of [`app/${PASSWORD}@db.example.com:1521/FREEPDB1`, `app/${PASSWORD}@//db:1521/S`, `"App"/${PASSWORD}@db/S`, 'app@db/S']) {
      const message = refusal({ connectString, user: 'app', password: PASSWORD })
      expect(message).toContain("connectString looks like SQL*Plus's user/password@host:port/service (it is not repeated here: it may hold a password)")
      expect(message).toContain('give user and password as options')
      // As a string given to the constructor, too.
      expect(refusal(connectString)).toContain('looks like SQL*Plus')
    }
    // Easy Connect and descriptors are not mistaken for it.
    expect(resolveOracleOptions({ connectString: 'tcps://db:2484/S?wallet_location=/w', user: 'u', password: PASSWORD }).connection.connectString).toBe('tcps://db:2484/S?wallet_location=/w')
    expect(resolveOracleOptions({ connectString: '(DESCRIPTION=(ADDRESS=(HOST=h)(PORT=1)))', user: 'u', password: PASSWORD }).target).toBe('oracle://h:1/')
  })

  test('the credentials are needed', () => {
    expect(refusal({ connectString: 'h/S', password: PASSWORD })).toContain('needs a user')
    expect(refusal({ connectString: 'h/S', user: 'app' })).toContain('needs the password of user app')
  })

  test('the adapter refuses them at construction, and never shows the password when printed', () => {
    expect(() => new PrismaPoolOracle({ connectString: 'h/S', user: 'u' })).toThrow(PoolOptionError)
    const adapter = new PrismaPoolOracle({ url: `oracle://app:${ENCODED}@h:1521/S`, pool: { size: 3 } })
    expect(adapter).toMatchObject({ provider: 'postgres', adapterName: '@prisma-pool/oracle' })
    expect(adapter.poolOptions.size).toBe(3)
    expect(adapter.status()).toBe('QueuePool oracle://h:1521/S: not connected')
    expect(JSON.stringify(adapter)).not.toContain(PASSWORD)
    expect(inspect(adapter, { depth: 10 })).not.toContain(PASSWORD)
  })
})
