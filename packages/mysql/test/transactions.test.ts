// Transactions through the client on MySQL / MariaDB: the scenarios every engine runs
// (test-support/engines/transactions.ts), with the level a transaction runs at told by its behaviour; and InnoDB's
// deadlock detection between SERIALIZABLE transactions.
import { describe, expect, test } from 'vitest'
import { sideNames, type TestSide } from '../../../test-support/engines/clients.js'
import { barrier, expectNoOpenTransaction, registerTransactionScenarios, type IsolationLevel } from '../../../test-support/engines/transactions.js'
import { ourMySqlFixture } from './compare.js'
import { Prisma } from './generated/prisma/client.js'
import { connect } from './helpers.js'

/** ER_LOCK_WAIT_TIMEOUT (MariaDB's NOWAIT) and ER_LOCK_NOWAIT (MySQL 8). */
const isNoWait = (error: { errno?: number }) => error.errno === 1205 || error.errno === 3572

/**
 * What a transaction sees while another session writes: the level it really runs at. The server's
 * `@@tx_isolation` cannot tell (it shows the session's level, not the one SET TRANSACTION gave the next
 * transaction), so the levels are told apart by their behaviour:
 * READ UNCOMMITTED sees an uncommitted write; READ COMMITTED a committed one; REPEATABLE READ neither;
 * SERIALIZABLE locks the rows it reads, so the other session cannot lock them (NOWAIT fails at once).
 */
async function isolationSignature({ prisma, db }: TestSide, name: string, isolationLevel?: IsolationLevel) {
  await prisma.counter.create({ data: { name, value: 1 } })
  const other = await connect(db.name)
  try {
    return await prisma.$transaction(
      async (tx) => {
        const read = async () => (await tx.counter.findUniqueOrThrow({ where: { name } })).value
        const first = await read()
        await other.query('BEGIN')
        const locked = await other.query('SELECT value FROM Counter WHERE name = ? FOR UPDATE NOWAIT', [name]).then(
          () => false,
          (error: { errno?: number }) => {
            if (!isNoWait(error)) throw error
            return true
          },
        )
        if (locked) {
          await other.query('ROLLBACK')
          return { first, locked, committed: await read(), uncommitted: null }
        }
        await other.query('UPDATE Counter SET value = 2 WHERE name = ?', [name])
        await other.query('COMMIT')
        const committed = await read()
        await other.query('BEGIN')
        await other.query('UPDATE Counter SET value = 3 WHERE name = ?', [name])
        const uncommitted = await read()
        await other.query('ROLLBACK')
        return { first, locked, committed, uncommitted }
      },
      { isolationLevel },
    )
  } finally {
    await other.end()
  }
}

const SIGNATURES = {
  ReadUncommitted: { first: 1, locked: false, committed: 2, uncommitted: 3 },
  ReadCommitted: { first: 1, locked: false, committed: 2, uncommitted: 2 },
  RepeatableRead: { first: 1, locked: false, committed: 1, uncommitted: 1 },
  Serializable: { first: 1, locked: true, committed: 1, uncommitted: null },
}

const clients = registerTransactionScenarios(ourMySqlFixture, {
  defaultLevel: 'REPEATABLE READ',
  isolation: isolationSignature,
  expectedIsolation: (level) => SIGNATURES[level ?? 'RepeatableRead'],
  // Another session's uncommitted write: only READ UNCOMMITTED sees it.
  batchIsolation: {
    level: 'ReadUncommitted',
    async prepare({ prisma, db }) {
      await prisma.counter.create({ data: { name: 'batch-dirty', value: 1 } })
      const other = await connect(db.name)
      await other.query('BEGIN')
      await other.query(`UPDATE Counter SET value = 3 WHERE name = 'batch-dirty'`)
      return async () => {
        await other.query('ROLLBACK')
        await other.end()
      }
    },
    query: (prisma) => prisma.counter.findUniqueOrThrow({ where: { name: 'batch-dirty' }, select: { value: true } }),
    expected: { value: 3 },
  },
})

describe.each(sideNames(ourMySqlFixture))('%s adapter', (name) => {
  // Looked up when the tests run: the clients are opened in beforeAll.
  const side = () => clients().side(name)
  const prisma = () => side().prisma

  test('two SERIALIZABLE transactions that read then write the same row: the deadlock victim fails with P2034', async () => {
    const counter = `lost-update@${name}`
    await prisma().counter.create({ data: { name: counter, value: 1 } })
    const bothRead = barrier(2)
    // SERIALIZABLE reads take shared locks: when both have read, each one's write waits for the other's lock,
    // and InnoDB rolls one of them back at once (ER_LOCK_DEADLOCK).
    const increment = () =>
      prisma().$transaction(
        async (tx) => {
          const { value } = await tx.counter.findUniqueOrThrow({ where: { name: counter } })
          await bothRead()
          await tx.counter.update({ where: { name: counter }, data: { value: value + 1 } })
        },
        { isolationLevel: 'Serializable' },
      )
    const results = await Promise.allSettled([increment(), increment()])
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as Prisma.PrismaClientKnownRequestError)
    expect(failed).toHaveLength(1)
    expect(failed[0]!.code).toBe('P2034')
    expect(failed[0]!.meta?.driverAdapterError).toMatchObject({ cause: { kind: 'TransactionWriteConflict', originalCode: '1213' } })
    // The lost update was prevented: one increment, not two from the same starting value.
    expect(await prisma().counter.findUniqueOrThrow({ where: { name: counter }, select: { value: true } })).toEqual({ value: 2 })
    await expectNoOpenTransaction(ourMySqlFixture, side())
  })
})
