// prisma-pool's JDBC route on SQLite: Prisma 7 through PrismaPoolJdbc and xerial's sqlite-jdbc driver, on a pool of
// connections to one database file. No database server to run.
//
//   pnpm demo:jdbc                                  (from the repository root: a file in a temporary directory)
//   pnpm --filter jdbc-sqlite start ./demo.db       (a new file of yours, kept at the end)
//   JDBC_CLASSPATH=/path/to/sqlite-jdbc.jar …       (another driver jar; default /usr/share/java/sqlite-jdbc.jar)
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { PrismaPoolJdbc } from '@prisma-pool/jdbc'
import { PrismaClient } from '../generated/prisma/client.js'

/** Debian's xerial driver (libxerial-sqlite-jdbc-java), unless JDBC_CLASSPATH says otherwise. */
const DEFAULT_CLASSPATH = ['/usr/share/java/sqlite-jdbc.jar']
/** libuv's 4 threads serve at most 3 JDBC connections at once (one stays free): see the README. */
const POOL = { size: 3, maxOverflow: 0 }
const BURST = 40
const TABLES_SQL = readFileSync(new URL('../prisma/schema.sql', import.meta.url), 'utf8')

export interface DemoOptions {
  /** A database file that does not exist yet, kept at the end; absent, one in a temporary directory, removed at the end. */
  file?: string
  /** The JDBC driver jars (default: JDBC_CLASSPATH, ':'-separated, or Debian's sqlite-jdbc.jar). */
  classpath?: string[]
  /** Where the demo's lines go (default: console.log). */
  log?: (line: string) => void
}

export interface DemoResult {
  file: string
  authors: number
  posts: number
  views: number
}

export async function main(options: DemoOptions = {}): Promise<DemoResult> {
  const log = options.log ?? ((line: string) => console.log(line))
  const classpath = options.classpath ?? process.env.JDBC_CLASSPATH?.split(':').filter(Boolean) ?? DEFAULT_CLASSPATH
  const { file, remove } = databaseFile(options.file)
  log('prisma-pool: Prisma 7 on SQLite through JDBC (PrismaPoolJdbc, xerial sqlite-jdbc)\n')
  log(`Database file: ${file}${remove ? ' (temporary)' : ''}`)
  log(`Classpath:     ${classpath.join(':')}\n`)

  const adapter = new PrismaPoolJdbc({ url: `jdbc:sqlite:${file}`, classpath, pool: POOL })
  const prisma = new PrismaClient({ adapter })
  try {
    await createTables(adapter)
    const seeded = await seed(prisma, log)
    const views = await burst(prisma, adapter, log)
    await transactions(prisma, log)
    report(adapter, log)
    return { file, ...seeded, views }
  } finally {
    await prisma.$disconnect()
    log(`\nDisconnected: the pool closed its connections${remove ? ', the temporary file is removed' : `, ${file} is kept`}.`)
    remove?.()
  }
}

/** The user's new file, or a file in a new temporary directory (with what removes it). */
function databaseFile(given: string | undefined): { file: string; remove?: () => void } {
  if (given) {
    const file = resolve(given)
    if (existsSync(file)) throw new Error(`${file} exists: give the demo a new file (it creates its tables there), or none for a temporary one.`)
    return { file }
  }
  const dir = mkdtempSync(join(tmpdir(), 'jdbc-sqlite-demo-'))
  return { file: join(dir, 'demo.db'), remove: () => rmSync(dir, { recursive: true, force: true }) }
}

/** The tables of prisma/schema.sql, through a connection of the adapter (Prisma Migrate needs a binary this offline demo lacks). */
async function createTables(adapter: PrismaPoolJdbc): Promise<void> {
  const connection = await adapter.connect()
  try {
    await connection.executeScript(TABLES_SQL)
  } finally {
    await connection.dispose()
  }
}

/** 1. Authors and their posts, written with nested creates (each one transaction), read back with relations. */
async function seed(prisma: PrismaClient, log: (line: string) => void): Promise<{ authors: number; posts: number }> {
  const authors = [
    { name: 'Ada', email: 'ada@example.com', titles: ['Notes on the engine', 'A pool of one file'] },
    { name: 'Brian', email: 'brian@example.com', titles: ['C, then SQL'] },
    { name: 'Grace', email: 'grace@example.com', titles: ['Compilers', 'Nanoseconds', 'Debugging'] },
  ]
  for (const { titles, ...author } of authors) {
    await prisma.author.create({ data: { ...author, posts: { create: titles.map((title, i) => ({ title, published: i === 0 })) } } })
  }
  const read = await prisma.author.findMany({
    orderBy: { id: 'asc' },
    include: { posts: { where: { published: true }, select: { title: true } }, _count: { select: { posts: true } } },
  })
  const posts = read.reduce((sum, author) => sum + author._count.posts, 0)
  log(`1. Wrote ${read.length} authors and ${posts} posts with nested creates, and read them back:`)
  for (const author of read) {
    const count = `${author._count.posts} post${author._count.posts === 1 ? '' : 's'}`
    log(`   ${author.name} <${author.email}>: ${count}, published: ${author.posts.map((post) => `"${post.title}"`).join(', ')}`)
  }
  return { authors: read.length, posts }
}

