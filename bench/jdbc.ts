// Part 6: PrismaPoolJdbc on PostgreSQL (pgjdbc through node-java) beside PrismaPoolPg and @prisma/adapter-pg, through
// the same generated Prisma Client, pool size and server, rounds interleaved; and the event loop while the JDBC
// subject runs (every JDBC call is one crossing into the JVM: the longest stall of the loop says whether one blocks).
//
//   pnpm bench jdbc            (UV_THREADPOOL_SIZE: the bench scripts give libuv 24 threads, more than the pool needs)
import { PrismaPg } from '@prisma/adapter-pg'
import { PrismaPoolPg } from '@prisma-pool/pg'
import { PrismaPoolJdbc } from '@prisma-pool/jdbc'
import { PrismaClient } from '../packages/pg/test/generated/prisma/client.js'
import { pgFixture } from '../test-support/engines/pg.js'
import { TEST_CLASSPATH } from '../test-support/jdbc/classpath.js'
import { jdbcPostgresUrl } from '../test-support/jdbc/pg.js'
import { CONCURRENCY, operations, POOL_SIZE, seed, type Client, type Operation } from './adapters.js'
import { interleave, measure, printTable, settings, type Measurement, type Row } from './harness.js'

/**
 * How late a 1 ms timer runs while a subject runs, round after round: the event loop's stalls (a blocking call, GC, a
 * long callback). Started and stopped around each round, so that the time between rounds never counts.
 */
class LoopWatch {
  readonly #delays: number[] = []
  maxMs = 0

  start(): () => void {
    let last = performance.now()
    const timer = setInterval(() => {
      const t = performance.now()
      const late = Math.max(0, t - last - 1)
      this.#delays.push(late)
      if (late > this.maxMs) this.maxMs = late
      last = t
    }, 1)
    return () => clearInterval(timer)
  }

  percentile(p: number): number {
    const sorted = [...this.#delays].sort((a, b) => a - b)
    return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0
  }
}

interface Stall {
  op: Operation
  concurrency: number
  /** The longest event-loop delay seen while the JDBC subject ran, in ms (every round). */
  maxMs: number
  p99Ms: number
  /** The same for the pg adapter, in the same rounds: the baseline. */
  pgMaxMs: number
}

export async function runJdbcBench(): Promise<{ rows: Row[]; stalls: Stall[] }> {
  const server = process.env.PG_TEST_URL!
  const dbs = await Promise.all(['jdbc_pg', 'jdbc_ours', 'jdbc_off'].map((name) => pgFixture.createDatabase(`bench_${name}`, server)))
  const [jdbcDb, oursDb, officialDb] = dbs as [(typeof dbs)[0], (typeof dbs)[0], (typeof dbs)[0]]
  const pool = { size: POOL_SIZE, maxOverflow: 0 }
  const clients = {
    jdbc: new PrismaClient({ adapter: new PrismaPoolJdbc({ ...jdbcPostgresUrl(jdbcDb.url), classpath: TEST_CLASSPATH, pool }) }),
    ours: new PrismaClient({ adapter: new PrismaPoolPg({ connectionString: oursDb.url, pool }) }),
    official: new PrismaClient({ adapter: new PrismaPg({ connectionString: server, max: POOL_SIZE }, { schema: officialDb.name }) }),
  } as unknown as Record<'jdbc' | 'ours' | 'official', Client>
  const rows: Row[] = []
  const stalls: Stall[] = []
  try {
    await Promise.all(Object.values(clients).map(seed))
    const ops = { jdbc: operations(clients.jdbc), ours: operations(clients.ours), official: operations(clients.official) }
    const seconds = settings.seconds(1)
    for (const op of (Object.keys(ops.jdbc) as Operation[]).filter((name) => settings.includes(name))) {
      for (const subject of Object.values(ops)) await measure(subject[op], 16, seconds * 300)
      for (const concurrency of CONCURRENCY) {
        // The event loop while each of ours runs: the pg adapter's is the baseline (timers, GC, the machine).
        const loops = { jdbc: new LoopWatch(), ours: new LoopWatch() }
        const watched = (name: 'jdbc' | 'ours') => async (): Promise<Measurement> => {
          const stop = loops[name].start()
          try {
            return await measure(ops[name][op], concurrency, seconds * 1000, true)
          } finally {
            stop()
          }
        }
        rows.push(
          ...(await interleave('jdbc PostgreSQL', op, concurrency, settings.rounds, [
            { name: 'official', run: () => measure(ops.official[op], concurrency, seconds * 1000, true) },
            { name: 'prisma-pool pg', peer: 'official', run: watched('ours') },
            { name: 'prisma-pool jdbc', peer: 'prisma-pool pg', run: watched('jdbc') },
          ])),
        )
        stalls.push({ op, concurrency, maxMs: loops.jdbc.maxMs, p99Ms: loops.jdbc.percentile(99), pgMaxMs: loops.ours.maxMs })
      }
    }
  } finally {
    await Promise.all(Object.values(clients).map((client) => client.$disconnect()))
    await Promise.all(dbs.map((db) => db.drop()))
  }
  printTable(`PostgreSQL through Prisma Client, pool of ${POOL_SIZE}: JDBC (pgjdbc) ÷ prisma-pool pg, prisma-pool pg ÷ official`, rows)
  const find = (op: string, concurrency: number, subject: string) => rows.find((r) => r.case === op && r.concurrency === concurrency && r.subject === subject)!
  console.log('\nJDBC ÷ official, and the event loop while JDBC ran (longest delay, 99th percentile; the pg adapter\'s longest beside it):')
  for (const stall of stalls) {
    const jdbc = find(stall.op, stall.concurrency, 'prisma-pool jdbc')
    const official = find(stall.op, stall.concurrency, 'official')
    console.log(
      `  ${stall.op.padEnd(12)} ${String(stall.concurrency).padStart(3)} callers: ${(jdbc.opsPerSec / official.opsPerSec).toFixed(2)}× official; ` +
        `loop delay max ${stall.maxMs.toFixed(1)} ms, p99 ${stall.p99Ms.toFixed(1)} ms (pg adapter: max ${stall.pgMaxMs.toFixed(1)} ms)`,
    )
  }
  return { rows, stalls }
}
