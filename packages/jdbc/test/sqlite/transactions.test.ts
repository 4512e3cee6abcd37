// Transactions on SQLite through the client: interactive and batch (commit, rollback, a thrown error), nested
// transactions (savepoints), isolation levels, a timeout, and what a pool of several connections to one file adds:
// transactions that read before they write run side by side without SQLITE_BUSY (BEGIN IMMEDIATE), and a BEGIN run
// as a raw statement does not outlive its connection's return to the pool.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { PrismaClient } from './generated/prisma/client.js'
import { both, direct, expectSame, knownError, openPair, rows, usePair, type SqlitePair } from './helpers.js'

const pair = usePair('tx')

/** The emails among `emails` that exist, sorted. */
async function existing(prisma: Pick<PrismaClient, 'user'>, emails: string[]): Promise<string[]> {
  const users = await prisma.user.findMany({ where: { email: { in: emails } }, select: { email: true }, orderBy: { email: 'asc' } })
  return users.map((user) => user.email)
}

/** The same emails, read from both files directly. */
async function inFiles(emails: string[]): Promise<string[][]> {
  const sql = `SELECT email FROM "User" WHERE email IN (${emails.map(() => '?').join(', ')}) ORDER BY email`
  const read = async (file: string) => (await rows(file, sql, ...emails)).map((row) => row.email as string)
  return Promise.all([read(pair().oursFile), read(pair().officialFile)])
}

describe('interactive transactions', () => {
  test('commit: the writes are in the file once the transaction returns', async () => {
    const [ours, official] = await both(pair(), (prisma) =>
      prisma.$transaction(async (tx) => {
        await tx.user.create({ data: { email: 'commit1@tx', name: 'c1' } })
        await tx.user.create({ data: { email: 'commit2@tx', name: 'c2' } })
        return existing(tx, ['commit1@tx', 'commit2@tx'])
      }),
    )
    expectSame(ours, official, ['commit1@tx', 'commit2@tx'])
    expect(await inFiles(['commit1@tx', 'commit2@tx'])).toEqual([
      ['commit1@tx', 'commit2@tx'],
      ['commit1@tx', 'commit2@tx'],
    ])
  })

  test('a thrown error rolls back every write of the transaction', async () => {
    const [ours, official] = await both(pair(), async (prisma) => {
      const error = await prisma
        .$transaction(async (tx) => {
          await tx.user.create({ data: { email: 'rollback1@tx', name: 'r1' } })
          await tx.user.update({ where: { email: 'commit1@tx' }, data: { name: 'changed' } })
          throw new Error('no thanks')
        })
        .catch((e: Error) => e.message)
      return { error, after: await existing(prisma, ['rollback1@tx']), name: (await prisma.user.findUniqueOrThrow({ where: { email: 'commit1@tx' } })).name }
    })
    expectSame(ours, official, { error: 'no thanks', after: [], name: 'c1' })
    expect(await inFiles(['rollback1@tx'])).toEqual([[], []])
  })

  test('a failing statement inside (P2002) rolls the transaction back; the connection serves the next one', async () => {
    const [ours, official] = await both(pair(), async (prisma) => {
      const error = await knownError(
        prisma.$transaction(async (tx) => {
          await tx.user.create({ data: { email: 'dup-inside@tx', name: 'd' } })
          await tx.user.create({ data: { email: 'commit2@tx', name: 'duplicate' } })
        }),
      )
      const next = await prisma.$transaction((tx) => tx.user.count({ where: { email: { endsWith: '@tx' } } }))
      return { code: error.code, target: error.meta?.target, after: await existing(prisma, ['dup-inside@tx']), next }
    })
    expectSame(ours, official, { code: 'P2002', target: undefined, after: [], next: 2 })
  })

  test('isolation levels: SERIALIZABLE is SQLite’s, any other is refused with P2023 (as better-sqlite3 does)', async () => {
    const [ours, official] = await both(pair(), async (prisma) => ({
      serializable: await prisma.$transaction((tx) => tx.user.count({ where: { email: 'commit1@tx' } }), { isolationLevel: 'Serializable' }),
      // Not in SQLite's generated types: what an application on another database's types would send.
      readCommitted: (await knownError(prisma.$transaction((tx) => tx.user.count(), { isolationLevel: 'ReadCommitted' as 'Serializable' }))).code,
    }))
    expectSame(ours, official, { serializable: 1, readCommitted: 'P2023' })
  })

  test('a timed-out transaction raises P2028, its writes are gone and it holds no lock', async () => {
    const [ours, official] = await both(pair(), async (prisma) => {
      const error = await knownError(
        prisma.$transaction(
          async (tx) => {
            await tx.user.update({ where: { email: 'commit2@tx' }, data: { name: 'inside' } })
            // Past the transaction's timeout, with no statement in flight: Prisma's timer was set first and expires
            // first, and its callback has started the rollback before this one runs, so the next statement is refused
            // by Prisma (P2028) whichever adapter serves it. (A statement in flight at the timeout is interrupted by our
            // adapter, which better-sqlite3, answering synchronously, never has: packages/pg/test/pool.test.ts covers that case.)
            await new Promise((resolve) => setTimeout(resolve, 250))
            await tx.user.count()
          },
          { timeout: 200 },
        ),
      )
      // A write outside the transaction: it would wait for a lock the expired transaction still held.
      await prisma.user.create({ data: { email: 'after-timeout@tx', name: 'a' } })
      return { code: error.code, name: (await prisma.user.findUniqueOrThrow({ where: { email: 'commit2@tx' } })).name }
    })
    expectSame(ours, official, { code: 'P2028', name: 'c2' })
    expect(await rows(pair().oursFile, `SELECT name FROM "User" WHERE email = 'commit2@tx'`)).toEqual([{ name: 'c2' }])
    // And another process can write at once (better-sqlite3 would wait up to 5 s, then fail, for a held lock).
    expect((await direct.run(pair().oursFile, `UPDATE "User" SET name = 'c2' WHERE email = 'commit2@tx'`)).changes).toBe(1)
  })
})

