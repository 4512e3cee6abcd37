// Database errors through the client: the Prisma codes (P2000, P2002, P2003, P2011, P2020, P2021, P2022,
// P2025) from ours and from the official adapter, and what the error says about the field or constraint.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { both, knownError, openPair, type Pair } from './compare.js'
import type { PrismaClient } from './generated/prisma/client.js'
import { sql } from './helpers.js'

let pair: Pair
beforeAll(async () => {
  pair = await openPair('err', { pool: { size: 3, maxOverflow: 0 } })
  await both(pair, (prisma) => prisma.user.create({ data: { email: 'taken@err', name: 'Taken' } }))
})
afterAll(async () => {
  await pair?.close()
})

/** Runs DDL in the database of `prisma`. */
const ddl = (prisma: PrismaClient, statement: string) => sql(statement, [], pair.dbOf(prisma))

/** The error both clients raise for the same operation. */
function errors(operation: (prisma: PrismaClient) => Promise<unknown>) {
  return both(pair, (prisma) => knownError(operation(prisma)))
}

/** The adapter's mapped error, as Prisma attaches it. */
const cause = (error: { meta?: Record<string, unknown> }) => (error.meta?.driverAdapterError as { cause?: Record<string, unknown> } | undefined)?.cause

/** Asserts that both errors say the same: code, meta, mapped error and message (each database's name aside). */
function expectSameError(ours: Awaited<ReturnType<typeof knownError>>, official: Awaited<ReturnType<typeof knownError>>) {
  const unnamed = (error: typeof ours) =>
    JSON.parse(
      JSON.stringify({ code: error.code, meta: { ...error.meta, driverAdapterError: cause(error) }, message: error.message })
        .replaceAll(pair.oursDb.name, 'DB')
        .replaceAll(pair.officialDb.name, 'DB'),
    ) as unknown
  expect(unnamed(ours)).toEqual(unnamed(official))
}

/** A complete AllTypes row, to vary one field of. */
const ROW = {
  str: 's', int: 0, bigInt: 0n, float: 0, decimal: 0, bool: true, dateTime: new Date(0), json: {}, bytes: new Uint8Array(), role: 'USER' as const,
  tinyInt: 0, uTinyInt: 0, smallInt: 0, uSmallInt: 0, mediumInt: 0, uMediumInt: 0, intNative: 0, uInt: 0, bigIntNative: 0n, uBigInt: 0n,
  year: 2000, single: 0, double: 0, decimalSmall: 0, boolTinyInt: false, boolBit: false, bits: new Uint8Array(2), char: 'c', varchar: 'v',
  text: 't', tinyText: 't', mediumText: 't', longText: 't', binary: new Uint8Array(4), varBinary: new Uint8Array(), blob: new Uint8Array(),
  tinyBlob: new Uint8Array(), mediumBlob: new Uint8Array(), longBlob: new Uint8Array(), date: new Date(0), time: new Date(0), time0: new Date(0),
  dateTime0: new Date(0), dateTime1: new Date(0), dateTime2: new Date(0), dateTime4: new Date(0), dateTime5: new Date(0), dateTime6: new Date(0),
  timestamp0: new Date(1000), timestamp1: new Date(1000), timestamp2: new Date(1000), timestamp3: new Date(1000), timestamp4: new Date(1000),
  timestamp5: new Date(1000), timestamp6: new Date(1000),
}

