// Every scalar and native type of model AllTypes, written and read through the generated client:
// ours must return exactly what the official @prisma/adapter-pg returns, and exactly what was written.
import { ourPgAdapter } from '../../../test-support/engines/pg.js'
import { onJdbcRoute } from '../../../test-support/jdbc/classpath.js'
import { PrismaPg } from '@prisma/adapter-pg'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { both, canonical, expectSame, openPair, type Pair } from './compare.js'
import { Prisma, PrismaClient } from './generated/prisma/client.js'
import { PG_URL, sql } from './helpers.js'

let pair: Pair
beforeAll(async () => {
  pair = await openPair('types', { pool: { size: 3, maxOverflow: 0 } })
})
afterAll(async () => {
  await pair?.close()
})

const UUID_A = '123e4567-e89b-12d3-a456-426614174000'
const UUID_B = 'ffffffff-ffff-4fff-bfff-ffffffffffff'
const ALL_BYTES = Uint8Array.from({ length: 256 }, (_, i) => i)

/** Every type at a demanding value: past 2^53, 20 fraction digits, every byte, milliseconds … */
const FULL = {
  str: 'héllo wörld 🎉 \'quoted\' "double" \\ back',
  strNull: null,
  int: -2147483648,
  bigInt: 9007199254740993n,
  float: 0.30000000000000004,
  decimal: new Prisma.Decimal('12345678901234567890.12345678901234567891'),
  bool: true,
  dateTime: new Date('2024-02-29T23:59:59.123Z'),
  json: { nested: { list: [1, 'two', null, true, 2.5] }, unicode: 'ü', empty: {} },
  bytes: ALL_BYTES,
  role: 'ADMIN' as const,
  smallInt: -32768,
  real: 1.5,
  char: 'ab',
  varchar: 'twenty chars exactly',
  uuid: UUID_A,
  date: new Date('2024-02-29T00:00:00.000Z'),
  time: new Date('1970-01-01T23:14:15.678Z'),
  timetz: new Date('1970-01-01T23:14:15.678Z'),
  timestamp: new Date('1999-12-31T23:59:59.999Z'),
  timestamptz: new Date('2024-02-29T23:59:59.123Z'),
  jsonPlain: [1, 'a', { b: [null] }],
  xml: '<root a="1"><child>text</child></root>',
  inet: '192.168.0.1/24',
  bit: '1010',
  varbit: '10110',
  money: new Prisma.Decimal('1234.56'),
  oid: 4000000000,
  ints: [2147483647, -2147483648, 0],
  bigInts: [9007199254740993n, -9223372036854775808n, 9223372036854775807n, 0n],
  strings: ['a', '', 'with, comma', 'with "quotes"', 'back\\slash', 'NULL', 'ünïcode 🎉', '{braces}'],
  floats: [0.1, -1e-300, 1.5e300],
  decimals: [new Prisma.Decimal('1.000000000000000000000000000001'), new Prisma.Decimal('-99999999999999999999.5')],
  bools: [true, false, true],
  dateTimes: [new Date('2024-02-29T23:59:59.123Z'), new Date('1970-01-01T00:00:00.000Z'), new Date('2099-12-31T23:59:59.999Z')],
  jsons: [{ a: 1, n: null }, [1, 'two'], 'str', 3.5, true],
  bytesList: [Uint8Array.from([0x00, 0xff]), new Uint8Array(), Uint8Array.from([0, 1, 2])],
  roles: ['USER', 'ADMIN', 'GUEST'] as ('USER' | 'ADMIN' | 'GUEST')[],
  uuids: [UUID_A, UUID_B],
  dates: [new Date('2000-01-01T00:00:00.000Z'), new Date('2024-02-29T00:00:00.000Z')],
}
const FULL_EXPECTED = { id: 1, ...FULL, char: 'ab   ' }

