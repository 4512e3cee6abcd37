// SQLite's errors through the client: the Prisma codes (P2002, P2003, P2011, P2018, P2021, P2022, P2025, P1008, P2010)
// from PrismaPoolJdbc and from @prisma/adapter-better-sqlite3, with what they say about the fields, and xerial's
// message taken apart into the result code and SQLite's own message, as better-sqlite3 gives them.
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, test } from 'vitest'
import { PrismaPoolJdbc } from '@prisma-pool/jdbc'
import { TEST_CLASSPATH } from '../../../../test-support/jdbc/classpath.js'
import { PrismaClient } from './generated/prisma/client.js'
import { both, direct, knownError, oursAdapter, SCHEMA_SQL, usePair } from './helpers.js'

// "strNull" is optional in the Prisma schema, NOT NULL here: a model query that writes null reaches SQLite (P2011).
const STRICT_SQL = SCHEMA_SQL.replace('"strNull" TEXT,', '"strNull" TEXT NOT NULL,') + '\nCREATE TABLE "Checked" ("x" INTEGER CHECK ("x" > 0));\n'
const pair = usePair('err', { size: 3, maxOverflow: 0 }, STRICT_SQL)

/** The error both clients raise for the same operation. */
const errors = (operation: (prisma: PrismaClient) => Promise<unknown>) => both(pair(), (prisma) => knownError(operation(prisma)))

/** The adapter's mapped error, as Prisma attaches it. */
const cause = (error: { meta?: Record<string, unknown> }) => (error.meta?.driverAdapterError as { cause?: Record<string, unknown> } | undefined)?.cause

/** Runs one statement on both files, outside both adapters. */
const onBothFiles = (sql: string) => Promise.all([direct.run(pair().oursFile, sql), direct.run(pair().officialFile, sql)])

const ROW = { str: 's', strNull: 'x', int: 0, bigInt: 0n, float: 0, decimal: 0, bool: true, dateTime: new Date(0), json: {}, bytes: new Uint8Array(), role: 'USER' as const }

