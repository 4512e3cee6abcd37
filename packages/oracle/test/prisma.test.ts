// A generated Prisma Client over the whole stack (the core's pool, the translator, this engine) down to a fake
// node-oracledb connection that keeps one table in memory the way Oracle would: what the engine binds is stored as
// Oracle stores it (the DDL generator's column types), and read back as node-oracledb Thin hands it over. No Oracle
// Database runs here; this checks that Prisma's runtime takes every encoding the engine gives it.
import { PoolAdapterFactory } from '@prisma-pool/core/engine'
import type { BindParameter, Metadata } from 'oracledb'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { OracleDriver } from '../src/driver.js'
import { resolveOracleOptions } from '../src/options.js'
import { column, FakeOracleConnection, lob, oracledb, sessionSetup, type FakeCall } from './fake-oracledb.js'
import { PrismaClient } from './generated/prisma/client.js'
import { ALL_TYPES_ROW } from './scenarios.js'

/** The columns of AllTypes as the DDL generator makes them (src/ddl.ts), and how node-oracledb describes each. */
const ALL_TYPES: Record<string, { dataType: string; dataLength: number; charLength: number; precision: number | null; scale: number | null; meta: Partial<Metadata> & { dbType: Metadata['dbType'] } }> = {
  id: { dataType: 'NUMBER', dataLength: 22, charLength: 0, precision: 10, scale: 0, meta: { dbType: oracledb.DB_TYPE_NUMBER, precision: 10, scale: 0 } },
  str: { dataType: 'NVARCHAR2', dataLength: 4000, charLength: 2000, precision: null, scale: null, meta: { dbType: oracledb.DB_TYPE_NVARCHAR } },
  strNull: { dataType: 'NVARCHAR2', dataLength: 4000, charLength: 2000, precision: null, scale: null, meta: { dbType: oracledb.DB_TYPE_NVARCHAR } },
  int: { dataType: 'NUMBER', dataLength: 22, charLength: 0, precision: 10, scale: 0, meta: { dbType: oracledb.DB_TYPE_NUMBER, precision: 10, scale: 0 } },
  intNull: { dataType: 'NUMBER', dataLength: 22, charLength: 0, precision: 10, scale: 0, meta: { dbType: oracledb.DB_TYPE_NUMBER, precision: 10, scale: 0 } },
  bigInt: { dataType: 'NUMBER', dataLength: 22, charLength: 0, precision: 19, scale: 0, meta: { dbType: oracledb.DB_TYPE_NUMBER, precision: 19, scale: 0 } },
  float: { dataType: 'BINARY_DOUBLE', dataLength: 8, charLength: 0, precision: null, scale: null, meta: { dbType: oracledb.DB_TYPE_BINARY_DOUBLE } },
  decimal: { dataType: 'NUMBER', dataLength: 22, charLength: 0, precision: 30, scale: 10, meta: { dbType: oracledb.DB_TYPE_NUMBER, precision: 30, scale: 10 } },
  bool: { dataType: 'NUMBER', dataLength: 22, charLength: 0, precision: 1, scale: 0, meta: { dbType: oracledb.DB_TYPE_NUMBER, precision: 1, scale: 0 } },
  dateTime: { dataType: 'TIMESTAMP(3)', dataLength: 11, charLength: 0, precision: null, scale: 3, meta: { dbType: oracledb.DB_TYPE_TIMESTAMP, precision: 3 } },
  json: { dataType: 'CLOB', dataLength: 4000, charLength: 0, precision: null, scale: null, meta: { dbType: oracledb.DB_TYPE_CLOB, isJson: true } },
  jsonNull: { dataType: 'CLOB', dataLength: 4000, charLength: 0, precision: null, scale: null, meta: { dbType: oracledb.DB_TYPE_CLOB, isJson: true } },
  bytes: { dataType: 'BLOB', dataLength: 4000, charLength: 0, precision: null, scale: null, meta: { dbType: oracledb.DB_TYPE_BLOB } },
  role: { dataType: 'VARCHAR2', dataLength: 20, charLength: 5, precision: null, scale: null, meta: { dbType: oracledb.DB_TYPE_VARCHAR } },
  varchar: { dataType: 'VARCHAR2', dataLength: 80, charLength: 20, precision: null, scale: null, meta: { dbType: oracledb.DB_TYPE_VARCHAR } },
  date: { dataType: 'DATE', dataLength: 7, charLength: 0, precision: null, scale: null, meta: { dbType: oracledb.DB_TYPE_DATE } },
  timestamptz: { dataType: 'TIMESTAMP(6) WITH TIME ZONE', dataLength: 13, charLength: 0, precision: null, scale: 6, meta: { dbType: oracledb.DB_TYPE_TIMESTAMP_TZ, precision: 6 } },
}

