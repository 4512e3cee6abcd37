// The two protocols on the real server: prepared statements with a bounded cache, and the text protocol
// with values inlined safely whatever the SQL mode; exact comparisons of BIGINT and DECIMAL; UTC sessions.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { PrismaPoolMySql, type PrismaPoolMySqlOptions } from '@prisma-pool/mysql'
import { Prisma, PrismaClient } from './generated/prisma/client.js'
import { createTestDatabase, sql } from './helpers.js'

let database: Awaited<ReturnType<typeof createTestDatabase>>
const clients: PrismaClient[] = []

beforeAll(async () => {
  database = await createTestDatabase('protocol')
  await sql(
    'CREATE TABLE exact (id BIGINT PRIMARY KEY, note TEXT); ' +
      "INSERT INTO exact VALUES (9007199254740992, 'a'), (9007199254740993, 'b'); " +
      'CREATE TABLE stamps (id INT PRIMARY KEY, ts TIMESTAMP(3) NULL, dt DATETIME(3) NULL)',
    [],
    database.name,
  )
})
afterAll(async () => {
  await Promise.all(clients.map((client) => client.$disconnect()))
  await database.drop()
})

function client(options: Omit<PrismaPoolMySqlOptions, 'connectionString'> = {}) {
  const prisma = new PrismaClient({ adapter: new PrismaPoolMySql({ connectionString: database.url, ...options }) })
  clients.push(prisma)
  return prisma
}

const PROTOCOLS = [
  ['prepared statements', { preparedStatements: true }],
  ['the text protocol', { preparedStatements: false }],
  ['the text protocol with NO_BACKSLASH_ESCAPES', { preparedStatements: false, sessionVariables: { sql_mode: 'NO_BACKSLASH_ESCAPES' } }],
] as const

describe.each(PROTOCOLS)('with %s', (_, options) => {
  test('BIGINT and DECIMAL arguments keep every digit (sent as strings, the server would compute in doubles)', async () => {
    const prisma = client(options)
    const [row] = await prisma.$queryRaw<[{ n: bigint; d: Prisma.Decimal }]>`SELECT ${9007199254740993n} + 1 AS n, ${new Prisma.Decimal('0.100000000000000000000000000001')} * 2 AS d`
    expect(row.n).toBe(9007199254740994n)
    expect(row.d.toFixed()).toBe('0.200000000000000000000000000002')
    expect(await prisma.$queryRaw`SELECT note FROM exact WHERE id = ${9007199254740993n}`).toEqual([{ note: 'b' }])
  })

  test('strings come back unchanged, quotes, backslashes and all; a ? inside a literal is not a placeholder', async () => {
    const prisma = client(options)
    const tricky = ["it's", 'back\\slash', "\\'; DROP TABLE exact; -- ", '"double"', 'tab\tnew\nline\r\0zero\x1a', '😀 ünïcödé', '?']
    for (const value of tricky) {
      expect(await prisma.$queryRaw`SELECT ${value} AS v, '?' AS q /* ? */`).toEqual([{ v: value, q: '?' }])
    }
    expect(await prisma.$queryRaw`SELECT COUNT(*) AS n FROM exact`).toEqual([{ n: 2n }])
  })

  test('bytes, dates and nulls go through', async () => {
    const prisma = client(options)
    const bytes = Uint8Array.from([0, 39, 92, 255])
    const [row] = await prisma.$queryRaw<[{ b: Uint8Array; d: Date; n: null }]>`SELECT ${bytes} AS b, ${new Date('2020-02-29T12:34:56.789Z')} AS d, ${null} AS n`
    expect(Buffer.from(row.b).toString('hex')).toBe('00275cff')
    expect(String(row.d)).toContain('2020-02-29 12:34:56.789')
    expect(row.n).toBeNull()
  })
})