describe('model queries', () => {
  test('P2002: a unique email, naming the field and the table', async () => {
    await both(pair(), (prisma) => prisma.user.create({ data: { email: 'taken@err', name: 'Taken' } }))
    const [ours, official] = await errors((prisma) => prisma.user.create({ data: { email: 'taken@err', name: 'Again' } }))
    expect([ours.code, official.code]).toEqual(['P2002', 'P2002'])
    expect(cause(ours)).toEqual({
      kind: 'UniqueConstraintViolation',
      constraint: { fields: ['email'] },
      table: 'User',
      originalCode: 'SQLITE_CONSTRAINT_UNIQUE',
      originalMessage: 'UNIQUE constraint failed: User.email',
    })
    expect(ours.meta).toEqual(official.meta)
    expect(ours.message).toBe(official.message)
    expect(ours.message).toContain('Unique constraint failed on the fields: (`email`)')
  })

  test('P2002 from an update, from createMany, and from a primary key', async () => {
    await both(pair(), (prisma) => prisma.user.create({ data: { email: 'other@err', name: 'Other' } }))
    const [update, officialUpdate] = await errors((prisma) => prisma.user.update({ where: { email: 'other@err' }, data: { email: 'taken@err' } }))
    const [many, officialMany] = await errors((prisma) => prisma.tag.createMany({ data: [{ name: 'dup' }, { name: 'dup' }] }))
    await both(pair(), (prisma) => prisma.counter.create({ data: { id: 'fixed-id', name: 'first' } }))
    const [primary, officialPrimary] = await errors((prisma) => prisma.counter.create({ data: { id: 'fixed-id', name: 'second' } }))
    expect([update.code, many.code, primary.code]).toEqual(['P2002', 'P2002', 'P2002'])
    expect([update.meta, many.meta, primary.meta]).toEqual([officialUpdate.meta, officialMany.meta, officialPrimary.meta])
    expect(cause(many)).toMatchObject({ constraint: { fields: ['name'] }, table: 'Tag' })
    expect(cause(primary)).toMatchObject({ constraint: { fields: ['id'] }, table: 'Counter', originalCode: 'SQLITE_CONSTRAINT_PRIMARYKEY' })
  })

  test('P2003: a foreign key that points nowhere (SQLite enforces it: foreign_keys is on)', async () => {
    const [ours, official] = await errors((prisma) => prisma.post.create({ data: { title: 'orphan', authorId: 999 } }))
    expect([ours.code, official.code]).toEqual(['P2003', 'P2003'])
    expect(cause(ours)).toEqual({
      kind: 'ForeignKeyConstraintViolation',
      constraint: { foreignKey: {} },
      originalCode: 'SQLITE_CONSTRAINT_FOREIGNKEY',
      originalMessage: 'FOREIGN KEY constraint failed',
    })
    expect(ours.meta).toEqual(official.meta)
    expect(ours.message).toBe(official.message)
  })

  test('P2011: an optional field whose column is NOT NULL', async () => {
    const [ours, official] = await errors((prisma) => prisma.allTypes.create({ data: { ...ROW, strNull: null } }))
    expect([ours.code, official.code]).toEqual(['P2011', 'P2011'])
    expect(cause(ours)).toEqual({
      kind: 'NullConstraintViolation',
      constraint: { fields: ['strNull'] },
      originalCode: 'SQLITE_CONSTRAINT_NOTNULL',
      originalMessage: 'NOT NULL constraint failed: AllTypes.strNull',
    })
    expect(ours.meta).toEqual(official.meta)
    expect(ours.message).toContain('Null constraint violation on the fields: (`strNull`)')
  })

  test('P2025: update and delete of a missing record; P2018 for a nested connect', async () => {
    const [update, officialUpdate] = await errors((prisma) => prisma.user.update({ where: { id: 99999 }, data: { name: 'x' } }))
    const [deleted, officialDeleted] = await errors((prisma) => prisma.user.delete({ where: { email: 'missing@err' } }))
    const [nested, officialNested] = await errors((prisma) => prisma.user.update({ where: { email: 'taken@err' }, data: { posts: { connect: { id: 99999 } } } }))
    expect([update.code, deleted.code, nested.code]).toEqual(['P2025', 'P2025', 'P2018'])
    expect([update.meta, deleted.meta, nested.meta]).toEqual([officialUpdate.meta, officialDeleted.meta, officialNested.meta])
  })

  test('P2021: the table of a model does not exist', async () => {
    await onBothFiles('DROP TABLE "Counter"')
    const [ours, official] = await errors((prisma) => prisma.counter.findMany())
    expect([ours.code, official.code]).toEqual(['P2021', 'P2021'])
    expect(cause(ours)).toMatchObject({ kind: 'TableDoesNotExist', table: 'main.Counter' })
    expect(ours.message).toBe(official.message)
  })

  test('P2022: the column of a field does not exist', async () => {
    await onBothFiles('ALTER TABLE "Tag" RENAME COLUMN "name" TO "label"')
    const [ours, official] = await errors((prisma) => prisma.tag.findMany())
    expect([ours.code, official.code]).toEqual(['P2022', 'P2022'])
    expect(cause(ours)).toEqual(cause(official))
    expect(ours.message).toBe(official.message)
  })
})

