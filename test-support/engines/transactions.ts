// Transactions through the client, for every engine: interactive and batch, isolation levels, nested transactions
// (savepoints), a timeout, and reconnecting after $disconnect(). Each scenario runs on our adapter and the official
// one (where the engine has one), and both must give what the scenario expects. How a level shows depends on the
// engine: the engine's test file says (TransactionScenarioOptions).
import { describe, expect, test } from 'vitest'
import type { Prisma } from '../../packages/pg/test/generated/prisma/client.js'
import { both, expectSame, knownError } from '../compare.js'
import { until } from '../until.js'
import { sideNames, useClients, type TestClients, type TestSide } from './clients.js'
import type { EngineFixture, TestPrisma } from './fixture.js'

export type IsolationLevel = Prisma.TransactionIsolationLevel

const LEVELS: IsolationLevel[] = ['ReadUncommitted', 'ReadCommitted', 'RepeatableRead', 'Serializable']

export interface TransactionScenarioOptions {
  /** The server's default level, as the test name says it: 'read committed'. */
  defaultLevel: string
  /**
   * Runs an interactive transaction at `level` (the server's default when absent) on `side` and returns what shows the
   * level it ran at; `name` is unique to the call (for rows of its own).
   */
  isolation(side: TestSide, name: string, level?: IsolationLevel): Promise<unknown>
  /** What `isolation` returns for a transaction at `level` (absent: the server's default). */
  expectedIsolation(level?: IsolationLevel): unknown
  /** How a batch transaction shows its level: a query of the batch that tells, and what it returns at `level`. */
  batchIsolation: {
    level: IsolationLevel
    /** Sets the stage on a side (another session's uncommitted write, say); resolves to what undoes it. */
    prepare?(side: TestSide): Promise<() => Promise<void>>
    query(prisma: TestPrisma): Prisma.PrismaPromise<unknown>
    expected: unknown
  }
}

/** The emails present among `emails`, sorted. */
export async function existing(prisma: TestPrisma, emails: string[]): Promise<string[]> {
  const users = await prisma.user.findMany({ where: { email: { in: emails } }, select: { email: true }, orderBy: { email: 'asc' } })
  return users.map((user) => user.email)
}

/** Resolves once `parties` callers have arrived: lets transactions interleave without timers. */
export function barrier(parties: number) {
  let arrived = 0
  let open!: () => void
  const opened = new Promise<void>((resolve) => (open = resolve))
  return () => {
    if (++arrived === parties) open()
    return opened
  }
}

/**
 * Checks that no session of `side` is left inside a transaction: at once where the server shows it at once, else
 * polled until its view has caught up (MySQL's INNODB_TRX).
 */
export async function expectNoOpenTransaction(fixture: EngineFixture, side: TestSide): Promise<void> {
  const open = () => fixture.openTransactions(side.db.server, side.app)
  if (!fixture.transactionsPoll) return void expect(await open()).toBe(0)
  await until(async () => (await open()) === 0, 'no transaction is left open (as the server shows, once refreshed)', fixture.transactionsPoll)
}

/**
 * Registers the scenarios on clients with a pool of 3; resolves the clients for the engine's own tests of the same
 * file (registered after these, they run after them).
 */
