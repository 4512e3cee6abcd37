// Relations, nested writes and the query API on MySQL / MariaDB: the shared scenarios
// (test-support/relations.ts), relation joins only where the server has them, and MySQL's createMany and
// updateMany (it has no createManyAndReturn or updateManyAndReturn).
import { beforeAll, expect, test } from 'vitest'
import { both, expectSame, knownError, type ClientPair } from '../../../test-support/compare.js'
import { useClients } from '../../../test-support/engines/clients.js'
import { day, relationScenarios, seedRelations } from '../../../test-support/relations.js'
import { officialAdapter, ourMySqlAdapter, ourMySqlFixture } from './compare.js'
import type { PrismaClient } from './generated/prisma/client.js'
import { sql } from './helpers.js'

/** The shared scenarios are typed with the PostgreSQL client (the models they use are the same); this file's, with MySQL's. */
const clients = useClients(ourMySqlFixture, 'rel', { size: 3, maxOverflow: 0 })
const pair = () => clients() as unknown as ClientPair<PrismaClient>
const SEED = { email: { endsWith: '@seed' } }

beforeAll(() => both(clients(), seedRelations))

const [{ version }] = (await sql<{ version: string }>('SELECT VERSION() AS version')) as [{ version: string }]
/** Relation joins need LATERAL: MySQL 8.0.14 and later, no MariaDB. */
const JOINS = !/mariadb/i.test(version)

test(`both adapters report relation joins as ${JOINS ? 'supported' : 'unsupported'} on ${version}`, async () => {
  const [ours, official] = await Promise.all([ourMySqlAdapter(clients().side('ours').db.url).connect(), officialAdapter(clients().side('official').db.url).connect()])
  try {
    expect([ours.getConnectionInfo?.().supportsRelationJoins, official.getConnectionInfo().supportsRelationJoins]).toEqual([JOINS, JOINS])
  } finally {
    await Promise.all([ours.dispose(), official.dispose()])
  }
})

test(`relationLoadStrategy "join" ${JOINS ? 'is accepted' : 'is refused by the client, whichever the adapter'}`, async () => {
  const query = (prisma: PrismaClient) => prisma.user.findMany({ relationLoadStrategy: 'join', where: SEED, orderBy: { id: 'asc' }, select: { posts: { select: { id: true } } } })
  if (JOINS) {
    const [ours, official] = await both(pair(), query)
    expectSame(ours, official, [{ posts: [{ id: 1 }, { id: 2 }, { id: 3 }] }, { posts: [{ id: 4 }] }, { posts: [] }])
  } else {
    const [ours, official] = await both(pair(), (prisma) => knownError(query(prisma)))
    expect(ours.message).toBe(official.message)
    expect(ours.message).toContain('`relationLoadStrategy: join` is not available for MySQL < 8.0.14 and MariaDB.')
  }
})

// Without relation joins, the default strategy is "query": both are run anyway, as on PostgreSQL.
relationScenarios(clients, { strategies: [JOINS ? 'join' : undefined, 'query'], nullsFirstInDescending: false })

test('createMany with skipDuplicates; createManyAndReturn does not exist on MySQL', async () => {
  const [ours, official] = await both(pair(), async (prisma) => {
    const many = await prisma.tag.createMany({ data: [{ name: 'cm1' }, { name: 'cm2' }, { name: 'ts' }], skipDuplicates: true })
    const user = await prisma.user.create({ data: { email: 'frank@many', name: 'Frank' }, select: { id: true } })
    const posts = await prisma.post.createMany({
      data: [
        { title: 'F1', authorId: user.id, createdAt: day(30), views: 1 },
        { title: 'F2', authorId: user.id, createdAt: day(31), published: true },
      ],
    })
    // Not in the generated types for MySQL; the client refuses it at run time.
    const tagDelegate = prisma.tag as unknown as { createManyAndReturn(args: object): Promise<unknown> }
    const andReturn = await tagDelegate.createManyAndReturn({ data: [{ name: 'cm3' }] }).catch((e: Error) => e.message.split('\n').at(-1))
    const read = await prisma.post.findMany({ where: { authorId: user.id }, orderBy: { id: 'asc' }, select: { title: true, views: true, published: true, createdAt: true } })
    return { many, posts, andReturn, read, cm3: await prisma.tag.count({ where: { name: 'cm3' } }) }
  })
  expectSame(ours, official, {
    many: { count: 2 },
    posts: { count: 2 },
    andReturn: "Operation 'createManyAndReturn' for model 'Tag' does not match any query.",
    read: [
      { title: 'F1', views: 1, published: false, createdAt: day(30) },
      { title: 'F2', views: 0, published: true, createdAt: day(31) },
    ],
    cm3: 0,
  })
})

test('update, updateMany, delete, deleteMany', async () => {
  const [ours, official] = await both(pair(), async (prisma) => {
    await prisma.user.createMany({ data: ['h1', 'h2', 'h3', 'h4'].map((name) => ({ email: `${name}@crud`, name })) })
    const updated = await prisma.user.update({ where: { email: 'h1@crud' }, data: { role: 'ADMIN', name: { set: 'H1' } }, select: { name: true, role: true } })
    const updatedMany = await prisma.user.updateMany({ where: { email: { endsWith: '@crud' }, role: 'USER' }, data: { role: 'GUEST' } })
    const updatedTwo = await prisma.user.updateMany({ where: { email: { in: ['h2@crud', 'h3@crud'] } }, data: { name: 'H23' } })
    const deleted = await prisma.user.delete({ where: { email: 'h4@crud' }, select: { email: true, role: true } })
    const deletedMany = await prisma.user.deleteMany({ where: { email: { endsWith: '@crud' }, role: 'GUEST' } })
    const left = await prisma.user.findMany({ where: { email: { endsWith: '@crud' } }, select: { email: true, name: true, role: true } })
    return { updated, updatedMany, updatedTwo, deleted, deletedMany, left }
  })
  expectSame(ours, official, {
    updated: { name: 'H1', role: 'ADMIN' },
    updatedMany: { count: 3 },
    updatedTwo: { count: 2 },
    deleted: { email: 'h4@crud', role: 'GUEST' },
    deletedMany: { count: 2 },
    left: [{ email: 'h1@crud', name: 'H1', role: 'ADMIN' }],
  })
})
