// Every scalar and native type of model AllTypes, written and read through the generated client:
// ours must return exactly what the official @prisma/adapter-mariadb returns, and exactly what was written.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { MariaDbServer } from '../../../test-support/servers/mariadb.js'
import { both, expectSame, knownError, openPair, type Pair } from './compare.js'
import { Prisma } from './generated/prisma/client.js'
import { sql } from './helpers.js'

const ALL_BYTES = Uint8Array.from({ length: 256 }, (_, i) => i)
const bytes = (length: number) => Uint8Array.from({ length }, (_, i) => (i * 7) % 256)
const DECIMAL_MAX = '99999999999999999999999999999999999.999999999999999999999999999999' // 35 + 30 digits
const DECIMAL_TINY = '-0.000000000000000000000000000001'

/** Every type at a demanding value: past 2^53, unsigned maxima, 65 decimal digits, every byte, milliseconds … */
const FULL = {
  str: 'héllo wörld 🎉 \'quoted\' "double" \\ back ? `tick`',
  strNull: null,
  int: -2147483648,
  bigInt: 9007199254740993n,
  float: 0.30000000000000004,
  decimal: new Prisma.Decimal(DECIMAL_MAX),
  bool: true,
  dateTime: new Date('2024-02-29T23:59:59.123Z'),
  json: { nested: { list: [1, 'two', null, true, 2.5] }, unicode: 'ü🎉', empty: {}, quote: '"\'\\' },
  jsonNull: [1, 'a', { b: [null] }],
  bytes: ALL_BYTES,
  role: 'ADMIN' as const,
  roleNull: 'GUEST' as const,
  tinyInt: -128,
  uTinyInt: 255,
  smallInt: -32768,
  uSmallInt: 65535,
  mediumInt: -8388608,
  uMediumInt: 16777215,
  intNative: 2147483647,
  uInt: 4294967295,
  bigIntNative: -9223372036854775808n,
  uBigInt: 18446744073709551615n,
  year: 2155,
  single: 1.5,
  double: -1.5e300,
  decimalSmall: new Prisma.Decimal('-99999999.99'),
  boolTinyInt: true,
  boolBit: true,
  bits: Uint8Array.from([0x0a, 0xbc]),
  char: 'ab',
  varchar: `${'v'.repeat(38)}🎉ü`,
  text: 'ü'.repeat(30000),
  tinyText: 'x'.repeat(255),
  mediumText: 'm'.repeat(70000),
  longText: '🎉'.repeat(50000),
  binary: Uint8Array.from([0xff, 0x00]),
  varBinary: ALL_BYTES,
  blob: ALL_BYTES,
  tinyBlob: ALL_BYTES.slice(1),
  mediumBlob: bytes(70000),
  longBlob: ALL_BYTES.slice().reverse(),
  date: new Date('2024-02-29T00:00:00.000Z'),
  dateNull: null,
  time: new Date('1970-01-01T23:14:15.678Z'),
  time0: new Date('1970-01-01T23:59:59.000Z'),
  dateTime0: new Date('2024-02-29T23:59:59.123Z'),
  dateTime1: new Date('2024-02-29T23:59:59.123Z'),
  dateTime2: new Date('2024-02-29T23:59:59.123Z'),
  dateTime4: new Date('2024-02-29T23:59:59.123Z'),
  dateTime5: new Date('2024-02-29T23:59:59.123Z'),
  dateTime6: new Date('2024-02-29T23:59:59.123Z'),
  timestamp0: new Date('2038-01-19T03:14:07.123Z'),
  timestamp1: new Date('2038-01-19T03:14:07.123Z'),
  timestamp2: new Date('2038-01-19T03:14:07.123Z'),
  timestamp3: new Date('2038-01-19T03:14:07.123Z'),
  timestamp4: new Date('2038-01-19T03:14:07.123Z'),
  timestamp5: new Date('2038-01-19T03:14:07.123Z'),
  timestamp6: new Date('2038-01-19T03:14:07.123Z'),
}
const FULL_EXPECTED = {
  id: 1,
  ...FULL,
  // BINARY(4) pads with zero bytes; the fraction of a second is cut to the column's precision.
  binary: Uint8Array.from([0xff, 0x00, 0x00, 0x00]),
  dateTime0: new Date('2024-02-29T23:59:59.000Z'),
  dateTime1: new Date('2024-02-29T23:59:59.100Z'),
  dateTime2: new Date('2024-02-29T23:59:59.120Z'),
  timestamp0: new Date('2038-01-19T03:14:07.000Z'),
  timestamp1: new Date('2038-01-19T03:14:07.100Z'),
  timestamp2: new Date('2038-01-19T03:14:07.120Z'),
}