describe('batch transactions', () => {
  test('$transaction([...]) commits every statement', async () => {
    const [ours, official] = await both(pair(), (prisma) =>
      prisma.$transaction([
        prisma.user.create({ data: { email: 'batch1@tx', name: 'b1' }, select: { email: true } }),
        prisma.user.create({ data: { email: 'batch2@tx', name: 'b2' }, select: { email: true } }),
        prisma.user.count({ where: { email: { startsWith: 'batch' } } }),
      ]),
    )
    expectSame(ours, official, [{ email: 'batch1@tx' }, { email: 'batch2@tx' }, 2])
    expect(await inFiles(['batch1@tx', 'batch2@tx'])).toEqual([
      ['batch1@tx', 'batch2@tx'],
      ['batch1@tx', 'batch2@tx'],
    ])
  })

  test('one failing statement rolls the whole batch back', async () => {
    const [ours, official] = await both(pair(), async (prisma) => {
      const error = await knownError(
        prisma.$transaction([prisma.user.create({ data: { email: 'batch3@tx', name: 'b3' } }), prisma.user.create({ data: { email: 'batch1@tx', name: 'duplicate' } })]),
      )
      return { code: error.code, after: await existing(prisma, ['batch3@tx']) }
    })
    expectSame(ours, official, { code: 'P2002', after: [] })
    expect(await inFiles(['batch3@tx'])).toEqual([[], []])
  })
})

describe('nested transactions (savepoints)', () => {
  test('an inner rollback returns to the savepoint and keeps the outer work', async () => {
    const [ours, official] = await both(pair(), async (prisma) => {
      const inside = await prisma.$transaction(async (tx) => {
        await tx.user.create({ data: { email: 'outer1@nest', name: 'o1' } })
        const innerError = await tx
          .$transaction(async (tx2) => {
            await tx2.user.create({ data: { email: 'inner@nest', name: 'i' } })
            expect(await existing(tx2, ['outer1@nest', 'inner@nest'])).toEqual(['inner@nest', 'outer1@nest'])
            throw new Error('inner fails')
          })
          .catch((e: Error) => e.message)
        await tx.user.create({ data: { email: 'outer2@nest', name: 'o2' } })
        return { innerError, seen: await existing(tx, ['outer1@nest', 'inner@nest', 'outer2@nest']) }
      })
      return { ...inside, after: await existing(prisma, ['outer1@nest', 'inner@nest', 'outer2@nest']) }
    })
    expectSame(ours, official, { innerError: 'inner fails', seen: ['outer1@nest', 'outer2@nest'], after: ['outer1@nest', 'outer2@nest'] })
    expect(await inFiles(['outer1@nest', 'inner@nest', 'outer2@nest'])).toEqual([
      ['outer1@nest', 'outer2@nest'],
      ['outer1@nest', 'outer2@nest'],
    ])
  })

  test('committed inner transactions, two levels deep, are undone when the outer one fails', async () => {
    const [ours, official] = await both(pair(), async (prisma) => {
      const error = await prisma
        .$transaction(async (tx) => {
          await tx.user.create({ data: { email: 'a@deep', name: 'a' } })
          await tx.$transaction(async (tx2) => {
            await tx2.user.create({ data: { email: 'b@deep', name: 'b' } })
            await tx2.$transaction((tx3) => tx3.user.create({ data: { email: 'c@deep', name: 'c' } }))
          })
          expect(await existing(tx, ['a@deep', 'b@deep', 'c@deep'])).toEqual(['a@deep', 'b@deep', 'c@deep'])
          throw new Error('outer fails')
        })
        .catch((e: Error) => e.message)
      return { error, after: await existing(prisma, ['a@deep', 'b@deep', 'c@deep']) }
    })
    expectSame(ours, official, { error: 'outer fails', after: [] })
    expect(await inFiles(['a@deep', 'b@deep', 'c@deep'])).toEqual([[], []])
  })
})

