// Prisma's arguments as node-oracledb binds, and Oracle's values as Prisma's encodings (src/binds.ts, src/conversion.ts).
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { ColumnTypeEnum as C, type ArgType } from '@prisma/driver-adapter-utils'
import oracledb from 'oracledb'
import { describe, expect, test } from 'vitest'
import { batchDefinitions, bindArg, checkEmptyString, stepBinds, type BindSettings } from '../src/binds.js'
import { fetchedColumn, fetchTypeHandler, float32Number, instantText, numberText, returningColumn } from '../src/conversion.js'
import { column } from './fake-oracledb.js'

/** A database whose character set is not Unicode (WE8MSWIN1252 …). */
const LEGACY: BindSettings = { national: true, emptyStrings: 'error' }

const t = (scalarType: ArgType['scalarType'], dbType?: string, arity: ArgType['arity'] = 'scalar'): ArgType => ({ scalarType, arity, ...(dbType ? { dbType } : {}) })

describe('binds', () => {
  test('each of Prisma\'s scalar types binds as the Oracle type that keeps it', () => {
    expect(bindArg(true, t('boolean', 'BOOLEAN'))).toEqual({ val: 1, type: oracledb.DB_TYPE_NUMBER })
    expect(bindArg(false, t('boolean'))).toEqual({ val: 0, type: oracledb.DB_TYPE_NUMBER })
    expect(bindArg(-2147483648, t('int', 'INTEGER'))).toEqual({ val: -2147483648, type: oracledb.DB_TYPE_NUMBER })
    // BigInt arrives as text: an exact NUMBER.
    expect(bindArg('9007199254740993', t('bigint', 'BIGINT'))).toEqual({ val: 9007199254740993n, type: oracledb.DB_TYPE_NUMBER })
    // Decimal arrives as text: as text, which Oracle reads as a NUMBER (the session's decimal point is '.').
    expect(bindArg('12345678901234567890.0123456789', t('decimal', 'DECIMAL'))).toEqual({ val: '12345678901234567890.0123456789', type: oracledb.DB_TYPE_VARCHAR })
    // Float: a double, outside NUMBER's range too.
    expect(bindArg(1.5e-300, t('decimal', 'DOUBLEPRECISION'))).toEqual({ val: 1.5e-300, type: oracledb.DB_TYPE_BINARY_DOUBLE })
    expect(bindArg(0.5, t('float'))).toEqual({ val: 0.5, type: oracledb.DB_TYPE_BINARY_DOUBLE })
    // A raw query's number: NUMBER when it fits.
    expect(bindArg(5, t('decimal'))).toEqual({ val: 5, type: oracledb.DB_TYPE_NUMBER })
    expect(bindArg(1e-200, t('decimal'))).toEqual({ val: 1e-200, type: oracledb.DB_TYPE_BINARY_DOUBLE })
    expect(bindArg('AAEC/v8=', t('bytes', 'BYTEA'))).toEqual({ val: Buffer.from([0, 1, 2, 254, 255]), type: oracledb.DB_TYPE_RAW })
    expect(bindArg(new Uint8Array([9, 8]), t('bytes'))).toEqual({ val: Buffer.from([9, 8]), type: oracledb.DB_TYPE_RAW })
    expect(bindArg('{"a":1}', t('json', 'JSONB'))).toEqual({ val: '{"a":1}', type: oracledb.DB_TYPE_VARCHAR })
    expect(bindArg('héllo ✓', t('string', 'TEXT'))).toEqual({ val: 'héllo ✓', type: oracledb.DB_TYPE_VARCHAR })
    expect(bindArg('ADMIN', t('enum'))).toEqual({ val: 'ADMIN', type: oracledb.DB_TYPE_VARCHAR })
  })

  test('DateTime binds as TIMESTAMP WITH TIME ZONE at its exact instant: ISO text with or without an offset is UTC', () => {
    const bound = bindArg('2024-02-29T23:59:59.123Z', t('datetime', 'TIMESTAMP'))
    expect(bound.type).toBe(oracledb.DB_TYPE_TIMESTAMP_TZ)
    expect((bound.val as Date).toISOString()).toBe('2024-02-29T23:59:59.123Z')
    expect((bindArg('2024-02-29T23:59:59.123', t('datetime')).val as Date).toISOString()).toBe('2024-02-29T23:59:59.123Z')
    expect((bindArg('2024-03-01T01:00:00+02:00', t('datetime')).val as Date).toISOString()).toBe('2024-02-29T23:00:00.000Z')
    const date = new Date('1999-12-31T00:00:00.000Z')
    expect(bindArg(date, t('datetime', 'DATE'))).toEqual({ val: date, type: oracledb.DB_TYPE_TIMESTAMP_TZ })
  })

  test('a @db.Date (dbType DATE) binds its UTC calendar day, at midnight UTC, as a write and as a filter', () => {
    const day = (arg: unknown) => (bindArg(arg, t('datetime', 'DATE')).val as Date).toISOString()
    expect(day(new Date('2024-03-10T23:30:00.000Z'))).toBe('2024-03-10T00:00:00.000Z')
    expect(day('2024-03-10T23:30:00.000+00:00')).toBe('2024-03-10T00:00:00.000Z')
    // Prisma's pg adapter sends YYYY-MM-DD; a day alone is that day.
    expect(day('2024-03-10')).toBe('2024-03-10T00:00:00.000Z')
    // Years 0–99 stay themselves (Date.UTC would make them 1900–1999).
    const year50 = new Date(0)
    year50.setUTCFullYear(50, 5, 15)
    year50.setUTCHours(13, 0, 0, 0)
    expect(day(year50)).toBe('0050-06-15T00:00:00.000Z')
    // A DateTime that is not @db.Date keeps its time.
    expect((bindArg('2024-03-10T23:30:00.000Z', t('datetime', 'TIMESTAMP')).val as Date).toISOString()).toBe('2024-03-10T23:30:00.000Z')
  })

  test('a @db.Char binds as CHAR (blank-padded comparison, as bpchar); a @db.Real as BINARY_FLOAT, refused outside its range', () => {
    expect(bindArg('A', t('string', 'CHAR'))).toEqual({ val: 'A', type: oracledb.DB_TYPE_CHAR })
    expect(bindArg('A', t('string', 'BPCHAR'))).toEqual({ val: 'A', type: oracledb.DB_TYPE_CHAR })
    expect(bindArg(null, t('string', 'CHAR'))).toEqual({ val: null, type: oracledb.DB_TYPE_CHAR })
    expect(bindArg(0.1, t('float', 'REAL'))).toEqual({ val: 0.1, type: oracledb.DB_TYPE_BINARY_FLOAT })
    expect(bindArg(0.1, t('float', 'FLOAT4'))).toEqual({ val: 0.1, type: oracledb.DB_TYPE_BINARY_FLOAT })
    expect(bindArg(null, t('float', 'REAL'))).toEqual({ val: null, type: oracledb.DB_TYPE_BINARY_FLOAT })
    expect(bindArg(Number.NaN, t('float', 'REAL')).type).toBe(oracledb.DB_TYPE_BINARY_FLOAT)
    expect(bindArg(3.4e38, t('float', 'REAL')).type).toBe(oracledb.DB_TYPE_BINARY_FLOAT)
    // PostgreSQL refuses these for a real ("out of range for type real"); a BINARY_FLOAT would hold Infinity, or 0.
    expect(() => bindArg(1e39, t('float', 'REAL'))).toThrow(/out of range for a REAL/)
    expect(() => bindArg(1e-50, t('float', 'REAL'))).toThrow(/out of range for a REAL/)
    // DOUBLE PRECISION stays a BINARY_DOUBLE.
    expect(bindArg(0.1, t('float', 'DOUBLEPRECISION')).type).toBe(oracledb.DB_TYPE_BINARY_DOUBLE)
  })

  test('text past 4000 bytes binds as a LOB: CLOB for VARCHAR2 / CHAR columns and Json, NCLOB for the rest', () => {
    const long = 'é'.repeat(2001) // 4002 bytes in UTF-8
    expect(bindArg('x'.repeat(4000), t('string', 'TEXT')).type).toBe(oracledb.DB_TYPE_VARCHAR)
    expect(bindArg(long, t('string', 'TEXT'))).toEqual({ val: long, type: oracledb.DB_TYPE_NCLOB })
    expect(bindArg(long, t('string'))).toEqual({ val: long, type: oracledb.DB_TYPE_NCLOB })
    expect(bindArg(long, t('string', 'VARCHAR'))).toEqual({ val: long, type: oracledb.DB_TYPE_CLOB })
    expect(bindArg(long, t('string', 'CHAR'))).toEqual({ val: long, type: oracledb.DB_TYPE_CLOB })
    expect(bindArg(JSON.stringify({ s: long }), t('json', 'JSONB')).type).toBe(oracledb.DB_TYPE_CLOB)
    // … and such rows are not batched as VARCHAR: they run one by one.
    expect(batchDefinitions([[bindArg('a', t('string'))], [bindArg(long, t('string'))]])).toBeUndefined()
    expect(batchDefinitions([[bindArg(long, t('string'))], [bindArg(long, t('string'))]])).toBeUndefined()
  })

  test('a database whose character set is not Unicode: text outside ASCII in the national character set, JSON escaped', () => {
    expect(bindArg('plain ascii', t('string', 'TEXT'), LEGACY)).toEqual({ val: 'plain ascii', type: oracledb.DB_TYPE_VARCHAR })
    expect(bindArg('héllo ✓', t('string', 'TEXT'), LEGACY)).toEqual({ val: 'héllo ✓', type: oracledb.DB_TYPE_NVARCHAR })
    expect(bindArg('✓', t('string', 'CHAR'), LEGACY)).toEqual({ val: '✓', type: oracledb.DB_TYPE_NCHAR })
    expect(bindArg('✓'.repeat(1500), t('string', 'VARCHAR'), LEGACY).type).toBe(oracledb.DB_TYPE_NCLOB)
    const json = bindArg('{"name":"✓ é 😀"}', t('json', 'JSONB'), LEGACY)
    expect(json).toEqual({ val: '{"name":"\\u2713 \\u00e9 \\ud83d\\ude00"}', type: oracledb.DB_TYPE_VARCHAR })
    expect(JSON.parse(json.val as string)).toEqual({ name: '✓ é 😀' })
    // A batch of ASCII and national text shares the national type.
    expect(batchDefinitions([[bindArg('a', t('string'), LEGACY)], [bindArg('✓', t('string'), LEGACY)]])).toEqual([{ type: oracledb.DB_TYPE_NVARCHAR, maxSize: 3 }])
  })

  test("an empty string (or empty bytes) is refused before anything is bound: Oracle stores '' as NULL", () => {
    const refusal = (run: () => unknown) => {
      try {
        run()
      } catch (error) {
        return (error as { cause?: { kind?: string; message?: string } }).cause
      }
      throw new Error('accepted')
    }
    const cause = refusal(() => stepBinds([{ arg: 1 }], ['x', ''], [t('string'), t('string', 'TEXT')], { national: false, emptyStrings: 'error' }))
    expect(cause?.kind).toBe('InvalidInputValue')
    expect(cause?.message).toBe(
      "Oracle stores '' as NULL: argument 2 is an empty string, which Oracle would store, and compare, as NULL. " +
        "Set emptyStrings: 'null' on PrismaPoolOracle to store it as NULL, as Oracle does, or write null.",
    )
    expect(refusal(() => stepBinds([{ arg: 0 }], [new Uint8Array(0)], [t('bytes')], { national: false, emptyStrings: 'error' }))?.message).toMatch(/^Oracle stores empty bytes as NULL/)
    expect(refusal(() => stepBinds([{ arg: 0 }], [''], [t('bytes')], { national: false, emptyStrings: 'error' }))?.message).toMatch(/^Oracle stores empty bytes as NULL/)
    // With emptyStrings: 'null', bound as it is (Oracle stores NULL).
    expect(stepBinds([{ arg: 0 }], [''], [t('string')], { national: false, emptyStrings: 'null' })).toEqual([{ val: '', type: oracledb.DB_TYPE_VARCHAR }])
    // A bind the translator marks as only a LIKE pattern's part ('%' || :1 || '%') is exact with '': allowed.
    expect(() => checkEmptyString('', t('string'), { likePattern: true }, 0, 'error')).not.toThrow()
    expect(() => checkEmptyString('', t('string'), {}, 0, 'error')).toThrow(/Oracle stores '' as NULL/)
    expect(() => checkEmptyString(' ', t('string'), {}, 0, 'error')).not.toThrow()
    expect(() => checkEmptyString(null, t('string'), {}, 0, 'error')).not.toThrow()
    // Fixed values of the plan are the translator's, not Prisma's arguments.
    expect(stepBinds([{ value: '' }], [], [], { national: false, emptyStrings: 'error' })).toEqual([{ val: '', type: oracledb.DB_TYPE_VARCHAR }])
  })

  test('a NULL takes the type of its place', () => {
    expect(bindArg(null, t('int'))).toEqual({ val: null, type: oracledb.DB_TYPE_NUMBER })
    expect(bindArg(null, t('decimal', 'DOUBLEPRECISION'))).toEqual({ val: null, type: oracledb.DB_TYPE_BINARY_DOUBLE })
    expect(bindArg(null, t('datetime'))).toEqual({ val: null, type: oracledb.DB_TYPE_TIMESTAMP_TZ })
    expect(bindArg(null, t('bytes'))).toEqual({ val: null, type: oracledb.DB_TYPE_RAW })
    expect(bindArg(undefined, t('json'))).toEqual({ val: null, type: oracledb.DB_TYPE_VARCHAR })
  })

  test('what cannot be bound is InvalidInputValue, saying why', () => {
    expect(() => bindArg(['a'], t('string', undefined, 'list'))).toThrow(expect.objectContaining({ cause: expect.objectContaining({ kind: 'InvalidInputValue', message: expect.stringContaining('list') }) }))
    expect(() => bindArg('1.5', t('int'))).toThrow(/not an integer/)
    expect(() => bindArg('x', t('bigint'))).toThrow(/not an integer/)
    expect(() => bindArg('tomorrow', t('datetime'))).toThrow(/not a date/)
    expect(() => bindArg('', t('float'))).toThrow(/empty text/)
  })

  test('executeMany\'s bind definitions: each position\'s type and longest value; rows whose types differ get none', () => {
    const rows = [
      [bindArg('é', t('string')), bindArg(null, t('int')), bindArg('AQID', t('bytes'))],
      [bindArg('ab', t('string')), bindArg(2, t('int')), bindArg(null, t('bytes'))],
    ]
    expect(batchDefinitions(rows)).toEqual([
      { type: oracledb.DB_TYPE_VARCHAR, maxSize: 2 },
      { type: oracledb.DB_TYPE_NUMBER },
      { type: oracledb.DB_TYPE_RAW, maxSize: 3 },
    ])
    expect(batchDefinitions([[bindArg(1, t('unknown'))], [bindArg('1', t('unknown'))]])).toBeUndefined()
  })
})