/** The other end of every range: empty strings, bytes and lists, JSON null and a JSON string, negative minima. */
const EDGE = {
  str: '',
  strNull: 'not null',
  int: 0,
  bigInt: -9223372036854775808n,
  float: -0.5,
  decimal: new Prisma.Decimal('-0.00000000000000000001'),
  bool: false,
  dateTime: new Date('1970-01-01T00:00:00.000Z'),
  json: 'just a string',
  bytes: new Uint8Array(),
  role: 'GUEST' as const,
  smallInt: 32767,
  real: -0.25,
  char: 'abcde',
  varchar: '',
  uuid: '00000000-0000-0000-0000-000000000000',
  // Only the date part of a DATE and the time part of a TIME are kept.
  date: new Date('2024-02-29T15:16:17.189Z'),
  time: new Date('2024-05-05T00:00:00.001Z'),
  timetz: new Date('2024-05-05T12:00:00.000Z'),
  timestamp: new Date('2038-01-19T03:14:08.001Z'),
  timestamptz: new Date('1901-12-13T20:45:51.999Z'),
  jsonPlain: Prisma.JsonNull,
  xml: '<r><![CDATA[<x>]]></r>',
  inet: '::ffff:1.2.3.4',
  bit: '0000',
  varbit: '',
  money: new Prisma.Decimal('-1234.56'),
  oid: 0,
  ints: [],
  bigInts: [],
  strings: [],
  floats: [],
  decimals: [],
  bools: [],
  dateTimes: [],
  jsons: [],
  bytesList: [],
  roles: [],
  uuids: [],
  dates: [],
}
const EDGE_EXPECTED = {
  id: 2,
  ...EDGE,
  jsonPlain: null,
  date: new Date('2024-02-29T00:00:00.000Z'),
  time: new Date('1970-01-01T00:00:00.001Z'),
  timetz: new Date('1970-01-01T12:00:00.000Z'),
}

