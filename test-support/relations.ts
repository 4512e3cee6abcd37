// The relation scenarios every engine runs through its generated client: relations, nested writes and the
// query API, on the seed rows (emails ending in @seed) or on rows of their own, so that the order of the
// tests does not matter. Each scenario runs on our adapter and the official one (where the engine has one: see
// engines/clients.ts), and both must return what the scenario expects. Typed with the PostgreSQL client; the
// engines' clients share these models.
import { describe, expect, test } from 'vitest'
import type { Prisma, PrismaClient } from '../packages/pg/test/generated/prisma/client.js'
import { both, expectSame, type ClientPair } from './compare.js'

/** A fixed `createdAt`, so that both clients write the same rows. */
export const day = (n: number) => new Date(Date.UTC(2024, 0, n, 12, 0, 0, n))
export const SEED: Prisma.UserWhereInput = { email: { endsWith: '@seed' } }
const SEED_POSTS: Prisma.PostWhereInput = { author: SEED }

export async function seedRelations(prisma: PrismaClient) {
  await prisma.tag.createMany({ data: [{ name: 'ts' }, { name: 'sql' }, { name: 'go' }] })
  await prisma.user.create({
    data: {
      email: 'alice@seed',
      name: 'Alice',
      profile: { create: { bio: 'Alice bio' } },
      posts: {
        create: [
          { title: 'A1', views: 10, published: true, createdAt: day(1), tags: { connect: [{ name: 'ts' }, { name: 'sql' }] } },
          { title: 'A2', views: 5, createdAt: day(2), tags: { connect: [{ name: 'ts' }] } },
          { title: 'A3', views: 0, createdAt: day(3) },
        ],
      },
    },
  })
  await prisma.user.create({
    data: {
      email: 'bob@seed',
      name: 'Bob',
      posts: { create: [{ title: 'B1', views: 7, published: true, createdAt: day(4), tags: { connect: [{ name: 'sql' }, { name: 'go' }] } }] },
    },
  })
  await prisma.user.create({ data: { email: 'carol@seed', name: 'Carol', role: 'ADMIN', profile: { create: { bio: 'Carol bio' } } } })
}

const TAG = { ts: { id: 1, name: 'ts' }, sql: { id: 2, name: 'sql' }, go: { id: 3, name: 'go' } }
const post = (id: number, title: string, views: number, published: boolean, authorId: number, createdAt: Date) => ({
  id, title, views, published, authorId, createdAt,
})
const A1 = post(1, 'A1', 10, true, 1, day(1))
const A2 = post(2, 'A2', 5, false, 1, day(2))
const A3 = post(3, 'A3', 0, false, 1, day(3))
const B1 = post(4, 'B1', 7, true, 2, day(4))
const ALICE = { id: 1, email: 'alice@seed', name: 'Alice', role: 'USER' }
const BOB = { id: 2, email: 'bob@seed', name: 'Bob', role: 'USER' }
const CAROL = { id: 3, email: 'carol@seed', name: 'Carol', role: 'ADMIN' }

export interface RelationOptions {
  /** The relationLoadStrategy values to run the loading scenarios with (undefined: the client's default). */
  strategies: readonly ('join' | 'query' | undefined)[]
  /** Whether the engine sorts NULL first in descending order (PostgreSQL) or last (MySQL). */
  nullsFirstInDescending: boolean
}

