// Raw queries through the client: every parameter type, every result column type, affected-row counts
// and the UnsupportedNativeDataType error, ours against the official adapter and the expected values.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { both, canonical, expectSame, knownError, openPair, type Pair } from './compare.js'
import { Prisma, type PrismaClient } from './generated/prisma/client.js'

let pair: Pair
beforeAll(async () => {
  pair = await openPair('raw', { pool: { size: 3, maxOverflow: 0 } })
})
afterAll(async () => {
  await pair?.close()
})

const INSTANT = new Date('2024-02-29T23:59:59.123Z')

describe('parameters', () => {
  test('$queryRaw sends every parameter type', async () => {
    const query = (prisma: PrismaClient) => prisma.$queryRaw`
      SELECT ${'tëxt \'q\''}::text AS string,
             ${42}::int4 AS int,
             ${-1.5}::float8 AS float,
             ${9007199254740993n}::int8 AS bigint,
             ${-9223372036854775808n}::int8 AS bigint_min,
             ${new Prisma.Decimal('-12345678901234567890.12345678901234567891')}::numeric AS decimal,
             ${true}::bool AS bool_true,
             ${false} AS untyped_bool,
             ${INSTANT}::timestamptz AS timestamptz,
             ${INSTANT}::timestamp AS timestamp,
             ${INSTANT}::date AS date,
             ${INSTANT}::time AS time,
             ${Buffer.from([0x00, 0x7f, 0xff])}::bytea AS buffer,
             ${Uint8Array.from([1, 2, 3])}::bytea AS uint8array,
             ${new Uint8Array()}::bytea AS empty_bytes,
             ${null}::int4 AS typed_null,
             ${null} AS null,
             ${[1, -2, 3]}::int4[] AS int_list,
             ${['a', 'b,c', '"d"', '']}::text[] AS text_list,
             ${[9007199254740993n, 1n]}::int8[] AS bigint_list,
             ${[true, false]}::bool[] AS bool_list,
             ${[INSTANT, new Date(0)]}::timestamptz[] AS date_list,
             ${[]}::int4[] AS empty_list,
             ${{ a: [1, 'x', null], b: { c: true } }}::jsonb AS json`
    const [ours, official] = await both(pair, query)
    expectSame(ours, official, [
      {
        string: "tëxt 'q'",
        int: 42,
        float: -1.5,
        bigint: 9007199254740993n,
        bigint_min: -9223372036854775808n,
        decimal: new Prisma.Decimal('-12345678901234567890.12345678901234567891'),
        bool_true: true,
        // An untyped parameter is text to PostgreSQL, for both adapters.
        untyped_bool: 'false',
        timestamptz: INSTANT,
        timestamp: INSTANT,
        date: new Date('2024-02-29T00:00:00.000Z'),
        time: new Date('1970-01-01T23:59:59.123Z'),
        buffer: Uint8Array.from([0x00, 0x7f, 0xff]),
        uint8array: Uint8Array.from([1, 2, 3]),
        empty_bytes: new Uint8Array(),
        typed_null: null,
        null: null,
        int_list: [1, -2, 3],
        text_list: ['a', 'b,c', '"d"', ''],
        bigint_list: [9007199254740993n, 1n],
        bool_list: [true, false],
        date_list: [INSTANT, new Date(0)],
        empty_list: [],
        json: { a: [1, 'x', null], b: { c: true } },
      },
    ])
  })

  test('Prisma.join, Prisma.sql fragments and parameters in WHERE', async () => {
    const [ours, official] = await both(pair, (prisma) => {
      const ids = Prisma.join([2, 4, 6])
      const filter = Prisma.sql`AND g % ${3} <> ${0}`
      return prisma.$queryRaw`SELECT g FROM generate_series(1, 10) AS g WHERE g IN (${ids}) ${filter} ORDER BY g`
    })
    expectSame(ours, official, [{ g: 2 }, { g: 4 }])
  })

  test('$queryRawUnsafe with positional parameters', async () => {
    const [ours, official] = await both(pair, (prisma) =>
      prisma.$queryRawUnsafe(
        'SELECT $1::text AS a, $2::int8 AS b, $3::numeric AS c, $4::bytea AS d, $5::timestamptz AS e, $6::int4[] AS f, $7::text AS g',
        'x',
        9007199254740993n,
        new Prisma.Decimal('0.00000000000000000001'),
        Buffer.from('hi'),
        INSTANT,
        [7, 8],
        null,
      ),
    )
    expectSame(ours, official, [
      { a: 'x', b: 9007199254740993n, c: new Prisma.Decimal('1e-20'), d: Buffer.from('hi'), e: INSTANT, f: [7, 8], g: null },
    ])
  })
})