describe('AllTypes through the client', () => {
  test('create returns every type exactly, as the official adapter does', async () => {
    const ours = await pair.ours.allTypes.create({ data: FULL })
    const official = await pair.official.allTypes.create({ data: FULL })
    expectSame(ours, official, FULL_EXPECTED)
    // The comparison is type-aware: a bigint is not a number, a Decimal is not a string.
    expect(typeof ours.bigInt).toBe('bigint')
    expect(ours.decimal).toBeInstanceOf(Prisma.Decimal)
    expect(ours.bytes).toBeInstanceOf(Uint8Array)
    expect(Buffer.compare(Buffer.from(ours.bytes), Buffer.from(ALL_BYTES))).toBe(0)
  })

  test('the other end of every range: empty lists and bytes, JSON null, negative minima', async () => {
    const ours = await pair.ours.allTypes.create({ data: EDGE })
    const official = await pair.official.allTypes.create({ data: EDGE })
    expectSame(ours, official, EDGE_EXPECTED)
  })

  test('findUnique and findMany read back what was written', async () => {
    const [ours, official] = [
      await pair.ours.allTypes.findUnique({ where: { id: 1 } }),
      await pair.official.allTypes.findUnique({ where: { id: 1 } }),
    ]
    expectSame(ours, official, FULL_EXPECTED)
    const [oursAll, officialAll] = [
      await pair.ours.allTypes.findMany({ orderBy: { id: 'asc' } }),
      await pair.official.allTypes.findMany({ orderBy: { id: 'asc' } }),
    ]
    expectSame(oursAll, officialAll, [FULL_EXPECTED, EDGE_EXPECTED])
    expect(Prisma.Decimal.isDecimal(oursAll[0]!.decimals[0])).toBe(true)
    expect(oursAll[0]!.decimal.toString()).toBe('12345678901234567890.12345678901234567891')
  })

  test('select returns only the chosen fields, each converted', async () => {
    const select = {
      bigInt: true, decimal: true, bytes: true, json: true, timetz: true, date: true, money: true,
      roles: true, bytesList: true, decimals: true, bigInts: true, jsons: true, dateTimes: true,
    } as const
    const query = { where: { id: 1 }, select }
    const [ours, official] = [await pair.ours.allTypes.findUniqueOrThrow(query), await pair.official.allTypes.findUniqueOrThrow(query)]
    const expected = Object.fromEntries(Object.keys(select).map((key) => [key, FULL[key as keyof typeof FULL]]))
    expectSame(ours, official, expected)
    expect(Object.keys(ours).sort()).toEqual(Object.keys(select).sort())
  })

  test('filters send every type as an argument the server compares exactly', async () => {
    const where: Prisma.AllTypesWhereInput = {
      bigInt: 9007199254740993n,
      decimal: new Prisma.Decimal('12345678901234567890.12345678901234567891'),
      bytes: ALL_BYTES,
      uuid: UUID_A,
      role: 'ADMIN',
      dateTime: FULL.dateTime,
      date: FULL.date,
      time: FULL.time,
      timetz: FULL.timetz,
      timestamp: FULL.timestamp,
      timestamptz: FULL.timestamptz,
      json: { equals: FULL.json },
      bigInts: { has: -9223372036854775808n },
      roles: { has: 'GUEST' },
      dateTimes: { has: new Date('2099-12-31T23:59:59.999Z') },
      decimals: { has: new Prisma.Decimal('-99999999999999999999.5') },
      bytesList: { has: Uint8Array.from([0x00, 0xff]) },
      strings: { hasEvery: ['with, comma', 'NULL', '{braces}'] },
      uuids: { has: UUID_B },
    }
    const [ours, official] = [
      await pair.ours.allTypes.findMany({ where, select: { id: true } }),
      await pair.official.allTypes.findMany({ where, select: { id: true } }),
    ]
    expectSame(ours, official, [{ id: 1 }])
    // Off by one millisecond or one unit in the last place finds nothing.
    const miss = await pair.ours.allTypes.count({ where: { timestamptz: new Date('2024-02-29T23:59:59.124Z') } })
    const missBig = await pair.ours.allTypes.count({ where: { bigInt: 9007199254740992n } })
    expect([miss, missBig]).toEqual([0, 0])
  })

  test('aggregates of BigInt, Decimal, Money and Float keep their precision', async () => {
    const [ours, official] = await both(pair, (prisma) =>
      prisma.allTypes.aggregate({
        where: { id: { in: [1, 2] } },
        _sum: { bigInt: true, decimal: true, money: true, int: true },
        _avg: { decimal: true, smallInt: true },
        _min: { bigInt: true, decimal: true, dateTime: true, timestamptz: true },
        _max: { bigInt: true, decimal: true, float: true, money: true },
      }),
    )
    expectSame(ours, official, {
      _sum: {
        bigInt: 9007199254740993n - 9223372036854775808n,
        decimal: new Prisma.Decimal('12345678901234567890.1234567890123456789'),
        money: new Prisma.Decimal('0'),
        int: -2147483648,
      },
      _avg: { decimal: new Prisma.Decimal('6172839450617283945.06172839450617283945'), smallInt: -0.5 },
      _min: { bigInt: -9223372036854775808n, decimal: new Prisma.Decimal('-0.00000000000000000001'), dateTime: EDGE.dateTime, timestamptz: EDGE.timestamptz },
      _max: { bigInt: 9007199254740993n, decimal: FULL.decimal, float: 0.30000000000000004, money: new Prisma.Decimal('1234.56') },
    })
  })

  test('update writes lists, bytes and JSON; push appends to a list', async () => {
    const data = {
      bigInts: { push: 42n },
      roles: { set: ['GUEST', 'GUEST'] as ('USER' | 'ADMIN' | 'GUEST')[] },
      bytes: Uint8Array.from([0xde, 0xad, 0xbe, 0xef]),
      json: { updated: [true] },
      decimal: new Prisma.Decimal('0.00000000000000000001'),
    }
    const select = { bigInts: true, roles: true, bytes: true, json: true, decimal: true } as const
    const ours = await pair.ours.allTypes.update({ where: { id: 2 }, data, select })
    const official = await pair.official.allTypes.update({ where: { id: 2 }, data, select })
    expectSame(ours, official, {
      bigInts: [42n],
      roles: ['GUEST', 'GUEST'],
      bytes: Uint8Array.from([0xde, 0xad, 0xbe, 0xef]),
      json: { updated: [true] },
      decimal: new Prisma.Decimal('0.00000000000000000001'),
    })
  })

  test('dates before year 1 (BC) and after year 9999 round-trip (the official adapter can neither write nor read them)', async () => {
    const extremes = {
      dateTime: new Date('-000043-03-15T12:00:00.500Z'), // 44 BC
      date: new Date('0000-02-29T00:00:00.000Z'), // 1 BC, a leap year
      timestamp: new Date('+010000-01-01T00:00:00.001Z'),
      timestamptz: new Date('-004712-01-01T00:00:00.000Z'), // 4713 BC, the earliest PostgreSQL accepts
    }
    const select = { dateTime: true, date: true, timestamp: true, timestamptz: true } as const
    const created = await pair.ours.allTypes.create({ data: { ...zonedRow('extremes'), ...extremes }, select: { ...select, id: true } })
    expect(canonical(created)).toEqual(canonical({ ...extremes, id: created.id }))
    const read = await pair.ours.allTypes.findUniqueOrThrow({ where: { id: created.id }, select })
    expect(canonical(read)).toEqual(canonical(extremes))
    const [row] = await sql(
      `SELECT "dateTime"::text AS dt, "date"::text AS d, "timestamp"::text AS ts, ("timestamptz" AT TIME ZONE 'UTC')::text AS tstz
       FROM "${pair.oursSchema.name}"."AllTypes" WHERE id = $1`,
      [created.id],
    )
    expect(row).toEqual({ dt: '0044-03-15 12:00:00.5 BC', d: '0001-02-29 BC', ts: '10000-01-01 00:00:00.001', tstz: '4713-01-01 00:00:00 BC' })
    // The official adapter writes 44 BC as "0-43-03-15 …", which PostgreSQL refuses …
    await expect(pair.official.allTypes.create({ data: { ...zonedRow('extremes'), ...extremes } })).rejects.toThrow(/invalid input syntax/)
    // … and reads the year 10000 as an invalid date.
    const official = await pair.official.$queryRaw<{ ts: Date }[]>`SELECT '10000-01-01 00:00:00.001'::timestamp AS ts`
    expect(Number.isNaN(official[0]!.ts.getTime())).toBe(true)
  })

  test('the database holds exactly the values written (checked in SQL, not through the adapter)', async () => {
    const [row] = await sql(
      `SELECT "bigInt"::text AS big, "decimal"::text AS dec, encode("bytes", 'hex') AS hex, "json"::text AS json,
              "dateTime"::text AS dt, "timestamptz" AT TIME ZONE 'UTC' AS tstz, "timetz"::text AS ttz, "time"::text AS t,
              "date"::text AS d, "bigInts"::text AS bigs, array_length("bytesList", 1) AS nbytes
       FROM "${pair.oursSchema.name}"."AllTypes" WHERE id = 1`,
    )
    expect({ ...row, json: JSON.parse(row!.json) }).toEqual({
      big: '9007199254740993',
      dec: '12345678901234567890.12345678901234567891',
      hex: Buffer.from(ALL_BYTES).toString('hex'),
      json: FULL.json,
      dt: '2024-02-29 23:59:59.123',
      tstz: new Date('2024-02-29T23:59:59.123Z'),
      ttz: '23:14:15.678+00',
      t: '23:14:15.678',
      d: '2024-02-29',
      bigs: '{9007199254740993,-9223372036854775808,9223372036854775807,0}',
      nbytes: 3,
    })
  })
})

