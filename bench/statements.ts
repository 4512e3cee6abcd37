// Part 6: what the PostgreSQL statement cache saves the server. A Prisma `findFirst` by id (not findUnique, which Prisma
// batches across concurrent callers), through a generated Prisma Client, from 1 and 8 callers, with a pool of 8 for every subject:
//
//  - cached:   @prisma-pool/pg, default statement cache (each SQL text prepared once per connection)
//  - unnamed:  @prisma-pool/pg, statementCacheSize 0 (unnamed statements: parsed and planned every time)
//  - official: @prisma/adapter-pg (unnamed statements)
//  - pgbouncer: @prisma-pool/pg, default options, through a private PgBouncer in transaction mode (default_pool_size 8):
//    the adapter finds the pooler and sends unnamed statements
//
// Server CPU: utime + stime (/proc/<pid>/stat) of every client backend of the server, before and after a run of a
// fixed number of statements, over the statements (PgBouncer's own CPU is shown apart). The server must run on this
// machine: the private one of bench/servers.ts, or a local PG_TEST_URL. Then the cost of the pooler detection at
// connect (one `SELECT pg_backend_pid()` round trip): the time to open a connection, ours (PgDriver.connect, no schema,
// so that round trip is the whole set-up) against a bare pg.Client connect, directly and through PgBouncer.
//
//   node --import tsx bench/statements.ts          (starts its own server unless PG_TEST_URL is set)
//   BENCH_STATEMENTS=N statements per run (default 20000), BENCH_ROUNDS=N rounds (default 4), BENCH_QUICK=1 a smoke run
import { PrismaPoolPg } from '@prisma-pool/pg'
import { PrismaPg } from '@prisma/adapter-pg'
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import pg from 'pg'
import { PgDriver } from '../packages/pg/src/driver.js'
import { resolvePgOptions } from '../packages/pg/src/options.js'
import { PrismaClient } from '../packages/pg/test/generated/prisma/client.js'
import { ENGINES } from '../test-support/engines/index.js'
import { pgFixture } from '../test-support/engines/pg.js'
import { PgBouncerServer } from '../test-support/servers/pgbouncer.js'
import { interleave, settings, writeResults, type Measurement, type Row, type Subject } from './harness.js'
import { connectAlone } from '../test-support/engine-context.js'

const POOL = 8
const CALLERS = [1, 8]
const USERS = 100
const STATEMENTS = Number(process.env.BENCH_STATEMENTS) || (settings.quick ? 2000 : 20_000)
const CONNECTS = settings.quick ? 20 : 200
const TICK_US = 1e6 / Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }))

/** utime + stime of a process, in clock ticks (0 once it is gone). */
function cpuTicks(pid: number): number {
  try {
    // Fields 14 and 15; the command name (field 2, in brackets) may hold spaces, so count from its end.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    return Number(fields[11]) + Number(fields[12])
  } catch {
    return 0
  }
}

/** CPU ticks of every client backend but the monitor's own, by pid. */
async function backendTicks(monitor: pg.Client): Promise<Map<number, number>> {
  const { rows } = await monitor.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()")
  return new Map(rows.map(({ pid }) => [pid, cpuTicks(pid)]))
}

interface StatementMeasurement extends Measurement {
  serverUs: number
  poolerUs?: number
}