describe('model queries', () => {
  test('P2000: a value too long for VarChar(40)', async () => {
    const [ours, official] = await errors((prisma) => prisma.user.create({ data: { email: 'x'.repeat(41), name: 'long' } }))
    expect([ours.code, official.code]).toEqual(['P2000', 'P2000'])
    expect(cause(ours)).toMatchObject({ kind: 'LengthMismatch', column: 'email', originalCode: '1406', originalMessage: "Data too long for column 'email' at row 1" })
    expectSameError(ours, official)
  })

  test('P2002: unique email, naming the index', async () => {
    const [ours, official] = await errors((prisma) => prisma.user.create({ data: { email: 'taken@err', name: 'Again' } }))
    expect([ours.code, official.code]).toEqual(['P2002', 'P2002'])
    expect(ours.meta).toMatchObject({ modelName: 'User' })
    expect(cause(ours)).toMatchObject({ kind: 'UniqueConstraintViolation', constraint: { index: 'User_email_key' }, originalCode: '1062' })
    expectSameError(ours, official)
    expect(ours.message).toContain('Unique constraint failed on the constraint: `User_email_key`')
  })

  test('P2002 from an update and from createMany without skipDuplicates', async () => {
    await both(pair, (prisma) => prisma.user.create({ data: { email: 'other@err', name: 'Other' } }))
    const [ours, official] = await errors((prisma) => prisma.user.update({ where: { email: 'other@err' }, data: { email: 'taken@err' } }))
    const [oursMany, officialMany] = await errors((prisma) => prisma.tag.createMany({ data: [{ name: 'dup' }, { name: 'dup' }] }))
    expect([ours.code, official.code, oursMany.code, officialMany.code]).toEqual(['P2002', 'P2002', 'P2002', 'P2002'])
    expect(cause(oursMany)).toMatchObject({ constraint: { index: 'Tag_name_key' } })
    expectSameError(ours, official)
    expectSameError(oursMany, officialMany)
  })

  test('P2003: a foreign key that points nowhere', async () => {
    const [ours, official] = await errors((prisma) => prisma.post.create({ data: { title: 'orphan', authorId: 999 } }))
    expect([ours.code, official.code]).toEqual(['P2003', 'P2003'])
    expect(ours.meta?.modelName).toBe('Post')
    expect(cause(ours)).toMatchObject({ kind: 'ForeignKeyConstraintViolation', constraint: { fields: ['authorId'] }, originalCode: '1452' })
    expectSameError(ours, official)
    expect(ours.message).toContain('Foreign key constraint violated on the fields: (`authorId`)')
  })

  test('P2011 from a model query: an optional field whose column is NOT NULL', async () => {
    await both(pair, (prisma) => ddl(prisma, 'ALTER TABLE AllTypes MODIFY strNull VARCHAR(191) NOT NULL'))
    const [ours, official] = await errors((prisma) => prisma.allTypes.create({ data: { ...ROW, strNull: null } }))
    expect([ours.code, official.code]).toEqual(['P2011', 'P2011'])
    expect(cause(ours)).toMatchObject({ kind: 'NullConstraintViolation', constraint: { fields: ['strNull'] }, originalCode: '1048' })
    expectSameError(ours, official)
    expect(ours.message).toContain('Null constraint violation on the fields: (`strNull`)')
  })

  test('P2020: a value out of range for its column', async () => {
    const [ours, official] = await errors((prisma) => prisma.allTypes.create({ data: { ...ROW, strNull: 'x', tinyInt: 128 } }))
    expect([ours.code, official.code]).toEqual(['P2020', 'P2020'])
    expect(cause(ours)).toMatchObject({ kind: 'ValueOutOfRange', originalCode: '1264', originalMessage: "Out of range value for column 'tinyInt' at row 1" })
    expectSameError(ours, official)
  })

  test('P2025: update and delete of a missing record (P2018 for a nested connect)', async () => {
    const [oursUpdate, officialUpdate] = await errors((prisma) => prisma.user.update({ where: { id: 99999 }, data: { name: 'x' } }))
    const [oursDelete, officialDelete] = await errors((prisma) => prisma.user.delete({ where: { email: 'missing@err' } }))
    const [oursNested, officialNested] = await errors((prisma) =>
      prisma.user.update({ where: { email: 'taken@err' }, data: { posts: { connect: { id: 99999 } } } }),
    )
    expect([oursUpdate.code, officialUpdate.code, oursDelete.code, officialDelete.code]).toEqual(Array(4).fill('P2025'))
    expect([oursNested.code, officialNested.code]).toEqual(['P2018', 'P2018'])
    expectSameError(oursUpdate, officialUpdate)
    expectSameError(oursDelete, officialDelete)
    expectSameError(oursNested, officialNested)
    expect(oursDelete.meta).toEqual({ modelName: 'User', operation: 'a delete' })
  })

  test('P2021: the table of a model does not exist', async () => {
    await both(pair, (prisma) => ddl(prisma, 'DROP TABLE Counter'))
    const [ours, official] = await errors((prisma) => prisma.counter.findMany())
    expect([ours.code, official.code]).toEqual(['P2021', 'P2021'])
    expect(cause(ours)).toMatchObject({ kind: 'TableDoesNotExist', table: 'Counter', originalCode: '1146' })
    expectSameError(ours, official)
    expect(ours.message).toContain('The table `Counter` does not exist in the current database.')
  })

  test('P2022: the column of a field does not exist', async () => {
    await both(pair, (prisma) => ddl(prisma, 'ALTER TABLE Tag RENAME COLUMN name TO label'))
    const [ours, official] = await errors((prisma) => prisma.tag.findMany())
    expect([ours.code, official.code]).toEqual(['P2022', 'P2022'])
    expect(cause(ours)).toMatchObject({ kind: 'ColumnNotFound', originalCode: '1054' })
    expectSameError(ours, official)
  })
})

describe('raw queries (P2010 with the mapped kind)', () => {
  test.each([
    ['TableDoesNotExist', '1146', 'SELECT * FROM Nope', { table: 'Nope' }],
    ['ColumnNotFound', '1054', 'SELECT nope FROM User', { column: 'nope' }],
    ['UniqueConstraintViolation', '1062', `INSERT INTO User (email, name) VALUES ('taken@err', 'x')`, { constraint: { index: 'User_email_key' } }],
    ['ForeignKeyConstraintViolation', '1452', `INSERT INTO Profile (bio, userId) VALUES ('b', 999)`, { constraint: { fields: ['userId'] } }],
    ['NullConstraintViolation', '1048', `INSERT INTO Profile (bio, userId) VALUES (NULL, 1)`, { constraint: { fields: ['bio'] } }],
    ['LengthMismatch', '1406', `INSERT INTO User (email, name) VALUES (REPEAT('y', 41), 'x')`, { column: 'email' }],
    ['ValueOutOfRange', '1264', `INSERT INTO User (id, email, name) VALUES (2147483648, 'big@err', 'x')`, {}],
    ['mysql', '1064', 'SELEC 1', { code: 1064, state: '42000' }],
  ])('%s (%s)', async (kind, code, query, fields) => {
    const [ours, official] = await errors((prisma) => prisma.$queryRawUnsafe(query))
    expect([ours.code, official.code]).toEqual(['P2010', 'P2010'])
    expect(cause(ours)).toMatchObject({ kind, originalCode: code, ...fields })
    expectSameError(ours, official)
  })
})
