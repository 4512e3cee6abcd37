// Database errors through the client: the Prisma codes (P2000, P2002, P2003, P2011, P2021, P2022, P2025)
// from ours and from the official adapter, and what the error says about the field or constraint.
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

const schemaOf = (prisma: PrismaClient) => (prisma === pair.ours ? pair.oursSchema.name : pair.officialSchema.name)

/** The error both clients raise for the same operation. */
function errors(operation: (prisma: PrismaClient) => Promise<unknown>) {
  return both(pair, (prisma) => knownError(operation(prisma)))
}

/** The adapter's mapped error, as Prisma attaches it. */
const cause = (error: { meta?: Record<string, unknown> }) => (error.meta?.driverAdapterError as { cause?: Record<string, unknown> } | undefined)?.cause

describe('model queries', () => {
  test('P2000: a value too long for VarChar(40)', async () => {
    const [ours, official] = await errors((prisma) => prisma.user.create({ data: { email: 'x'.repeat(41), name: 'long' } }))
    expect([ours.code, official.code]).toEqual(['P2000', 'P2000'])
    expect(cause(ours)).toMatchObject({ kind: 'LengthMismatch', originalCode: '22001', originalMessage: 'value too long for type character varying(40)' })
    expect(ours.meta?.modelName).toBe('User')
    expect(ours.message).toBe(official.message)
  })

  test('P2002: unique email, naming the field', async () => {
    const [ours, official] = await errors((prisma) => prisma.user.create({ data: { email: 'taken@err', name: 'Again' } }))
    expect([ours.code, official.code]).toEqual(['P2002', 'P2002'])
    expect(ours.meta).toMatchObject({ modelName: 'User' })
    expect(cause(ours)).toMatchObject({ kind: 'UniqueConstraintViolation', constraint: { fields: ['email'] }, table: 'User', originalCode: '23505' })
    expect(ours.message).toContain('Unique constraint failed on the fields: (`email`)')
    // The official adapter names the index instead.
    expect(cause(official)).toMatchObject({ kind: 'UniqueConstraintViolation', constraint: { index: 'User_email_key' }, table: 'User' })
    expect(official.message).toContain('Unique constraint failed on the constraint: `User_email_key`')
  })

  test('P2002 from an update and from createMany without skipDuplicates', async () => {
    await both(pair, (prisma) => prisma.user.create({ data: { email: 'other@err', name: 'Other' } }))
    const [ours, official] = await errors((prisma) => prisma.user.update({ where: { email: 'other@err' }, data: { email: 'taken@err' } }))
    const [oursMany, officialMany] = await errors((prisma) =>
      prisma.tag.createMany({ data: [{ name: 'dup' }, { name: 'dup' }] }),
    )
    expect([ours.code, official.code, oursMany.code, officialMany.code]).toEqual(['P2002', 'P2002', 'P2002', 'P2002'])
    expect(cause(oursMany)).toMatchObject({ constraint: { fields: ['name'] }, table: 'Tag' })
  })

  test('P2003: a foreign key that points nowhere', async () => {
    const [ours, official] = await errors((prisma) => prisma.post.create({ data: { title: 'orphan', authorId: 999 } }))
    expect([ours.code, official.code]).toEqual(['P2003', 'P2003'])
    expect(ours.meta?.modelName).toBe('Post')
    expect(cause(ours)).toMatchObject({ kind: 'ForeignKeyConstraintViolation', constraint: { fields: ['authorId'] }, originalCode: '23503' })
    expect(ours.message).toContain('Foreign key constraint violated on the fields: (`authorId`)')
    expect(cause(official)).toMatchObject({ kind: 'ForeignKeyConstraintViolation', constraint: { index: 'Post_authorId_fkey' } })
  })

  test('P2011: a null the database refuses', async () => {
    // The Prisma schema allows null here; the database (changed for this test) does not.
    await both(pair, (prisma) => sql(`ALTER TABLE "${schemaOf(prisma)}"."Profile" ALTER COLUMN "bio" DROP NOT NULL`))
    await both(pair, (prisma) => prisma.user.create({ data: { email: 'nobio@err', name: 'No bio' } }))
    await both(pair, (prisma) => sql(`ALTER TABLE "${schemaOf(prisma)}"."Profile" ALTER COLUMN "bio" SET NOT NULL`))
    const [ours, official] = await errors((prisma) =>
      prisma.$executeRawUnsafe(`INSERT INTO "${schemaOf(prisma)}"."Profile" (bio, "userId") SELECT NULL, id FROM "${schemaOf(prisma)}"."User" WHERE email = 'nobio@err'`),
    )
    // Raw queries report every database error as P2010, with the mapped kind attached.
    expect([ours.code, official.code]).toEqual(['P2010', 'P2010'])
    expect(cause(ours)).toMatchObject({ kind: 'NullConstraintViolation', constraint: { fields: ['bio'] }, originalCode: '23502' })
    expect(cause(official)).toMatchObject({ kind: 'NullConstraintViolation', originalCode: '23502' })
  })

  test('P2011 from a model query: an optional field whose column is NOT NULL', async () => {
    await both(pair, (prisma) => sql(`ALTER TABLE "${schemaOf(prisma)}"."AllTypes" ALTER COLUMN "strNull" SET NOT NULL`))
    const row = {
      str: 's', strNull: null, int: 0, bigInt: 0n, float: 0, decimal: 0, bool: true, dateTime: new Date(0), json: {}, bytes: new Uint8Array(),
      role: 'USER' as const, smallInt: 0, real: 0, char: 'c', varchar: 'v', uuid: '00000000-0000-0000-0000-000000000000', date: new Date(0),
      time: new Date(0), timetz: new Date(0), timestamp: new Date(0), timestamptz: new Date(0), jsonPlain: {}, xml: '<x/>', inet: '::1',
      bit: '0000', varbit: '', money: 0, oid: 0,
    }
    const [ours, official] = await errors((prisma) => prisma.allTypes.create({ data: row }))
    expect([ours.code, official.code]).toEqual(['P2011', 'P2011'])
    expect(cause(ours)).toMatchObject({ kind: 'NullConstraintViolation', constraint: { fields: ['strNull'] } })
    expect(ours.message).toContain('Null constraint violation on the fields: (`strNull`)')
    // The official adapter reads the field from a detail line PostgreSQL does not send for NOT NULL.
    expect(cause(official)?.constraint).toBeUndefined()
  })

  test('P2025: update and delete of a missing record (P2018 for a nested connect)', async () => {
    const [oursUpdate, officialUpdate] = await errors((prisma) => prisma.user.update({ where: { id: 99999 }, data: { name: 'x' } }))
    const [oursDelete, officialDelete] = await errors((prisma) => prisma.user.delete({ where: { email: 'missing@err' } }))
    const [oursNested, officialNested] = await errors((prisma) =>
      prisma.user.update({ where: { email: 'taken@err' }, data: { posts: { connect: { id: 99999 } } } }),
    )
    expect([oursUpdate.code, officialUpdate.code, oursDelete.code, officialDelete.code]).toEqual(Array(4).fill('P2025'))
    // A nested connect to a missing record is P2018 (required connected records not found).
    expect([oursNested.code, officialNested.code]).toEqual(['P2018', 'P2018'])
    expect(oursUpdate.meta).toEqual(officialUpdate.meta)
    expect(oursDelete.meta).toEqual({ modelName: 'User', operation: 'a delete' })
  })

  test('P2021: the table of a model does not exist', async () => {
    await both(pair, (prisma) => sql(`DROP TABLE "${schemaOf(prisma)}"."Counter"`))
    const [ours, official] = await errors((prisma) => prisma.counter.findMany())
    expect([ours.code, official.code]).toEqual(['P2021', 'P2021'])
    expect(cause(ours)).toMatchObject({ kind: 'TableDoesNotExist', table: `${pair.oursSchema.name}.Counter` })
    expect(ours.message).toContain(`The table \`${pair.oursSchema.name}.Counter\` does not exist in the current database.`)
  })

  test('P2022: the column of a field does not exist', async () => {
    await both(pair, (prisma) => sql(`ALTER TABLE "${schemaOf(prisma)}"."Tag" RENAME COLUMN "name" TO "label"`))
    const [ours, official] = await errors((prisma) => prisma.tag.findMany())
    expect([ours.code, official.code]).toEqual(['P2022', 'P2022'])
    expect(cause(ours)).toMatchObject({ kind: 'ColumnNotFound', column: 't0.name' })
    expect(ours.message).toBe(official.message)
  })
})