describe('raw queries: P2010, with the mapped kind and SQLite’s code and message', () => {
  test.each([
    ['TableDoesNotExist', 'SQLITE_ERROR', 'SELECT * FROM "Nope"', { table: 'Nope', originalMessage: 'no such table: Nope' }],
    ['ColumnNotFound', 'SQLITE_ERROR', 'SELECT nope FROM "User"', { column: 'nope' }],
    ['ColumnNotFound', 'SQLITE_ERROR', 'INSERT INTO "User" (nope) VALUES (1)', { column: 'nope', originalMessage: 'table User has no column named nope' }],
    ['UniqueConstraintViolation', 'SQLITE_CONSTRAINT_UNIQUE', `INSERT INTO "User" (email, name) VALUES ('taken@err', 'x')`, { constraint: { fields: ['email'] }, table: 'User' }],
    ['ForeignKeyConstraintViolation', 'SQLITE_CONSTRAINT_FOREIGNKEY', `INSERT INTO "Profile" (bio, "userId") VALUES ('b', 999)`, {}],
    ['NullConstraintViolation', 'SQLITE_CONSTRAINT_NOTNULL', `INSERT INTO "User" (email, name) VALUES (NULL, 'x')`, { constraint: { fields: ['email'] } }],
    ['sqlite', 'SQLITE_ERROR', 'SELEC 1', { extendedCode: 1, message: 'near "SELEC": syntax error' }],
    ['sqlite', 'SQLITE_ERROR', 'SELECT abs(-9223372036854775808)', { extendedCode: 1, message: 'integer overflow' }],
  ])('%s (%s): %s', async (kind, code, sql, fields) => {
    const [ours, official] = await errors((prisma) => prisma.$queryRawUnsafe(sql))
    expect([ours.code, official.code]).toEqual(['P2010', 'P2010'])
    expect(cause(ours)).toMatchObject({ kind, originalCode: code, ...fields })
    expect(cause(ours)).toEqual(cause(official))
    expect(ours.message).toBe(official.message)
  })

  test('an extended result code: ours reports it (275, SQLITE_CONSTRAINT_CHECK), the official adapter reports 1 for every named code', async () => {
    const [ours, official] = await errors((prisma) => prisma.$executeRawUnsafe('INSERT INTO "Checked" (x) VALUES (0)'))
    expect(ours.message).toBe(official.message)
    expect(ours.message).toContain('Raw query failed. Code: `SQLITE_CONSTRAINT_CHECK`. Message: `CHECK constraint failed: x`')
    expect(cause(ours)).toMatchObject({ kind: 'sqlite', extendedCode: 275 })
    expect(cause(official)).toMatchObject({ kind: 'sqlite', extendedCode: 1 })
  })
})

describe('a write lock held past busy_timeout: P1008 (SocketTimeout), as with better-sqlite3', () => {
  const clients: PrismaClient[] = []
  afterAll(async () => {
    await Promise.allSettled(clients.map((client) => client.$disconnect()))
  })

  test('on both adapters', async () => {
    // Ours: another pool's transaction holds the write lock (BEGIN IMMEDIATE) while a pool with busy_timeout=100 writes.
    const holder = new PrismaClient({ adapter: oursAdapter(pair().oursFile, { pool: { size: 1, maxOverflow: 0 } }) })
    const waiter = new PrismaClient({ adapter: oursAdapter(pair().oursFile, { pool: { size: 1, maxOverflow: 0 }, properties: { busy_timeout: 100 } }) })
    clients.push(holder, waiter)
    const ours = await holder.$transaction(async (tx) => {
      await tx.user.create({ data: { email: 'holder@err', name: 'h' } })
      return knownError(waiter.user.create({ data: { email: 'waiter@err', name: 'w' } }))
    })
    // The official adapter: a better-sqlite3 connection of its own holds the lock on its file.
    const lock = new Database(pair().officialFile)
    const officialWaiter = new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: `file:${pair().officialFile}`, timeout: 100 }) })
    clients.push(officialWaiter)
    let official
    try {
      lock.exec('BEGIN IMMEDIATE')
      official = await knownError(officialWaiter.user.create({ data: { email: 'waiter@err', name: 'w' } }))
    } finally {
      lock.exec('ROLLBACK')
      lock.close()
    }
    expect([ours.code, official.code]).toEqual(['P1008', 'P1008'])
    expect(cause(ours)).toEqual({ kind: 'SocketTimeout', originalCode: 'SQLITE_BUSY', originalMessage: 'database is locked' })
    expect(cause(ours)).toEqual(cause(official))
    // (The message starts with the call that failed, which is not the same line.)
    expect(ours.message.trim().split('\n').at(-1)).toBe('Operation has timed out')
    expect(official.message.trim().split('\n').at(-1)).toBe('Operation has timed out')
    // Once the lock is gone, the same pool writes.
    expect(await waiter.user.create({ data: { email: 'waiter@err', name: 'w' }, select: { email: true } })).toEqual({ email: 'waiter@err' })
  })
})

test('an in-memory database is refused with a message that says why and what to do', async () => {
  const prisma = new PrismaClient({ adapter: new PrismaPoolJdbc({ url: 'jdbc:sqlite::memory:', classpath: TEST_CLASSPATH }) })
  try {
    const error = await prisma.user.count().then(
      () => undefined,
      (e: Error) => e,
    )
    expect(error?.message).toContain('cannot pool "jdbc:sqlite::memory:": an in-memory (or unnamed, temporary) SQLite database belongs to one connection')
    expect(error?.message).toContain('Give a file instead: jdbc:sqlite:/path/app.db')
  } finally {
    await prisma.$disconnect()
  }
})
