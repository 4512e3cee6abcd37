// Relations, nested writes and the query API on PostgreSQL: the shared scenarios (test-support/relations.ts),
// and what only PostgreSQL has (createManyAndReturn, updateManyAndReturn).
import { beforeAll, test } from 'vitest'
import { both, expectSame } from '../../../test-support/compare.js'
import { useClients } from '../../../test-support/engines/clients.js'
import { pgFixture } from '../../../test-support/engines/pg.js'
import { day, relationScenarios, seedRelations } from '../../../test-support/relations.js'

const pair = useClients(pgFixture, 'rel', { size: 3, maxOverflow: 0 })
beforeAll(() => both(pair(), seedRelations))

relationScenarios(pair, { strategies: ['join', 'query'], nullsFirstInDescending: true })

test('createMany and createManyAndReturn, with skipDuplicates', async () => {
  const [ours, official] = await both(pair(), async (prisma) => {
    const many = await prisma.tag.createMany({ data: [{ name: 'cm1' }, { name: 'cm2' }, { name: 'ts' }], skipDuplicates: true })
    const returned = await prisma.tag.createManyAndReturn({ data: [{ name: 'cm3' }, { name: 'cm1' }], skipDuplicates: true, select: { name: true } })
    const user = await prisma.user.create({ data: { email: 'frank@many', name: 'Frank' }, select: { id: true } })
    const posts = await prisma.post.createManyAndReturn({
      data: [
        { title: 'F1', authorId: user.id, createdAt: day(30), views: 1 },
        { title: 'F2', authorId: user.id, createdAt: day(31), published: true },
      ],
      include: { author: { select: { email: true } } },
    })
    return { many, returned, posts: posts.map(({ id: _id, authorId: _a, ...rest }) => rest) }
  })
  expectSame(ours, official, {
    many: { count: 2 },
    returned: [{ name: 'cm3' }],
    posts: [
      { title: 'F1', views: 1, published: false, createdAt: day(30), author: { email: 'frank@many' } },
      { title: 'F2', views: 0, published: true, createdAt: day(31), author: { email: 'frank@many' } },
    ],
  })
})

test('update, updateMany, delete, deleteMany', async () => {
  const [ours, official] = await both(pair(), async (prisma) => {
    await prisma.user.createMany({ data: ['h1', 'h2', 'h3', 'h4'].map((name) => ({ email: `${name}@crud`, name })) })
    const updated = await prisma.user.update({ where: { email: 'h1@crud' }, data: { role: 'ADMIN', name: { set: 'H1' } }, select: { name: true, role: true } })
    const updatedMany = await prisma.user.updateMany({ where: { email: { endsWith: '@crud' }, role: 'USER' }, data: { role: 'GUEST' } })
    const updatedAndReturned = await prisma.user.updateManyAndReturn({ where: { email: { in: ['h2@crud', 'h3@crud'] } }, data: { name: 'H23' }, select: { email: true, name: true } })
    const deleted = await prisma.user.delete({ where: { email: 'h4@crud' }, select: { email: true, role: true } })
    const deletedMany = await prisma.user.deleteMany({ where: { email: { endsWith: '@crud' }, role: 'GUEST' } })
    const left = await prisma.user.findMany({ where: { email: { endsWith: '@crud' } }, select: { email: true, name: true, role: true } })
    return { updated, updatedMany, updatedAndReturned: updatedAndReturned.sort((a, b) => a.email.localeCompare(b.email)), deleted, deletedMany, left }
  })
  expectSame(ours, official, {
    updated: { name: 'H1', role: 'ADMIN' },
    updatedMany: { count: 3 },
    updatedAndReturned: [{ email: 'h2@crud', name: 'H23' }, { email: 'h3@crud', name: 'H23' }],
    deleted: { email: 'h4@crud', role: 'GUEST' },
    deletedMany: { count: 2 },
    left: [{ email: 'h1@crud', name: 'H1', role: 'ADMIN' }],
  })
})
