// Relations, nested writes and the query API on SQLite: the shared scenarios (test-support/relations.ts) on
// PrismaPoolJdbc and @prisma/adapter-better-sqlite3, what SQLite has of its own (createManyAndReturn,
// updateManyAndReturn), and what the files hold after nested writes and cascades.
import { beforeAll, expect, test } from 'vitest'
import type { ClientPair } from '../../../../test-support/compare.js'
import type { PrismaClient as PgPrismaClient } from '../../../pg/test/generated/prisma/client.js'
import { day, relationScenarios, seedRelations } from '../../../../test-support/relations.js'
import type { PrismaClient } from './generated/prisma/client.js'
import { both, expectSame, rows, usePair } from './helpers.js'

const pair = usePair('rel')
/** The shared scenarios are typed with the PostgreSQL client (the models they use are the same); this file's, with SQLite's. */
const shared = () => pair() as unknown as ClientPair<PgPrismaClient>

beforeAll(() => both(shared(), seedRelations))

/** A table of both files, read directly, in a fixed order. */
const table = async (file: string, sql: string) => rows(file, sql)
const bothFiles = async (sql: string) => Promise.all([table(pair().oursFile, sql), table(pair().officialFile, sql)])

test('the seed wrote the same rows to both files: users, profiles, posts and the many-to-many links', async () => {
  for (const sql of [
    'SELECT id, email, name, role FROM "User" ORDER BY id',
    'SELECT id, bio, "userId" FROM "Profile" ORDER BY id',
    'SELECT id, title, views, published, "authorId", "createdAt" FROM "Post" ORDER BY id',
    'SELECT "A", "B" FROM "_PostToTag" ORDER BY "A", "B"',
  ]) {
    const [ours, official] = await bothFiles(sql)
    expect(ours).toEqual(official)
  }
  const [links] = await bothFiles('SELECT "A" AS post, "B" AS tag FROM "_PostToTag" ORDER BY "A", "B"')
  // A1 → ts, sql; A2 → ts; B1 → sql, go (tags 1 ts, 2 sql, 3 go).
  expect(links).toEqual([
    { post: 1n, tag: 1n },
    { post: 1n, tag: 2n },
    { post: 2n, tag: 1n },
    { post: 4n, tag: 2n },
    { post: 4n, tag: 3n },
  ])
  const [posts] = await bothFiles('SELECT "createdAt", published FROM "Post" WHERE id = 1')
  expect(posts).toEqual([{ createdAt: '2024-01-01T12:00:00.001+00:00', published: 1n }])
})

// SQLite has no relation joins: the client loads relations with one query per level.
relationScenarios(shared, { strategies: [undefined], nullsFirstInDescending: false })

test('createManyAndReturn and updateManyAndReturn', async () => {
  const [ours, official] = await both(pair(), async (prisma: PrismaClient) => {
    const many = await prisma.tag.createMany({ data: [{ name: 'cm1' }, { name: 'cm2' }] })
    const returned = await prisma.tag.createManyAndReturn({ data: [{ name: 'cm3' }, { name: 'cm4' }], select: { name: true } })
    const user = await prisma.user.create({ data: { email: 'frank@many', name: 'Frank' }, select: { id: true } })
    const posts = await prisma.post.createManyAndReturn({
      data: [
        { title: 'F1', authorId: user.id, createdAt: day(30), views: 1 },
        { title: 'F2', authorId: user.id, createdAt: day(31), published: true },
      ],
      include: { author: { select: { email: true } } },
    })
    const updated = await prisma.post.updateManyAndReturn({ where: { authorId: user.id }, data: { views: { increment: 10 } }, select: { title: true, views: true } })
    return { many, returned, posts: posts.map(({ id: _id, authorId: _a, ...rest }) => rest), updated: updated.sort((a, b) => a.title.localeCompare(b.title)) }
  })
  expectSame(ours, official, {
    many: { count: 2 },
    returned: [{ name: 'cm3' }, { name: 'cm4' }],
    posts: [
      { title: 'F1', views: 1, published: false, createdAt: day(30), author: { email: 'frank@many' } },
      { title: 'F2', views: 0, published: true, createdAt: day(31), author: { email: 'frank@many' } },
    ],
    updated: [{ title: 'F1', views: 11 }, { title: 'F2', views: 10 }],
  })
  const [oursPosts, officialPosts] = await bothFiles(`SELECT title, views FROM "Post" WHERE title IN ('F1', 'F2') ORDER BY title`)
  expect(oursPosts).toEqual(officialPosts)
  expect(oursPosts).toEqual([{ title: 'F1', views: 11n }, { title: 'F2', views: 10n }])
})

test('a nested write links many-to-many rows, and deleting the user cascades through SQLite foreign keys', async () => {
  const [ours, official] = await both(pair(), async (prisma: PrismaClient) => {
    const user = await prisma.user.create({
      data: {
        email: 'nina@cascade',
        name: 'Nina',
        profile: { create: { bio: 'n' } },
        posts: {
          create: [
            {
              title: 'N1',
              createdAt: day(50),
              tags: { connectOrCreate: [{ where: { name: 'nested' }, create: { name: 'nested' } }, { where: { name: 'ts' }, create: { name: 'ts' } }] },
            },
          ],
        },
      },
      select: { id: true, posts: { select: { id: true, _count: { select: { tags: true } } } } },
    })
    return user
  })
  expectSame(ours, official)
  expect(ours.posts[0]!._count.tags).toBe(2)
  const postId = ours.posts[0]!.id
  const links = `SELECT t.name FROM "_PostToTag" l JOIN "Tag" t ON t.id = l."B" WHERE l."A" = ${postId} ORDER BY t.name`
  expect(await bothFiles(links)).toEqual([[{ name: 'nested' }, { name: 'ts' }], [{ name: 'nested' }, { name: 'ts' }]])

  await both(pair(), (prisma: PrismaClient) => prisma.user.delete({ where: { id: ours.id } }))
  const left =
    `SELECT (SELECT count(*) FROM "Profile" WHERE "userId" = ${ours.id}) AS profiles, (SELECT count(*) FROM "Post" WHERE "authorId" = ${ours.id}) AS posts, ` +
    `(SELECT count(*) FROM "_PostToTag" WHERE "A" = ${postId}) AS links`
  expect(await bothFiles(left)).toEqual([[{ profiles: 0n, posts: 0n, links: 0n }], [{ profiles: 0n, posts: 0n, links: 0n }]])
})