/**
 * A UTC wall clock in a DATE or TIMESTAMP column, as the engine's Thin connections read it (thin.ts: decodeDatesExactly)
 * and as a RETURNING's TIMESTAMP WITH TIME ZONE out-bind of it arrives: a Date whose UTC fields are that wall clock.
 */
const wallClock = (instant: Date, withMs: boolean) => {
  const date = new Date(instant.getTime())
  if (!withMs) date.setUTCMilliseconds(0)
  return date
}

/** A bound value as Oracle stores it in `name`'s column (what a NUMBER bind of text becomes, '' as NULL …). */
function stored(name: string, bind: BindParameter): unknown {
  const value = bind.val
  if (value === null || value === undefined || value === '') return null
  switch (ALL_TYPES[name]!.dataType) {
    case 'NUMBER':
      return String(value)
    case 'TIMESTAMP(3)':
      return wallClock(value as Date, true)
    case 'DATE':
      return wallClock(value as Date, false)
    default:
      return value
  }
}

/** Oracle's text of a NUMBER: no 0 before the point. */
const oracleNumberText = (text: string) => text.replace(/^(-?)0\./, '$1.')

/** Answers the statements Prisma makes of AllTypes' create and read (through the translator), from a table in memory. */
function allTypesTable() {
  const rows = new Map<number, Record<string, unknown>>()
  const names = (list: string) => [...list.matchAll(/"(\w+)"(?=\s*(?:,|$))/g)].map((m) => m[1]!)
  return (call: FakeCall & { method: 'execute' | 'executeMany' }) => {
    if (call.method !== 'execute') return undefined
    const binds = call.binds as BindParameter[]
    if (call.sql.includes('ALL_TAB_COLUMNS')) {
      return {
        rows: Object.entries(ALL_TYPES).map(([COLUMN_NAME, c]) => ({
          COLUMN_NAME,
          DATA_TYPE: c.dataType,
          DATA_LENGTH: c.dataLength,
          CHAR_LENGTH: c.charLength,
          DATA_PRECISION: c.precision,
          DATA_SCALE: c.scale,
        })),
      }
    }
    const insert = /^INSERT INTO "AllTypes" \(([^)]*)\) VALUES \([^)]*\) RETURNING (.*) INTO /.exec(call.sql)
    if (insert) {
      const id = rows.size + 1
      const row: Record<string, unknown> = { id }
      names(insert[1]!).forEach((name, i) => (row[name] = stored(name, binds[i]!)))
      rows.set(id, row)
      // The out-binds: each column's value as its out-bind's type fetches it.
      const outBinds = names(insert[2]!).map((name, i) => {
        const value = row[name] ?? null
        const out = binds[names(insert[1]!).length + i]!
        if (value === null) return [null]
        if (out.type === oracledb.DB_TYPE_NUMBER) return [Number(value)]
        if (out.type === oracledb.DB_TYPE_VARCHAR && ALL_TYPES[name]!.dataType === 'NUMBER') return [oracleNumberText(String(value))]
        if (out.type === oracledb.DB_TYPE_CLOB || out.type === oracledb.DB_TYPE_BLOB) return [lob(value as string | Buffer)]
        return [value]
      })
      return { rowsAffected: 1, outBinds }
    }
    const select = /^SELECT (.*) FROM "AllTypes" WHERE \("AllTypes"\."id" = :1/.exec(call.sql)
    if (select) {
      const columns = select[1]!.split(', ').map((item) => /"(\w+)"$/.exec(item)![1]!)
      const row = rows.get(Number(binds[0]!.val))
      const metaData = columns.map((name) => column(name, ALL_TYPES[name]!.meta.dbType, ALL_TYPES[name]!.meta))
      // After the engine's fetchTypeHandler: NUMBER as text, CLOB as text, BLOB as a Buffer.
      const values = row ? [columns.map((name) => (ALL_TYPES[name]!.dataType === 'NUMBER' && row[name] !== null ? oracleNumberText(String(row[name])) : row[name] ?? null))] : []
      return { metaData, rows: values }
    }
    if (call.sql.startsWith('SET TRANSACTION')) return { rowsAffected: 0 }
    throw new Error(`the fake has no answer for ${call.sql}`)
  }
}

