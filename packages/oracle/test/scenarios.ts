// The Prisma-level scenarios of the Oracle dialect, beyond the relation scenarios every engine runs
// (test-support/relations.ts): types, filters, pagination, writes of every kind, JSON, raw SQL, large `in` lists and
// errors. Each runs, in this order, on a fresh database per side: through the Oracle dialect (on H2 in Oracle mode, or
// a real Oracle with ORACLE_URL) and through the pg adapter on PostgreSQL; the results must be equal, and equal to
// `expected` where a scenario gives one. The corpus capture (corpus.test.ts) records the SQL they make Prisma send.
import { Prisma, type PrismaClient } from './generated/prisma/client.js'

export interface Scenario {
  name: string
  run(prisma: PrismaClient): Promise<unknown>
  /** What both sides must return (canonical form, test-support/compare.ts); absent where equality alone is the check. */
  expected?: unknown
}

const at = (iso: string) => new Date(iso)

/** A row of every type, with values at the edges Oracle's types must keep. */
export const ALL_TYPES_ROW = {
  str: 'héllo ✓ "quoted" \'single\'',
  strNull: null,
  int: -2147483648,
  intNull: null,
  bigInt: 9007199254740993n,
  float: 1.5e-300,
  decimal: new Prisma.Decimal('12345678901234567890.0123456789'),
  bool: true,
  dateTime: at('2024-02-29T23:59:59.123Z'),
  json: { a: [1, 2, { b: null }], s: 'x', n: 1.25, t: true },
  bytes: new Uint8Array([0, 1, 2, 254, 255]),
  role: 'ADMIN' as const,
  varchar: 'twenty characters!!!',
  date: at('1999-12-31T00:00:00.000Z'),
  timestamptz: at('2030-06-15T08:30:00.123456Z'),
}

