// Transactions through the client: interactive and batch, isolation levels, nested transactions
// (savepoints), timeouts, serialization conflicts, and reconnecting after $disconnect().
import { PrismaPoolPg } from '@prisma-pool/pg'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { override } from '../../../test-support/override.js'
import { both, expectSame, knownError, openPair, type Pair } from './compare.js'
import { Prisma, PrismaClient } from './generated/prisma/client.js'
import { OF_APP, PG_URL, sql, uniqueName } from './helpers.js'

let pair: Pair
const APP = { ours: uniqueName('pp_tx_ours'), official: uniqueName('pp_tx_off') }

beforeAll(async () => {
  pair = await openPair('tx', { application_name: APP.ours, pool: { size: 3, maxOverflow: 0 } }, { application_name: APP.official })
})
afterAll(async () => {
  await pair?.close()
})

/** The emails present among `emails`, sorted. */
async function existing(prisma: PrismaClient, emails: string[]): Promise<string[]> {
  const users = await prisma.user.findMany({ where: { email: { in: emails } }, select: { email: true }, orderBy: { email: 'asc' } })
  return users.map((user) => user.email)
}

/** Sessions of `app` left inside a transaction. */
async function openTransactions(app: string): Promise<number> {
  const rows = await sql<{ n: string }>(
    `SELECT count(*) AS n FROM pg_stat_activity WHERE ${OF_APP} AND state LIKE 'idle in transaction%'`,
    [app],
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

  test('a failing statement aborts the transaction: P2002 reaches the caller, earlier writes are undone', async () => {
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
    [Prisma.TransactionIsolationLevel.ReadUncommitted, 'read uncommitted'],
    [Prisma.TransactionIsolationLevel.ReadCommitted, 'read committed'],
    [Prisma.TransactionIsolationLevel.RepeatableRead, 'repeatable read'],
    [Prisma.TransactionIsolationLevel.Serializable, 'serializable'],
  ])('isolationLevel %s takes effect', async (isolationLevel, shown) => {
    const [ours, official] = await both(pair, (prisma) =>
      prisma.$transaction(async (tx) => {
        // A statement first: the level must hold for the whole transaction, not only its first query.
        await tx.user.count()
        return tx.$queryRaw<{ transaction_isolation: string }[]>`SHOW transaction_isolation`
      }, { isolationLevel }),
    )
    expectSame(ours, official, [{ transaction_isolation: shown }])
  })

  test('without isolationLevel the server default (read committed) applies', async () => {
    const [ours, official] = await both(pair, (prisma) => prisma.$transaction((tx) => tx.$queryRaw`SHOW transaction_isolation`))
    expectSame(ours, official, [{ transaction_isolation: 'read committed' }])
  })
})

