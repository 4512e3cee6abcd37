// `pnpm bench`: every part, one after the other, then one table of every figure with its ratio to its peer,
// and the raw numbers in bench/results/. `BENCH_QUICK=1` makes a short smoke run.
import { runAdapterBench } from './adapters.js'
import { runGrowthBench } from './growth.js'
import { machine, printTable, writeResults, type Row } from './harness.js'
import { runPoolBench } from './pool.js'

const m = machine()
console.log(`prisma-pool benchmarks on ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node.js ${m.node}`)
const rows: Row[] = [...(await runPoolBench()), ...(await runGrowthBench()), ...(await runAdapterBench())]
printTable('All figures (ratio: subject ÷ peer, measured in the same run, rounds interleaved)', rows)
console.log(`\nraw figures: ${writeResults('all', rows)}`)
