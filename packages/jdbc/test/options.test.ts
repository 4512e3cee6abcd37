// PrismaPoolJdbc's options: what each one takes, and the error a wrong one gets (no JVM is started for any of them).
import { expect, test } from 'vitest'
import { PoolOptionError, PrismaPoolJdbc } from '@prisma-pool/jdbc'
import { dialectFor } from '../src/dialects/index.js'
import { jdbcTarget } from '../src/options.js'

const PG = 'jdbc:postgresql://127.0.0.1:5432/app'

test('an unset URL, and a URL that is not a JDBC one, are refused saying what to give', () => {
  expect(() => new PrismaPoolJdbc(undefined)).toThrow(PoolOptionError)
  expect(() => new PrismaPoolJdbc(undefined)).toThrow('PrismaPoolJdbc needs a JDBC URL')
  expect(() => new PrismaPoolJdbc({ url: 'postgres://me:secret@db/app' })).toThrow(
    'PrismaPoolJdbc\'s url must be a JDBC URL (jdbc:<subprotocol>:…), not "postgres://db/app": for postgres://… URLs, use @prisma-pool/pg.',
  )
})

test('the provider follows from the URL; an unknown subprotocol needs the provider option, and says so', () => {
  expect(dialectFor('jdbc:postgresql://h/db', undefined).provider).toBe('postgres')
  expect(dialectFor('jdbc:mariadb://h/db', undefined).provider).toBe('mysql')
  expect(dialectFor('jdbc:mysql://h/db', undefined).provider).toBe('mysql')
  expect(dialectFor('jdbc:sqlite:/tmp/app.db', undefined).provider).toBe('sqlite')
  expect(dialectFor('jdbc:sqlserver://h;databaseName=app', undefined).provider).toBe('sqlserver')
  expect(() => new PrismaPoolJdbc({ url: 'jdbc:h2:mem:app' })).toThrow(
    "PrismaPoolJdbc does not know which Prisma provider jdbc:h2: URLs are for (it knows jdbc:postgresql, jdbc:pgsql, jdbc:mysql, jdbc:mariadb, jdbc:sqlite, jdbc:sqlserver, jdbc:h2 (;MODE=Oracle)). " +
      "If the database speaks one of Prisma's dialects, say which: provider: 'postgres' | 'mysql' | 'sqlite' | 'sqlserver'.",
  )
  expect(new PrismaPoolJdbc({ url: 'jdbc:h2:mem:app;MODE=PostgreSQL', provider: 'postgres' }).provider).toBe('postgres')
  expect(dialectFor('jdbc:h2:mem:app;MODE=PostgreSQL', 'postgres').name).toBe('PostgreSQL')
  // H2 in Oracle mode takes Oracle's SQL: the Oracle dialect, for a postgresql Prisma schema (see @prisma-pool/oracle).
  expect(dialectFor('jdbc:h2:mem:app;mode=oracle;DB_CLOSE_DELAY=-1', undefined)).toMatchObject({ provider: 'postgres', name: 'H2 (Oracle mode)' })
  expect(() => new PrismaPoolJdbc({ url: 'jdbc:oracle:thin:@//db:1521/FREEPDB1' })).toThrow(
    'PrismaPoolJdbc does not run Oracle Database itself yet: its RETURNING … INTO needs out-binds the JDBC route does not bind. Use @prisma-pool/oracle',
  )
})

test('a misspelt option gets a suggestion, a pool option beside the others is pointed into pool, a bad value names what is allowed', () => {
  expect(() => new PrismaPoolJdbc({ url: PG, classPath: [] } as never)).toThrow('Did you mean "classpath"?')
  expect(() => new PrismaPoolJdbc({ url: PG, size: 5 } as never)).toThrow('Did you mean "pool.size"?')
  expect(() => new PrismaPoolJdbc({ url: PG, provider: 'oracle' } as never)).toThrow("'postgres', 'mysql', 'sqlite' or 'sqlserver'")
  expect(() => new PrismaPoolJdbc({ url: PG, jvmOptions: ['Xmx1g'] })).toThrow('a list of JVM options')
  expect(() => new PrismaPoolJdbc({ url: PG, pool: { size: -1 } })).toThrow('pool option "size"')
})

test('a password, given as an option or a property, appears in no message', () => {
  const secret = 'pa55-w0rd-never-shown'
  for (const attempt of [
    () => new PrismaPoolJdbc({ url: PG, password: 42 as never }),
    () => new PrismaPoolJdbc({ url: PG, properties: { password: { secret } as never } }),
    () => new PrismaPoolJdbc({ url: `jdbc:nope://u:${secret}@h/db?password=${secret}` }),
  ]) {
    let message = ''
    try {
      attempt()
    } catch (error) {
      message = (error as Error).message
    }
    expect(message).not.toBe('')
    expect(message).not.toContain(secret)
  }
})

test('messages name the target without parameters or credentials', () => {
  expect(jdbcTarget('jdbc:postgresql://me:pw@db:5432/app?password=pw&ssl=true')).toBe('jdbc:postgresql://db:5432/app')
  expect(jdbcTarget('jdbc:sqlserver://db:1433;databaseName=app;password=pw')).toBe('jdbc:sqlserver://db:1433')
  const factory = new PrismaPoolJdbc({ url: `${PG}?password=pw`, password: 'pw' })
  expect((factory as unknown as { driver: { target: string } }).driver.target).toBe(PG)
})