/** Registers the shared scenarios; `current()` gives the pair of clients once the file's beforeAll made it. */
export function relationScenarios(current: () => ClientPair<PrismaClient>, options: RelationOptions): void {
  describe.each(options.strategies)('relationLoadStrategy %s', (relationLoadStrategy) => {
    test('include: 1-1, 1-n and m-n, nested and ordered', async () => {
      const query = (prisma: PrismaClient) =>
        prisma.user.findMany({
          relationLoadStrategy,
          where: SEED,
          orderBy: { id: 'asc' },
          include: { profile: true, posts: { orderBy: { id: 'asc' }, include: { tags: { orderBy: { name: 'asc' } } } } },
        })
      const [ours, official] = await both(current(), query)
      expectSame(ours, official, [
        {
          ...ALICE,
          profile: { id: 1, bio: 'Alice bio', userId: 1 },
          posts: [
            { ...A1, tags: [TAG.sql, TAG.ts] },
            { ...A2, tags: [TAG.ts] },
            { ...A3, tags: [] },
          ],
        },
        { ...BOB, profile: null, posts: [{ ...B1, tags: [TAG.go, TAG.sql] }] },
        { ...CAROL, profile: { id: 2, bio: 'Carol bio', userId: 3 }, posts: [] },
      ])
    })

    test('select: nested select, filtered relation, back-reference and _count', async () => {
      const query = (prisma: PrismaClient) =>
        prisma.user.findMany({
          relationLoadStrategy,
          where: SEED,
          orderBy: { id: 'asc' },
          select: {
            email: true,
            profile: { select: { bio: true } },
            posts: { where: { published: true }, select: { title: true, author: { select: { name: true } }, tags: { select: { name: true }, orderBy: { id: 'asc' } } } },
            _count: { select: { posts: true } },
          },
        })
      const [ours, official] = await both(current(), query)
      expectSame(ours, official, [
        { email: 'alice@seed', profile: { bio: 'Alice bio' }, posts: [{ title: 'A1', author: { name: 'Alice' }, tags: [{ name: 'ts' }, { name: 'sql' }] }], _count: { posts: 3 } },
        { email: 'bob@seed', profile: null, posts: [{ title: 'B1', author: { name: 'Bob' }, tags: [{ name: 'sql' }, { name: 'go' }] }], _count: { posts: 1 } },
        { email: 'carol@seed', profile: { bio: 'Carol bio' }, posts: [], _count: { posts: 0 } },
      ])
    })

    test('from the other side: profile → user, tag → posts (m-n), post → author', async () => {
      const [ours, official] = await both(current(), async (prisma) => ({
        profiles: await prisma.profile.findMany({ relationLoadStrategy, where: { user: SEED }, orderBy: { id: 'asc' }, include: { user: true } }),
        tags: await prisma.tag.findMany({
          relationLoadStrategy,
          where: { id: { in: [1, 2, 3] } },
          orderBy: { id: 'asc' },
          include: { posts: { where: SEED_POSTS, orderBy: { id: 'asc' }, select: { title: true } } },
        }),
        post: await prisma.post.findUnique({ relationLoadStrategy, where: { id: 4 }, include: { author: { include: { profile: true } } } }),
      }))
      expectSame(ours, official, {
        profiles: [
          { id: 1, bio: 'Alice bio', userId: 1, user: ALICE },
          { id: 2, bio: 'Carol bio', userId: 3, user: CAROL },
        ],
        tags: [
          { ...TAG.ts, posts: [{ title: 'A1' }, { title: 'A2' }] },
          { ...TAG.sql, posts: [{ title: 'A1' }, { title: 'B1' }] },
          { ...TAG.go, posts: [{ title: 'B1' }] },
        ],
        post: { ...B1, author: { ...BOB, profile: null } },
      })
    })

    test('relation filters: some / none / every / is', async () => {
      const [ours, official] = await both(current(), async (prisma) => ({
        some: await prisma.user.findMany({ relationLoadStrategy, where: { ...SEED, posts: { some: { tags: { some: { name: 'go' } } } } }, select: { name: true } }),
        none: await prisma.user.findMany({ relationLoadStrategy, where: { ...SEED, posts: { none: {} } }, select: { name: true } }),
        every: await prisma.user.findMany({ relationLoadStrategy, where: { ...SEED, posts: { every: { published: true } } }, orderBy: { id: 'asc' }, select: { name: true } }),
        is: await prisma.post.findMany({ relationLoadStrategy, where: { author: { is: { profile: { is: null }, ...SEED } } }, select: { title: true } }),
      }))
      expectSame(ours, official, {
        some: [{ name: 'Bob' }],
        none: [{ name: 'Carol' }],
        every: [{ name: 'Bob' }, { name: 'Carol' }],
        is: [{ title: 'B1' }],
      })
    })
  })

  test('aggregate: _sum, _avg, _min, _max, _count', async () => {
    const [ours, official] = await both(current(), (prisma) =>
      prisma.post.aggregate({
        where: SEED_POSTS,
        _sum: { views: true },
        _avg: { views: true },
        _min: { views: true, title: true, createdAt: true },
        _max: { views: true, title: true, createdAt: true },
        _count: { _all: true, title: true },
      }),
    )
    expectSame(ours, official, {
      _sum: { views: 22 },
      _avg: { views: 5.5 },
      _min: { views: 0, title: 'A1', createdAt: day(1) },
      _max: { views: 10, title: 'B1', createdAt: day(4) },
      _count: { _all: 4, title: 4 },
    })
  })

  test('groupBy with having and orderBy', async () => {
    const [ours, official] = await both(current(), (prisma) =>
      prisma.post.groupBy({
        by: ['authorId', 'published'],
        where: SEED_POSTS,
        _sum: { views: true },
        _count: { _all: true },
        _max: { createdAt: true },
        having: { views: { _sum: { gte: 5 } } },
        orderBy: [{ authorId: 'asc' }, { published: 'asc' }],
      }),
    )
    expectSame(ours, official, [
      { authorId: 1, published: false, _sum: { views: 5 }, _count: { _all: 2 }, _max: { createdAt: day(3) } },
      { authorId: 1, published: true, _sum: { views: 10 }, _count: { _all: 1 }, _max: { createdAt: day(1) } },
      { authorId: 2, published: true, _sum: { views: 7 }, _count: { _all: 1 }, _max: { createdAt: day(4) } },
    ])
  })

  test('distinct', async () => {
    const [ours, official] = await both(current(), (prisma) =>
      prisma.post.findMany({ where: SEED_POSTS, distinct: ['authorId', 'published'], orderBy: [{ authorId: 'asc' }, { published: 'asc' }, { id: 'desc' }], select: { title: true } }),
    )
    expectSame(ours, official, [{ title: 'A3' }, { title: 'A1' }, { title: 'B1' }])
  })

  test('orderBy on relations: a to-one field and a to-many _count', async () => {
    const [ours, official] = await both(current(), async (prisma) => ({
      byAuthor: await prisma.post.findMany({ where: SEED_POSTS, orderBy: [{ author: { name: 'desc' } }, { views: 'asc' }], select: { title: true } }),
      byPostCount: await prisma.user.findMany({ where: SEED, orderBy: [{ posts: { _count: 'desc' } }, { name: 'asc' }], select: { name: true } }),
      byProfile: await prisma.user.findMany({ where: SEED, orderBy: [{ profile: { bio: 'desc' } }, { name: 'asc' }], select: { name: true } }),
    }))
    expectSame(ours, official, {
      byAuthor: [{ title: 'B1' }, { title: 'A3' }, { title: 'A2' }, { title: 'A1' }],
      byPostCount: [{ name: 'Alice' }, { name: 'Bob' }, { name: 'Carol' }],
      // Bob has no profile: PostgreSQL sorts NULL first in descending order, MySQL last.
      byProfile: options.nullsFirstInDescending
        ? [{ name: 'Bob' }, { name: 'Carol' }, { name: 'Alice' }]
        : [{ name: 'Carol' }, { name: 'Alice' }, { name: 'Bob' }],
    })
  })

  test('pagination: cursor, skip, take (forwards and backwards)', async () => {
    const [ours, official] = await both(current(), async (prisma) => ({
      page: await prisma.post.findMany({ where: SEED_POSTS, cursor: { id: 2 }, skip: 1, take: 2, orderBy: { id: 'asc' }, select: { id: true } }),
      back: await prisma.post.findMany({ where: SEED_POSTS, cursor: { id: 3 }, take: -2, orderBy: { id: 'asc' }, select: { id: true } }),
      offset: await prisma.post.findMany({ where: SEED_POSTS, skip: 3, take: 10, orderBy: { id: 'asc' }, select: { id: true } }),
      first: await prisma.post.findFirst({ where: SEED_POSTS, orderBy: { views: 'desc' }, skip: 1, select: { title: true } }),
    }))
    expectSame(ours, official, { page: [{ id: 3 }, { id: 4 }], back: [{ id: 2 }, { id: 3 }], offset: [{ id: 4 }], first: { title: 'B1' } })
  })

  test('count, with select and with a relation filter', async () => {
    const [ours, official] = await both(current(), async (prisma) => ({
      all: await prisma.user.count({ where: SEED }),
      select: await prisma.profile.count({ where: { user: SEED }, select: { _all: true, bio: true, userId: true } }),
      related: await prisma.post.count({ where: { ...SEED_POSTS, tags: { some: { name: 'ts' } } } }),
    }))
    expectSame(ours, official, { all: 3, select: { _all: 2, bio: 2, userId: 2 }, related: 2 })
  })

  test('nested create: create, connect and connectOrCreate in one write', async () => {
    const [ours, official] = await both(current(), (prisma) =>
      prisma.user.create({
        data: {
          email: 'dave@nested',
          name: 'Dave',
          role: 'GUEST',
          profile: { create: { bio: 'Dave bio' } },
          posts: {
            create: [
              {
                title: 'D1',
                createdAt: day(10),
                // 'ts' exists and is connected; 'rust' does not and is created.
                tags: { connectOrCreate: [{ where: { name: 'ts' }, create: { name: 'ts' } }, { where: { name: 'rust' }, create: { name: 'rust' } }] },
              },
              { title: 'D2', createdAt: day(11), views: 3, tags: { connect: { name: 'go' } } },
            ],
          },
        },
        include: { profile: true, posts: { orderBy: { id: 'asc' }, include: { tags: { orderBy: { name: 'asc' } } } } },
      }),
    )
    expect(ours.posts[0]!.tags.map((t) => t.name)).toEqual(['rust', 'ts'])
    expectSame(ours, official)
    const [tagsOurs, tagsOfficial] = await both(current(), (prisma) => prisma.tag.count({ where: { name: { in: ['ts', 'rust'] } } }))
    expectSame(tagsOurs, tagsOfficial, 2)
  })

  test('nested update: upsert a 1-1, update and deleteMany a 1-n, set an m-n', async () => {
    const scenario = async (prisma: PrismaClient) => {
      const erin = await prisma.user.create({
        data: {
          email: 'erin@nested',
          name: 'Erin',
          posts: { create: [{ title: 'E1', views: 0, createdAt: day(20) }, { title: 'E2', views: 9, createdAt: day(21), tags: { connect: [{ name: 'ts' }, { name: 'sql' }] } }] },
        },
        select: { posts: { where: { title: 'E2' }, select: { id: true } } },
      })
      const created = await prisma.user.update({
        where: { email: 'erin@nested' },
        data: {
          name: 'Erin 2',
          profile: { upsert: { create: { bio: 'created' }, update: { bio: 'updated' } } },
          posts: {
            deleteMany: { views: { lt: 1 } },
            updateMany: { where: { title: 'E2' }, data: { published: true } },
            update: { where: { id: erin.posts[0]!.id }, data: { tags: { set: [{ name: 'go' }] } } },
          },
        },
        select: { name: true, profile: { select: { bio: true } }, posts: { select: { title: true, published: true, tags: { select: { name: true } } } } },
      })
      const updated = await prisma.user.update({
        where: { email: 'erin@nested' },
        data: { profile: { upsert: { create: { bio: 'created' }, update: { bio: 'updated' } } } },
        select: { profile: { select: { bio: true } } },
      })
      return { created, updated }
    }
    const [ours, official] = await both(current(), scenario)
    expectSame(ours, official, {
      created: { name: 'Erin 2', profile: { bio: 'created' }, posts: [{ title: 'E2', published: true, tags: [{ name: 'go' }] }] },
      updated: { profile: { bio: 'updated' } },
    })
  })

  test('upsert: the create path, then the update path', async () => {
    const upsert = (prisma: PrismaClient, name: string) =>
      prisma.user.upsert({ where: { email: 'gina@upsert' }, create: { email: 'gina@upsert', name }, update: { name }, select: { email: true, name: true } })
    const [ours, official] = await both(current(), async (prisma) => [await upsert(prisma, 'first'), await upsert(prisma, 'second'), await prisma.user.count({ where: { email: 'gina@upsert' } })])
    expectSame(ours, official, [{ email: 'gina@upsert', name: 'first' }, { email: 'gina@upsert', name: 'second' }, 1])
  })

  test('deleting a user cascades to its profile, posts and their tag links', async () => {
    const [ours, official] = await both(current(), async (prisma) => {
      const user = await prisma.user.create({
        data: { email: 'ivy@cascade', name: 'Ivy', profile: { create: { bio: 'x' } }, posts: { create: { title: 'I1', createdAt: day(40), tags: { connect: { name: 'go' } } } } },
        select: { id: true },
      })
      await prisma.user.delete({ where: { id: user.id } })
      return {
        profiles: await prisma.profile.count({ where: { userId: user.id } }),
        posts: await prisma.post.count({ where: { authorId: user.id } }),
        goPosts: await prisma.tag.findUniqueOrThrow({ where: { name: 'go' }, select: { posts: { where: { title: 'I1' }, select: { id: true } } } }),
      }
    })
    expectSame(ours, official, { profiles: 0, posts: 0, goPosts: { posts: [] } })
  })
}