export const SCENARIOS: Scenario[] = [
  // Types
  {
    name: 'create and read back every type',
    run: async (prisma) => {
      const created = await prisma.allTypes.create({ data: ALL_TYPES_ROW })
      return { created, read: await prisma.allTypes.findUniqueOrThrow({ where: { id: created.id } }) }
    },
  },
  {
    name: 'createMany of typed rows, then filters on each type',
    run: async (prisma) => {
      const base = { ...ALL_TYPES_ROW, role: 'USER' as const }
      const count = await prisma.allTypes.createMany({
        data: [
          { ...base, str: 'a', int: 1, bigInt: 1n, float: 0.5, decimal: new Prisma.Decimal('0.1'), bool: false, jsonNull: Prisma.JsonNull },
          // With ALL_TYPES_ROW's and 0.1, the decimals sum to a multiple of 3: their AVG is exact on every database.
          { ...base, str: 'b', int: 2, bigInt: 2n, float: 2.5, decimal: new Prisma.Decimal('-0.1123456789'), intNull: 7, strNull: 'set' },
        ],
      })
      const ids = (where: Prisma.AllTypesWhereInput) =>
        prisma.allTypes.findMany({ where, orderBy: { id: 'asc' }, select: { str: true } }).then((rows) => rows.map((row) => row.str))
      return {
        count,
        bool: await ids({ bool: false }),
        notBool: await ids({ bool: { not: true } }),
        bigInt: await ids({ bigInt: { gte: 2n } }),
        decimal: await ids({ decimal: { lt: new Prisma.Decimal('0') } }),
        float: await ids({ float: { gt: 1 } }),
        date: await ids({ dateTime: { gte: at('2024-02-29T23:59:59.123Z') }, str: { in: ['a', 'b'] } }),
        nullInt: await ids({ intNull: null }),
        notNullInt: await ids({ intNull: { not: null } }),
        role: await ids({ role: { in: ['USER'] } }),
        bytes: await ids({ bytes: { equals: new Uint8Array([0, 1, 2, 254, 255]) }, str: 'a' }),
      }
    },
  },
  {
    name: 'empty and whitespace strings stay what they are',
    run: async (prisma) => {
      const row = await prisma.allTypes.create({ data: { ...ALL_TYPES_ROW, str: ' ', strNull: '' } })
      const read = await prisma.allTypes.findUniqueOrThrow({ where: { id: row.id }, select: { str: true, strNull: true } })
      // Gone again: the Oracle dialect refuses the write, and the later scenarios count the rows of both sides.
      await prisma.allTypes.delete({ where: { id: row.id } })
      return read
    },
    expected: { str: ' ', strNull: '' },
  },
  // Filters and ordering on the relation seed (test-support/relations.ts seeds it first)
  {
    name: 'string filters: contains, startsWith, endsWith, insensitive, not, in, notIn',
    run: async (prisma) => {
      // On the seed's users alone: the relation scenarios add users of their own.
      const names = (where: Prisma.UserWhereInput) =>
        prisma.user.findMany({ where: { AND: [where, { email: { endsWith: '@seed' } }] }, orderBy: { name: 'asc' }, select: { name: true } }).then((rows) => rows.map((row) => row.name))
      return {
        contains: await names({ name: { contains: 'o' } }),
        startsWith: await names({ email: { startsWith: 'a' } }),
        endsWith: await names({ email: { endsWith: '@seed' } }),
        insensitive: await names({ name: { contains: 'AL', mode: 'insensitive' } }),
        insensitiveEquals: await names({ name: { equals: 'bob', mode: 'insensitive' } }),
        not: await names({ name: { not: 'Bob' }, email: { endsWith: '@seed' } }),
        in: await names({ name: { in: ['Bob', 'Carol', 'Nobody'] } }),
        notIn: await names({ name: { notIn: ['Bob'] }, email: { endsWith: '@seed' } }),
        emptyIn: await names({ name: { in: [] } }),
        // Prisma sends the pattern unescaped: a % in it is LIKE's wildcard, on every database.
        percent: await names({ name: { contains: '%' } }),
        or: await names({ OR: [{ name: 'Bob' }, { role: 'ADMIN' }] }),
        notAnd: await names({ NOT: { AND: [{ role: 'USER' }, { name: { startsWith: 'A' } }] }, email: { endsWith: '@seed' } }),
      }
    },
    expected: {
      contains: ['Bob', 'Carol'],
      startsWith: ['Alice'],
      endsWith: ['Alice', 'Bob', 'Carol'],
      insensitive: ['Alice'],
      insensitiveEquals: ['Bob'],
      not: ['Alice', 'Carol'],
      in: ['Bob', 'Carol'],
      notIn: ['Alice', 'Carol'],
      emptyIn: [],
      percent: ['Alice', 'Bob', 'Carol'],
      or: ['Bob', 'Carol'],
      notAnd: ['Bob', 'Carol'],
    },
  },
  {
    name: 'ordering by several fields, nulls, take and skip',
    run: async (prisma) => ({
      page: await prisma.post.findMany({ orderBy: [{ published: 'desc' }, { views: 'asc' }], skip: 1, take: 2, select: { title: true } }),
      last: await prisma.post.findMany({ orderBy: { id: 'desc' }, take: 1, select: { title: true } }),
      first: await prisma.post.findFirst({ where: { views: { gt: 100 } } }),
      nullsLast: await prisma.allTypes.findMany({ orderBy: { intNull: { sort: 'asc', nulls: 'last' } }, select: { intNull: true } }),
      nullsFirst: await prisma.allTypes.findMany({ orderBy: { intNull: { sort: 'desc', nulls: 'first' } }, select: { intNull: true } }),
    }),
  },
  {
    name: 'aggregates on every numeric type',
    run: (prisma) =>
      prisma.allTypes.aggregate({
        _count: { _all: true, intNull: true },
        _sum: { int: true, bigInt: true, float: true, decimal: true },
        _avg: { int: true, decimal: true },
        _min: { str: true, dateTime: true, decimal: true },
        _max: { bigInt: true, timestamptz: true },
      }),
  },
  {
    name: 'groupBy on an enum with having',
    run: (prisma) =>
      prisma.allTypes.groupBy({ by: ['role', 'bool'], _count: { _all: true }, _sum: { int: true }, having: { int: { _sum: { gt: -10 } } }, orderBy: [{ role: 'asc' }, { bool: 'asc' }] }),
  },
  // Writes
  {
    name: 'update with increments, multiply and set; updateMany; the count',
    run: async (prisma) => {
      const user = await prisma.user.create({ data: { email: 'writes@oracle', name: 'W' } })
      const post = await prisma.post.create({ data: { title: 'counting', authorId: user.id, createdAt: at('2024-01-01T00:00:00Z') } })
      // Not the ids: PostgreSQL's ON CONFLICT (an upsert, a skipDuplicates) takes a sequence value even where it inserts
      // nothing, Oracle's MERGE does not, so ids drift apart between the two sides after the relation scenarios' upserts.
      const updated = await prisma.post.update({ where: { id: post.id }, data: { views: { increment: 5 }, published: true }, select: { title: true, views: true, published: true, createdAt: true } })
      const multiplied = await prisma.post.update({ where: { id: post.id }, data: { views: { multiply: 3 } }, select: { views: true } })
      const many = await prisma.post.updateMany({ where: { authorId: user.id }, data: { views: { decrement: 1 } } })
      const none = await prisma.post.updateMany({ where: { title: 'no such post' }, data: { views: 0 } })
      return { updated, multiplied, many, none }
    },
  },
  {
    name: 'delete and deleteMany',
    run: async (prisma) => {
      const user = await prisma.user.create({ data: { email: 'deletes@oracle', name: 'D', posts: { create: [{ title: 'd1', createdAt: at('2024-01-01T00:00:00Z') }, { title: 'd2', createdAt: at('2024-01-01T00:00:00Z') }] } } })
      const one = await prisma.post.delete({ where: { id: (await prisma.post.findFirstOrThrow({ where: { title: 'd1' } })).id }, select: { title: true } })
      const many = await prisma.post.deleteMany({ where: { authorId: user.id } })
      const gone = await prisma.user.delete({ where: { id: user.id }, select: { email: true } })
      return { one, many, gone, left: await prisma.post.count({ where: { title: { in: ['d1', 'd2'] } } }) }
    },
    expected: { one: { title: 'd1' }, many: { count: 1 }, gone: { email: 'deletes@oracle' }, left: 0 },
  },
  {
    name: 'createMany with skipDuplicates counts only the new rows',
    run: async (prisma) => {
      const first = await prisma.tag.createMany({ data: [{ name: 'dup-a' }, { name: 'dup-b' }] })
      const second = await prisma.tag.createMany({ data: [{ name: 'dup-b' }, { name: 'dup-c' }, { name: 'dup-a' }], skipDuplicates: true })
      return { first, second, tags: (await prisma.tag.findMany({ where: { name: { startsWith: 'dup-' } }, orderBy: { name: 'asc' } })).map((tag) => tag.name) }
    },
    expected: { first: { count: 2 }, second: { count: 1 }, tags: ['dup-a', 'dup-b', 'dup-c'] },
  },
  {
    name: 'createManyAndReturn and updateManyAndReturn',
    run: async (prisma) => {
      const created = await prisma.tag.createManyAndReturn({ data: [{ name: 'ret-1' }, { name: 'ret-2' }, { name: 'ret-3' }], select: { name: true } })
      const updated = await prisma.tag.updateManyAndReturn({ where: { name: { in: ['ret-1', 'ret-3'] } }, data: { name: { set: 'ret-x' } }, select: { name: true } }).catch((error: { code?: string }) => error.code)
      const renamed = await prisma.counter.createManyAndReturn({ data: [{ id: '8f6a1d1e-8c4b-4e4a-9c51-0a1c1d1e1f10', name: 'c-ret-1' }, { id: '8f6a1d1e-8c4b-4e4a-9c51-0a1c1d1e1f11', name: 'c-ret-2', value: 4 }] })
      const bumped = await prisma.counter.updateManyAndReturn({ where: { name: { startsWith: 'c-ret-' } }, data: { value: { increment: 1 } }, select: { name: true, value: true } })
      return { created, updated, renamed, bumped: bumped.sort((a, b) => a.name.localeCompare(b.name)) }
    },
  },
  {
    name: 'upsert on a unique key: the create path, then the update path, and a uuid key',
    run: async (prisma) => {
      const created = await prisma.tag.upsert({ where: { name: 'upserted' }, create: { name: 'upserted' }, update: {} })
      const again = await prisma.tag.upsert({ where: { name: 'upserted' }, create: { name: 'upserted' }, update: { name: 'upserted' } })
      const counter = await prisma.counter.upsert({ where: { name: 'hits' }, create: { id: '0e4c7a52-5b43-4f7e-9d3e-0d5a6f3f1a01', name: 'hits', value: 1 }, update: { value: { increment: 1 } } })
      const counted = await prisma.counter.upsert({ where: { name: 'hits' }, create: { id: '0e4c7a52-5b43-4f7e-9d3e-0d5a6f3f1a01', name: 'hits', value: 1 }, update: { value: { increment: 1 } } })
      return { created, again, counter, counted }
    },
  },
  {
    name: 'a compound primary key: create, findUnique, update, upsert',
    run: async (prisma) => {
      await prisma.membership.create({ data: { userId: 1, groupId: 10, note: 'first' } })
      const found = await prisma.membership.findUnique({ where: { userId_groupId: { userId: 1, groupId: 10 } } })
      const updated = await prisma.membership.update({ where: { userId_groupId: { userId: 1, groupId: 10 } }, data: { note: null } })
      const upserted = await prisma.membership.upsert({ where: { userId_groupId: { userId: 2, groupId: 10 } }, create: { userId: 2, groupId: 10 }, update: {} })
      return { found, updated, upserted, all: await prisma.membership.findMany({ orderBy: [{ userId: 'asc' }, { groupId: 'asc' }] }) }
    },
  },
  {
    name: 'many-to-many connect, disconnect and set',
    run: async (prisma) => {
      const post = await prisma.post.create({ data: { title: 'm2m', authorId: 1, createdAt: at('2024-01-01T00:00:00Z'), tags: { connect: [{ name: 'ts' }, { name: 'go' }] } } })
      await prisma.post.update({ where: { id: post.id }, data: { tags: { connect: [{ name: 'ts' }] } } })
      const disconnected = await prisma.post.update({ where: { id: post.id }, data: { tags: { disconnect: [{ name: 'go' }] } }, include: { tags: { orderBy: { name: 'asc' } } } })
      const set = await prisma.post.update({ where: { id: post.id }, data: { tags: { set: [{ name: 'sql' }, { name: 'go' }] } }, include: { tags: { orderBy: { name: 'asc' } } } })
      await prisma.post.delete({ where: { id: post.id } })
      return { disconnected: disconnected.tags, set: set.tags }
    },
  },
  // JSON
  {
    name: 'JSON: whole-value equality, JsonNull and DbNull',
    run: async (prisma) => {
      const titles = (where: Prisma.AllTypesWhereInput) => prisma.allTypes.findMany({ where, orderBy: { id: 'asc' }, select: { str: true } }).then((rows) => rows.map((row) => row.str))
      return {
        equals: await titles({ json: { equals: ALL_TYPES_ROW.json } }),
        jsonNull: await titles({ jsonNull: { equals: Prisma.JsonNull } }),
        dbNull: await titles({ jsonNull: { equals: Prisma.DbNull } }),
      }
    },
  },
  {
    name: 'JSON: path filters, array_contains, string_contains',
    run: async (prisma) => {
      const titles = (where: Prisma.AllTypesWhereInput) => prisma.allTypes.findMany({ where, orderBy: { id: 'asc' }, select: { str: true } }).then((rows) => rows.map((row) => row.str))
      return {
        path: await titles({ json: { path: ['s'], equals: 'x' } }),
        nested: await titles({ json: { path: ['a', '2', 'b'], equals: Prisma.AnyNull } }),
        number: await titles({ json: { path: ['n'], gt: 1 } }),
        stringContains: await titles({ json: { path: ['s'], string_contains: 'x' } }),
        arrayContains: await titles({ json: { path: ['a'], array_contains: [1] } }),
      }
    },
  },
  // Raw SQL, as a user writes it for a postgresql schema
  {
    name: '$queryRaw and $executeRaw with parameters, one reused',
    run: async (prisma) => {
      const name = 'Alice'
      const rows = await prisma.$queryRaw<{ name: string; email: string }[]>`SELECT "name", "email" FROM "User" WHERE "name" = ${name} OR "email" = ${'bob@seed'} ORDER BY "id"`
      const count = await prisma.$executeRaw`UPDATE "User" SET "name" = ${'Alice'} WHERE "name" = ${name}`
      const unsafe = await prisma.$queryRawUnsafe<{ n: number }[]>('SELECT COUNT(*) AS "n" FROM "Post" WHERE "views" >= $1 AND "views" < $1 + 100', 5)
      return { rows, count, unsafe: unsafe.map((row) => Number(row.n)) }
    },
    
  },
  // Lists past Oracle's 1,000 elements per IN
  {
    name: 'in and notIn with 1,500 values',
    run: async (prisma) => {
      const ids = Array.from({ length: 1500 }, (_, i) => i + 1)
      return {
        in: await prisma.post.count({ where: { id: { in: ids } } }),
        notIn: await prisma.post.count({ where: { id: { notIn: ids } } }),
        users: (await prisma.user.findMany({ where: { id: { in: ids.map((id) => 1501 - id) } }, orderBy: { id: 'asc' }, select: { id: true } })).length,
      }
    },
  },
  // Errors
  {
    name: 'errors: unique, foreign key, not found, too long, each a Prisma code',
    run: async (prisma) => {
      const code = (promise: Promise<unknown>) => promise.then(() => 'no error', (error: { code?: string; meta?: unknown }) => error.code ?? String(error))
      return {
        unique: await code(prisma.user.create({ data: { email: 'alice@seed', name: 'again' } })),
        foreignKey: await code(prisma.post.create({ data: { title: 'orphan', authorId: 999999 } })),
        notFound: await code(prisma.user.update({ where: { email: 'nobody@nowhere' }, data: { name: 'x' } })),
        tooLong: await code(prisma.user.create({ data: { email: 'x'.repeat(41), name: 'long' } })),
        connectMissing: await code(prisma.post.update({ where: { id: 1 }, data: { tags: { connect: { name: 'no-such-tag' } } } })),
      }
    },
    expected: { unique: 'P2002', foreignKey: 'P2003', notFound: 'P2025', tooLong: 'P2000', connectMissing: 'P2025' },
  },
  // Transactions
  {
    name: 'transactions: a batch, an interactive one rolled back by an error, isolation levels',
    run: async (prisma) => {
      const batch = await prisma.$transaction([prisma.tag.create({ data: { name: 'tx-1' }, select: { name: true } }), prisma.tag.count({ where: { name: { startsWith: 'tx-' } } })])
      const failed = await prisma
        .$transaction(async (tx) => {
          await tx.tag.create({ data: { name: 'tx-2' } })
          await tx.tag.create({ data: { name: 'tx-1' } })
        })
        .catch((error: { code?: string }) => error.code)
      const serializable = await prisma.$transaction((tx) => tx.tag.count({ where: { name: { startsWith: 'tx-' } } }), { isolationLevel: 'Serializable' })
      const readCommitted = await prisma.$transaction((tx) => tx.tag.count({ where: { name: { startsWith: 'tx-' } } }), { isolationLevel: 'ReadCommitted' })
      const nested = await prisma.$transaction(async (tx) => {
        await tx.tag.create({ data: { name: 'tx-3' } })
        return tx.tag.findMany({ where: { name: { startsWith: 'tx-' } }, orderBy: { name: 'asc' }, select: { name: true } })
      })
      return { batch, failed, serializable, readCommitted, nested }
    },
  },
]