/** Date and time columns written and read through a session in `zone`. */
const ZONED = {
  dateTime: new Date('2024-02-29T23:59:59.123Z'),
  date: new Date('2024-02-29T00:00:00.000Z'),
  time: new Date('1970-01-01T23:14:15.678Z'),
  timetz: new Date('1970-01-01T00:30:00.001Z'),
  timestamp: new Date('2024-07-04T03:30:00.500Z'),
  timestamptz: new Date('2024-03-10T07:30:00.250Z'),
  dateTimes: [new Date('2024-01-01T00:00:00.001Z'), new Date('2024-07-01T23:59:59.999Z')],
  dates: [new Date('2024-12-31T00:00:00.000Z')],
}
const ZONED_FIELDS = { id: true, dateTime: true, date: true, time: true, timetz: true, timestamp: true, timestamptz: true, dateTimes: true, dates: true } as const

function zonedRow(name: string) {
  return {
    ...ZONED,
    str: name, int: 0, bigInt: 0n, float: 0, decimal: 0, bool: true, json: {}, bytes: new Uint8Array(), role: 'USER' as const,
    smallInt: 0, real: 0, char: 'z', varchar: 'z', uuid: UUID_A, jsonPlain: {}, xml: '<z/>', inet: '127.0.0.1', bit: '0000',
    varbit: '0', money: 0, oid: 0,
  }
}