/** `total` calls of `op` from `callers` callers: throughput, and the server's (and pooler's) CPU per statement. */
async function run(op: () => Promise<unknown>, callers: number, total: number, statementsPerOp: number, monitor: pg.Client, poolerPid?: number): Promise<StatementMeasurement> {
  // A short burst first, so that every connection of the pool is open (and counted) before the measured run.
  await Promise.all(Array.from({ length: POOL }, op))
  const before = await backendTicks(monitor)
  const poolerBefore = poolerPid ? cpuTicks(poolerPid) : 0
  let left = total
  const start = performance.now()
  await Promise.all(Array.from({ length: callers }, async () => {
    while (left-- > 0) await op()
  }))
  const seconds = (performance.now() - start) / 1000
  const after = await backendTicks(monitor)
  let ticks = 0
  for (const [pid, t] of after) ticks += t - (before.get(pid) ?? 0)
  const statements = total * statementsPerOp
  return {
    opsPerSec: statements / seconds,
    serverUs: (ticks * TICK_US) / statements,
    poolerUs: poolerPid ? ((cpuTicks(poolerPid) - poolerBefore) * TICK_US) / statements : undefined,
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

/** Mean time to open one connection (connect + set-up), over `CONNECTS` opened one after the other and closed untimed. */
async function connectTime(open: () => Promise<() => Promise<unknown>>): Promise<Measurement> {
  let ms = 0
  for (let i = 0; i < CONNECTS; i++) {
    const start = performance.now()
    const close = await open()
    ms += performance.now() - start
    await close()
  }
  return { opsPerSec: (1000 * CONNECTS) / ms, p50Ms: ms / CONNECTS }
}

export interface StatementRow extends Row {
  serverUs: number
  poolerUs?: number
}

/** The statement-cache benchmark on PG_TEST_URL's server; prints its tables and returns the figures. */
export async function runStatementBench(): Promise<{ statements: StatementRow[]; connects: Row[] }> {
  const url = process.env[ENGINES.pg.variable]
  if (!url) throw new Error(`set ${ENGINES.pg.variable} (bench/servers.ts does)`)
  const schema = await pgFixture.createDatabase('bench_stmt', url)
  const monitor = new pg.Client({ connectionString: url })
  await monitor.connect()
  const [{ pid: serverPid }] = (await monitor.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows as [{ pid: number }]
  if (!/^postgres/.test(readFileSync(`/proc/${serverPid}/comm`, 'utf8'))) throw new Error('the server must run on this machine: its backends are read in /proc')
  await monitor.query(`INSERT INTO "${schema.name}"."User" (email, name) SELECT 'u' || i || '@bench', 'user ' || i FROM generate_series(1, ${USERS}) i`)
  const bouncer = await PgBouncerServer.start({ target: url, poolMode: 'transaction', settings: { default_pool_size: POOL } })
  const bouncerPid = Number(readFileSync(join(bouncer.directory, 'pgbouncer.pid'), 'utf8'))
  console.log(`statements: ${bouncer.description}`)
  const ours = (connectionString: string, statementCacheSize?: number) =>
    new PrismaPoolPg({ connectionString, schema: schema.name, statementCacheSize, pool: { size: POOL, maxOverflow: 0 } })
  const clients = {
    cached: new PrismaClient({ adapter: ours(url) }),
    unnamed: new PrismaClient({ adapter: ours(url, 0) }),
    official: new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: POOL, idleTimeoutMillis: 0 }, { schema: schema.name }) }),
    pgbouncer: new PrismaClient({ adapter: ours(bouncer.url) }),
  }
  try {
    // How many statements Prisma sends per call from 8 callers. findFirst: one each. findUnique would be fewer: Prisma
    // batches the findUnique calls of one tick into one statement, so its calls are not statements.
    const probe = new PrismaClient({ adapter: ours(url), log: [{ emit: 'event', level: 'query' }] })
    let sent = 0
    probe.$on('query', () => sent++)
    const perCall = async (call: (id: number) => Promise<unknown>) => {
      sent = 0
      for (let i = 0; i < 100; i++) await Promise.all(Array.from({ length: 8 }, (_, j) => call(1 + j)))
      return sent / 800
    }
    const perOp = await perCall((id) => probe.user.findFirst({ where: { id } }))
    const unique = await perCall((id) => probe.user.findUnique({ where: { id } }))
    await probe.$disconnect()
    console.log(`statements: ${perOp} SQL statement per findFirst from 8 callers (findUnique: ${unique}); ${STATEMENTS} findFirst per run`)

    const statements: StatementRow[] = []
    for (const callers of CALLERS) {
      const subjects: Subject[] = Object.entries(clients).map(([name, client]) => {
        let next = 0
        const op = () => client.user.findFirst({ where: { id: 1 + (next++ % USERS) } })
        return { name, peer: name === 'official' ? undefined : 'official', run: () => run(op, callers, STATEMENTS, perOp, monitor, name === 'pgbouncer' ? bouncerPid : undefined) }
      })
      // Warm up every client (connections, plans, the JIT) before anything is measured.
      for (const subject of subjects) await subject.run()
      for (const row of await interleave('statements', 'findFirst', callers, settings.rounds, subjects)) {
        const rounds = row.rounds as StatementMeasurement[]
        const pooler = rounds.flatMap((m) => (m.poolerUs === undefined ? [] : [m.poolerUs]))
        statements.push({ ...row, serverUs: median(rounds.map((m) => m.serverUs)), poolerUs: pooler.length ? median(pooler) : undefined })
      }
    }

    const driver = (connectionString: string) => new PgDriver(resolvePgOptions({ connectionString }))
    // A bare connect, and one followed by the round trip our detection makes (to tell that round trip from the rest).
    const bare = (connectionString: string, query?: string) => async () => {
      const client = new pg.Client({ connectionString })
      await client.connect()
      if (query) await client.query(query)
      return () => client.end()
    }
    const viaDriver = (d: PgDriver) => async () => {
      const conn = await connectAlone(d, 'bench_connect', 10_000)
      return () => conn.close()
    }
    const connects = await interleave('statements', 'connect', 1, settings.rounds, [
      ...[['', url], [' via pgbouncer', bouncer.url] as const].flatMap(([via, target]) => [
        { name: `pg.Client${via}`, run: () => connectTime(bare(target)) },
        { name: `pg.Client + pid query${via}`, peer: `pg.Client${via}`, run: () => connectTime(bare(target, 'SELECT pg_backend_pid()')) },
        { name: `prisma-pool${via}`, peer: `pg.Client${via}`, run: () => connectTime(viaDriver(driver(target))) },
      ]),
    ])
    printFigures(statements, connects)
    return { statements, connects }
  } finally {
    await Promise.all(Object.values(clients).map((client) => client.$disconnect()))
    await monitor.end()
    await bouncer.stop()
    await schema.drop()
  }
}