describe('several connections to one file', () => {
  test('20 concurrent transactions that read a counter, then write it: none fails with SQLITE_BUSY, none loses an update', async () => {
    const TRANSACTIONS = 20
    const [ours, official] = await both(pair(), async (prisma) => {
      await prisma.counter.create({ data: { name: 'rmw' } })
      const results = await Promise.allSettled(
        Array.from({ length: TRANSACTIONS }, () =>
          prisma.$transaction(
            async (tx) => {
              const { value } = await tx.counter.findUniqueOrThrow({ where: { name: 'rmw' } })
              await tx.counter.update({ where: { name: 'rmw' }, data: { value: value + 1 } })
            },
            // They queue for the pool's 3 connections, then for the file's write lock: room for a slow, busy machine.
            { maxWait: 20_000, timeout: 20_000 },
          ),
        ),
      )
      const failures = results.flatMap((result) => (result.status === 'rejected' ? [String(result.reason)] : []))
      return { failures, value: (await prisma.counter.findUniqueOrThrow({ where: { name: 'rmw' } })).value }
    })
    expectSame(ours, official, { failures: [], value: TRANSACTIONS })
    expect(await rows(pair().oursFile, `SELECT value FROM "Counter" WHERE name = 'rmw'`)).toEqual([{ value: BigInt(TRANSACTIONS) }])
    // More than one connection took part (the pool's size is 3).
    expect(pair().adapter.stats().totals.created).toBeGreaterThan(1)
  })

  test('the client keeps working after $disconnect(): queries and transactions reconnect', async () => {
    await pair().ours.$disconnect()
    expect(await pair().ours.user.count({ where: { email: 'commit1@tx' } })).toBe(1)
    await pair().ours.$disconnect()
    expect(await pair().ours.$transaction((tx) => tx.user.count({ where: { email: 'commit2@tx' } }))).toBe(1)
  })
})

describe('a BEGIN run as a raw statement, on a pool of one connection', () => {
  let single: SqlitePair
  beforeAll(() => {
    single = openPair('tx-raw', { size: 1, maxOverflow: 0 })
  })
  afterAll(async () => {
    await single?.close()
  })

  test('is rolled back when its connection returns to the pool: the next statement commits on its own', async () => {
    const resets = single.adapter.stats().totals.resets
    await single.ours.$executeRawUnsafe('BEGIN')
    expect(single.adapter.stats().totals.resets).toBe(resets + 1)
    await single.ours.user.create({ data: { email: 'after-begin@raw', name: 'x' } })
    // Read by another process: the write is committed, not left inside the application's BEGIN.
    expect(await rows(single.oursFile, `SELECT email FROM "User"`)).toEqual([{ email: 'after-begin@raw' }])
    expect(single.adapter.stats().totals).toMatchObject({ created: 1, destroyed: 0, resetFailures: 0 })
  })

  test('a statement that fails outside a transaction costs no reset and no new connection', async () => {
    const before = single.adapter.stats().totals
    const error = await knownError(single.ours.user.create({ data: { email: 'after-begin@raw', name: 'again' } }))
    expect(error.code).toBe('P2002')
    expect(await single.ours.user.count()).toBe(1)
    expect(single.adapter.stats().totals).toMatchObject({ created: before.created, destroyed: 0, resets: before.resets, resetFailures: 0 })
  })
})