describe('results', () => {
  const read = (meta: ReturnType<typeof column>, value: unknown) => {
    const reader = fetchedColumn(meta)
    return [reader.type, reader.read(value)]
  }

  test('node-oracledb is asked for NUMBER as text, LOBs inline and JSON as text; DATE and TIMESTAMP as Dates', () => {
    expect(fetchTypeHandler(column('n', oracledb.DB_TYPE_NUMBER))).toEqual({ type: oracledb.DB_TYPE_VARCHAR })
    expect(fetchTypeHandler(column('c', oracledb.DB_TYPE_CLOB))).toEqual({ type: oracledb.DB_TYPE_VARCHAR })
    expect(fetchTypeHandler(column('c', oracledb.DB_TYPE_NCLOB))).toEqual({ type: oracledb.DB_TYPE_VARCHAR })
    expect(fetchTypeHandler(column('j', oracledb.DB_TYPE_JSON))).toEqual({ type: oracledb.DB_TYPE_VARCHAR })
    expect(fetchTypeHandler(column('b', oracledb.DB_TYPE_BLOB))).toEqual({ type: oracledb.DB_TYPE_RAW })
    expect(fetchTypeHandler(column('d', oracledb.DB_TYPE_TIMESTAMP))).toBeUndefined()
    expect(fetchTypeHandler(column('f', oracledb.DB_TYPE_BINARY_DOUBLE))).toBeUndefined()
  })

  test('NUMBER reads by its precision and scale, exactly', () => {
    const number = (precision: number, scale: number) => column('n', oracledb.DB_TYPE_NUMBER, { precision, scale })
    expect(read(number(10, 0), '-2147483648')).toEqual([C.Int32, -2147483648])
    expect(read(number(1, 0), '1')).toEqual([C.Int32, 1])
    expect(read(number(19, 0), '9007199254740993')).toEqual([C.Int64, '9007199254740993'])
    // INTEGER (NUMBER(*,0)): no precision.
    expect(read(number(0, 0), '12345678901234567890123')).toEqual([C.Int64, '12345678901234567890123'])
    expect(read(number(30, 10), '12345678901234567890.0123456789')).toEqual([C.Numeric, '12345678901234567890.0123456789'])
    expect(read(number(30, 10), '.5')).toEqual([C.Numeric, '0.5'])
    expect(read(number(30, 10), '-.000000000000000000000000000001')).toEqual([C.Numeric, '-0.000000000000000000000000000001'])
    // An expression's NUMBER (COUNT, SUM, AVG): no precision, no scale; exact text.
    expect(read(number(0, -127), '3')).toEqual([C.Numeric, '3'])
    expect(read(number(0, -127), '.3333333333333333333333333333333333333333')).toEqual([C.Numeric, '0.3333333333333333333333333333333333333333'])
    // FLOAT(126).
    expect(read(number(126, -127), '1.25')).toEqual([C.Double, 1.25])
    expect(numberText('-.25')).toBe('-0.25')
  })

  test('the other types', () => {
    expect(read(column('f', oracledb.DB_TYPE_BINARY_DOUBLE), 1.5e-300)).toEqual([C.Double, 1.5e-300])
    expect(read(column('f', oracledb.DB_TYPE_BINARY_FLOAT), 0.5)).toEqual([C.Float, 0.5])
    // Thin gives a BINARY_FLOAT as the double of its float32: read as the shortest decimal of that float32.
    expect(read(column('f', oracledb.DB_TYPE_BINARY_FLOAT), Math.fround(0.1))).toEqual([C.Float, 0.1])
    expect(Math.fround(0.1)).toBe(0.10000000149011612)
    for (const n of [0.1, -1.5, 3.4028234663852886e38, 1.401298464324817e-45, 16777216, 123456.789, 1 / 3, 0, Number.POSITIVE_INFINITY]) {
      const single = Math.fround(n)
      const shortest = float32Number(single)
      expect(Math.fround(shortest)).toBe(single)
      expect(String(shortest).replace(/e.*$/, '').replace(/[-.]/g, '').replace(/^0+/, '').length).toBeLessThanOrEqual(9)
    }
    expect(float32Number(Math.fround(123456.789))).toBe(123456.79)
    expect(float32Number(Number.NaN)).toBeNaN()
    expect(read(column('s', oracledb.DB_TYPE_NVARCHAR), 'héllo')).toEqual([C.Text, 'héllo'])
    expect(read(column('s', oracledb.DB_TYPE_CHAR), 'A ')).toEqual([C.Text, 'A '])
    expect(read(column('c', oracledb.DB_TYPE_NCLOB), 'long text')).toEqual([C.Text, 'long text'])
    // A CLOB with an IS JSON check: node-oracledb's metadata says so.
    expect(read(column('j', oracledb.DB_TYPE_CLOB, { isJson: true }), '{"a":1}')).toEqual([C.Json, '{"a":1}'])
    expect(read(column('j', oracledb.DB_TYPE_JSON), '[1]')).toEqual([C.Json, '[1]'])
    expect(read(column('b', oracledb.DB_TYPE_BLOB), Buffer.from([1, 2]))).toEqual([C.Bytes, Buffer.from([1, 2])])
    expect(read(column('r', oracledb.DB_TYPE_RAW), Buffer.from([3]))).toEqual([C.Bytes, Buffer.from([3])])
    expect(read(column('b', oracledb.DB_TYPE_BOOLEAN), true)).toEqual([C.Boolean, true])
    expect(read(column('id', oracledb.DB_TYPE_ROWID), 'AAAR3sAAEAAAACXAAA')).toEqual([C.Text, 'AAAR3sAAEAAAACXAAA'])
    expect(read(column('tz', oracledb.DB_TYPE_TIMESTAMP_TZ), new Date('2030-06-15T08:30:00.123Z'))).toEqual([C.DateTime, '2030-06-15T08:30:00.123+00:00'])
    expect(read(column('ltz', oracledb.DB_TYPE_TIMESTAMP_LTZ), new Date('2030-06-15T08:30:00.123Z'))).toEqual([C.DateTime, '2030-06-15T08:30:00.123+00:00'])
  })

  test('a type Prisma cannot read is UnsupportedNativeDataType, naming it', () => {
    const interval = { name: 'i', dbType: { num: 2015, name: 'DB_TYPE_INTERVAL_DS', columnTypeName: 'INTERVAL DAY TO SECOND' } }
    expect(() => fetchedColumn(interval)).toThrow(expect.objectContaining({ cause: { kind: 'UnsupportedNativeDataType', type: 'INTERVAL DAY TO SECOND' } }))
    expect(() => returningColumn({ name: 'x', dataType: 'XMLTYPE', dataLength: 0, charLength: 0, precision: null, scale: null }, false)).toThrow(
      expect.objectContaining({ cause: { kind: 'UnsupportedNativeDataType', type: 'XMLTYPE' } }),
    )
  })

  describe("DATE and TIMESTAMP, read through node-oracledb Thin's own decoder, exact whatever the process's time zone", () => {
    // Thin's real read buffer and column decoder, in a process of each time zone (test/support/thin-dates.ts).
    const script = fileURLToPath(new URL('./support/thin-dates.ts', import.meta.url))
    const decoded = (zone: string) => {
      const output = execFileSync(process.execPath, ['--import', 'tsx', script], { env: { ...process.env, TZ: zone }, encoding: 'utf8' })
      const { zone: seen, cases } = JSON.parse(output) as { zone: string; cases: { name: string; engine: unknown; localFields?: string }[] }
      expect(seen).toBe(zone)
      return Object.fromEntries(cases.map((c) => [c.name, c]))
    }
    const exact = {
      'DATE 0050-06-15 12:00:00': '0050-06-15T12:00:00.000+00:00',
      'DATE 1999-12-31 23:59:59': '1999-12-31T23:59:59.000+00:00',
      'TIMESTAMP 2024-03-10 02:30:00.123': '2024-03-10T02:30:00.123+00:00',
      'DATE 2018-11-04 00:30:00': '2018-11-04T00:30:00.000+00:00',
      'TIMESTAMP 0001-01-01 00:00:00.000': '0001-01-01T00:00:00.000+00:00',
      'out-bind 0050-06-15 12:00:00': '0050-06-15T12:00:00.000+00:00',
      'out-bind 2024-03-10 02:30:00.123': '2024-03-10T02:30:00.123+00:00',
    }

    for (const zone of ['America/New_York', 'America/Sao_Paulo', 'UTC']) {
      test(zone, () => {
        const cases = decoded(zone)
        for (const [name, text] of Object.entries(exact)) expect([name, cases[name]?.engine]).toEqual([name, text])
        // Thin's own Date read back by its local fields (what the engine did before) is a century off before year 100
        // in every zone, and an hour off for a wall clock of the process's DST gap.
        expect(cases['DATE 0050-06-15 12:00:00']!.localFields).toBe('1950-06-15T12:00:00.000+00:00')
        if (zone === 'America/New_York') expect(cases['TIMESTAMP 2024-03-10 02:30:00.123']!.localFields).toBe('2024-03-10T03:30:00.123+00:00')
        if (zone === 'America/Sao_Paulo') expect(cases['DATE 2018-11-04 00:30:00']!.localFields).toBe('2018-11-04T01:30:00.000+00:00')
      })
    }

    test('TIMESTAMP WITH (LOCAL) TIME ZONE values are instants', () => {
      expect(instantText(new Date('2024-03-10T07:30:00.000Z'))).toBe('2024-03-10T07:30:00.000+00:00')
      expect(fetchedColumn(column('d', oracledb.DB_TYPE_DATE)).read(new Date('2024-03-10T02:30:00.000Z'))).toBe('2024-03-10T02:30:00.000+00:00')
    })
  })
})

