// Raw queries on SQLite: $queryRaw / $executeRaw (and their Unsafe forms) with every argument type, on PrismaPoolJdbc
// and @prisma/adapter-better-sqlite3. SQLite types values, not columns: what a raw query returns depends on the storage
// class each argument is bound with, so both adapters must bind alike (a number as a REAL, a bigint as an INTEGER …).
import { describe, expect, test } from 'vitest'
import { Prisma } from './generated/prisma/client.js'
import { both, expectSame, knownError, rows, usePair } from './helpers.js'

const pair = usePair('raw')

const DATE = new Date('2024-02-29T23:59:59.123Z')

describe('$queryRaw: one argument of each type, and the storage class SQLite got', () => {
  // [what, argument, the value the query returns, typeof() in SQLite]
  const cases: [string, unknown, unknown, string][] = [
    ['a string', 'héllo 🎉', 'héllo 🎉', 'text'],
    ['an empty string', '', '', 'text'],
    ['an integer number (bound as a REAL, as better-sqlite3 binds numbers)', 42, 42, 'real'],
    ['a negative float', -1.25, -1.25, 'real'],
    ['a float whose 15-digit text differs', 0.30000000000000004, 0.30000000000000004, 'real'],
    ['a bigint past 2^53', 9007199254740993n, 9007199254740993n, 'integer'],
    ['the int64 minimum', -9223372036854775808n, -9223372036854775808n, 'integer'],
    ['true', true, 1, 'real'],
    ['false', false, 0, 'real'],
    ['a Date (ISO text, as stored)', DATE, '2024-02-29T23:59:59.123+00:00', 'text'],
    ['a Decimal (a REAL)', new Prisma.Decimal('12.5'), 12.5, 'real'],
    ['null', null, null, 'null'],
  ]
  test.each(cases)('%s', async (_what, arg, expected, storage) => {
    const [ours, official] = await both(pair(), (prisma) => prisma.$queryRaw<{ x: unknown; t: string }[]>`SELECT ${arg} AS x, typeof(${arg}) AS t`)
    expectSame(ours, official, [{ x: expected, t: storage }])
  })

  test('bytes: ours returns them; the official adapter cannot read a BLOB without a declared type', async () => {
    const bytes = Uint8Array.from([0, 1, 254, 255])
    const ours = await pair().ours.$queryRaw<{ x: Uint8Array; t: string }[]>`SELECT ${bytes} AS x, typeof(${bytes}) AS t`
    expect(ours).toEqual([{ x: bytes, t: 'blob' }])
    const official = await pair().official.$queryRaw`SELECT ${bytes} AS x`.then(
      () => 'no error',
      (error: Error) => error.message,
    )
    expect(official).toContain('unexpected value of type object')
  })
})

test('literals and aggregates: integers come back as BigInt (Int64), REALs as numbers, as with better-sqlite3', async () => {
  await both(pair(), (prisma) => prisma.$executeRaw`INSERT INTO "Tag" (name) VALUES ('agg1'), ('agg2'), ('agg3')`)
  const [ours, official] = await both(pair(), (prisma) =>
    prisma.$queryRaw`SELECT COUNT(*) AS n, SUM(id) AS total, AVG(id) AS mean, MAX(name) AS last, 7 AS seven, 2.5 AS half, NULL AS nil FROM "Tag" WHERE name LIKE 'agg%'`,
  )
  expectSame(ours, official, [{ n: 3n, total: 6n, mean: 2, last: 'agg3', seven: 7n, half: 2.5, nil: null }])
})

test('a column whose first row is NULL takes its type from its first value, as better-sqlite3 infers it', async () => {
  const [ours, official] = await both(pair(), (prisma) =>
    prisma.$queryRaw`SELECT x FROM (SELECT 1 AS k, NULL AS x UNION ALL SELECT 2, 5 UNION ALL SELECT 3, 6) ORDER BY k`,
  )
  expectSame(ours, official, [{ x: null }, { x: 5n }, { x: 6n }])
})

