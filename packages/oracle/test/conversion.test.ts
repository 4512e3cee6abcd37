// Prisma's arguments as node-oracledb binds, and Oracle's values as Prisma's encodings (src/binds.ts, src/conversion.ts).
import { ColumnTypeEnum as C, type ArgType } from '@prisma/driver-adapter-utils'
import oracledb from 'oracledb'
import { afterEach, describe, expect, test } from 'vitest'
import { batchDefinitions, bindArg } from '../src/binds.js'
import { fetchedColumn, fetchTypeHandler, instantText, numberText, returningColumn, wallClockText } from '../src/conversion.js'
import { column } from './fake-oracledb.js'

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

  describe('DATE and TIMESTAMP: UTC wall clocks, whatever the process\'s time zone', () => {
    const tz = process.env.TZ
    afterEach(() => {
      if (tz === undefined) delete process.env.TZ
      else process.env.TZ = tz
    })

    for (const zone of ['UTC', 'America/New_York', 'Asia/Kolkata', 'Pacific/Chatham']) {
      test(zone, () => {
        process.env.TZ = zone
        // What node-oracledb Thin makes of TIMESTAMP '2024-02-29 23:59:59.123': new Date(y, m, d, h, mi, s, ms), local time.
        expect(wallClockText(new Date(2024, 1, 29, 23, 59, 59, 123))).toBe('2024-02-29T23:59:59.123+00:00')
        // New York's fall-back hour happens twice: either instant has these local fields.
        expect(wallClockText(new Date(2024, 10, 3, 1, 30))).toBe('2024-11-03T01:30:00.000+00:00')
        expect(wallClockText(new Date(9999, 11, 31, 23, 59, 59, 999))).toBe('9999-12-31T23:59:59.999+00:00')
        expect(instantText(new Date('2024-03-10T07:30:00.000Z'))).toBe('2024-03-10T07:30:00.000+00:00')
      })
    }
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
    expect(shape(col('NUMBER', 10, 0))).toEqual([C.Int32, 'DB_TYPE_NUMBER', undefined])
    expect(shape(col('NUMBER', 15, 0))).toEqual([C.Int64, 'DB_TYPE_NUMBER', undefined])
    expect(shape(col('NUMBER', 19, 0))).toEqual([C.Int64, 'DB_TYPE_VARCHAR', 64])
    expect(shape(col('NUMBER', 30, 10))).toEqual([C.Numeric, 'DB_TYPE_VARCHAR', 64])
    // An identity column declared NUMBER: no precision.
    expect(shape(col('NUMBER'))).toEqual([C.Numeric, 'DB_TYPE_VARCHAR', 64])
    expect(shape(col('FLOAT', 126))).toEqual([C.Double, 'DB_TYPE_VARCHAR', 64])
    expect(shape(col('BINARY_DOUBLE'))).toEqual([C.Double, 'DB_TYPE_BINARY_DOUBLE', undefined])
    expect(shape(col('VARCHAR2', null, null, 80, 20))).toEqual([C.Text, 'DB_TYPE_VARCHAR', 80])
    expect(shape(col('NVARCHAR2', null, null, 4000, 2000))).toEqual([C.Text, 'DB_TYPE_NVARCHAR', 2000])
    expect(shape(col('CLOB', null, null, 4000))).toEqual([C.Text, 'DB_TYPE_CLOB', undefined])
    expect(shape(col('NCLOB', null, null, 4000))).toEqual([C.Text, 'DB_TYPE_NCLOB', undefined])
    expect(shape(col('BLOB', null, null, 4000))).toEqual([C.Bytes, 'DB_TYPE_BLOB', undefined])
    expect(shape(col('RAW', null, null, 16))).toEqual([C.Bytes, 'DB_TYPE_RAW', 16])
    expect(shape(col('DATE', null, null, 7))).toEqual([C.DateTime, 'DB_TYPE_DATE', undefined])
    expect(shape(col('TIMESTAMP(3)', null, 3, 11))).toEqual([C.DateTime, 'DB_TYPE_TIMESTAMP', undefined])
    expect(shape(col('TIMESTAMP(6) WITH TIME ZONE', null, 6, 13))).toEqual([C.DateTime, 'DB_TYPE_TIMESTAMP_TZ', undefined])
    expect(shape(col('TIMESTAMP(6) WITH LOCAL TIME ZONE', null, 6, 11))).toEqual([C.DateTime, 'DB_TYPE_TIMESTAMP_LTZ', undefined])
    expect(shape(col('BOOLEAN'))).toEqual([C.Boolean, 'DB_TYPE_BOOLEAN', undefined])
    // Prisma's "col"::text: text, from the server's conversion.
    expect(shape(col('NUMBER', 10, 0), true)).toEqual([C.Text, 'DB_TYPE_VARCHAR', 4000])
    expect(shape(col('VARCHAR2', null, null, 20, 5), true)).toEqual([C.Text, 'DB_TYPE_VARCHAR', 20])
  })

  test('the values read as the same column\'s would from a query', () => {
    expect(returningColumn(col('NUMBER', 19, 0), false).read('-9223372036854775808')).toBe('-9223372036854775808')
    expect(returningColumn(col('NUMBER', 30, 10), false).read('-.5')).toBe('-0.5')
    expect(returningColumn(col('NUMBER', 10, 0), false).read(7)).toBe(7)
    expect(returningColumn(col('FLOAT', 126), false).read('1.5')).toBe(1.5)
    expect(returningColumn(col('JSON'), false).read({ a: [1] })).toBe('{"a":[1]}')
  })
})
