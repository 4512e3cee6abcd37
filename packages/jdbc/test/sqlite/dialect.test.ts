// The SQLite dialect on its own (no JVM): how it binds Prisma's arguments, reads xerial's cells, maps its errors, and
// which driver properties and connection info it gives.
import { ColumnTypeEnum as C } from '@prisma/driver-adapter-utils'
import { describe, expect, test } from 'vitest'
import type { JdbcError } from '../../src/dialect.js'
import { sqliteDialect as dialect } from '../../src/dialects/sqlite.js'
import { T } from '../../src/dialects/generic.js'

const bind = (arg: unknown, scalarType?: string) => dialect.bind!(arg, scalarType ? ({ scalarType, arity: 'scalar' } as never) : undefined)
/** Reads `cells` through a fresh reader of the column; its type after reading them (the connection asks last). */
function read(typeName: string, jdbcType: number, cells: (string | number)[]) {
  const reader = dialect.column({ name: 'c', typeName, jdbcType, typeId: -1 })
  const values = cells.map((cell) => reader.read(cell as string))
  return { type: reader.type, values }
}
const xerialError = (message: string, vendorCode: number): JdbcError => ({
  className: 'org.sqlite.SQLiteException',
  sqlState: undefined,
  vendorCode,
  message,
  fields: {},
  causes: [],
})