function printLines(title: string, lines: string[][]): void {
  const widths = lines[0]!.map((_, i) => Math.max(...lines.map((line) => line[i]!.length)))
  console.log(`\n${title}`)
  for (const [i, line] of lines.entries()) {
    console.log(line.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '))
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '))
  }
}

function printFigures(statements: StatementRow[], connects: Row[]): void {
  const official = (row: StatementRow) => statements.find((r) => r.concurrency === row.concurrency && r.subject === 'official')!
  printLines(`findFirst by id through Prisma Client, pool of ${POOL}, ${STATEMENTS} per run, medians of ${settings.rounds} rounds (server CPU: all client backends)`, [
    ['subject', 'callers', 'server CPU µs/stmt', 'vs official', 'statements/s', 'vs official', 'PgBouncer CPU µs/stmt'],
    ...statements.map((r) => [
      r.subject,
      String(r.concurrency),
      r.serverUs.toFixed(1),
      `${(r.serverUs / official(r).serverUs).toFixed(2)}×`,
      r.opsPerSec.toFixed(0),
      `${(r.opsPerSec / official(r).opsPerSec).toFixed(2)}×`,
      r.poolerUs === undefined ? '' : r.poolerUs.toFixed(1),
    ]),
  ])
  printLines(`Opening a connection (connect + set-up; ours: PgDriver.connect, no schema), mean of ${CONNECTS}, medians of ${settings.rounds} rounds`, [
    ['subject', 'ms per connect', 'extra vs bare'],
    ...connects.map((r) => {
      const peer = connects.find((p) => p.subject === r.peer)
      return [r.subject, r.p50Ms!.toFixed(3), peer ? `+${((r.p50Ms! - peer.p50Ms!) * 1000).toFixed(0)} µs` : '']
    }),
  ])
}

// Run alone: a server of its own (unless PG_TEST_URL is set), the figures to bench/results/statements-*.json.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { benchServers } = await import('./servers.js')
  const stop = await benchServers(['pg'])
  try {
    console.log(`\nraw figures: ${writeResults('statements', await runStatementBench())}`)
  } finally {
    await stop()
  }
}