/** The other end of every range: empty strings and bytes, minima, years 1000 and 9999, before 1970, JSON string and SQL NULL. */
const EDGE = {
  str: '',
  strNull: 'not null',
  int: 0,
  bigInt: -9223372036854775808n,
  float: -0.5,
  decimal: new Prisma.Decimal(DECIMAL_TINY),
  bool: false,
  dateTime: new Date('1000-01-01T00:00:00.000Z'),
  json: 'just a string',
  jsonNull: Prisma.DbNull,
  bytes: new Uint8Array(),
  role: 'GUEST' as const,
  roleNull: null,
  tinyInt: 127,
  uTinyInt: 0,
  smallInt: 32767,
  uSmallInt: 0,
  mediumInt: 8388607,
  uMediumInt: 0,
  intNative: -2147483648,
  uInt: 0,
  bigIntNative: 9223372036854775807n,
  uBigInt: 0n,
  year: 1901,
  single: -0.25,
  double: 5e-324,
  decimalSmall: new Prisma.Decimal('0.01'),
  boolTinyInt: false,
  boolBit: false,
  bits: Uint8Array.from([0x00, 0x00]),
  char: 'abcde',
  varchar: '',
  text: '',
  tinyText: '',
  mediumText: '',
  longText: '',
  binary: new Uint8Array(),
  varBinary: new Uint8Array(),
  blob: new Uint8Array(),
  tinyBlob: new Uint8Array(),
  mediumBlob: new Uint8Array(),
  longBlob: new Uint8Array(),
  // Only the date part of a DATE and the time part of a TIME are kept.
  date: new Date('9999-12-31T15:16:17.189Z'),
  dateNull: new Date('1000-01-01T00:00:00.000Z'),
  time: new Date('2024-05-05T00:00:00.001Z'),
  time0: new Date('1960-05-05T00:00:00.000Z'),
  dateTime0: new Date('1969-07-20T20:17:40.000Z'),
  dateTime1: new Date('1000-01-01T00:00:00.100Z'),
  dateTime2: new Date('1900-01-01T00:00:00.010Z'),
  dateTime4: new Date('9999-12-31T23:59:59.999Z'),
  dateTime5: new Date('1969-12-31T23:59:59.999Z'),
  dateTime6: new Date('9999-12-31T23:59:59.999Z'),
  timestamp0: new Date('1970-01-01T00:00:01.000Z'),
  timestamp1: new Date('1970-01-01T00:00:01.000Z'),
  timestamp2: new Date('1970-01-01T00:00:01.000Z'),
  timestamp3: new Date('1970-01-01T00:00:01.001Z'),
  timestamp4: new Date('2000-02-29T12:00:00.000Z'),
  timestamp5: new Date('1970-01-01T00:00:01.000Z'),
  timestamp6: new Date('2038-01-19T03:14:07.999Z'),
}
const EDGE_EXPECTED = {
  id: 2,
  ...EDGE,
  jsonNull: null,
  binary: new Uint8Array(4),
  date: new Date('9999-12-31T00:00:00.000Z'),
  time: new Date('1970-01-01T00:00:00.001Z'),
  time0: new Date('1970-01-01T00:00:00.000Z'),
}

