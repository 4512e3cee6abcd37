// The benchmarks' one entry point: `pnpm bench` runs every part, one after the other, then prints one table of every
// figure with its ratio to its peer, and writes the raw numbers to bench/results/. One part alone:
//
//   node --expose-gc --import tsx bench/run.ts pool|growth|adapters      (pnpm bench:pool, bench:growth, bench:adapters)
//
// BENCH_QUICK=1 makes a short smoke run; BENCH_ENGINE=pg or =mysql runs one engine of the adapter benchmark.
// The parts that need servers get them from bench/servers.ts (PG_TEST_URL / MYSQL_TEST_URL, or private ones).
import { machine, printTable, writeResults, type Row } from './harness.js'
import { benchServers } from './servers.js'

const PARTS = ['pool', 'growth', 'adapters'] as const
type Part = (typeof PARTS)[number]
const asked = process.argv[2]
if (asked !== undefined && !(PARTS as readonly string[]).includes(asked)) {
  console.error(`unknown part "${asked}": expected one of ${PARTS.join(', ')}, or none for all`)
  process.exit(2)
}
const parts: readonly Part[] = asked ? [asked as Part] : PARTS

const m = machine()
console.log(`prisma-pool benchmarks on ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node.js ${m.node}`)
// The adapter part runs on BENCH_ENGINE's server (or both); the pool part measures one SELECT 1 on PostgreSQL, to put a
// pool cycle in proportion.
const engine = process.env.BENCH_ENGINE
const servers = new Set<'pg' | 'mysql'>()
if (parts.includes('adapters')) for (const e of engine === 'pg' || engine === 'mysql' ? ([engine] as const) : (['pg', 'mysql'] as const)) servers.add(e)
if (parts.includes('pool')) servers.add('pg')
const stopServers = await benchServers([...servers])
try {
  // Imported once the servers are known: the adapter benchmark's helpers read their URLs when loaded.
  const rows: Row[] = []
  for (const part of parts) {
    if (part === 'pool') rows.push(...(await (await import('./pool.js')).runPoolBench()))
    if (part === 'growth') rows.push(...(await (await import('./growth.js')).runGrowthBench()))
    if (part === 'adapters') rows.push(...(await (await import('./adapters.js')).runAdapterBench()))
  }
  if (parts.length > 1) printTable('All figures (ratio: subject ÷ peer, measured in the same run, rounds interleaved)', rows)
  console.log(`\nraw figures: ${writeResults(asked ?? 'all', rows)}`)
} finally {
  await stopServers()
}