describe('RETURNING out-binds from the data dictionary', () => {
  const col = (dataType: string, precision: number | null = null, scale: number | null = null, dataLength = 22, charLength = 0) => ({
    name: 'c',
    dataType,
    dataLength,
    charLength,
    precision,
    scale,
  })

  test('each column type gets the out-bind that fetches it whole, and the reading of a query\'s column of that type', () => {
    const shape = (c: ReturnType<typeof col>, asText = false) => {
      const { type, outBind } = returningColumn(c, asText)
      return [type, outBind.type?.name, outBind.maxSize]
    }
    // Every NUMBER as text: exact whatever its precision (a NUMBER out-bind is read as a double).
    expect(shape(col('NUMBER', 10, 0))).toEqual([C.Int32, 'DB_TYPE_VARCHAR', 64])
    expect(shape(col('NUMBER', 15, 0))).toEqual([C.Int64, 'DB_TYPE_VARCHAR', 64])
    expect(shape(col('NUMBER', 19, 0))).toEqual([C.Int64, 'DB_TYPE_VARCHAR', 64])
    expect(shape(col('NUMBER', 30, 10))).toEqual([C.Numeric, 'DB_TYPE_VARCHAR', 64])
    // An identity column declared NUMBER: no precision.
    expect(shape(col('NUMBER'))).toEqual([C.Numeric, 'DB_TYPE_VARCHAR', 64])
    expect(shape(col('FLOAT', 126))).toEqual([C.Double, 'DB_TYPE_VARCHAR', 64])
    expect(shape(col('BINARY_DOUBLE'))).toEqual([C.Double, 'DB_TYPE_BINARY_DOUBLE', undefined])
    // VARCHAR2's DATA_LENGTH counts bytes of the database's character set; Thin receives UTF-8: 4 bytes a character.
    expect(shape(col('VARCHAR2', null, null, 80, 20))).toEqual([C.Text, 'DB_TYPE_VARCHAR', 80])
    expect(shape(col('VARCHAR2', null, null, 20, 20))).toEqual([C.Text, 'DB_TYPE_VARCHAR', 80])
    expect(shape(col('VARCHAR2', null, null, 32767, 32767))).toEqual([C.Text, 'DB_TYPE_VARCHAR', 32767])
    expect(shape(col('CHAR', null, null, 10, 10))).toEqual([C.Text, 'DB_TYPE_VARCHAR', 40])
    expect(shape(col('NVARCHAR2', null, null, 4000, 2000))).toEqual([C.Text, 'DB_TYPE_NVARCHAR', 2000])
    expect(shape(col('CLOB', null, null, 4000))).toEqual([C.Text, 'DB_TYPE_CLOB', undefined])
    expect(shape(col('NCLOB', null, null, 4000))).toEqual([C.Text, 'DB_TYPE_NCLOB', undefined])
    expect(shape(col('BLOB', null, null, 4000))).toEqual([C.Bytes, 'DB_TYPE_BLOB', undefined])
    expect(shape(col('RAW', null, null, 16))).toEqual([C.Bytes, 'DB_TYPE_RAW', 16])
    // DATE and TIMESTAMP (and WITH LOCAL TIME ZONE) as TIMESTAMP WITH TIME ZONE: the server converts in the session's
    // UTC, and Thin decodes that as the instant, without the process's time zone.
    expect(shape(col('DATE', null, null, 7))).toEqual([C.DateTime, 'DB_TYPE_TIMESTAMP_TZ', undefined])
    expect(shape(col('TIMESTAMP(3)', null, 3, 11))).toEqual([C.DateTime, 'DB_TYPE_TIMESTAMP_TZ', undefined])
    expect(shape(col('TIMESTAMP(6) WITH TIME ZONE', null, 6, 13))).toEqual([C.DateTime, 'DB_TYPE_TIMESTAMP_TZ', undefined])
    expect(shape(col('TIMESTAMP(6) WITH LOCAL TIME ZONE', null, 6, 11))).toEqual([C.DateTime, 'DB_TYPE_TIMESTAMP_TZ', undefined])
    expect(shape(col('BINARY_FLOAT'))).toEqual([C.Float, 'DB_TYPE_BINARY_FLOAT', undefined])
    expect(shape(col('BOOLEAN'))).toEqual([C.Boolean, 'DB_TYPE_BOOLEAN', undefined])
    // Prisma's "col"::text: text, from the server's conversion.
    expect(shape(col('NUMBER', 10, 0), true)).toEqual([C.Text, 'DB_TYPE_VARCHAR', 4000])
    expect(shape(col('VARCHAR2', null, null, 20, 5), true)).toEqual([C.Text, 'DB_TYPE_VARCHAR', 20])
  })

  test('the values read as the same column\'s would from a query', () => {
    expect(returningColumn(col('NUMBER', 19, 0), false).read('-9223372036854775808')).toBe('-9223372036854775808')
    expect(returningColumn(col('NUMBER', 30, 10), false).read('-.5')).toBe('-0.5')
    expect(returningColumn(col('NUMBER', 10, 0), false).read('7')).toBe(7)
    expect(returningColumn(col('NUMBER', 10, 0), false).read('-2147483648')).toBe(-2147483648)
    expect(returningColumn(col('NUMBER', 15, 0), false).read('999999999999999')).toBe('999999999999999')
    expect(returningColumn(col('BINARY_FLOAT'), false).read(Math.fround(0.1))).toBe(0.1)
    expect(returningColumn(col('DATE', null, null, 7), false).read(new Date('0050-06-15T12:00:00Z'))).toBe('0050-06-15T12:00:00.000+00:00')
    expect(returningColumn(col('FLOAT', 126), false).read('1.5')).toBe(1.5)
    expect(returningColumn(col('JSON'), false).read({ a: [1] })).toBe('{"a":[1]}')
  })
})
