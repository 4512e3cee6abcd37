// Transactions through the client: interactive and batch, isolation levels, nested transactions
// (savepoints), timeouts, deadlocks, and reconnecting after $disconnect().
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { both, expectSame, knownError, openPair, type Pair } from './compare.js'
import { Prisma, PrismaClient } from './generated/prisma/client.js'
import { until } from '../../../test-support/until.js'
import { connect, INNODB_TRX_POLL, sql } from './helpers.js'

let pair: Pair

beforeAll(async () => {
  pair = await openPair('tx', { pool: { size: 3, maxOverflow: 0 } })
})
afterAll(async () => {
  await pair?.close()
})

/** The emails present among `emails`, sorted. */
async function existing(prisma: PrismaClient, emails: string[]): Promise<string[]> {
  const users = await prisma.user.findMany({ where: { email: { in: emails } }, select: { email: true }, orderBy: { email: 'asc' } })
  return users.map((user) => user.email)
}

/** Sessions on `database` inside a transaction (every test database is unique). */
async function openTransactions(database: string): Promise<number> {
  const rows = await sql<{ n: number }>(
    `SELECT COUNT(*) AS n FROM information_schema.INNODB_TRX t JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id WHERE p.DB = ?`,
    [database],
  )
  return Number(rows[0]!.n)
}

/** Resolves once both callers have arrived: lets two transactions interleave without timers. */
function barrier(parties: number) {
  let arrived = 0
  let open!: () => void
  const opened = new Promise<void>((resolve) => (open = resolve))
  return () => {
    if (++arrived === parties) open()
    return opened
  }
}

/** ER_LOCK_WAIT_TIMEOUT (MariaDB's NOWAIT) and ER_LOCK_NOWAIT (MySQL 8). */
const isNoWait = (error: { errno?: number }) => error.errno === 1205 || error.errno === 3572

/**
 * What a transaction sees while another session writes: the level it really runs at. The server's
 * `@@tx_isolation` cannot tell (it shows the session's level, not the one SET TRANSACTION gave the next
 * transaction), so the levels are told apart by their behaviour:
 * READ UNCOMMITTED sees an uncommitted write; READ COMMITTED a committed one; REPEATABLE READ neither;
 * SERIALIZABLE locks the rows it reads, so the other session cannot lock them (NOWAIT fails at once).
 */