// Both protocols: prepared statements (binary) and, with `preparedStatements: false`, values inlined in the
// text protocol; the official adapter runs the same way (its `useTextProtocol`).
describe.each([true, false])('AllTypes through the client, preparedStatements: %s', (preparedStatements) => {
  let pair: Pair
  beforeAll(async () => {
    pair = await openPair(preparedStatements ? 'types_ps' : 'types_text', { preparedStatements, pool: { size: 3, maxOverflow: 0 } })
  })
  afterAll(async () => {
    await pair?.close()
  })

  test('create returns every type exactly, as the official adapter does', async () => {
    const ours = await pair.ours.allTypes.create({ data: FULL })
    const official = await pair.official.allTypes.create({ data: FULL })
    expectSame(ours, official, FULL_EXPECTED)
    // The comparison is type-aware: a bigint is not a number, a Decimal is not a string.
    expect(typeof ours.bigInt).toBe('bigint')
    expect(typeof ours.uBigInt).toBe('bigint')
    expect(ours.decimal).toBeInstanceOf(Prisma.Decimal)
    expect(ours.decimal.toFixed()).toBe(DECIMAL_MAX)
    expect(ours.bytes).toBeInstanceOf(Uint8Array)
    expect(Buffer.compare(Buffer.from(ours.bytes), Buffer.from(ALL_BYTES))).toBe(0)
  })

  test('the other end of every range: minima, empty values, years 1000 and 9999, before 1970, SQL NULL', async () => {
    const ours = await pair.ours.allTypes.create({ data: EDGE })
    const official = await pair.official.allTypes.create({ data: EDGE })
    expectSame(ours, official, EDGE_EXPECTED)
  })

  test('JSON: objects, arrays, strings, numbers, booleans and the JSON null', async () => {
    const values = [{ a: { b: [] } }, [1, [2, [3]]], '', 'quote " and \\', 0, -1.5e300, true, false]
    const [ours, official] = await both(pair, async (prisma) => {
      const written = []
      for (const json of values) {
        written.push(await prisma.allTypes.create({ data: { ...EDGE, json, jsonNull: Prisma.JsonNull }, select: { json: true, jsonNull: true } }))
      }
      return written
    })
    // A JSON null reads back as null, like SQL NULL.
    expectSame(ours, official, values.map((json) => ({ json, jsonNull: null })))
    const [row] = await sql(`SELECT jsonNull IS NULL AS isSqlNull, CAST(jsonNull AS CHAR) AS text FROM \`${pair.oursDb.name}\`.AllTypes WHERE id = 3`)
    expect(row).toEqual({ isSqlNull: 0, text: 'null' })
  })

  test('findUnique and findMany read back what was written', async () => {
    const [ours, official] = await both(pair, (prisma) => prisma.allTypes.findUnique({ where: { id: 1 } }))
    expectSame(ours, official, FULL_EXPECTED)
    const [oursAll, officialAll] = await both(pair, (prisma) => prisma.allTypes.findMany({ where: { id: { in: [1, 2] } }, orderBy: { id: 'asc' } }))
    expectSame(oursAll, officialAll, [FULL_EXPECTED, EDGE_EXPECTED])
  })

  test('select returns only the chosen fields, each converted', async () => {
    const select = {
      bigInt: true, uBigInt: true, decimal: true, bytes: true, json: true, jsonNull: true, time: true, date: true, year: true,
      boolBit: true, bits: true, role: true, timestamp6: true, uInt: true,
    } as const
    const [ours, official] = await both(pair, (prisma) => prisma.allTypes.findUniqueOrThrow({ where: { id: 1 }, select }))
    const expected = Object.fromEntries(Object.keys(select).map((key) => [key, FULL_EXPECTED[key as keyof typeof FULL_EXPECTED]]))
    expectSame(ours, official, expected)
    expect(Object.keys(ours).sort()).toEqual(Object.keys(select).sort())
  })

  test('filters send every type as an argument the server compares exactly', async () => {
    const where: Prisma.AllTypesWhereInput = {
      bigInt: 9007199254740993n,
      uBigInt: 18446744073709551615n,
      bigIntNative: -9223372036854775808n,
      uInt: 4294967295,
      decimal: new Prisma.Decimal(DECIMAL_MAX),
      decimalSmall: new Prisma.Decimal('-99999999.99'),
      bytes: ALL_BYTES,
      varBinary: ALL_BYTES,
      binary: FULL_EXPECTED.binary,
      role: 'ADMIN',
      roleNull: 'GUEST',
      boolBit: true,
      year: 2155,
      single: 1.5,
      dateTime: FULL.dateTime,
      dateTime6: FULL.dateTime6,
      date: FULL.date,
      time: FULL.time,
      timestamp3: FULL.timestamp3,
      json: { equals: FULL.json },
      varchar: FULL.varchar,
      strNull: null,
    }
    const [ours, official] = await both(pair, (prisma) => prisma.allTypes.findMany({ where, select: { id: true } }))
    expectSame(ours, official, [{ id: 1 }])
    // Off by one millisecond or one unit in the last place finds nothing.
    const [oursMiss, officialMiss] = await both(pair, async (prisma) => [
      await prisma.allTypes.count({ where: { dateTime: new Date('2024-02-29T23:59:59.124Z') } }),
      await prisma.allTypes.count({ where: { bigInt: 9007199254740992n } }),
      await prisma.allTypes.count({ where: { uBigInt: 18446744073709551614n } }),
      await prisma.allTypes.count({ where: { decimal: new Prisma.Decimal(DECIMAL_MAX.replace(/9$/, '8')) } }),
    ])
    expectSame(oursMiss, officialMiss, [0, 0, 0, 0])
    // JSON paths: the path and the values are arguments too.
    const [oursJson, officialJson] = await both(pair, async (prisma) => [
      await prisma.allTypes.count({ where: { id: 1, json: { path: '$.unicode', equals: 'ü🎉' } } }),
      await prisma.allTypes.count({ where: { id: 1, json: { path: '$.nested.list', array_contains: ['two', 2.5] } } }),
      await prisma.allTypes.count({ where: { id: 1, json: { path: '$.unicode', string_contains: '🎉' } } }),
      await prisma.allTypes.count({ where: { id: 1, json: { path: '$.nested.list[2]', equals: Prisma.AnyNull } } }),
      await prisma.allTypes.count({ where: { id: 1, json: { path: '$.unicode', equals: 'u' } } }),
    ])
    expectSame(oursJson, officialJson, [1, 1, 1, 1, 0])
  })

  test('aggregates of BigInt, Decimal, Int and Float keep their precision', async () => {
    const [ours, official] = await both(pair, (prisma) =>
      prisma.allTypes.aggregate({
        where: { id: { in: [1, 2] } },
        _sum: { bigInt: true, decimal: true, int: true, uInt: true },
        _avg: { decimalSmall: true, smallInt: true },
        _min: { bigInt: true, uBigInt: true, decimal: true, dateTime: true, timestamp3: true, time: true },
        _max: { bigInt: true, uBigInt: true, decimal: true, double: true, date: true },
      }),
    )
    expectSame(ours, official, {
      _sum: {
        bigInt: 9007199254740993n - 9223372036854775808n,
        decimal: new Prisma.Decimal('99999999999999999999999999999999999.999999999999999999999999999998'),
        int: -2147483648,
        uInt: 4294967295,
      },
      _avg: { decimalSmall: new Prisma.Decimal('-49999999.99'), smallInt: -0.5 },
      _min: {
        bigInt: -9223372036854775808n,
        uBigInt: 0n,
        decimal: new Prisma.Decimal(DECIMAL_TINY),
        dateTime: EDGE.dateTime,
        timestamp3: EDGE.timestamp3,
        time: new Date('1970-01-01T00:00:00.001Z'),
      },
      _max: { bigInt: 9007199254740993n, uBigInt: 18446744073709551615n, decimal: FULL.decimal, double: EDGE.double, date: new Date('9999-12-31T00:00:00.000Z') },
    })
  })

  test('update writes bytes, JSON, Decimal extremes; increment and decrement at the unsigned limits', async () => {
    const data = {
      bytes: Uint8Array.from([0xde, 0xad, 0xbe, 0xef]),
      json: { updated: [true] },
      decimal: new Prisma.Decimal(`-${DECIMAL_MAX}`),
      uBigInt: { increment: 18446744073709551615n },
      uInt: { increment: 4294967295 },
      bigIntNative: { decrement: 9223372036854775807n },
    }
    const select = { bytes: true, json: true, decimal: true, uBigInt: true, uInt: true, bigIntNative: true } as const
    const ours = await pair.ours.allTypes.update({ where: { id: 2 }, data, select })
    const official = await pair.official.allTypes.update({ where: { id: 2 }, data, select })
    expectSame(ours, official, {
      bytes: Uint8Array.from([0xde, 0xad, 0xbe, 0xef]),
      json: { updated: [true] },
      decimal: new Prisma.Decimal(`-${DECIMAL_MAX}`),
      uBigInt: 18446744073709551615n,
      uInt: 4294967295,
      bigIntNative: 0n,
    })
  })

  test('the database holds exactly the values written (checked in SQL, not through the adapter)', async () => {
    const [row] = await sql(
      `SELECT CAST(\`bigInt\` AS CHAR) AS big, CAST(uBigInt AS CHAR) AS ubig, CAST(\`decimal\` AS CHAR) AS dec_, HEX(bytes) AS hex,
              CAST(json AS CHAR) AS json, dateTime, dateTime6, UNIX_TIMESTAMP(timestamp3) AS epoch, CAST(time AS CHAR) AS t,
              CAST(\`date\` AS CHAR) AS d, BIN(bits) AS bits, boolBit + 0 AS bit, year, HEX(\`binary\`) AS bin, LENGTH(\`longText\`) AS longBytes
       FROM \`${pair.oursDb.name}\`.AllTypes WHERE id = 1`,
    )
    expect({ ...row, json: JSON.parse(row!.json) }).toEqual({
      big: '9007199254740993',
      ubig: '18446744073709551615',
      dec_: DECIMAL_MAX,
      hex: Buffer.from(ALL_BYTES).toString('hex').toUpperCase(),
      json: FULL.json,
      dateTime: '2024-02-29 23:59:59.123',
      dateTime6: '2024-02-29 23:59:59.123000',
      // The instant of the TIMESTAMP, whatever the time zone of this session: 2038-01-19T03:14:07.123Z.
      epoch: '2147483647.123',
      t: '23:14:15.678',
      d: '2024-02-29',
      bits: '101010111100',
      bit: 1,
      year: 2155,
      bin: 'FF000000',
      longBytes: 200000,
    })
  })

  test('a zero date (0000-00-00) is refused with P2020, as Prisma 6 did (the official adapter throws a RangeError)', async () => {
    const [ours, official] = await both(pair, async (prisma) => {
      const { id } = await prisma.allTypes.create({ data: EDGE, select: { id: true } })
      // The default sql_mode refuses zero dates; an application with an older mode may have stored some.
      await sql(`SET SESSION sql_mode = ''; UPDATE AllTypes SET dateTime = '0000-00-00 00:00:00', \`date\` = '2024-00-10' WHERE id = ?`, [id], pair.dbOf(prisma))
      return id
    })
    const error = await knownError(pair.ours.allTypes.findUniqueOrThrow({ where: { id: ours }, select: { dateTime: true } }))
    expect(error.code).toBe('P2020')
    expect(error.message).toContain('The column `dateTime` contained an invalid datetime value with either day or month set to zero.')
    const date = await knownError(pair.ours.allTypes.findUniqueOrThrow({ where: { id: ours }, select: { date: true } }))
    expect(date.message).toContain('The column `date` contained an invalid datetime value with either day or month set to zero.')
    // The other columns of the row are still readable.
    expect(await pair.ours.allTypes.findUniqueOrThrow({ where: { id: ours }, select: { dateTime0: true } })).toEqual({ dateTime0: EDGE.dateTime0 })
    // Not copied: the official adapter makes an Invalid Date of it and fails on its toISOString().
    await expect(pair.official.allTypes.findUniqueOrThrow({ where: { id: official }, select: { dateTime: true } })).rejects.toThrow(RangeError)
    await both(pair, (prisma) => prisma.allTypes.deleteMany({ where: { id: prisma === pair.ours ? ours : official } }))
  })
})

