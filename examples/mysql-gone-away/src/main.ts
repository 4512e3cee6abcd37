// prisma-pool: "MySQL server has gone away", and why the users of @prisma-pool/mysql do not get it.
//
//   pnpm --filter mysql-gone-away start                            (the local MariaDB, mysql://root@127.0.0.1:3306/test)
//   DATABASE_URL=mysql://… pnpm --filter mysql-gone-away start     (your server: a database of its own, dropped at the end)
import { once } from 'node:events'
import { constants } from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'
import mysql from 'mysql2/promise'
import { PrismaPoolMySql } from '@prisma-pool/mysql'
import { PrismaClient } from '../generated/prisma/client.js'
import { createDatabase, type Database } from './database.js'

/** Seconds a session may sit idle before the server ends it. The server default is 28800 (8 hours). */
const WAIT_TIMEOUT = 2
/** How long the example leaves its connections idle: past WAIT_TIMEOUT. */
const IDLE_SECONDS = 3

async function main(): Promise<void> {
  console.log('prisma-pool: "MySQL server has gone away" and @prisma-pool/mysql\n')
  const cleanup = new Cleanup()
  onInterrupt(() => cleanup.run())
  try {
    const database = await createDatabase()
    cleanup.add(`drop the database ${database.name}`, () => database.drop())
    console.log(`Database: ${database.target} (${database.source}), server ${database.version}`)
    console.log(`          database ${database.name}, created for this run\n`)

    // Only the session's wait_timeout is changed, so that the example need not wait 8 hours.
    // Every pool option keeps its default.
    const adapter = new PrismaPoolMySql({ connectionString: database.connectionString, sessionVariables: { wait_timeout: WAIT_TIMEOUT } })
    const prisma = new PrismaClient({ adapter })
    cleanup.add('disconnect Prisma', () => prisma.$disconnect())
    await prisma.$connect()
    const closes = new CloseLog(adapter)

    await seed(prisma)
    await idlePastWaitTimeout(prisma, adapter, closes)
    await killEveryConnection(prisma, adapter, database, closes)
    await plainConnection(database)
    report(adapter, closes)

    if (!(await cleanup.run())) throw new Error('could not clean up everything (see above)')
    console.log(`\nCleaned up: Prisma disconnected (pool closed), database ${database.name} dropped.`)
  } catch (error) {
    await cleanup.run()
    throw error
  }
}

/** 1. A few rows, and the session's wait_timeout as the server sees it. */
async function seed(prisma: PrismaClient): Promise<void> {
  await prisma.note.createMany({ data: [{ text: 'first' }, { text: 'second' }, { text: 'third' }] })
  const [{ waitTimeout }] = await prisma.$queryRaw<[{ waitTimeout: bigint }]>`SELECT @@session.wait_timeout AS waitTimeout`
  console.log(`1. A pool with sessionVariables: { wait_timeout: ${WAIT_TIMEOUT} } and the default pool options. Seeded ${await prisma.note.count()} notes.`)
  console.log(`   The server ends a session after @@session.wait_timeout = ${waitTimeout} s without a statement (its default:`)
  console.log(`   8 hours; managed services often use minutes). The pool reads it from each new session.`)
}

/** 2. Every pooled connection idles past wait_timeout; then a query. */
async function idlePastWaitTimeout(prisma: PrismaClient, adapter: PrismaPoolMySql, closes: CloseLog): Promise<void> {
  const from = closes.all.length
  const idle = adapter.stats().idle
  await sleep(IDLE_SECONDS * 1000) // the scenario: the application does nothing for a while
  const count = await prisma.note.count()
  await closes.until(from + idle, 'the idle connections are closed')
  console.log(`2. Idle for ${IDLE_SECONDS} s, past wait_timeout, then a query: ${count} notes, no error.`)
  console.log(`   The pool's 'close' events meanwhile:`)
  for (const close of closes.all.slice(from)) console.log(`     ${explain(close)}`)
  console.log(`   adapter.status(): ${adapter.status()}`)
}

/** 3. The server ends every pooled connection (an administrator, a failover); then queries. */
async function killEveryConnection(prisma: PrismaClient, adapter: PrismaPoolMySql, database: Database, closes: CloseLog): Promise<void> {
  // Three queries at once, so that the pool holds three connections.
  await Promise.all(Array.from({ length: 3 }, () => prisma.$queryRaw`SELECT SLEEP(0.1)`))
  const sessions = await poolSessions(database)
  const from = closes.all.length
  for (const id of sessions) await database.sql(`KILL ${id}`)
  // The pool notices a connection's socket closing while it sits idle, and closes it (within a second).
  await closes.until(from + sessions.length, 'the pool has closed the killed connections')
  const reasons = tally(closes.all.slice(from))
  const counts = await Promise.all(Array.from({ length: 5 }, () => prisma.note.count()))
  console.log(`3. The server KILLs every connection of the pool: ${sessions.length} sessions (ids ${sessions.join(', ')}).`)
  console.log(`   The pool saw their sockets close while they sat idle, and closed them (${reasons}).`)
  console.log(`   The next ${counts.length} queries, all at once: ${counts.length} answers of ${counts[0]} notes, no error (on new connections).`)
  console.log(`   adapter.status(): ${adapter.status()}`)
}

