// The benchmarks' one entry point: `pnpm bench` runs every part, one after the other, then prints one table of every
// figure with its ratio to its peer, and writes the raw numbers to bench/results/. One part alone:
//
//   node --expose-gc --import tsx bench/run.ts pool|growth|adapters|statements|faults|jdbc|oracle      (pnpm bench:pool,
//   bench:growth, bench:adapters; pnpm bench statements, pnpm bench faults, pnpm bench jdbc, pnpm bench oracle)
//
// BENCH_QUICK=1 makes a short smoke run; BENCH_ENGINE=pg, =mysql (an engine id of test-support/engines, or several,
// comma-separated) runs those engines of the adapter and fault benchmarks.
// The pool and adapter parts get their servers from bench/servers.ts (PG_TEST_URL / MYSQL_TEST_URL, or private ones);
// the fault part starts private ones of its own, which it stops and restarts.
import { selectEngines, type EngineId } from '../test-support/engines/index.js'
import { machine, printTable, writeResults, type Row } from './harness.js'
import { benchServers } from './servers.js'

const PARTS = ['pool', 'growth', 'adapters', 'statements', 'faults', 'jdbc', 'oracle'] as const
type Part = (typeof PARTS)[number]
const asked = process.argv[2]
if (asked !== undefined && !(PARTS as readonly string[]).includes(asked)) {
  console.error(`unknown part "${asked}": expected one of ${PARTS.join(', ')}, or none for all`)
  process.exit(2)
}
const parts: readonly Part[] = asked ? [asked as Part] : PARTS

const m = machine()
console.log(`prisma-pool benchmarks on ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node.js ${m.node}`)
// The adapter part runs on the servers of BENCH_ENGINE's engines (every engine of test-support/engines by default);
// the pool part measures one SELECT 1 on PostgreSQL, to put a pool cycle in proportion.
let engines: EngineId[]
try {
  engines = selectEngines(process.env.BENCH_ENGINE, 'BENCH_ENGINE')
} catch (error) {
  console.error((error as Error).message)
  process.exit(2)
}
const servers = new Set<EngineId>()
if (parts.includes('adapters')) for (const e of engines) servers.add(e)
if (parts.includes('pool') || parts.includes('statements') || parts.includes('jdbc')) servers.add('pg')
const stopServers = await benchServers([...servers])
try {
  // Imported once the servers are known: the adapter benchmark's helpers read their URLs when loaded.
  const rows: Row[] = []
  // Times to heal, not throughput: their own tables, and beside the rows in the JSON record.
  let faults: unknown
  // Server CPU per statement and connect costs: their own tables too.
  let statements: unknown
  // The event loop under the JDBC adapter.
  let jdbcStalls: unknown
  // The Oracle dialect's translator: µs per statement, no server.
  let oracleTranslator: unknown
  for (const part of parts) {
    if (part === 'pool') rows.push(...(await (await import('./pool.js')).runPoolBench()))
    if (part === 'growth') rows.push(...(await (await import('./growth.js')).runGrowthBench()))
    if (part === 'adapters') rows.push(...(await (await import('./adapters.js')).runAdapterBench(engines)))
    if (part === 'statements') statements = await (await import('./statements.js')).runStatementBench()
    if (part === 'faults') faults = await (await import('./faults.js')).runFaultBench(engines)
    if (part === 'jdbc') {
      const { rows: jdbcRows, stalls } = await (await import('./jdbc.js')).runJdbcBench()
      rows.push(...jdbcRows)
      jdbcStalls = stalls
    }
    if (part === 'oracle') oracleTranslator = (await import('./oracle.js')).runOracleBench()
  }
  if (parts.length > 1) printTable('All figures (ratio: subject ÷ peer, measured in the same run, rounds interleaved)', rows)
  console.log(`\nraw figures: ${writeResults(asked ?? 'all', faults || statements || jdbcStalls || oracleTranslator ? { figures: rows, statements, faults, jdbcStalls, oracleTranslator } : rows)}`)
} finally {
  await stopServers()
}