describe.each(['Asia/Kolkata', 'America/New_York'])('DateTime in a session with TimeZone=%s', (zone) => {
  let zoned: PrismaClient
  beforeAll(async () => {
    zoned = new PrismaClient({
      adapter: ourPgAdapter({ connectionString: PG_URL, schema: pair.oursSchema.name, options: `-c TimeZone=${zone}`, pool: { size: 1, maxOverflow: 0 } }),
    })
    // pgjdbc logs in with the JVM's zone (UTC), over the options' -c TimeZone: the one session is set to the zone.
    if (onJdbcRoute()) await zoned.$executeRawUnsafe(`SET TimeZone = '${zone}'`)
  })
  afterAll(async () => {
    await zoned?.$disconnect()
  })

  test('values round-trip exactly and match a reading through a UTC session', async () => {
    expect(await zoned.$queryRaw`SELECT current_setting('TimeZone') AS zone`).toEqual([{ zone }])
    const created = await zoned.allTypes.create({ data: zonedRow(zone), select: ZONED_FIELDS })
    const expected = { id: created.id, ...ZONED }
    expect(canonical(created)).toEqual(canonical(expected))
    const readZoned = await zoned.allTypes.findUniqueOrThrow({ where: { id: created.id }, select: ZONED_FIELDS })
    const readUtc = await pair.ours.allTypes.findUniqueOrThrow({ where: { id: created.id }, select: ZONED_FIELDS })
    expect(canonical(readZoned)).toEqual(canonical(expected))
    expect(canonical(readUtc)).toEqual(canonical(expected))
    // A filter on the instant finds the row from the zoned session.
    expect(await zoned.allTypes.count({ where: { id: created.id, timestamptz: ZONED.timestamptz, timetz: ZONED.timetz } })).toBe(1)
    // And the server holds the right instants, whatever session wrote them.
    const [row] = await sql(
      `SELECT to_char("timestamptz" AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS') AS tstz, "timetz"::text AS ttz
       FROM "${pair.oursSchema.name}"."AllTypes" WHERE id = $1`,
      [created.id],
    )
    expect(row).toEqual({ tstz: '2024-03-10 07:30:00.250', ttz: '00:30:00.001+00' })
  })

  test('relations loaded with join (JSON) and query strategies agree on instants', async () => {
    const createdAt = new Date('2024-06-30T22:45:00.123Z')
    const email = `${zone}@zoned`
    await zoned.user.create({ data: { email, name: zone, posts: { create: { title: 'zoned', createdAt } } } })
    for (const relationLoadStrategy of ['join', 'query'] as const) {
      const user = await zoned.user.findUniqueOrThrow({ relationLoadStrategy, where: { email }, select: { posts: { select: { createdAt: true } } } })
      expect(user.posts).toEqual([{ createdAt }])
    }
  })

  test('timestamptz values the server renders in local time come back in UTC, historical offsets included', async () => {
    // 1850 in New York is Local Mean Time, -04:56:02: the offset has seconds.
    const instants = [new Date('1850-01-01T12:00:00.000Z'), new Date('2024-01-15T04:59:59.999Z'), new Date('2024-07-15T12:00:00.000Z')]
    const rows = await zoned.$queryRaw<{ t: Date; text: string; list: Date[] }[]>`
      SELECT ${instants[0]}::timestamptz AS t, ${instants[0]}::timestamptz::text AS text, ${instants}::timestamptz[] AS list`
    expect(canonical(rows)).toEqual(canonical([{ t: instants[0], text: rows[0]!.text, list: instants }]))
    expect(rows[0]!.text).toBe(zone === 'America/New_York' ? '1850-01-01 07:03:58-04:56:02' : '1850-01-01 17:53:28+05:53:28')
  })
})

test('documented difference: the official adapter writes timestamptz in the session zone, not UTC', async () => {
  const official = new PrismaClient({
    adapter: new PrismaPg({ connectionString: PG_URL, options: '-c TimeZone=Asia/Kolkata', max: 1 }, { schema: pair.officialSchema.name }),
  })
  try {
    const created = await official.allTypes.create({ data: zonedRow('official'), select: { id: true, timestamptz: true } })
    // Its own zoned session sees the value it wrote …
    expect(created.timestamptz).toEqual(ZONED.timestamptz)
    // … but the instant stored is 5h30 early: a UTC session reads another time. Ours gets this right (tests above).
    const utc = await pair.official.allTypes.findUniqueOrThrow({ where: { id: created.id }, select: { timestamptz: true } })
    expect(utc.timestamptz).toEqual(new Date(ZONED.timestamptz.getTime() - 5.5 * 3600_000))
  } finally {
    await official.$disconnect()
  }
})