async function isolationSignature(prisma: PrismaClient, name: string, isolationLevel?: Prisma.TransactionIsolationLevel) {
  await prisma.counter.create({ data: { name, value: 1 } })
  const other = await connect(pair.dbOf(prisma))
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

describe('interactive transactions', () => {
  test('commit: the writes are visible inside and after the transaction', async () => {
    const [ours, official] = await both(pair, async (prisma) => {
      const inside = await prisma.$transaction(async (tx) => {
        await tx.user.create({ data: { email: 'commit1@tx', name: 'c1' } })
        await tx.user.create({ data: { email: 'commit2@tx', name: 'c2' } })
        return existing(tx as PrismaClient, ['commit1@tx', 'commit2@tx'])
      })
      return { inside, after: await existing(prisma, ['commit1@tx', 'commit2@tx']) }
    })
    expectSame(ours, official, { inside: ['commit1@tx', 'commit2@tx'], after: ['commit1@tx', 'commit2@tx'] })
  })

  test('rollback: an error thrown by the callback undoes every write and reaches the caller', async () => {
    const [ours, official] = await both(pair, async (prisma) => {
      const error = await prisma
        .$transaction(async (tx) => {
          await tx.user.create({ data: { email: 'rollback@tx', name: 'r' } })
          expect(await existing(tx as PrismaClient, ['rollback@tx'])).toEqual(['rollback@tx'])
          throw new Error('boom')
        })
        .catch((e: Error) => e.message)
      return { error, after: await existing(prisma, ['rollback@tx']) }
    })
    expectSame(ours, official, { error: 'boom', after: [] })
  })

  test('a failing statement reaches the caller as P2002 and the earlier writes are undone', async () => {
    await both(pair, (prisma) => prisma.user.create({ data: { email: 'taken@tx', name: 't' } }))
    const [ours, official] = await both(pair, async (prisma) => {
      const error = await knownError(
        prisma.$transaction(async (tx) => {
          await tx.user.create({ data: { email: 'before@tx', name: 'b' } })
          await tx.user.create({ data: { email: 'taken@tx', name: 'dup' } })
        }),
      )
      return { code: error.code, after: await existing(prisma, ['before@tx']), next: await prisma.user.count({ where: { email: 'taken@tx' } }) }
    })
    expectSame(ours, official, { code: 'P2002', after: [], next: 1 })
  })

  test.each([
    [Prisma.TransactionIsolationLevel.ReadUncommitted, { first: 1, locked: false, committed: 2, uncommitted: 3 }],
    [Prisma.TransactionIsolationLevel.ReadCommitted, { first: 1, locked: false, committed: 2, uncommitted: 2 }],
    [Prisma.TransactionIsolationLevel.RepeatableRead, { first: 1, locked: false, committed: 1, uncommitted: 1 }],
    [Prisma.TransactionIsolationLevel.Serializable, { first: 1, locked: true, committed: 1, uncommitted: null }],
  ])('isolationLevel %s takes effect', async (isolationLevel, expected) => {
    const [ours, official] = await both(pair, (prisma) => isolationSignature(prisma, `iso-${isolationLevel}`, isolationLevel))
    expectSame(ours, official, expected)
  })

  test('without isolationLevel the server default (REPEATABLE READ) applies, also after a transaction that set one', async () => {
    const [ours, official] = await both(pair, async (prisma) => ({
      before: await isolationSignature(prisma, 'iso-default-1'),
      serializable: await isolationSignature(prisma, 'iso-default-2', 'Serializable'),
      after: await isolationSignature(prisma, 'iso-default-3'),
    }))
    const repeatableRead = { first: 1, locked: false, committed: 1, uncommitted: 1 }
    expectSame(ours, official, { before: repeatableRead, serializable: { first: 1, locked: true, committed: 1, uncommitted: null }, after: repeatableRead })
  })
})

describe('batch transactions', () => {
  test('$transaction([...]) commits every operation, returns their results in order, at the level asked for', async () => {
    await both(pair, (prisma) => prisma.counter.create({ data: { name: 'batch-dirty', value: 1 } }))
    // Another session's uncommitted write: only READ UNCOMMITTED sees it.
    const others = await Promise.all([pair.oursDb.name, pair.officialDb.name].map((db) => connect(db)))
    try {
      for (const other of others) {
        await other.query('BEGIN')
        await other.query(`UPDATE Counter SET value = 3 WHERE name = 'batch-dirty'`)
      }
      const [ours, official] = await both(pair, (prisma) =>
        prisma.$transaction(
          [
            prisma.user.create({ data: { email: 'batch1@tx', name: 'b1' }, select: { email: true } }),
            prisma.user.create({ data: { email: 'batch2@tx', name: 'b2' }, select: { email: true } }),
            prisma.user.count({ where: { email: { startsWith: 'batch' } } }),
            prisma.counter.findUniqueOrThrow({ where: { name: 'batch-dirty' }, select: { value: true } }),
          ],
          { isolationLevel: 'ReadUncommitted' },
        ),
      )
      expectSame(ours, official, [{ email: 'batch1@tx' }, { email: 'batch2@tx' }, 2, { value: 3 }])
    } finally {
      await Promise.all(others.map(async (other) => (await other.query('ROLLBACK'), await other.end())))
    }
  })

  test('one failing operation rolls the whole batch back', async () => {
    const [ours, official] = await both(pair, async (prisma) => {
      const error = await knownError(
        prisma.$transaction([
          prisma.user.create({ data: { email: 'batch3@tx', name: 'b3' } }),
          prisma.user.create({ data: { email: 'batch1@tx', name: 'duplicate' } }),
        ]),
      )
      return { code: error.code, after: await existing(prisma, ['batch3@tx']) }
    })
    expectSame(ours, official, { code: 'P2002', after: [] })
  })
})

describe('nested transactions (savepoints)', () => {
  test('an inner rollback returns to the savepoint and keeps the outer work; both run on one connection', async () => {
    const [ours, official] = await both(pair, async (prisma) => {
      const ids = await prisma.$transaction(async (tx) => {
        await tx.user.create({ data: { email: 'outer1@nest', name: 'o1' } })
        const [outer] = await tx.$queryRaw<{ id: bigint }[]>`SELECT CONNECTION_ID() AS id`
        let inner: bigint | undefined
        const innerError = await tx
          .$transaction(async (tx2) => {
            await tx2.user.create({ data: { email: 'inner@nest', name: 'i' } })
            inner = (await tx2.$queryRaw<{ id: bigint }[]>`SELECT CONNECTION_ID() AS id`)[0]!.id
            expect(await existing(tx2 as PrismaClient, ['outer1@nest', 'inner@nest'])).toEqual(['inner@nest', 'outer1@nest'])
            throw new Error('inner fails')
          })
          .catch((e: Error) => e.message)
        await tx.user.create({ data: { email: 'outer2@nest', name: 'o2' } })
        return { sameConnection: inner === outer!.id, innerError, inside: await existing(tx as PrismaClient, ['outer1@nest', 'inner@nest', 'outer2@nest']) }
      })
      return { ...ids, after: await existing(prisma, ['outer1@nest', 'inner@nest', 'outer2@nest']) }
    })
    expectSame(ours, official, {
      sameConnection: true,
      innerError: 'inner fails',
      inside: ['outer1@nest', 'outer2@nest'],
      after: ['outer1@nest', 'outer2@nest'],
    })
  })

  test('a committed inner transaction is undone when the outer one rolls back; two levels deep', async () => {
    const [ours, official] = await both(pair, async (prisma) => {
      const error = await prisma
        .$transaction(async (tx) => {
          await tx.user.create({ data: { email: 'a@deep', name: 'a' } })
          await tx.$transaction(async (tx2) => {
            await tx2.user.create({ data: { email: 'b@deep', name: 'b' } })
            await tx2.$transaction(async (tx3) => {
              await tx3.user.create({ data: { email: 'c@deep', name: 'c' } })
            })
          })
          expect(await existing(tx as PrismaClient, ['a@deep', 'b@deep', 'c@deep'])).toEqual(['a@deep', 'b@deep', 'c@deep'])
          throw new Error('outer fails')
        })
        .catch((e: Error) => e.message)
      return { error, after: await existing(prisma, ['a@deep', 'b@deep', 'c@deep']) }
    })
    expectSame(ours, official, { error: 'outer fails', after: [] })
  })
})

describe.each(['ours', 'official'] as const)('%s adapter', (side) => {
  // Looked up when the tests run: the pair is opened in beforeAll.
  const prisma = () => pair[side]
  const db = () => (side === 'ours' ? pair.oursDb.name : pair.officialDb.name)

  test('a timed-out transaction raises P2028 and leaves no open transaction and no held lock', async () => {
    const { id } = await prisma().user.create({ data: { email: `timeout@${side}`, name: 'before' }, select: { id: true } })
    const error = await knownError(
      prisma().$transaction(
        async (tx) => {
          // Takes the row lock, then keeps the transaction busy until Prisma expires it.
          await tx.user.update({ where: { id }, data: { name: 'inside' } })
          for (;;) await tx.$queryRaw`SELECT 1`
        },
        { timeout: 200 },
      ),
    )
    expect(error.code).toBe('P2028')
    expect(error.message).toMatch(/expired transaction|timeout/i)
    await until(async () => (await openTransactions(db())) === 0, 'no transaction is left open (as INNODB_TRX shows, once refreshed)', INNODB_TRX_POLL)
    // Another session can lock the row at once: NOWAIT fails if the lock were still held.
    const other = await connect(db())
    try {
      await other.query('BEGIN')
      const [locked] = await other.query('SELECT name FROM User WHERE id = ? FOR UPDATE NOWAIT', [id])
      expect(locked).toEqual([{ name: 'before' }])
      await other.query('ROLLBACK')
    } finally {
      await other.end()
    }
    // And the pool hands out clean connections: a new transaction works.
    expect(await prisma().$transaction((tx) => tx.user.findUniqueOrThrow({ where: { id }, select: { name: true } }))).toEqual({ name: 'before' })
  })

  test('two SERIALIZABLE transactions that read then write the same row: the deadlock victim fails with P2034', async () => {
    const name = `lost-update@${side}`
    await prisma().counter.create({ data: { name, value: 1 } })
    const bothRead = barrier(2)
    // SERIALIZABLE reads take shared locks: when both have read, each one's write waits for the other's lock,
    // and InnoDB rolls one of them back at once (ER_LOCK_DEADLOCK).
    const increment = () =>
      prisma().$transaction(
        async (tx) => {
          const { value } = await tx.counter.findUniqueOrThrow({ where: { name } })
          await bothRead()
          await tx.counter.update({ where: { name }, data: { value: value + 1 } })
        },
        { isolationLevel: 'Serializable' },
      )
    const results = await Promise.allSettled([increment(), increment()])
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as Prisma.PrismaClientKnownRequestError)
    expect(failed).toHaveLength(1)
    expect(failed[0]!.code).toBe('P2034')
    expect(failed[0]!.meta?.driverAdapterError).toMatchObject({ cause: { kind: 'TransactionWriteConflict', originalCode: '1213' } })
    // The lost update was prevented: one increment, not two from the same starting value.
    expect(await prisma().counter.findUniqueOrThrow({ where: { name }, select: { value: true } })).toEqual({ value: 2 })
    await until(async () => (await openTransactions(db())) === 0, 'no transaction is left open (as INNODB_TRX shows, once refreshed)', INNODB_TRX_POLL)
  })

  test('the client keeps working after $disconnect(): queries and transactions reconnect', async () => {
    await prisma().user.count()
    await prisma().$disconnect()
    expect(await prisma().user.count({ where: { email: 'commit1@tx' } })).toBe(1)
    await prisma().$disconnect()
    expect(await prisma().$transaction((tx) => tx.user.count({ where: { email: 'commit2@tx' } }))).toBe(1)
  })
})