describe('raw queries (P2010 with the mapped kind)', () => {
  test.each([
    ['TableDoesNotExist', '42P01', (s: string) => `SELECT * FROM "${s}"."Nope"`, { table: 'SCHEMA.Nope' }],
    ['ColumnNotFound', '42703', (s: string) => `SELECT nope FROM "${s}"."User"`, { column: 'nope' }],
    ['UniqueConstraintViolation', '23505', (s: string) => `INSERT INTO "${s}"."User" (email, name) VALUES ('taken@err', 'x')`, { table: 'User' }],
    ['ForeignKeyConstraintViolation', '23503', (s: string) => `INSERT INTO "${s}"."Profile" (bio, "userId") VALUES ('b', 999)`, {}],
    ['LengthMismatch', '22001', (s: string) => `INSERT INTO "${s}"."User" (email, name) VALUES (repeat('y', 41), 'x')`, {}],
    ['ValueOutOfRange', '22003', () => `SELECT 2147483647::int4 + 1`, { cause: 'integer out of range' }],
    ['InvalidInputValue', '22P02', () => `SELECT 'abc'::int4`, {}],
    ['postgres', '42601', () => `SELEC 1`, { severity: 'ERROR', message: 'syntax error at or near "SELEC"' }],
  ])('%s (%s)', async (kind, code, query, fields) => {
    const [ours, official] = await errors((prisma) => prisma.$queryRawUnsafe(query(schemaOf(prisma))))
    expect([ours.code, official.code]).toEqual(['P2010', 'P2010'])
    const expected = Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, typeof value === 'string' ? value.replace('SCHEMA', pair.oursSchema.name) : value]))
    expect(cause(ours)).toMatchObject({ kind, originalCode: code, ...expected })
    expect(cause(official)).toMatchObject({ kind, originalCode: code })
    expect(ours.message.replaceAll(pair.oursSchema.name, 'S')).toBe(official.message.replaceAll(pair.officialSchema.name, 'S'))
  })
})