test('$executeRaw and $executeRawUnsafe return the number of affected rows', async () => {
  const [ours, official] = await both(pair, async (prisma) => {
    const schema = prisma === pair.ours ? pair.oursSchema.name : pair.officialSchema.name
    const tag = Prisma.raw(`"${schema}"."Tag"`)
    const inserted = await prisma.$executeRaw`INSERT INTO ${tag} (name) SELECT 'raw' || g FROM generate_series(1, ${5}::int) AS g`
    const updated = await prisma.$executeRawUnsafe(`UPDATE "${schema}"."Tag" SET name = name || '!' WHERE name LIKE $1`, 'raw%')
    const deleted = await prisma.$executeRaw`DELETE FROM ${tag} WHERE name IN (${Prisma.join(['raw1!', 'raw2!', 'nope'])})`
    const none = await prisma.$executeRaw`UPDATE ${tag} SET name = name WHERE false`
    const left = await prisma.$queryRaw`SELECT name FROM ${tag} WHERE name LIKE 'raw%' ORDER BY name`
    return { inserted, updated, deleted, none, left }
  })
  expectSame(ours, official, { inserted: 5, updated: 5, deleted: 2, none: 0, left: [{ name: 'raw3!' }, { name: 'raw4!' }, { name: 'raw5!' }] })
})

/** One column per type: the SQL expression and the value Prisma must return for it. */
const COLUMNS: [name: string, sql: string, expected: unknown][] = [
  ['int2', `(-32768)::int2`, -32768],
  ['int4', `2147483647::int4`, 2147483647],
  ['int8', `9223372036854775807::int8`, 9223372036854775807n],
  ['int8_neg', `(-9007199254740993)::int8`, -9007199254740993n],
  ['float4', `1.5::float4`, 1.5],
  ['float8', `0.30000000000000004::float8`, 0.30000000000000004],
  ['numeric', `'12345678901234567890.12345678901234567890'::numeric`, new Prisma.Decimal('12345678901234567890.1234567890123456789')],
  ['money', `'12.34'::money`, new Prisma.Decimal('12.34')],
  ['bool', `true`, true],
  ['text', `'tëxt'::text`, 'tëxt'],
  ['char', `'ab'::char(4)`, 'ab  '],
  ['varchar', `'vc'::varchar(10)`, 'vc'],
  ['name', `'nm'::name`, 'nm'],
  ['uuid', `'123e4567-e89b-12d3-a456-426614174000'::uuid`, '123e4567-e89b-12d3-a456-426614174000'],
  ['date', `'2024-02-29'::date`, new Date('2024-02-29T00:00:00.000Z')],
  ['time', `'13:14:15.123456'::time`, new Date('1970-01-01T13:14:15.123Z')],
  ['timetz', `'13:14:15.123+00'::timetz`, new Date('1970-01-01T13:14:15.123Z')],
  ['timestamp', `'2024-02-29 23:59:59.123456'::timestamp`, new Date('2024-02-29T23:59:59.123Z')],
  ['timestamptz', `'2024-02-29 23:59:59.123456+05:30'::timestamptz`, new Date('2024-02-29T18:29:59.123Z')],
  ['json', `'{"a":[1,2.5,"x",null]}'::json`, { a: [1, 2.5, 'x', null] }],
  ['jsonb', `'{"b":null,"a":{}}'::jsonb`, { a: {}, b: null }],
  ['json_string', `'"s"'::jsonb`, 's'],
  ['json_null', `'null'::jsonb`, null],
  ['bytea', `'\\x00ff10'::bytea`, Uint8Array.from([0x00, 0xff, 0x10])],
  ['bytea_empty', `''::bytea`, new Uint8Array()],
  ['inet', `'192.168.1.1/24'::inet`, '192.168.1.1/24'],
  ['cidr', `'10.0.0.0/8'::cidr`, '10.0.0.0/8'],
  ['bit', `B'1010'::bit(4)`, '1010'],
  ['varbit', `B'101'::varbit`, '101'],
  ['xml', `'<a>x</a>'::xml`, '<a>x</a>'],
  ['oid', `4000000000::oid`, 4000000000n],
  ['null_int', `NULL::int4`, null],
  ['null_timestamptz', `NULL::timestamptz`, null],
  ['null', `NULL`, null],
  ['int2_list', `ARRAY[1,-2]::int2[]`, [1, -2]],
  ['int4_list', `ARRAY[1,NULL,3]::int4[]`, [1, null, 3]],
  ['int8_list', `ARRAY[9007199254740993,-1]::int8[]`, [9007199254740993n, -1n]],
  ['float4_list', `ARRAY[1.5,-0.25]::float4[]`, [1.5, -0.25]],
  ['float8_list', `ARRAY[0.1,2]::float8[]`, [0.1, 2]],
  ['numeric_list', `ARRAY['1.10','2.000000000000000000001']::numeric[]`, [new Prisma.Decimal('1.1'), new Prisma.Decimal('2.000000000000000000001')]],
  ['money_list', `ARRAY['12.34']::money[]`, [new Prisma.Decimal('12.34')]],
  ['bool_list', `ARRAY[true,false,NULL]`, [true, false, null]],
  ['text_list', `ARRAY['a','b,c','"d"','','NULL',NULL]::text[]`, ['a', 'b,c', '"d"', '', 'NULL', null]],
  ['char_list', `ARRAY['ab']::char(3)[]`, ['ab ']],
  ['varchar_list', `ARRAY['x','y z']::varchar[]`, ['x', 'y z']],
  ['uuid_list', `ARRAY['123e4567-e89b-12d3-a456-426614174000']::uuid[]`, ['123e4567-e89b-12d3-a456-426614174000']],
  ['date_list', `ARRAY['2024-02-29','1970-01-01']::date[]`, [new Date('2024-02-29T00:00:00.000Z'), new Date(0)]],
  ['time_list', `ARRAY['13:14:15.5']::time[]`, [new Date('1970-01-01T13:14:15.500Z')]],
  ['timestamp_list', `ARRAY['2024-02-29 23:59:59.5']::timestamp[]`, [new Date('2024-02-29T23:59:59.500Z')]],
  ['timestamptz_list', `ARRAY['2024-02-29 23:59:59.5+01']::timestamptz[]`, [new Date('2024-02-29T22:59:59.500Z')]],
  ['json_list', `ARRAY['{"a":1}']::json[]`, [{ a: 1 }]],
  ['jsonb_list', `ARRAY['{"a":1}','[1]','"s"']::jsonb[]`, [{ a: 1 }, [1], 's']],
  ['bytea_list', `ARRAY['\\x00ff'::bytea, ''::bytea]`, [Uint8Array.from([0x00, 0xff]), new Uint8Array()]],
  ['inet_list', `ARRAY['::1']::inet[]`, ['::1']],
  ['cidr_list', `ARRAY['10.0.0.0/8']::cidr[]`, ['10.0.0.0/8']],
  ['bit_list', `ARRAY[B'10']::bit(2)[]`, ['10']],
  ['varbit_list', `ARRAY[B'1',B'0101']::varbit[]`, ['1', '0101']],
  ['xml_list', `ARRAY['<a/>']::xml[]`, ['<a/>']],
  ['oid_list', `ARRAY[1,4000000000]::oid[]`, [1n, 4000000000n]],
  ['empty_list', `'{}'::int4[]`, []],
]