class FakeOracleAdapter extends PoolAdapterFactory {
  constructor(readonly fake: FakeOracleConnection) {
    super(new OracleDriver(resolveOracleOptions({ connectString: 'db:1521/FREEPDB1', user: 'app', password: 'pw' }), async () => fake.asConnection()), {
      size: 1,
      maxOverflow: 0,
      prePing: false,
      budgetPolicy: 'off',
    })
  }
}

/** The Oracle scenarios' row of every type (its Dates hold milliseconds, as JavaScript's do). */
const ROW = ALL_TYPES_ROW

const clients: PrismaClient[] = []
afterAll(() => Promise.all(clients.map((client) => client.$disconnect())))

// A process whose local time is not UTC (and has DST): nothing the engine reads may depend on it.
const zone = process.env.TZ
beforeAll(() => void (process.env.TZ = 'America/Sao_Paulo'))
afterAll(() => void (zone === undefined ? delete process.env.TZ : (process.env.TZ = zone)))

describe('a Prisma Client through the engine', () => {
  test('create and read back every type: Prisma takes each encoding the engine gives', async () => {
    const fake = new FakeOracleConnection().answer(sessionSetup())
    fake.answer(allTypesTable())
    const prisma = new PrismaClient({ adapter: new FakeOracleAdapter(fake) })
    clients.push(prisma)
    const created = await prisma.allTypes.create({ data: ROW })
    const read = await prisma.allTypes.findUniqueOrThrow({ where: { id: created.id } })
    const expected = { id: 1, ...ROW, jsonNull: null, bytes: new Uint8Array([0, 1, 2, 254, 255]) }
    for (const result of [created, read]) {
      expect({ ...result, bytes: new Uint8Array(result.bytes), decimal: result.decimal.toString() }).toEqual({ ...expected, decimal: ROW.decimal.toString() })
    }
    // The INSERT's binds, as Oracle needs them.
    const insert = fake.calls.find((call) => call.method === 'execute' && call.sql.startsWith('INSERT')) as FakeCall & { method: 'execute' }
    const types = (insert.binds as BindParameter[]).slice(0, 15).map((bind) => bind.type?.name)
    expect(types).toEqual([
      'DB_TYPE_VARCHAR', 'DB_TYPE_VARCHAR', 'DB_TYPE_NUMBER', 'DB_TYPE_NUMBER', 'DB_TYPE_NUMBER', 'DB_TYPE_BINARY_DOUBLE', 'DB_TYPE_VARCHAR',
      'DB_TYPE_NUMBER', 'DB_TYPE_TIMESTAMP_TZ', 'DB_TYPE_VARCHAR', 'DB_TYPE_RAW', 'DB_TYPE_VARCHAR', 'DB_TYPE_VARCHAR', 'DB_TYPE_TIMESTAMP_TZ', 'DB_TYPE_TIMESTAMP_TZ',
    ])
  })

  test('$transaction at an isolation level Oracle has, and one it lacks (P2023, before any connection is taken)', async () => {
    const fake = new FakeOracleConnection().answer(sessionSetup())
    fake.answer(allTypesTable())
    const prisma = new PrismaClient({ adapter: new FakeOracleAdapter(fake) })
    clients.push(prisma)
    await prisma.$transaction(async (tx) => tx.allTypes.findUnique({ where: { id: 1 } }), { isolationLevel: 'Serializable' })
    expect(fake.sql.filter((sql) => !sql.includes("SYS_CONTEXT('USERENV', 'SID')"))).toEqual([
      'SET TRANSACTION ISOLATION LEVEL SERIALIZABLE',
      expect.stringMatching(/^SELECT .* FROM "AllTypes" WHERE/),
      '<commit>',
    ])
    await expect(prisma.$transaction(async () => 1, { isolationLevel: 'RepeatableRead' })).rejects.toMatchObject({ code: 'P2023' })
  })
})
