import { afterAll, beforeAll, expect, test } from 'vitest'
import { PrismaPoolPg } from '@prisma-pool/pg'
import { PrismaClient } from './generated/prisma/client.js'
import { createTestSchema, PG_URL } from './helpers.js'

let schema: Awaited<ReturnType<typeof createTestSchema>>
let prisma: PrismaClient
beforeAll(async () => {
  schema = await createTestSchema('smoke')
  prisma = new PrismaClient({ adapter: new PrismaPoolPg({ connectionString: PG_URL, schema: schema.name }) })
})
afterAll(async () => {
  await prisma.$disconnect()
  await schema.drop()
})

test('create and read', async () => {
  const u = await prisma.user.create({ data: { email: 'a@b.c', name: 'A', posts: { create: [{ title: 'x' }] } } })
  const users = await prisma.user.findMany({ include: { posts: true } })
  console.log(JSON.stringify(users))
  expect(users[0]!.id).toBe(u.id)
})