export function registerTransactionScenarios(fixture: EngineFixture, options: TransactionScenarioOptions): () => TestClients {
  const clients = useClients(fixture, 'tx', { size: 3, maxOverflow: 0 })
  const { dialect } = fixture

  describe('interactive transactions', () => {
    test('commit: the writes are visible inside and after the transaction', async () => {
      const [ours, official] = await both(clients(), async (prisma) => {
        const inside = await prisma.$transaction(async (tx) => {
          await tx.user.create({ data: { email: 'commit1@tx', name: 'c1' } })
          await tx.user.create({ data: { email: 'commit2@tx', name: 'c2' } })
          return existing(tx as TestPrisma, ['commit1@tx', 'commit2@tx'])
        })
        return { inside, after: await existing(prisma, ['commit1@tx', 'commit2@tx']) }
      })
      expectSame(ours, official, { inside: ['commit1@tx', 'commit2@tx'], after: ['commit1@tx', 'commit2@tx'] })
    })

    test('rollback: an error thrown by the callback undoes every write and reaches the caller', async () => {
      const [ours, official] = await both(clients(), async (prisma) => {
        const error = await prisma
          .$transaction(async (tx) => {
            await tx.user.create({ data: { email: 'rollback@tx', name: 'r' } })
            expect(await existing(tx as TestPrisma, ['rollback@tx'])).toEqual(['rollback@tx'])
            throw new Error('boom')
          })
          .catch((e: Error) => e.message)
        return { error, after: await existing(prisma, ['rollback@tx']) }
      })
      expectSame(ours, official, { error: 'boom', after: [] })
    })

    test('a failing statement aborts the transaction: P2002 reaches the caller, earlier writes are undone', async () => {
      await both(clients(), (prisma) => prisma.user.create({ data: { email: 'taken@tx', name: 't' } }))
      const [ours, official] = await both(clients(), async (prisma) => {
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

    test.each(LEVELS)('isolationLevel %s takes effect', async (level) => {
      const [ours, official] = await Promise.all(clients().sides.map((side) => options.isolation(side, `iso-${level}`, level)))
      expectSame(ours, official ?? ours, options.expectedIsolation(level))
    })

    test(`without isolationLevel the server default (${options.defaultLevel}) applies, also after a transaction that set one`, async () => {
      const [ours, official] = await Promise.all(
        clients().sides.map(async (side) => ({
          before: await options.isolation(side, 'iso-default-1'),
          serializable: await options.isolation(side, 'iso-default-2', 'Serializable'),
          after: await options.isolation(side, 'iso-default-3'),
        })),
      )
      expectSame(ours, official ?? ours, {
        before: options.expectedIsolation(),
        serializable: options.expectedIsolation('Serializable'),
        after: options.expectedIsolation(),
      })
    })
  })

  describe('batch transactions', () => {
    test('$transaction([...]) commits every operation, returns their results in order, at the level asked for', async () => {
      const { level, prepare, query, expected } = options.batchIsolation
      const undo = await Promise.all(clients().sides.map((side) => prepare?.(side)))
      try {
        const [ours, official] = await both(clients(), (prisma) =>
          prisma.$transaction(
            [
              prisma.user.create({ data: { email: 'batch1@tx', name: 'b1' }, select: { email: true } }),
              prisma.user.create({ data: { email: 'batch2@tx', name: 'b2' }, select: { email: true } }),
              prisma.user.count({ where: { email: { startsWith: 'batch' } } }),
              query(prisma),
            ],
            { isolationLevel: level },
          ),
        )
        expectSame(ours, official, [{ email: 'batch1@tx' }, { email: 'batch2@tx' }, 2, expected])
      } finally {
        await Promise.all(undo.map((done) => done?.()))
      }
    })

    test('one failing operation rolls the whole batch back', async () => {
      const [ours, official] = await both(clients(), async (prisma) => {
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
      const [ours, official] = await both(clients(), async (prisma) => {
        const ids = await prisma.$transaction(async (tx) => {
          await tx.user.create({ data: { email: 'outer1@nest', name: 'o1' } })
          const [outer] = await tx.$queryRawUnsafe<{ id: unknown }[]>(dialect.transactionId)
          let inner: unknown
          const innerError = await tx
            .$transaction(async (tx2) => {
              await tx2.user.create({ data: { email: 'inner@nest', name: 'i' } })
              inner = (await tx2.$queryRawUnsafe<{ id: unknown }[]>(dialect.transactionId))[0]!.id
              expect(await existing(tx2 as TestPrisma, ['outer1@nest', 'inner@nest'])).toEqual(['inner@nest', 'outer1@nest'])
              throw new Error('inner fails')
            })
            .catch((e: Error) => e.message)
          await tx.user.create({ data: { email: 'outer2@nest', name: 'o2' } })
          return { sameTransaction: inner === outer!.id, innerError, inside: await existing(tx as TestPrisma, ['outer1@nest', 'inner@nest', 'outer2@nest']) }
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
      const [ours, official] = await both(clients(), async (prisma) => {
        const error = await prisma
          .$transaction(async (tx) => {
            await tx.user.create({ data: { email: 'a@deep', name: 'a' } })
            await tx.$transaction(async (tx2) => {
              await tx2.user.create({ data: { email: 'b@deep', name: 'b' } })
              await tx2.$transaction(async (tx3) => {
                await tx3.user.create({ data: { email: 'c@deep', name: 'c' } })
              })
            })
            expect(await existing(tx as TestPrisma, ['a@deep', 'b@deep', 'c@deep'])).toEqual(['a@deep', 'b@deep', 'c@deep'])
            throw new Error('outer fails')
          })
          .catch((e: Error) => e.message)
        return { error, after: await existing(prisma, ['a@deep', 'b@deep', 'c@deep']) }
      })
      expectSame(ours, official, { error: 'outer fails', after: [] })
    })
  })

  describe.each(sideNames(fixture))('%s adapter', (name) => {
    // Looked up when the tests run: the clients are opened in beforeAll.
    const side = () => clients().side(name)
    const prisma = () => side().prisma

    test('a timed-out transaction raises P2028 and leaves no open transaction and no held lock', async () => {
      const { id } = await prisma().user.create({ data: { email: `timeout@${side().app}`, name: 'before' }, select: { id: true } })
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
      await expectNoOpenTransaction(fixture, side())
      // Another session can lock the row at once: NOWAIT fails if the lock were still held.
      const other = await fixture.connect(side().db.url)
      try {
        await other.query(dialect.begin)
        const locked = await other.query(`SELECT name FROM ${dialect.quote('User')} WHERE id = ${dialect.param(1)} FOR UPDATE NOWAIT`, [id])
        expect(locked).toEqual([{ name: 'before' }])
        await other.query('ROLLBACK')
      } finally {
        await other.end()
      }
      // And the pool hands out clean connections: a new transaction works.
      expect(await prisma().$transaction((tx) => tx.user.findUniqueOrThrow({ where: { id }, select: { name: true } }))).toEqual({ name: 'before' })
    })

    test('the client keeps working after $disconnect(): queries and transactions reconnect', async () => {
      await prisma().user.count()
      await prisma().$disconnect()
      expect(await prisma().user.count({ where: { email: 'commit1@tx' } })).toBe(1)
      await prisma().$disconnect()
      expect(await prisma().$transaction((tx) => tx.user.count({ where: { email: 'commit2@tx' } }))).toBe(1)
    })
  })

  return clients
}