/** 4. For contrast: the same idle period on a plain mysql2 connection, with no pool to look after it. */
async function plainConnection(database: Database): Promise<void> {
  const connection = await mysql.createConnection(database.plain)
  const events: string[] = []
  // To show what the connection reports while idle: the server's close, with no query to fail yet.
  connection.on('error', (error: Error) => events.push(describeError(error)))
  let outcome: string
  let failed = false
  try {
    await connection.query(`SET SESSION wait_timeout = ${WAIT_TIMEOUT}`)
    await connection.query('SELECT COUNT(*) FROM Note')
    await sleep(IDLE_SECONDS * 1000)
    outcome = await connection.query('SELECT COUNT(*) FROM Note').then(
      () => 'succeeded (the server did not end the session)',
      (error: unknown) => {
        failed = true
        return `fails: ${describeError(error)}`
      },
    )
  } finally {
    connection.destroy()
  }
  console.log(`4. For contrast, a plain mysql2 connection (no pool), the same wait_timeout and ${IDLE_SECONDS} s idle:`)
  console.log(`   while idle it emitted 'error': ${events.join('; ') || '(nothing)'}`)
  console.log(`   the next query ${outcome}`)
  if (failed) console.log(`   That is what an idle connection nobody watches gives its next caller; the pool above never handed one out.`)
}

/** 5. The pool's own account. */
function report(adapter: PrismaPoolMySql, closes: CloseLog): void {
  const s = adapter.stats()
  const t = s.totals
  console.log(`5. adapter.stats(): open ${s.open} (checked out ${s.checkedOut}, idle ${s.idle}), waiting ${s.waiting}`)
  console.log(`   since start: ${t.created} connections opened, ${t.destroyed} closed (${tally(closes.all)}), ${t.checkouts} checkouts,`)
  console.log(`   ${t.prePingFailures} pre-ping failures, ${t.invalidated} invalidated, ${t.connectErrors} failed connects; no query failed.`)
}

/** One line for a 'close' event of the pool. */
function explain({ seq, reason, idleMs }: Close): string {
  const closed = `connection #${seq}, closed${idleMs === undefined ? '' : ` after ${(idleMs / 1000).toFixed(1)} s idle`}`
  switch (reason) {
    case 'idle-timeout':
      return `${closed}: 'idle-timeout', closed by the pool at 90% of wait_timeout, before the server would have`
    case 'broken':
      // Only if the pool's timer fired late (a busy machine) for the last 10% of so short a wait_timeout.
      return `${closed}: 'broken', the server had ended it at ${WAIT_TIMEOUT} s and the pool saw its socket close`
    default:
      return `${closed}: '${reason}'`
  }
}

const tally = (list: Close[]) => {
  const counts = new Map<string, number>()
  for (const { reason } of list) counts.set(reason, (counts.get(reason) ?? 0) + 1)
  return [...counts].map(([reason, n]) => `${n} ${reason}`).join(', ') || 'none'
}

/** Server ids of the sessions on the example's database: the pool's connections, and only those. */
async function poolSessions(database: Database): Promise<number[]> {
  const rows = await database.sql<{ ID: number }>('SELECT ID FROM information_schema.PROCESSLIST WHERE DB = ? ORDER BY ID', [database.name])
  return rows.map((row) => Number(row.ID))
}

interface Close {
  /** The pool's number for the connection: 1 for the first one it opened. */
  seq: number
  reason: string
  /** Since it last came back to the pool. */
  idleMs: number | undefined
}

/** The pool's 'close' events, with how long each connection had been idle. */
class CloseLog {
  readonly all: Close[] = []
  readonly #pool: NonNullable<PrismaPoolMySql['pool']>

  constructor(adapter: PrismaPoolMySql) {
    this.#pool = adapter.pool! // the live pool, there once Prisma has connected
    this.#pool.on('close', (pc, reason) => {
      this.all.push({ seq: pc.seq, reason, idleMs: pc.returnedAt === undefined ? undefined : performance.now() - pc.returnedAt })
    })
  }

  /** Waits for the pool's 'close' events until `count` have been seen in all, up to 10 s. */
  async until(count: number, what: string): Promise<void> {
    const deadline = Date.now() + 10_000
    while (this.all.length < count) {
      await once(this.#pool, 'close', { signal: AbortSignal.timeout(Math.max(1, deadline - Date.now())) }).catch(() => {
        throw new Error(`timed out waiting until ${what}`)
      })
    }
  }
}

/** Clean-up steps, run once, last added first; each runs even if another fails. */
class Cleanup {
  #steps: [what: string, step: () => Promise<unknown>][] = []
  #running: Promise<boolean> | undefined

  add(what: string, step: () => Promise<unknown>): void {
    this.#steps.unshift([what, step])
  }

  /** Resolves to false if a step failed (it says which). */
  run(): Promise<boolean> {
    this.#running ??= (async () => {
      let ok = true
      for (const [what, step] of this.#steps) {
        await step().catch((error: unknown) => {
          console.error(`Could not ${what}: ${describeError(error)}`)
          ok = false
        })
      }
      return ok
    })()
    return this.#running
  }
}

let interrupted = false

/** Ctrl-C or SIGTERM: clean up all the same, then stop. */
function onInterrupt(cleanup: () => Promise<unknown>): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      interrupted = true
      console.error(`\n${signal}: cleaning up and stopping.`)
      void cleanup().finally(() => process.exit(128 + constants.signals[signal]))
    })
  }
}

/** One readable line: a driver adapter error by its kind and cause, a mysql2 error by its code. */
function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  const cause = error.cause as { kind?: string; originalMessage?: string } | undefined
  if (error.name === 'DriverAdapterError' && cause?.kind) {
    return `${cause.kind}${cause.originalMessage ? ` (${cause.originalMessage})` : ''}`
  }
  const code = (error as { code?: unknown }).code
  return `${typeof code === 'string' ? `${code}: ` : ''}${error.message.trim()}`
}

main().catch((error: unknown) => {
  if (interrupted) return // the signal handler exits once clean-up is done
  console.error(`\nThe example failed: ${describeError(error)}`)
  if (process.env.DEBUG) console.error(error)
  process.exitCode = 1
})