describe('batch transactions', () => {
  test('$transaction([...]) commits every operation and returns their results in order', async () => {
    const [ours, official] = await both(pair, (prisma) =>
      prisma.$transaction([
        prisma.user.create({ data: { email: 'batch1@tx', name: 'b1' }, select: { email: true } }),
        prisma.user.create({ data: { email: 'batch2@tx', name: 'b2' }, select: { email: true } }),
        prisma.user.count({ where: { email: { startsWith: 'batch' } } }),
        prisma.$queryRaw`SHOW transaction_isolation`,
      ], { isolationLevel: 'RepeatableRead' }),
    )
    expectSame(ours, official, [{ email: 'batch1@tx' }, { email: 'batch2@tx' }, 2, [{ transaction_isolation: 'repeatable read' }]])
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
  test('an inner rollback returns to the savepoint and keeps the outer work; both run in one server transaction', async () => {
    const [ours, official] = await both(pair, async (prisma) => {
      const ids = await prisma.$transaction(async (tx) => {
        await tx.user.create({ data: { email: 'outer1@nest', name: 'o1' } })
        const [outer] = await tx.$queryRaw<{ id: bigint }[]>`SELECT txid_current() AS id`
        let inner: bigint | undefined
        const innerError = await tx
          .$transaction(async (tx2) => {
            await tx2.user.create({ data: { email: 'inner@nest', name: 'i' } })
            inner = (await tx2.$queryRaw<{ id: bigint }[]>`SELECT txid_current() AS id`)[0]!.id
            expect(await existing(tx2 as PrismaClient, ['outer1@nest', 'inner@nest'])).toEqual(['inner@nest', 'outer1@nest'])
            throw new Error('inner fails')
          })
          .catch((e: Error) => e.message)
        await tx.user.create({ data: { email: 'outer2@nest', name: 'o2' } })
        return { sameTransaction: inner === outer!.id, innerError, inside: await existing(tx as PrismaClient, ['outer1@nest', 'inner@nest', 'outer2@nest']) }
      })
      return { ...ids, after: await existing(prisma, ['outer1@nest', 'inner@nest', 'outer2@nest']) }
    })
    expectSame(ours, official, {
      sameTransaction: true,
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
  const app = APP[side]
  const schemaName = () => (side === 'ours' ? pair.oursSchema.name : pair.officialSchema.name)

  test('a timed-out transaction raises P2028 and leaves no open transaction and no held lock', async () => {
    const { id } = await prisma().user.create({ data: { email: `timeout@${app}`, name: 'before' }, select: { id: true } })
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
    expect(await openTransactions(app)).toBe(0)
    // Another session can lock the row at once: NOWAIT fails with 55P03 if the lock were still held.
    const other = new pg.Client({ connectionString: PG_URL })
    await other.connect()
    try {
      await other.query('BEGIN')
      const locked = await other.query(`SELECT name FROM "${schemaName()}"."User" WHERE id = $1 FOR UPDATE NOWAIT`, [id])
      expect(locked.rows).toEqual([{ name: 'before' }])
      await other.query('ROLLBACK')
    } finally {
      await other.end()
    }
    // And the pool hands out clean connections: a new transaction works.
    expect(await prisma().$transaction((tx) => tx.user.findUniqueOrThrow({ where: { id }, select: { name: true } }))).toEqual({ name: 'before' })
  })

  test('two SERIALIZABLE transactions that read then write the same row: the second writer fails with P2034', async () => {
    const name = `lost-update@${app}`
    await prisma().counter.create({ data: { name, value: 1 } })
    const bothRead = barrier(2)
    const increment = (after?: Promise<unknown>) =>
      prisma().$transaction(
        async (tx) => {
          const { value } = await tx.counter.findUniqueOrThrow({ where: { name } })
          await bothRead()
          // The second waits until the first has committed, then writes the row its snapshot saw.
          await after?.catch(() => {})
          await tx.counter.update({ where: { name }, data: { value: value + 1 } })
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
    expect(await prisma().counter.findUniqueOrThrow({ where: { name }, select: { value: true } })).toEqual({ value: 2 })
    expect(await openTransactions(app)).toBe(0)
  })

  test('a serialization failure found at COMMIT ends the transaction (Prisma 7.10 passes it on unmapped)', async () => {
    await prisma().counter.createMany({ data: [{ name: `a@${app}`, value: 1 }, { name: `b@${app}`, value: 1 }] })
    const bothWrote = barrier(2)
    // Write skew: each reads both counters and writes the total into its own. No row is written by both,
    // so no statement fails: serializable snapshot isolation rejects the second COMMIT.
    const writeTotal = (own: string) =>
      prisma().$transaction(
        async (tx) => {
          const counters = await tx.counter.findMany({ where: { name: { in: [`a@${app}`, `b@${app}`] } } })
          await tx.counter.update({ where: { name: own }, data: { value: counters.reduce((sum, c) => sum + c.value, 0) } })
          await bothWrote()
        },
        { isolationLevel: 'Serializable' },
      )
    const results = await Promise.allSettled([writeTotal(`a@${app}`), writeTotal(`b@${app}`)])
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')
    expect(failed).toHaveLength(1)
    // The runtime maps errors of statements to P2034, not those of COMMIT: the official adapter gives the same.
    expect(failed[0]!.reason).toMatchObject({ name: 'DriverAdapterError', cause: { kind: 'TransactionWriteConflict', originalCode: '40001' } })
    const after = await prisma().counter.findMany({ where: { name: { in: [`a@${app}`, `b@${app}`] } } })
    expect(after.map((c) => c.value).sort()).toEqual([1, 2])
    expect(await openTransactions(app)).toBe(0)
  })

  test('the client keeps working after $disconnect(): queries and transactions reconnect', async () => {
    await prisma().user.count()
    await prisma().$disconnect()
    expect(await prisma().user.count({ where: { email: 'commit1@tx' } })).toBe(1)
    await prisma().$disconnect()
    expect(await prisma().$transaction((tx) => tx.user.count({ where: { email: 'commit2@tx' } }))).toBe(1)
  })
})


test('a transaction that times out while a statement waits for a lock is rolled back at once, releasing its locks', async () => {
  let signalRollback!: () => void
  const rollbackCalled = new Promise<void>((resolve) => (signalRollback = resolve))
  // Our sessions look for deadlocks only after 10 s, so that the other session below is the one that does.
  const factory = new PrismaPoolPg({ connectionString: PG_URL, schema: pair.oursSchema.name, options: '-c deadlock_timeout=10s', pool: { size: 1, maxOverflow: 0 } })
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
  const other = new pg.Client({ connectionString: PG_URL })
  await other.connect()
  try {
    const table = `"${pair.oursSchema.name}"."User"`
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