describe('prepared statements', () => {
  const status = async (prisma: PrismaClient) => {
    const rows = await prisma.$queryRawUnsafe<{ Variable_name: string; Value: string }[]>(
      "SHOW SESSION STATUS WHERE Variable_name IN ('Com_stmt_prepare', 'Com_stmt_close')",
    )
    const value = (name: string) => Number(rows.find((row) => row.Variable_name === name)?.Value)
    return { Com_stmt_prepare: value('Com_stmt_prepare'), Com_stmt_close: value('Com_stmt_close') }
  }

  test('each statement is prepared once per connection; beyond statementCacheSize the oldest is closed', async () => {
    const prisma = client({ pool: { size: 1, maxOverflow: 0 }, statementCacheSize: 3 })
    const before = await status(prisma) // prepares the SHOW itself: 1 of the 3 cached
    for (let round = 0; round < 3; round++) await prisma.$queryRawUnsafe('SELECT 1 AS a')
    expect(await status(prisma)).toEqual({ Com_stmt_prepare: before.Com_stmt_prepare + 1, Com_stmt_close: before.Com_stmt_close })
    for (const n of [2, 3, 4]) await prisma.$queryRawUnsafe(`SELECT ${n} AS a`)
    // Three more through a cache of 3 closed `SELECT 1` and the SHOW, which is prepared again (the statement
    // its return evicts is closed after it has run).
    const after = await status(prisma)
    expect(after.Com_stmt_prepare - before.Com_stmt_prepare).toBe(5)
    expect(after.Com_stmt_close - before.Com_stmt_close).toBe(2)
  })

  test('the text protocol prepares nothing on the server', async () => {
    const prisma = client({ pool: { size: 1, maxOverflow: 0 }, preparedStatements: false })
    await prisma.$queryRaw`SELECT ${1} AS a`
    await prisma.user.findMany({ where: { id: { in: [1, 2, 3] } } })
    expect((await status(prisma)).Com_stmt_prepare).toBe(0)
  })
})

test('lastInsertId holds BIGINT UNSIGNED ids past 2^63', async () => {
  await sql('CREATE TABLE big_ids (id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY, note TEXT) AUTO_INCREMENT = 18446744073709551610', [], database.name)
  for (const preparedStatements of [true, false]) {
    const adapter = await new PrismaPoolMySql({ connectionString: database.url, preparedStatements }).connect()
    try {
      const result = await adapter.queryRaw({ sql: 'INSERT INTO big_ids (note) VALUES (?)', args: ['x'], argTypes: [{ scalarType: 'string', arity: 'scalar' }] })
      expect(result.lastInsertId).toBe(preparedStatements ? '18446744073709551610' : '18446744073709551611')
    } finally {
      await adapter.dispose()
    }
  }
})

describe('UTC sessions', () => {
  test('TIMESTAMP and DATETIME are written and read in UTC, whatever the time zone of other sessions', async () => {
    const prisma = client()
    expect(await prisma.$queryRaw`SELECT @@session.time_zone AS tz`).toEqual([{ tz: '+00:00' }])
    const instant = new Date('2020-01-01T00:00:00.123Z')
    await prisma.$executeRaw`INSERT INTO stamps (id, ts, dt) VALUES (1, ${instant}, ${instant})`
    // A session five hours east sees the same instant in TIMESTAMP (stored in UTC), and DATETIME as written.
    const east = await sql<{ epoch: string; dt: string }>(
      "SET time_zone = '+05:00'; SELECT UNIX_TIMESTAMP(ts) AS epoch, dt FROM stamps WHERE id = 1",
      [],
      database.name,
    )
    expect(east[1]).toEqual([{ epoch: '1577836800.123', dt: '2020-01-01 00:00:00.123' }])
    await sql("SET time_zone = '+05:00'; INSERT INTO stamps (id, ts) VALUES (2, '2020-01-01 05:00:00.123')", [], database.name)
    const rows = await prisma.$queryRaw<{ ts: Date }[]>`SELECT ts FROM stamps ORDER BY id`
    expect(rows.map((row) => row.ts.toISOString())).toEqual([instant.toISOString(), instant.toISOString()])
  })

  test('a zero date is reported as out of range (P2020), naming the column, as Prisma 6 did', async () => {
    await sql("SET sql_mode = ''; INSERT INTO stamps (id, dt) VALUES (3, '0000-00-00 00:00:00')", [], database.name)
    const adapter = await new PrismaPoolMySql(database.url).connect()
    try {
      const error = await adapter.queryRaw({ sql: 'SELECT dt FROM stamps WHERE id = 3', args: [], argTypes: [] }).catch((e: unknown) => e)
      expect(error).toMatchObject({
        cause: { kind: 'ValueOutOfRange', cause: 'The column `dt` contained an invalid datetime value with either day or month set to zero.' },
      })
    } finally {
      await adapter.dispose()
    }
  })

  test('session variables are set on every connection', async () => {
    const prisma = client({ sessionVariables: { wait_timeout: 123, sql_mode: 'ANSI_QUOTES', autocommit: true } })
    expect(await prisma.$queryRaw`SELECT @@session.wait_timeout AS w, @@session.sql_mode AS m`).toEqual([{ w: 123n, m: 'ANSI_QUOTES' }])
  })
})