/**
 * A scenario whose result through the Oracle dialect differs from PostgreSQL's, by design: both results and why; or,
 * with `fails`, one the Oracle dialect refuses (or H2 cannot run): there, the test checks that it fails with that error.
 */
export type Difference = { reason: string; oracle: unknown; postgres: unknown } | { reason: string; fails: RegExp }

/** The differences through the Oracle dialect on a real Oracle (live.test.ts), each with its reason (the README lists them). */
export const ORACLE_DIFFERENCES: Record<string, Difference> = {
  'empty and whitespace strings stay what they are': {
    reason: "Oracle stores '' as NULL: writing one is refused unless emptyStrings: 'null'",
    fails: /Oracle stores '' as NULL/,
  },
  'JSON: path filters, array_contains, string_contains': {
    reason: "Oracle's SQL/JSON paths are lax: refused",
    fails: /JSON filters with a path/,
  },
}

/** The differences on H2 in Oracle mode (h2.test.ts): Oracle's, and H2 lacks Oracle's JSON functions. */
export const H2_DIFFERENCES: Record<string, Difference> = {
  ...ORACLE_DIFFERENCES,
  'JSON: whole-value equality, JsonNull and DbNull': {
    reason: 'H2 has no JSON_EQUAL',
    fails: /Function "JSON_EQUAL" not found/,
  },
}
