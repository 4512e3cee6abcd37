// Transactions through the client on PostgreSQL: the scenarios every engine runs (test-support/engines/transactions.ts),
// with the level a transaction runs at read from SHOW transaction_isolation; and what PostgreSQL's serializable snapshot
// isolation and lock waits add.
import pg from 'pg'
import { describe, expect, test } from 'vitest'
import { sideNames } from '../../../test-support/engines/clients.js'
import { ourPgAdapter, pgFixture } from '../../../test-support/engines/pg.js'
import { barrier, expectNoOpenTransaction, registerTransactionScenarios } from '../../../test-support/engines/transactions.js'
import { override } from '../../../test-support/override.js'
import { knownError } from './compare.js'
import { Prisma, PrismaClient } from './generated/prisma/client.js'

/** How PostgreSQL names each level in SHOW transaction_isolation. */
const SHOWN = { ReadUncommitted: 'read uncommitted', ReadCommitted: 'read committed', RepeatableRead: 'repeatable read', Serializable: 'serializable' }

const clients = registerTransactionScenarios(pgFixture, {
  defaultLevel: 'read committed',
  isolation: (side, _name, isolationLevel) =>
    side.prisma.$transaction(async (tx) => {
      // A statement first: the level must hold for the whole transaction, not only its first query.
      await tx.user.count()
      return tx.$queryRaw<{ transaction_isolation: string }[]>`SHOW transaction_isolation`
    }, { isolationLevel }),
  expectedIsolation: (level) => [{ transaction_isolation: SHOWN[level ?? 'ReadCommitted'] }],
  batchIsolation: {
    level: 'RepeatableRead',
    query: (prisma) => prisma.$queryRaw`SHOW transaction_isolation`,
    expected: [{ transaction_isolation: 'repeatable read' }],
  },
})

describe.each(sideNames(pgFixture))('%s adapter', (name) => {
  // Looked up when the tests run: the clients are opened in beforeAll.
  const side = () => clients().side(name)
  const prisma = () => side().prisma

  test('two SERIALIZABLE transactions that read then write the same row: the second writer fails with P2034', async () => {
    const counter = `lost-update@${side().app}`
    await prisma().counter.create({ data: { name: counter, value: 1 } })
    const bothRead = barrier(2)
    const increment = (after?: Promise<unknown>) =>
      prisma().$transaction(
        async (tx) => {
          const { value } = await tx.counter.findUniqueOrThrow({ where: { name: counter } })
          await bothRead()
          // The second waits until the first has committed, then writes the row its snapshot saw.
          await after?.catch(() => {})
          await tx.counter.update({ where: { name: counter }, data: { value: value + 1 } })
        },
        { isolationLevel: 'Serializable' },
      )
    const first = increment()
    const second = increment(first)
    await first
    const error = await knownError(second)
    expect(error.code).toBe('P2034')
    expect(error.meta?.driverAdapterError).toMatchObject({ cause: { kind: 'TransactionWriteConflict', originalCode: '40001' } })
    // The lost update was prevented: one increment, not two from the same starting value.
    expect(await prisma().counter.findUniqueOrThrow({ where: { name: counter }, select: { value: true } })).toEqual({ value: 2 })
    await expectNoOpenTransaction(pgFixture, side())
  })

  test('a serialization failure found at COMMIT ends the transaction (Prisma 7.10 passes it on unmapped)', async () => {
    const [a, b] = [`a@${side().app}`, `b@${side().app}`]
    await prisma().counter.createMany({ data: [{ name: a, value: 1 }, { name: b, value: 1 }] })
    const bothWrote = barrier(2)
    // Write skew: each reads both counters and writes the total into its own. No row is written by both,
    // so no statement fails: serializable snapshot isolation rejects the second COMMIT.
    const writeTotal = (own: string) =>
      prisma().$transaction(
        async (tx) => {
          const counters = await tx.counter.findMany({ where: { name: { in: [a, b] } } })
          await tx.counter.update({ where: { name: own }, data: { value: counters.reduce((sum, c) => sum + c.value, 0) } })
          await bothWrote()
        },
        { isolationLevel: 'Serializable' },
      )
    const results = await Promise.allSettled([writeTotal(a), writeTotal(b)])
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')
    expect(failed).toHaveLength(1)
    // The runtime maps errors of statements to P2034, not those of COMMIT: the official adapter gives the same.
    expect(failed[0]!.reason).toMatchObject({ name: 'DriverAdapterError', cause: { kind: 'TransactionWriteConflict', originalCode: '40001' } })
    const after = await prisma().counter.findMany({ where: { name: { in: [a, b] } } })
    expect(after.map((c) => c.value).sort()).toEqual([1, 2])
    await expectNoOpenTransaction(pgFixture, side())
  })
})

test('a transaction that times out while a statement waits for a lock is rolled back at once, releasing its locks', async () => {
  let signalRollback!: () => void
  const rollbackCalled = new Promise<void>((resolve) => (signalRollback = resolve))
  const { db } = clients().side('ours')
  // Our sessions look for deadlocks only after 10 s, so that the other session below is the one that does.
  const factory = ourPgAdapter({ connectionString: db.url, options: '-c deadlock_timeout=10s', pool: { size: 1, maxOverflow: 0 } })
  const observed = override(factory, {
    connect: async () => {
      const adapter = await factory.connect()
      return override(adapter, {
        startTransaction: async (isolationLevel) => {
          const tx = await adapter.startTransaction(isolationLevel)
          return override(tx, { rollback: () => (signalRollback(), tx.rollback()) })
        },
      })
    },
  })
  const prisma = new PrismaClient({ adapter: observed })
  const [a, b] = [
    await prisma.user.create({ data: { email: 'a@blocked', name: 'a' } }),
    await prisma.user.create({ data: { email: 'b@blocked', name: 'b' } }),
  ]
  const other = new pg.Client({ connectionString: db.server })
  await other.connect()
  try {
    const table = `"${db.name}"."User"`
    await other.query('BEGIN')
    await other.query(`SELECT 1 FROM ${table} WHERE id = $1 FOR UPDATE`, [b.id])
    const outcome = prisma
      .$transaction(
        async (tx) => {
          await tx.user.update({ where: { id: a.id }, data: { name: 'a2' } })
          await tx.user.update({ where: { id: b.id }, data: { name: 'b2' } }) // waits for `other`
        },
        { timeout: 300 },
      )
      .then(() => 'committed', (error: Error) => error)
    // Prisma gives up on the transaction: rollback() must end it now, cancelling the waiting statement.
    await rollbackCalled
    // Now `other` wants row a. Were it still locked by our transaction (waiting for `other`), that is a
    // deadlock, which `other` reports after 1 s (40P01) instead of getting the row.
    await other.query(`SET deadlock_timeout = '1s'`)
    const taken = await other.query(`SELECT name FROM ${table} WHERE id = $1 FOR UPDATE`, [a.id]).then(
      (result) => result.rows,
      (error: { code?: string }) => `failed with ${error.code}`,
    )
    await other.query('ROLLBACK')
    expect(taken).toEqual([{ name: 'a' }])
    expect(await outcome).toBeInstanceOf(Prisma.PrismaClientKnownRequestError)
  } finally {
    await other.end()
    await prisma.$disconnect()
  }
})