/**
 * TIMESTAMP columns hold instants, shown in the session's time zone. Two clients on a server of their own whose
 * default time zone is +05:30, so that every session starts in it (and no other test's server changes).
 */
describe('TIMESTAMP on a server whose time zone is not UTC', () => {
  const INSTANT = new Date('2024-03-10T07:30:00.250Z')
  let server: MariaDbServer
  let zoned: Pair

  beforeAll(async () => {
    server = await MariaDbServer.start({ settings: { 'default-time-zone': "'+05:30'" } })
    zoned = await openPair('tz', { pool: { size: 1, maxOverflow: 0 } }, { connectionLimit: 1 }, server.url)
  })
  afterAll(async () => {
    await zoned?.close()
    await server?.stop()
  })

  /** The instant a TIMESTAMP holds, read as seconds since the epoch (independent of any session's zone). */
  const stored = async (db: string, title: string) => {
    const [row] = await sql<{ epoch: string }>('SELECT UNIX_TIMESTAMP(createdAt) AS epoch FROM Post WHERE title = ?', [title], db, server.url)
    return new Date(Number(row!.epoch) * 1000)
  }
  const UTC_WRITTEN = new Date('2024-07-04T03:30:00.500Z')

  test('ours runs every session in UTC: values written and read are the right instants', async () => {
    const [ours, official] = await both(zoned, (prisma) => prisma.$queryRaw<{ zone: string }[]>`SELECT @@session.time_zone AS zone`)
    expect({ ours, official }).toEqual({ ours: [{ zone: '+00:00' }], official: [{ zone: '+05:30' }] })

    const [written] = await both(zoned, (prisma) =>
      prisma.user.create({ data: { email: 'tz@zoned', name: 'tz', posts: { create: { title: 'zoned', createdAt: INSTANT } } }, select: { posts: { select: { createdAt: true } } } }),
    )
    expect(written.posts).toEqual([{ createdAt: INSTANT }])
    expect(await zoned.ours.post.count({ where: { createdAt: INSTANT } })).toBe(1)
    expect(await stored(zoned.oursDb.name, 'zoned')).toEqual(INSTANT)

    // A value another session wrote is read as the same instant.
    const insert = `INSERT INTO Post (title, authorId, createdAt) SELECT 'other', id, FROM_UNIXTIME(${UTC_WRITTEN.getTime() / 1000}) FROM User`
    await both(zoned, (prisma) => sql(insert, [], zoned.dbOf(prisma), server.url))
    expect(await zoned.ours.post.findFirstOrThrow({ where: { title: 'other' }, select: { createdAt: true } })).toEqual({ createdAt: UTC_WRITTEN })
  })

  test('not copied: the official adapter writes and reads TIMESTAMPs in the session zone as if it were UTC', async () => {
    // Its own session reads back what it wrote (previous test) …
    expect(await zoned.official.post.findFirstOrThrow({ where: { title: 'zoned' }, select: { createdAt: true } })).toEqual({ createdAt: INSTANT })
    // … but the instant stored is 5h30 early …
    expect(await stored(zoned.officialDb.name, 'zoned')).toEqual(new Date(INSTANT.getTime() - 5.5 * 3600_000))
    // … and a value another session wrote is read 5h30 late.
    expect(await zoned.official.post.findFirstOrThrow({ where: { title: 'other' }, select: { createdAt: true } })).toEqual({
      createdAt: new Date(UTC_WRITTEN.getTime() + 5.5 * 3600_000),
    })
  })
})