test('$executeRaw writes every type into the table; the client and the file read back what the official adapter wrote', async () => {
  const values = {
    str: 'raw ✓',
    int: 7,
    bigInt: 9007199254740993n,
    float: 0.30000000000000004,
    decimal: new Prisma.Decimal('0.125'),
    bool: true,
    dateTime: DATE,
    json: JSON.stringify({ a: [1, 'b'] }),
    bytes: Buffer.from([0xca, 0xfe]),
    role: 'ADMIN',
  }
  const [counts, officialCounts] = await both(pair(), (prisma) =>
    prisma.$executeRaw`INSERT INTO "AllTypes" (str, int, "bigInt", float, decimal, bool, "dateTime", json, bytes, role)
      VALUES (${values.str}, ${values.int}, ${values.bigInt}, ${values.float}, ${values.decimal}, ${values.bool}, ${values.dateTime}, ${values.json}, ${values.bytes}, ${values.role})`,
  )
  expectSame(counts, officialCounts, 1)
  const [ours, official] = await both(pair(), (prisma) => prisma.allTypes.findFirstOrThrow({ where: { str: 'raw ✓' }, omit: { id: true } }))
  const nulls = { strNull: null, intNull: null, bigIntNull: null, floatNull: null, decimalNull: null, boolNull: null, dateTimeNull: null, jsonNull: null, bytesNull: null }
  expectSame(ours, official, { ...values, json: { a: [1, 'b'] }, role: 'ADMIN', ...nulls })
  const stored =
    'SELECT typeof(int) AS int, typeof("bigInt") AS big, typeof(float) AS float, typeof(decimal) AS decimal, typeof(bool) AS bool, "dateTime", ' +
    `typeof(bytes) AS bytes FROM "AllTypes" WHERE str = 'raw ✓'`
  const [oursStored, officialStored] = await Promise.all([rows(pair().oursFile, stored), rows(pair().officialFile, stored)])
  expect(oursStored).toEqual(officialStored)
  expect(oursStored).toEqual([{ int: 'integer', big: 'integer', float: 'real', decimal: 'real', bool: 'integer', dateTime: '2024-02-29T23:59:59.123+00:00', bytes: 'blob' }])
})

test('$queryRaw of table columns: their declared types decide (BigInt, Decimal, Boolean, DateTime, Json, Bytes)', async () => {
  const [ours, official] = await both(pair(), (prisma) =>
    prisma.$queryRaw`SELECT int, "bigInt", float, decimal, bool, "dateTime", json, bytes, role, "strNull" FROM "AllTypes" WHERE str = 'raw ✓'`,
  )
  expectSame(ours, official, [
    {
      int: 7,
      bigInt: 9007199254740993n,
      float: 0.30000000000000004,
      decimal: new Prisma.Decimal('0.125'),
      bool: true,
      dateTime: DATE,
      json: { a: [1, 'b'] },
      bytes: Uint8Array.from([0xca, 0xfe]),
      role: 'ADMIN',
      strNull: null,
    },
  ])
})

test('$queryRawUnsafe and $executeRawUnsafe with positional arguments; Prisma.join for an IN list', async () => {
  const [ours, official] = await both(pair(), async (prisma) => {
    const inserted = await prisma.$executeRawUnsafe('INSERT INTO "Tag" (name) VALUES (?), (?)', 'u1', 'u2')
    const found = await prisma.$queryRawUnsafe<{ name: string }[]>('SELECT name FROM "Tag" WHERE name IN (?, ?) ORDER BY name DESC', 'u1', 'u2')
    const joined = await prisma.$queryRaw<{ name: string }[]>`SELECT name FROM "Tag" WHERE name IN (${Prisma.join(['u1', 'u2', 'nope'])}) ORDER BY name`
    const updated = await prisma.$executeRaw`UPDATE "Tag" SET name = name || '!' WHERE name IN (${Prisma.join(['u1', 'u2'])})`
    const deleted = await prisma.$executeRawUnsafe(`DELETE FROM "Tag" WHERE name LIKE 'u_!'`)
    return { inserted, found, joined, updated, deleted }
  })
  expectSame(ours, official, { inserted: 2, found: [{ name: 'u2' }, { name: 'u1' }], joined: [{ name: 'u1' }, { name: 'u2' }], updated: 2, deleted: 2 })
  expect(await rows(pair().oursFile, `SELECT count(*) AS n FROM "Tag" WHERE name LIKE 'u%'`)).toEqual([{ n: 0n }])
})

test('a raw query that fails: P2010 with the same code and SQLite message', async () => {
  const [ours, official] = await both(pair(), (prisma) => knownError(prisma.$queryRawUnsafe('SELEC 1')))
  expect(ours.code).toBe('P2010')
  expect(ours.message).toBe(official.message)
  expect(ours.message).toContain('Raw query failed. Code: `SQLITE_ERROR`. Message: `near "SELEC": syntax error`')
})

test('$executeRaw of a statement that changes no row (CREATE TABLE after an UPDATE) is 0, as the official adapter says', async () => {
  const [ours, official] = await both(pair(), async (prisma) => {
    await prisma.$executeRaw`INSERT INTO "Tag" (name) VALUES ('ddl1'), ('ddl2')`
    const updated = await prisma.$executeRaw`UPDATE "Tag" SET name = name WHERE name LIKE 'ddl%'`
    const created = await prisma.$executeRawUnsafe('CREATE TABLE "DdlCount" (x INTEGER)')
    return { updated, created }
  })
  expectSame(ours, official, { updated: 2, created: 0 })
})

test('BLOBs in an expression column whose first row is NULL come back as bytes', async () => {
  const bytes = Uint8Array.from([0, 255, 128])
  const rows = await pair().ours.$queryRawUnsafe<{ v: Uint8Array | null }[]>(
    'SELECT CASE WHEN n = 1 THEN NULL ELSE ? END AS v FROM (SELECT 1 AS n UNION ALL SELECT 2) ORDER BY n',
    bytes,
  )
  expect(rows.map((row) => (row.v === null ? null : [...row.v]))).toEqual([null, [0, 255, 128]])
})
