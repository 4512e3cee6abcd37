// Statements that must stop when their caller gives up: a transaction Prisma rolls back on its timeout
// while a statement of it waits for a lock, and a query past queryTimeout. Both use KILL QUERY.
import { afterAll, beforeAll, expect, test } from 'vitest'
import { override } from '../../../test-support/override.js'
import { PrismaPoolMySql, type PrismaPoolMySqlOptions } from '@prisma-pool/mysql'
import type { SqlDriverAdapter, SqlDriverAdapterFactory, Transaction } from '@prisma/driver-adapter-utils'
import { until } from '../../../test-support/until.js'
import { Prisma, PrismaClient } from './generated/prisma/client.js'
import { connect, createTestDatabase, sql } from './helpers.js'

let database: Awaited<ReturnType<typeof createTestDatabase>>
beforeAll(async () => {
  database = await createTestDatabase('cancel')
})
afterAll(() => database.drop())


/** Our sessions wait 120 s for a row lock: longer than a test may take, so only a cancel ends the wait in time. */
const options: PrismaPoolMySqlOptions = { sessionVariables: { innodb_lock_wait_timeout: 120 }, pool: { size: 1, maxOverflow: 0 } }

const waitingUpdates = () =>
  sql<{ ID: number }>("SELECT ID FROM information_schema.PROCESSLIST WHERE DB = ? AND INFO LIKE 'UPDATE%'", [database.name])

test('a transaction that times out while a statement waits for a lock is rolled back at once, releasing its locks', async () => {
  let rolledBack!: () => void
  const rollbackDone = new Promise<void>((resolve) => (rolledBack = resolve))
  const factory = new PrismaPoolMySql({ connectionString: database.url, ...options })
  const observed = override<SqlDriverAdapterFactory>(factory, {
    connect: async () => {
      const adapter = await factory.connect()
      return override<SqlDriverAdapter>(adapter, {
        startTransaction: async (isolationLevel) => {
          const tx = await adapter.startTransaction(isolationLevel)
          return override<Transaction>(tx, { rollback: () => tx.rollback().finally(rolledBack) })
        },
      })
    },
  })
  const prisma = new PrismaClient({ adapter: observed })
  const other = await connect(database.name)
  try {
    const a = await prisma.user.create({ data: { email: 'a@blocked', name: 'a' } })
    const b = await prisma.user.create({ data: { email: 'b@blocked', name: 'b' } })
    await other.query('BEGIN')
    await other.query('SELECT 1 FROM User WHERE id = ? FOR UPDATE', [b.id])
    const outcome = prisma
      .$transaction(
        async (tx) => {
          await tx.user.update({ where: { id: a.id }, data: { name: 'a2' } })
          await tx.user.update({ where: { id: b.id }, data: { name: 'b2' } }) // waits for `other`
        },
        { timeout: 300 },
      )
      .then(() => 'committed', (error: Error) => error)
    // Without the cancel, the ROLLBACK would queue behind the waiting UPDATE for 120 s.
    await rollbackDone
    const [taken] = await other.query('SELECT name FROM User WHERE id = ? FOR UPDATE NOWAIT', [a.id])
    expect(taken).toEqual([{ name: 'a' }])
    expect(await outcome).toBeInstanceOf(Prisma.PrismaClientKnownRequestError)
    expect(await waitingUpdates()).toEqual([])
  } finally {
    await other.end()
    await prisma.$disconnect()
  }
})

test('a query past queryTimeout fails with P1008, and the server stops running it', async () => {
  const prisma = new PrismaClient({ adapter: new PrismaPoolMySql({ connectionString: database.url, ...options, queryTimeout: 0.3 }) })
  const other = await connect(database.name)
  try {
    const user = await prisma.user.create({ data: { email: 'c@blocked', name: 'c' } })
    await other.query('BEGIN')
    await other.query('SELECT 1 FROM User WHERE id = ? FOR UPDATE', [user.id])
    const error = await prisma.user.update({ where: { id: user.id }, data: { name: 'c2' } }).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'P1008' })
    await until(async () => (await waitingUpdates()).length === 0, 'the server has stopped the timed-out UPDATE')
    await other.query('ROLLBACK')
    await expect(prisma.user.count()).resolves.toBe(3)
  } finally {
    await other.end()
    await prisma.$disconnect()
  }
})