test('results of every column type, as the official adapter returns them', async () => {
  const select = `SELECT ${COLUMNS.map(([name, sql]) => `${sql} AS ${name}`).join(', ')}`
  const [ours, official] = await both(pair, (prisma) => prisma.$queryRawUnsafe<Record<string, unknown>[]>(select))
  expectSame(ours, official, [Object.fromEntries(COLUMNS.map(([name, , expected]) => [name, expected]))])
  // Numbers, bigints, Decimals and bytes are distinguished, not only equal once printed.
  const row = ours[0]!
  expect([typeof row.int4, typeof row.int8, Prisma.Decimal.isDecimal(row.numeric), row.bytea instanceof Uint8Array]).toEqual(['number', 'bigint', true, true])
})

test('enums and rows of a model table', async () => {
  const [ours, official] = await both(pair, async (prisma) => {
    const schema = prisma === pair.ours ? pair.oursSchema.name : pair.officialSchema.name
    await prisma.user.create({ data: { email: 'raw@enum', name: 'Raw', role: 'ADMIN' } })
    return prisma.$queryRawUnsafe(
      `SELECT u.*, 'GUEST'::"${schema}"."Role" AS enum_value, ARRAY['USER','GUEST']::"${schema}"."Role"[]::text[] AS enum_list
       FROM "${schema}"."User" u WHERE email = $1`,
      'raw@enum',
    )
  })
  expectSame(ours, official, [{ id: 1, email: 'raw@enum', name: 'Raw', role: 'ADMIN', enum_value: 'GUEST', enum_list: ['USER', 'GUEST'] }])
})

