// Every scalar type of model AllTypes through the generated client on SQLite: PrismaPoolJdbc (jdbc:sqlite) must return
// what @prisma/adapter-better-sqlite3 returns, and write the same values, with the same storage classes, into its file.
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3'
import { afterAll, describe, expect, test } from 'vitest'
import { Prisma, PrismaClient } from './generated/prisma/client.js'
import { both, canonical, direct, expectSame, oursAdapter, rows, usePair } from './helpers.js'

const pair = usePair('types')

const ALL_BYTES = Uint8Array.from({ length: 256 }, (_, i) => i)

/** Demanding values: past 2^53, a float whose 15-digit text would differ, every byte, milliseconds, unicode. */
const FULL = {
  str: 'héllo wörld 🎉 \'quoted\' "double" \\ back',
  strNull: null,
  int: -2147483648,
  bigInt: 9007199254740993n,
  float: 0.30000000000000004,
  decimal: new Prisma.Decimal('12345.6789'),
  bool: true,
  dateTime: new Date('2024-02-29T23:59:59.123Z'),
  json: { nested: { list: [1, 'two', null, true, 2.5] }, unicode: 'ü', empty: {} },
  bytes: ALL_BYTES,
  role: 'ADMIN' as const,
  intNull: null,
  bigIntNull: null,
  floatNull: null,
  decimalNull: null,
  boolNull: null,
  dateTimeNull: null,
  jsonNull: Prisma.DbNull,
  bytesNull: null,
}
const FULL_EXPECTED = { id: 1, ...FULL, jsonNull: null }

/** The other end: empty strings and bytes, the int64 minimum, the smallest subnormal double, a JSON string. */
const EDGE = {
  str: '',
  strNull: 'not null',
  int: 2147483647,
  bigInt: -9223372036854775808n,
  float: 5e-324,
  decimal: new Prisma.Decimal('-0.5'),
  bool: false,
  dateTime: new Date('1970-01-01T00:00:00.000Z'),
  json: 'just a string',
  bytes: new Uint8Array(),
  role: 'GUEST' as const,
  intNull: 0,
  bigIntNull: 9223372036854775807n,
  floatNull: 1e21,
  decimalNull: new Prisma.Decimal('42'),
  boolNull: true,
  dateTimeNull: new Date('2038-01-19T03:14:08.001Z'),
  jsonNull: [1, 'a', null],
  bytesNull: Uint8Array.from([0]),
}
const EDGE_EXPECTED = { id: 2, ...EDGE }

/** What SQLite holds for a row: each column's storage class and value (read with better-sqlite3, integers as bigint). */
const STORED_SQL = `SELECT ${['str', 'int', 'bigInt', 'float', 'decimal', 'bool', 'dateTime', 'json', 'bytes', 'role', 'bigIntNull', 'floatNull', 'decimalNull', 'jsonNull']
  .map((column) => `typeof("${column}") AS "${column}_type", "${column}"`)
  .join(', ')} FROM "AllTypes" WHERE id = ?`

