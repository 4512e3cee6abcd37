// prisma-pool on Oracle Database: Prisma 7 with a `postgresql` schema through @prisma-pool/oracle, whose translator
// turns Prisma's PostgreSQL statements into Oracle SQL. With ORACLE_URL, on your Oracle Database (PrismaPoolOracle,
// node-oracledb in Thin mode: no Oracle Client to install); without it, on H2 in Oracle mode in this process's JVM
// (PrismaPoolJdbc on the same Oracle dialect), so that the demo runs with no database server at all.
//
//   pnpm demo:oracle                                          (from the repository root: H2 in Oracle mode)
//   ORACLE_URL=oracle://app:secret@db:1521/FREEPDB1 pnpm demo:oracle
//
// On Oracle it creates two tables of its own, DemoAuthor and DemoPost, and drops them at the end; it refuses to
// start if they exist. The tables come from the package's DDL generator (oracleDdl, or the prisma-pool-oracle-ddl CLI).
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { PrismaPoolJdbc } from '@prisma-pool/jdbc'
import { PrismaPoolOracle } from '@prisma-pool/oracle'
import { oracleDdl } from '@prisma-pool/oracle/ddl'
import type { SqlDriverAdapterFactory } from '@prisma/client/runtime/client'
import { PrismaClient } from '../generated/prisma/client.js'

const SCHEMA = readFileSync(new URL('../prisma/schema.prisma', import.meta.url), 'utf8')
/** Debian's H2 (libh2-java), unless H2_JAR says otherwise. */
const H2_JAR = process.env.H2_JAR ?? '/usr/share/java/h2.jar'
/** On the JDBC route libuv's 4 threads serve at most 3 connections at once (one stays free): no overflow there. */
const POOL = { oracle: { size: 3, maxOverflow: 2 }, h2: { size: 3, maxOverflow: 0 } }

export interface DemoOptions {
  /** An oracle:// URL (default: ORACLE_URL); absent, H2 in Oracle mode. */
  oracleUrl?: string
  /** The JDBC classpath for H2 (default: H2_JAR, or Debian's /usr/share/java/h2.jar). */
  classpath?: string[]
  log?: (line: string) => void
}

export interface DemoResult {
  database: 'Oracle' | 'H2 (Oracle mode)'
  authors: number
  posts: number
  views: number
}

type Adapter = SqlDriverAdapterFactory & { status(): string }

export async function main(options: DemoOptions = {}): Promise<DemoResult> {
  const log = options.log ?? ((line: string) => console.log(line))
  const oracleUrl = options.oracleUrl ?? process.env.ORACLE_URL
  const database = oracleUrl ? 'Oracle' : 'H2 (Oracle mode)'
  const ddl = oracleDdl(SCHEMA, { target: oracleUrl ? 'oracle' : 'h2' })
  // NULLs sort as in Oracle only with DEFAULT_NULL_ORDERING=HIGH; DB_CLOSE_DELAY keeps the database while the JVM runs.
  const adapter: Adapter = oracleUrl
    ? new PrismaPoolOracle({ url: oracleUrl, pool: POOL.oracle })
    : new PrismaPoolJdbc({ url: 'jdbc:h2:mem:demo;MODE=Oracle;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1', classpath: options.classpath ?? [H2_JAR], pool: POOL.h2 })
  log(`prisma-pool: Prisma 7 (a postgresql schema) on ${database}, its SQL translated to Oracle's\n`)

  const admin = await adapter.connect()
  let prisma: PrismaClient | undefined
  try {
    log(`Creating the tables (${ddl.statements.length} statements from oracleDdl, e.g. ${ddl.statements[0]!.split('(')[0]!.trim()} …)`)
    for (const statement of ddl.statements) await admin.executeScript(statement)
    prisma = new PrismaClient({ adapter })
    const seeded = await seed(prisma, log)
    const views = await burst(prisma, oracleUrl ? POOL.oracle : POOL.h2, log)
    await transactions(prisma, log)
    log(`\nadapter.status():\n   ${adapter.status()}`)
    return { database, ...seeded, views }
  } finally {
    await prisma?.$disconnect()
    for (const statement of ddl.dropStatements) await admin.executeScript(statement).catch(() => {})
    await admin.dispose()
    log(`\nDropped the demo's tables and disconnected.`)
  }
}