test('an unsupported type (point, interval) raises UnsupportedNativeDataType through Prisma', async () => {
  for (const [type, sql] of [['point', 'point(1, 2)'], ['interval', "interval '1 day'"]]) {
    const [ours, official] = await Promise.all([
      knownError(pair.ours.$queryRawUnsafe(`SELECT 1 AS ok, ${sql} AS v`)),
      knownError(pair.official.$queryRawUnsafe(`SELECT 1 AS ok, ${sql} AS v`)),
    ])
    for (const error of [ours, official]) {
      expect(error.code).toBe('P2010')
      expect(error.meta?.driverAdapterError).toMatchObject({ cause: { kind: 'UnsupportedNativeDataType', type } })
      expect(error.message).toContain(`Failed to deserialize column of type '${type}'`)
    }
  }
  // The connection that raised it is still good.
  expect(await pair.ours.$queryRaw`SELECT 1::int AS one`).toEqual([{ one: 1 }])
})

describe('where ours is right and the official adapter is not', () => {
  test('money of 1000 or more, and negative money (the official one cuts the first character)', async () => {
    const query = `SELECT '1234567.89'::money AS big, '-12.34'::money AS negative, ARRAY['-1000.5']::money[] AS list`
    expect(canonical(await pair.ours.$queryRawUnsafe(query))).toEqual(
      canonical([{ big: new Prisma.Decimal('1234567.89'), negative: new Prisma.Decimal('-12.34'), list: [new Prisma.Decimal('-1000.5')] }]),
    )
    await expect(pair.official.$queryRawUnsafe(query)).rejects.toThrow(/DecimalError/)
  })

  test('timetz with an offset is converted to UTC (the official one drops the offset)', async () => {
    const query = `SELECT '13:14:15.123+02'::timetz AS t, '23:30:00-01:30'::timetz AS wraps`
    expect(canonical(await pair.ours.$queryRawUnsafe(query))).toEqual(
      canonical([{ t: new Date('1970-01-01T11:14:15.123Z'), wraps: new Date('1970-01-01T01:00:00.000Z') }]),
    )
    expect(canonical(await pair.official.$queryRawUnsafe(query))).toEqual(
      canonical([{ t: new Date('1970-01-01T13:14:15.123Z'), wraps: new Date('1970-01-01T23:30:00.000Z') }]),
    )
  })

  test('types the official adapter cannot read: "char", name[], timetz[]', async () => {
    const query = `SELECT 'a'::"char" AS c, ARRAY['a']::"char"[] AS cl, ARRAY['pg_class','pg_type']::name[] AS names,
                          ARRAY['13:14:15+00','10:00:00+02']::timetz[] AS times`
    expect(canonical(await pair.ours.$queryRawUnsafe(query))).toEqual(
      canonical([
        { c: 'a', cl: ['a'], names: ['pg_class', 'pg_type'], times: [new Date('1970-01-01T13:14:15.000Z'), new Date('1970-01-01T08:00:00.000Z')] },
      ]),
    )
    const official = await knownError(pair.official.$queryRawUnsafe(query))
    expect(official.meta?.driverAdapterError).toMatchObject({ cause: { kind: 'UnsupportedNativeDataType' } })
  })

  test('dates before year 1 (BC) and after year 9999, as results and as parameters', async () => {
    const query = `SELECT '0044-03-15 12:00:00.5 BC'::timestamp AS ides, '0001-01-01 00:00:00+00 BC'::timestamptz AS year0,
                          '0044-03-15 BC'::date AS day, '12345-06-15 10:00:00'::timestamp AS far, ARRAY['0100-06-15 BC', '12345-06-15']::date[] AS days`
    expect(canonical(await pair.ours.$queryRawUnsafe(query))).toEqual(
      canonical([
        {
          ides: new Date('-000043-03-15T12:00:00.500Z'),
          year0: new Date('0000-01-01T00:00:00.000Z'),
          day: new Date('-000043-03-15T00:00:00.000Z'),
          far: new Date('+012345-06-15T10:00:00.000Z'),
          days: [new Date('-000099-06-15T00:00:00.000Z'), new Date('+012345-06-15T00:00:00.000Z')],
        },
      ]),
    )
    const official = await pair.official.$queryRawUnsafe<Record<string, Date>[]>(query)
    expect(Number.isNaN(official[0]!.ides!.getTime())).toBe(true)

    const dates = [new Date('-000043-03-15T12:00:00.500Z'), new Date('0000-02-29T00:00:00.000Z'), new Date('+012345-06-15T00:00:00.000Z')]
    const params = await pair.ours.$queryRaw<{ t: Date; text: string; list: Date[]; d: string }[]>`
      SELECT ${dates[0]}::timestamptz AS t, ${dates[0]}::timestamptz::text AS text, ${dates}::timestamptz[] AS list, ${dates[1]}::date::text AS d`
    expect(canonical(params)).toEqual(canonical([{ t: dates[0], text: '0044-03-15 12:00:00.5+00 BC', list: dates, d: '0001-02-29 BC' }]))
    await expect(pair.official.$queryRaw`SELECT ${dates[0]}::timestamptz AS t`).rejects.toThrow(/invalid input syntax/)
  })
})