describe('AllTypes through the client', () => {
  test('create returns every type exactly, as the official adapter does', async () => {
    const ours = await pair().ours.allTypes.create({ data: FULL })
    const official = await pair().official.allTypes.create({ data: FULL })
    expectSame(ours, official, FULL_EXPECTED)
    expect(typeof ours.bigInt).toBe('bigint')
    expect(ours.decimal).toBeInstanceOf(Prisma.Decimal)
    expect(Buffer.compare(Buffer.from(ours.bytes), Buffer.from(ALL_BYTES))).toBe(0)
  })

  test('the other end of every range: int64 minimum and maximum, a subnormal float, empty bytes, a JSON string', async () => {
    const ours = await pair().ours.allTypes.create({ data: EDGE })
    const official = await pair().official.allTypes.create({ data: EDGE })
    expectSame(ours, official, EDGE_EXPECTED)
  })

  test('both files hold the same values with the same storage classes (DateTime as ISO text, Decimal as REAL, Boolean as INTEGER)', async () => {
    for (const id of [1, 2]) {
      const [ours] = await rows(pair().oursFile, STORED_SQL, id)
      const [official] = await rows(pair().officialFile, STORED_SQL, id)
      expect(ours).toEqual(official)
    }
    const [full] = await rows(pair().oursFile, STORED_SQL, 1)
    expect(full).toMatchObject({
      bigInt_type: 'integer',
      bigInt: 9007199254740993n,
      float_type: 'real',
      float: 0.30000000000000004,
      decimal_type: 'real',
      bool_type: 'integer',
      bool: 1n,
      dateTime_type: 'text',
      dateTime: '2024-02-29T23:59:59.123+00:00',
      json_type: 'text',
      json: JSON.stringify(FULL.json),
      bytes_type: 'blob',
      role: 'ADMIN',
      jsonNull_type: 'null',
    })
    const [edge] = await rows(pair().oursFile, STORED_SQL, 2)
    // DECIMAL has NUMERIC affinity: a whole REAL is kept as an INTEGER.
    expect(edge).toMatchObject({ bigInt: -9223372036854775808n, bigIntNull: 9223372036854775807n, decimalNull_type: 'integer', decimalNull: 42n, float: 5e-324 })
  })

  test('findUnique and findMany read back what was written', async () => {
    const [ours, official] = await both(pair(), (prisma) => prisma.allTypes.findUnique({ where: { id: 1 } }))
    expectSame(ours, official, FULL_EXPECTED)
    const [oursAll, officialAll] = await both(pair(), (prisma) => prisma.allTypes.findMany({ orderBy: { id: 'asc' } }))
    expectSame(oursAll, officialAll, [FULL_EXPECTED, EDGE_EXPECTED])
  })

  test('select returns only the chosen fields, each converted', async () => {
    const select = { bigInt: true, decimal: true, bytes: true, json: true, dateTime: true, float: true, bool: true } as const
    const [ours, official] = await both(pair(), (prisma) => prisma.allTypes.findUniqueOrThrow({ where: { id: 1 }, select }))
    expectSame(ours, official, Object.fromEntries(Object.keys(select).map((key) => [key, FULL[key as keyof typeof FULL]])))
    expect(Object.keys(ours).sort()).toEqual(Object.keys(select).sort())
  })

  test('filters send every type as an argument SQLite compares exactly', async () => {
    const where: Prisma.AllTypesWhereInput = {
      str: FULL.str,
      int: FULL.int,
      bigInt: 9007199254740993n,
      float: 0.30000000000000004,
      decimal: new Prisma.Decimal('12345.6789'),
      bool: true,
      dateTime: FULL.dateTime,
      bytes: ALL_BYTES,
      role: 'ADMIN',
      strNull: null,
    }
    const [ours, official] = await both(pair(), (prisma) => prisma.allTypes.findMany({ where, select: { id: true } }))
    expectSame(ours, official, [{ id: 1 }])
    // Off by one millisecond, by one integer past 2^53 or by one unit in the last place finds nothing.
    const [misses, officialMisses] = await both(pair(), async (prisma) => [
      await prisma.allTypes.count({ where: { dateTime: new Date('2024-02-29T23:59:59.124Z') } }),
      await prisma.allTypes.count({ where: { bigInt: 9007199254740992n } }),
      await prisma.allTypes.count({ where: { float: 0.3 } }),
    ])
    expectSame(misses, officialMisses, [0, 0, 0])
    const [ranges, officialRanges] = await both(pair(), async (prisma) => ({
      after: await prisma.allTypes.findMany({ where: { dateTime: { gt: new Date('2000-01-01T00:00:00Z') } }, select: { id: true } }),
      big: await prisma.allTypes.findMany({ where: { bigInt: { lt: 0n } }, select: { id: true } }),
      text: await prisma.allTypes.findMany({ where: { str: { startsWith: 'hé' } }, select: { id: true } }),
      notNull: await prisma.allTypes.findMany({ where: { jsonNull: { not: Prisma.DbNull } }, select: { id: true } }),
    }))
    expectSame(ranges, officialRanges, { after: [{ id: 1 }], big: [{ id: 2 }], text: [{ id: 1 }], notNull: [{ id: 2 }] })
  })

  test('aggregates of BigInt, Float, Decimal and DateTime', async () => {
    const [ours, official] = await both(pair(), (prisma) =>
      prisma.allTypes.aggregate({
        where: { id: { in: [1, 2] } },
        _sum: { bigInt: true, int: true, float: true, decimal: true },
        _avg: { int: true, decimal: true },
        _min: { bigInt: true, dateTime: true, str: true },
        _max: { bigInt: true, float: true, dateTime: true },
        _count: { _all: true, strNull: true },
      }),
    )
    expectSame(ours, official, {
      _sum: { bigInt: 9007199254740993n - 9223372036854775808n, int: -1, float: 0.30000000000000004 + 5e-324, decimal: new Prisma.Decimal('12345.1789') },
      _avg: { int: -0.5, decimal: new Prisma.Decimal('6172.58945') },
      _min: { bigInt: -9223372036854775808n, dateTime: EDGE.dateTime, str: '' },
      _max: { bigInt: 9007199254740993n, float: 0.30000000000000004, dateTime: FULL.dateTime },
      _count: { _all: 2, strNull: 1 },
    })
  })

  test('update writes bytes, JSON, a Decimal and an increment of a BigInt', async () => {
    const data = {
      bytes: Uint8Array.from([0xde, 0xad, 0xbe, 0xef]),
      json: { updated: [true] },
      decimal: new Prisma.Decimal('0.25'),
      bigInt: { increment: 1n },
      float: { multiply: 3 },
    }
    const select = { bytes: true, json: true, decimal: true, bigInt: true, float: true } as const
    const ours = await pair().ours.allTypes.update({ where: { id: 1 }, data, select })
    const official = await pair().official.allTypes.update({ where: { id: 1 }, data, select })
    expectSame(ours, official, { ...data, bigInt: 9007199254740994n, float: 0.30000000000000004 * 3 })
    expect(await rows(pair().oursFile, 'SELECT hex("bytes") AS hex, "bigInt" FROM "AllTypes" WHERE id = 1')).toEqual([{ hex: 'DEADBEEF', bigInt: 9007199254740994n }])
  })

  test('JSON numbers and booleans (JSONB has NUMERIC affinity: SQLite keeps a number as one)', async () => {
    const values = [12, 3.5, true, null, [], 'x'] as const
    const [ours, official] = await both(pair(), async (prisma) => {
      const created = []
      for (const json of values) {
        created.push(await prisma.allTypes.create({ data: { ...EDGE, json: json === null ? Prisma.JsonNull : json }, select: { id: true, json: true } }))
      }
      return created
    })
    expectSame(ours, official)
    expect(ours.map((row) => row.json)).toEqual([12, 3.5, true, null, [], 'x'])
    const ids = ours.map((row) => row.id)
    const stored = async (file: string) => (await rows(file, `SELECT typeof(json) AS type FROM "AllTypes" WHERE id IN (${ids.join(',')}) ORDER BY id`)).map((row) => row.type)
    expect(await stored(pair().oursFile)).toEqual(await stored(pair().officialFile))
    expect(await stored(pair().oursFile)).toEqual(['integer', 'real', 'text', 'text', 'text', 'text'])
  })
})