/** 1. Authors with posts (nested creates: one transaction each), an upsert (a MERGE on Oracle), and reads with relations. */
async function seed(prisma: PrismaClient, log: (line: string) => void): Promise<{ authors: number; posts: number }> {
  const authors = [
    { name: 'Ada', email: 'ada@example.com', titles: ['Notes on the engine', 'Pools and queues'] },
    { name: 'Edgar', email: 'edgar@example.com', titles: ['A relational model'], role: 'EDITOR' as const, profile: { languages: ['SQL'] } },
    { name: 'Grace', email: 'grace@example.com', titles: ['Compilers', 'Nanoseconds', 'Debugging'] },
  ]
  for (const { titles, ...author } of authors) {
    await prisma.demoAuthor.create({ data: { ...author, posts: { create: titles.map((title, i) => ({ title, published: i === 0 })) } } })
  }
  await prisma.demoAuthor.upsert({ where: { email: 'ada@example.com' }, create: { name: 'Ada', email: 'ada@example.com' }, update: { name: 'Ada Lovelace' } })
  const read = await prisma.demoAuthor.findMany({
    orderBy: { id: 'asc' },
    include: { posts: { where: { published: true }, select: { title: true } }, _count: { select: { posts: true } } },
  })
  const posts = read.reduce((sum, author) => sum + author._count.posts, 0)
  log(`1. Wrote ${read.length} authors and ${posts} posts with nested creates, upserted one author, and read them back:`)
  for (const author of read) {
    log(`   ${author.name} <${author.email}> (${author.role}): ${author._count.posts} post${author._count.posts === 1 ? '' : 's'}, published: ${author.posts.map((post) => `"${post.title}"`).join(', ')}`)
  }
  const insensitive = await prisma.demoPost.findMany({ where: { title: { contains: 'POOL', mode: 'insensitive' } }, orderBy: { id: 'asc' }, take: 5, skip: 0, select: { title: true } })
  log(`   Titles containing "pool", any case (ILIKE → UPPER … LIKE UPPER …), first page: ${insensitive.map((post) => `"${post.title}"`).join(', ')}`)
  return { authors: read.length, posts }
}

/** 2. More concurrent queries than the pool has connections: they queue for one. */
async function burst(prisma: PrismaClient, pool: { size: number; maxOverflow: number }, log: (line: string) => void): Promise<number> {
  const posts = await prisma.demoPost.findMany({ select: { id: true } })
  const started = performance.now()
  await Promise.all(
    Array.from({ length: 30 }, (_, i) => {
      const id = posts[i % posts.length]!.id
      return i % 2 === 0 ? prisma.demoPost.update({ where: { id }, data: { views: { increment: 1 } } }) : prisma.demoPost.findFirst({ where: { id }, include: { author: true } })
    }),
  )
  const { _sum } = await prisma.demoPost.aggregate({ _sum: { views: true } })
  const views = _sum.views ?? 0
  log(`2. 30 concurrent queries (15 writes, 15 reads) on a pool of ${pool.size} + ${pool.maxOverflow} connections: answered in ${Math.round(performance.now() - started)} ms; views counted: ${views}.`)
  return views
}

/** 3. Interactive transactions: Oracle starts one with its first statement; a failure rolls all of it back. */
async function transactions(prisma: PrismaClient, log: (line: string) => void): Promise<void> {
  const moved = await prisma.$transaction(
    async (tx) => {
      const post = await tx.demoPost.findFirstOrThrow({ where: { title: 'Debugging' } })
      const ada = await tx.demoAuthor.findUniqueOrThrow({ where: { email: 'ada@example.com' } })
      return tx.demoPost.update({ where: { id: post.id }, data: { authorId: ada.id }, select: { title: true, author: { select: { name: true } } } })
    },
    { isolationLevel: 'Serializable' },
  )
  log(`3. A serializable transaction moved "${moved.title}" to ${moved.author.name} (committed).`)
  const refused = await prisma
    .$transaction(async (tx) => {
      await tx.demoPost.create({ data: { title: 'Never published', author: { connect: { email: 'edgar@example.com' } } } })
      await tx.demoAuthor.create({ data: { name: 'Ada again', email: 'ada@example.com' } })
    })
    .then(
      () => 'unexpectedly committed',
      (error: { code?: string }) => error.code ?? String(error),
    )
  const left = await prisma.demoPost.count({ where: { title: 'Never published' } })
  log(`   Another failed with ${refused} (that email is taken: ORA-00001 on Oracle), so its new post was rolled back too: ${left} such posts.`)
}

// Run as a program (not imported by the test).
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(`\nThe demo failed: ${error instanceof Error ? error.message : String(error)}`)
    if (process.env.DEBUG) console.error(error)
    process.exitCode = 1
  })
}
