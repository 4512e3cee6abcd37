// What a session may have been given by the server, the role or the application, and must not change
// what Prisma reads: DateStyle, pg's global type parsers, errors from odd names.
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { PrismaPoolPg } from '@prisma-pool/pg'
import type { SqlDriverAdapter, SqlQuery } from '@prisma/driver-adapter-utils'
import { PG_URL, sql, uniqueName } from './helpers.js'

const q = (text: string): SqlQuery => ({ sql: text, args: [], argTypes: [] })

describe('session settings', () => {
  test('dates and times read the same when the session DateStyle is not ISO', async () => {
    const adapter = await new PrismaPoolPg({ connectionString: PG_URL, options: '-c DateStyle=SQL,DMY' }).connect()
    try {
      const result = await adapter.queryRaw(
        q(`SELECT '2024-05-01 10:20:30.5+00'::timestamptz AS tz, '2024-05-01 10:20:30'::timestamp AS ts, '2024-05-01'::date AS d, current_setting('DateStyle') AS style`),
      )
      expect(result.rows).toEqual([['2024-05-01T10:20:30.5+00:00', '2024-05-01T10:20:30+00:00', '2024-05-01', 'ISO, DMY']])
    } finally {
      await adapter.dispose()
    }
  })

  test("an application's pg.types.setTypeParser does not change what Prisma gets", async () => {
    const adapter = await new PrismaPoolPg(PG_URL).connect()
    const [int8, bool] = [pg.types.getTypeParser(20), pg.types.getTypeParser(16)]
    pg.types.setTypeParser(20, (v: string) => BigInt(v))
    pg.types.setTypeParser(16, (v: string) => v)
    try {
      const result = await adapter.queryRaw(q('SELECT 9007199254740993::int8 AS big, true AS yes, 5::int2 AS small'))
      expect(result.rows).toEqual([['9007199254740993', true, 5]])
    } finally {
      pg.types.setTypeParser(20, int8)
      pg.types.setTypeParser(16, bool)
      await adapter.dispose()
    }
  })
})

describe('error details from odd names', () => {
  const table = uniqueName('pp_odd')
  let adapter: SqlDriverAdapter
  beforeAll(async () => {
    await sql(`CREATE TABLE "${table}" (id int PRIMARY KEY, "a, b" text UNIQUE, email text)`)
    await sql(`CREATE UNIQUE INDEX "${table}_lower_email" ON "${table}" (lower(email))`)
    await sql(`INSERT INTO "${table}" VALUES (1, 'x', 'A@b')`)
    adapter = await new PrismaPoolPg(PG_URL).connect()
  })
  afterAll(async () => {
    await adapter.dispose()
    await sql(`DROP TABLE IF EXISTS "${table}"`)
  })

  test('a column missing from a named relation is reported by its own name', async () => {
    await expect(adapter.executeRaw(q(`INSERT INTO "${table}" (id, nope) VALUES (2, 1)`))).rejects.toMatchObject({
      cause: { kind: 'ColumnNotFound', column: 'nope' },
    })
  })

  test('a unique key on a quoted name with a comma is reported as that one field', async () => {
    await expect(adapter.executeRaw(q(`INSERT INTO "${table}" VALUES (2, 'x', 'z')`))).rejects.toMatchObject({
      cause: { kind: 'UniqueConstraintViolation', constraint: { fields: ['a, b'] } },
    })
  })

  test('a unique expression index is reported by its index name, not as fields', async () => {
    await expect(adapter.executeRaw(q(`INSERT INTO "${table}" VALUES (3, 'y', 'a@B')`))).rejects.toMatchObject({
      cause: { kind: 'UniqueConstraintViolation', constraint: { index: `${table}_lower_email` } },
    })
  })
})

describe('socket errors', () => {
  test('a host with several addresses that all refuse (an AggregateError without syscall) is DatabaseNotReachable', async () => {
    const { convertPgError, pgConnectionLoss } = await import('../src/errors.js')
    const refused = (address: string) =>
      Object.assign(new Error(`connect ECONNREFUSED ${address}:5432`), { code: 'ECONNREFUSED', syscall: 'connect', address, port: 5432 })
    const error = Object.assign(new AggregateError([refused('::1'), refused('127.0.0.1')], ''), { code: 'ECONNREFUSED' })
    expect(convertPgError(error)).toEqual({
      kind: 'DatabaseNotReachable',
      host: '::1',
      port: 5432,
      originalCode: 'ECONNREFUSED',
      originalMessage: 'connect ECONNREFUSED ::1:5432',
    })
    expect(pgConnectionLoss(error)).toBe('server')
  })
})

describe('protocol errors', () => {
  test("a protocol violation (08P01, as a pooler reports what it cannot relay) ends that connection alone, not the server's others", async () => {
    const { pgConnectionLoss } = await import('../src/errors.js')
    const violation = Object.assign(new Error('unsupported pkt type: 80'), { code: '08P01', severity: 'ERROR' })
    expect(pgConnectionLoss(violation)).toBe('connection')
    expect(pgConnectionLoss(Object.assign(new Error('connection failure'), { code: '08006', severity: 'FATAL' }))).toBe('server')
  })
})