describe('arguments: the storage classes better-sqlite3 gives them', () => {
  test.each([
    ['a number', 42, undefined, ['D', '42']],
    ['an int as text', '7', 'int', ['D', '7']],
    ['a Decimal as text', '12.50', 'decimal', ['D', '12.5']],
    ['a float as text', '0.30000000000000004', 'float', ['D', '0.30000000000000004']],
    ['a BigInt as text', '-9223372036854775808', 'bigint', ['L', '-9223372036854775808']],
    ['a bigint', 9007199254740993n, undefined, ['L', '9007199254740993']],
    ['true', true, 'boolean', ['D', '1']],
    ['false', false, undefined, ['D', '0']],
    ['a DateTime as text', '2024-02-29T23:59:59.123Z', 'datetime', ['S', '2024-02-29T23:59:59.123+00:00']],
    ['a Date', new Date('1999-12-31T23:59:59.999Z'), undefined, ['S', '1999-12-31T23:59:59.999+00:00']],
    ['bytes as base64', 'AAH/', 'bytes', ['Y', 'AAH/']],
    ['a Uint8Array', Uint8Array.from([0, 1, 255]), undefined, ['Y', 'AAH/']],
    ['a string', 'text', 'string', ['S', 'text']],
    ['JSON text', '{"a":1}', 'json', ['S', '{"a":1}']],
  ])('%s', (_what, arg, scalarType, expected) => {
    expect(bind(arg, scalarType)).toEqual(expected)
  })

  test('null and undefined are NULL; a BigInt past int64 or an invalid Date is refused', () => {
    expect([bind(null), bind(undefined, 'int')]).toEqual([null, null])
    expect(() => bind(2n ** 63n)).toThrow(/does not fit SQLite's 64-bit INTEGER/)
    expect(() => bind('not a date', 'datetime')).toThrow(/invalid Date/)
  })
})

describe('result columns: declared types as better-sqlite3 maps them, values as the official adapter gives them', () => {
  test('integers: numbers where safe, digits past 2^53, REALs truncated', () => {
    expect(read('INTEGER', T.INTEGER, ['42', '9007199254740993', 7.75, -2.5])).toEqual({ type: C.Int32, values: [42, '9007199254740993', 7, -2] })
    expect(read('BIGINT', T.BIGINT, ['-9223372036854775808'])).toEqual({ type: C.Int64, values: ['-9223372036854775808'] })
  })

  test('REAL, FLOAT, DECIMAL: the exact double the helper sent', () => {
    expect(read('REAL', T.REAL, [0.30000000000000004, '3'])).toEqual({ type: C.Double, values: [0.30000000000000004, 3] })
    expect(read('FLOAT', T.FLOAT, [1.5])).toEqual({ type: C.Float, values: [1.5] })
    expect(read('DECIMAL', T.DECIMAL, [12.5, '42', 'not a number'])).toEqual({ type: C.Numeric, values: [12.5, 42, 'not a number'] })
  })

  test('DATETIME: text as stored, unixepoch-ms numbers as ISO text', () => {
    expect(read('DATETIME', T.DATE, ['2024-02-29T23:59:59.123+00:00', '1709251199123', 0])).toEqual({
      type: C.DateTime,
      values: ['2024-02-29T23:59:59.123+00:00', '2024-02-29T23:59:59.123Z', '1970-01-01T00:00:00.000Z'],
    })
  })

  test('BOOLEAN, BLOB, JSONB and TEXT', () => {
    expect(read('BOOLEAN', T.BOOLEAN, ['1', '0'])).toEqual({ type: C.Boolean, values: [true, false] })
    expect(read('BLOB', T.BLOB, ['AAH/'])).toEqual({ type: C.Bytes, values: [Uint8Array.from([0, 1, 255])] })
    expect(read('JSONB', T.NUMERIC, ['{"a":1}', '12', 3.5])).toEqual({ type: C.Json, values: ['{"a":1}', 12, 3.5] })
    // TEXT affinity: digits in a TEXT column are text.
    expect(read('TEXT', T.VARCHAR, ['0042'])).toEqual({ type: C.Text, values: ['0042'] })
  })

  test('a declared type with a size maps by its name; an unknown one by its first value', () => {
    expect(read('VARCHAR(40)', T.VARCHAR, ['x'])).toEqual({ type: C.Text, values: ['x'] })
    expect(read('GEOMETRY', T.VARCHAR, ['POINT(0 0)'])).toEqual({ type: C.Text, values: ['POINT(0 0)'] })
    expect(read('GEOMETRY', T.INTEGER, ['5'])).toEqual({ type: C.Int64, values: [5] })
  })

  test('an expression (type name ""): its first value’s storage class, as better-sqlite3 infers it', () => {
    expect(read('', T.INTEGER, ['3'])).toEqual({ type: C.Int64, values: [3] })
    expect(read('', T.FLOAT, [2.5])).toEqual({ type: C.UnknownNumber, values: [2.5] })
    expect(read('', T.VARCHAR, ['a'])).toEqual({ type: C.Text, values: ['a'] })
    expect(read('', T.BLOB, ['/w=='])).toEqual({ type: C.Bytes, values: [Uint8Array.from([255])] })
  })

  test('an expression whose first row is NULL: the type of its first value that is not', () => {
    expect(read('', T.NUMERIC, [2.5, '3'])).toEqual({ type: C.UnknownNumber, values: [2.5, 3] })
    expect(read('', T.NUMERIC, ['3'])).toEqual({ type: C.Int64, values: [3] })
    expect(read('', T.NUMERIC, ['x'])).toEqual({ type: C.Text, values: ['x'] })
    expect(read('', T.NUMERIC, [])).toEqual({ type: C.Int32, values: [] })
  })
})

describe('errors: xerial’s message taken apart as better-sqlite3 gives code and message', () => {
  test.each([
    [
      '[SQLITE_CONSTRAINT_UNIQUE] A UNIQUE constraint failed (UNIQUE constraint failed: Post.title, Post.authorId)',
      19,
      { kind: 'UniqueConstraintViolation', constraint: { fields: ['title', 'authorId'] }, table: 'Post', originalCode: 'SQLITE_CONSTRAINT_UNIQUE' },
    ],
    ['[SQLITE_BUSY] The database file is locked (database is locked)', 5, { kind: 'SocketTimeout', originalCode: 'SQLITE_BUSY', originalMessage: 'database is locked' }],
    ['[SQLITE_BUSY_SNAPSHOT] Another database connection has already written to the database (database is locked)', 5, { kind: 'SocketTimeout' }],
    ['[SQLITE_ERROR] SQL error or missing database (near "(": syntax error)', 1, { kind: 'sqlite', extendedCode: 1, message: 'near "(": syntax error' }],
    ['[SQLITE_CONSTRAINT_CHECK] A CHECK constraint failed (CHECK constraint failed: x)', 19, { kind: 'sqlite', extendedCode: 275 }],
    ['[SQLITE_READONLY] Attempt to write a readonly database (attempt to write a readonly database)', 8, { kind: 'sqlite', extendedCode: 8 }],
  ])('%s', (message, vendorCode, expected) => {
    expect(dialect.convertError(xerialError(message, vendorCode))).toMatchObject(expected)
  })

  test('a closed connection, and which errors end a connection', () => {
    const closed: JdbcError = { ...xerialError('database connection closed', 0), className: 'java.sql.SQLException' }
    expect(dialect.convertError(closed)).toMatchObject({ kind: 'ConnectionClosed' })
    expect(dialect.connectionLoss!(closed)).toBe('connection')
    expect(dialect.connectionLoss!(xerialError('[SQLITE_IOERR_SHORT_READ] I/O error (disk I/O error)', 10))).toBe('connection')
    expect(dialect.connectionLoss!(xerialError('[SQLITE_BUSY] The database file is locked (database is locked)', 5))).toBeUndefined()
  })
})

describe('properties and connection info', () => {
  const context = (url: string, given: Record<string, string> = {}) => ({ tag: 't', connectTimeoutMs: 5000, url, given })

  test('defaults for a pool on one file: WAL, a busy timeout, BEGIN IMMEDIATE, foreign keys', () => {
    expect(dialect.properties(context('jdbc:sqlite:/tmp/app.db'))).toEqual({
      defaults: { journal_mode: 'WAL', busy_timeout: '5000', transaction_mode: 'IMMEDIATE', foreign_keys: 'true' },
    })
    // Read-only (SQLITE_OPEN_READONLY, as a property or in the URL): no WAL, which would write the file.
    expect(dialect.properties(context('jdbc:sqlite:/tmp/app.db', { open_mode: '1' })).defaults).not.toHaveProperty('journal_mode')
    expect(dialect.properties(context('jdbc:sqlite:/tmp/app.db?open_mode=1')).defaults).not.toHaveProperty('journal_mode')
  })

  test.each(['jdbc:sqlite::memory:', 'jdbc:sqlite:', 'jdbc:sqlite:file::memory:?cache=shared', 'jdbc:sqlite:file:mem?mode=memory&cache=shared'])('%s is refused', (url) => {
    expect(() => dialect.properties(context(url))).toThrow(/in-memory \(or unnamed, temporary\) SQLite database belongs to one connection/)
    expect(() => dialect.connectionInfo(url, {})).toThrow(/Give a file instead/)
  })

  test('maxBindValues: 32766, or a lower limit_variable_number', () => {
    expect(dialect.connectionInfo('jdbc:sqlite:/tmp/app.db', {})).toEqual({ supportsRelationJoins: false, maxBindValues: 32766 })
    expect(dialect.connectionInfo('jdbc:sqlite:/tmp/app.db', { limit_variable_number: '999' }).maxBindValues).toBe(999)
    expect(dialect.connectionInfo('jdbc:sqlite:/tmp/app.db?limit_variable_number=500', { limit_variable_number: '999' }).maxBindValues).toBe(500)
  })
})