/** 2. More concurrent queries than the pool has connections: SQLite readers run side by side (WAL), writers queue for the lock. */
async function burst(prisma: PrismaClient, adapter: PrismaPoolJdbc, log: (line: string) => void): Promise<number> {
  const pool = adapter.pool! // the live pool, there once Prisma has connected
  const peak = { checkedOut: 0, waiting: 0 }
  const track = () => {
    const stats = pool.stats()
    peak.checkedOut = Math.max(peak.checkedOut, stats.checkedOut)
    peak.waiting = Math.max(peak.waiting, stats.waiting)
  }
  pool.on('checkout', track)
  const posts = await prisma.post.findMany({ select: { id: true } })
  const started = performance.now()
  await Promise.all(
    Array.from({ length: BURST }, (_, i) => {
      const id = posts[i % posts.length]!.id
      // Half write (one view more), half read; findFirst, not findUnique, which Prisma would batch into one query.
      return i % 2 === 0 ? prisma.post.update({ where: { id }, data: { views: { increment: 1 } } }) : prisma.post.findFirst({ where: { id }, include: { author: true } })
    }),
  )
  const ms = Math.round(performance.now() - started)
  pool.off('checkout', track)
  const { _sum } = await prisma.post.aggregate({ _sum: { views: true } })
  const views = _sum.views ?? 0
  log(`2. ${BURST} concurrent queries (${BURST / 2} writes, ${BURST / 2} reads) on a pool of ${POOL.size} connections to the file: all answered in ${ms} ms.`)
  log(`   At most ${peak.checkedOut} connections ran queries at once; up to ${peak.waiting} callers waited in the pool's queue. Views counted: ${views}.`)
  return views
}

/** 3. Interactive transactions: BEGIN IMMEDIATE takes SQLite's write lock; a failure rolls everything back. */
async function transactions(prisma: PrismaClient, log: (line: string) => void): Promise<void> {
  const moved = await prisma.$transaction(async (tx) => {
    const post = await tx.post.findFirstOrThrow({ where: { title: 'Debugging' } })
    const ada = await tx.author.findUniqueOrThrow({ where: { email: 'ada@example.com' } })
    return tx.post.update({ where: { id: post.id }, data: { authorId: ada.id }, select: { title: true, author: { select: { name: true } } } })
  })
  log(`3. A transaction moved "${moved.title}" to ${moved.author.name} (committed).`)
  const refused = await prisma
    .$transaction(async (tx) => {
      await tx.post.create({ data: { title: 'Never published', author: { connect: { email: 'brian@example.com' } } } })
      // The email is taken: Prisma's P2002, and the post above is rolled back with it.
      await tx.author.create({ data: { name: 'Ada again', email: 'ada@example.com' } })
    })
    .then(
      () => 'unexpectedly committed',
      (error: { code?: string }) => error.code ?? String(error),
    )
  const left = await prisma.post.count({ where: { title: 'Never published' } })
  log(`   Another failed with ${refused} (that email is taken), so its new post was rolled back too: ${left} such posts.`)
}

/** 4. The pool's own account of itself. */
function report(adapter: PrismaPoolJdbc, log: (line: string) => void): void {
  const stats = adapter.stats()
  const totals = stats.totals
  log(`\nadapter.status():\n   ${adapter.status()}`)
  log(`adapter.stats(), in words:`)
  log(`   open ${stats.open} = checked out ${stats.checkedOut} + idle ${stats.idle}; waiting ${stats.waiting}`)
  log(
    `   since start: ${totals.created} connections opened, ${totals.destroyed} closed, ${totals.checkouts} checkouts, ` +
      `${totals.resets} rolled back on return, ${totals.timeouts} timeouts; callers waited ${stats.acquireWait.meanMs.toFixed(1)} ms on average`,
  )
}

/** One readable line; a driver adapter error by its kind and cause. */
function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  const cause = error.cause as { kind?: string; originalMessage?: string } | undefined
  if (error.name === 'DriverAdapterError' && cause?.kind) return `${cause.kind}${cause.originalMessage ? ` (${cause.originalMessage})` : ''}`
  return `${error.name}: ${error.message.trim()}`
}

// Run as a program (not imported by the test): the file from the command line, if any; exits when done.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main({ file: process.argv[2] }).catch((error: unknown) => {
    console.error(`\nThe demo failed: ${describeError(error)}`)
    if (process.env.DEBUG) console.error(error)
    process.exitCode = 1
  })
}