describe('values written outside Prisma 7', () => {
  const DEFAULTS = { str: 'raw', int: 1, bigInt: 2n, float: 1.5, decimal: 3, bool: 1, dateTime: '2024-01-01T00:00:00.000+00:00', json: '{}', bytes: Buffer.from([0]), role: 'USER' }

  /** One row written with better-sqlite3 into both files (values bound as better-sqlite3 binds them); its id. */
  const insert = async (values: Partial<Record<keyof typeof DEFAULTS, unknown>>) => {
    const row = { ...DEFAULTS, ...values }
    const sql = `INSERT INTO "AllTypes" (${Object.keys(row).map((name) => `"${name}"`).join(', ')}) VALUES (${Object.keys(row).map(() => '?').join(', ')})`
    const [ours, official] = await Promise.all([pair().oursFile, pair().officialFile].map((file) => direct.run(file, sql, ...Object.values(row))))
    expect(ours!.lastInsertRowid).toBe(official!.lastInsertRowid)
    return Number(ours!.lastInsertRowid)
  }

  test('DateTime as unixepoch-ms (Prisma 6 native engine), as SQLite CURRENT_TIMESTAMP text and as ISO text with Z', async () => {
    const ids = [await insert({ dateTime: 1709251199123n }), await insert({ dateTime: '2024-02-29 23:59:59' }), await insert({ dateTime: '2024-02-29T23:59:59.5Z' })]
    const [ours, official] = await both(pair(), (prisma) => prisma.allTypes.findMany({ where: { id: { in: ids } }, orderBy: { id: 'asc' }, select: { dateTime: true } }))
    expectSame(ours, official, [
      { dateTime: new Date('2024-02-29T23:59:59.123Z') },
      { dateTime: new Date('2024-02-29T23:59:59.000Z') },
      { dateTime: new Date('2024-02-29T23:59:59.500Z') },
    ])
  })

  test('a REAL in an INTEGER column is truncated, an INTEGER in a DECIMAL column read as a number, as the official adapter does', async () => {
    const id = await insert({ int: 7.75, decimal: 3n, bigInt: -2.5 })
    const stored = await rows(pair().oursFile, 'SELECT typeof(int) AS i, typeof(decimal) AS d, typeof("bigInt") AS b FROM "AllTypes" WHERE id = ?', id)
    expect(stored).toEqual([{ i: 'real', d: 'integer', b: 'real' }])
    const [ours, official] = await both(pair(), (prisma) => prisma.allTypes.findUniqueOrThrow({ where: { id }, select: { int: true, decimal: true, bigInt: true } }))
    expectSame(ours, official, { int: 7, decimal: new Prisma.Decimal(3), bigInt: -2n })
  })
})

// Last: it closes the pair's clients, so that no file is open in both SQLite libraries of this process at once.
describe('each adapter reads the file the other wrote', () => {
  const clients: PrismaClient[] = []
  afterAll(async () => {
    await Promise.allSettled(clients.map((client) => client.$disconnect()))
  })

  test('ours on the official file, and the official adapter on ours, read what its own adapter read', async () => {
    const all = (prisma: PrismaClient) => prisma.allTypes.findMany({ orderBy: { id: 'asc' } })
    const [ours, official] = await both(pair(), all)
    await Promise.all([pair().ours.$disconnect(), pair().official.$disconnect()])
    const oursOnOfficial = new PrismaClient({ adapter: oursAdapter(pair().officialFile, { pool: { size: 1, maxOverflow: 0 } }) })
    const officialOnOurs = new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: `file:${pair().oursFile}` }) })
    clients.push(oursOnOfficial, officialOnOurs)
    expect(canonical(await all(oursOnOfficial))).toEqual(canonical(official))
    expect(canonical(await all(officialOnOurs))).toEqual(canonical(ours))
  })
})
