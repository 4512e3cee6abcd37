// Part 4: does the pool stay cheap as waiters pile up, and does it keep anything per cycle? (i) With all 10
// connections held, N callers queue: the heap each waiter costs, then how fast the queue drains once the
// connections come back (each waiter releases at once, so the 10 connections pass down the queue). Raw tarn
// in the same scenario is the peer. (ii) Many acquire/release cycles: the heap retained afterwards must be
// the same as before (~0 bytes per 1000 cycles), or the pool leaks per checkout.
// Run alone with `pnpm bench:growth` (bench/run.ts growth); without --expose-gc, gc is borrowed from V8
// at run time (pool.ts), and if even that fails the heap figures are rough.
import { interleave, printTable, settings, type Row } from './harness.js'
import { gc, ourPool, rawTarn } from './pool.js'

const POOL_MAX = 10
const WAITERS = settings.quick ? [10, 100, 1000] : [10, 100, 1000, 10_000]
const CYCLES = settings.quick ? 50_000 : 1_000_000
const CYCLE_CALLERS = 16

/** Heap in use after a full collection (twice: the first can leave work that only the second finishes). */
function heapUsed(): number {
  gc?.()
  gc?.()
  return process.memoryUsage().heapUsed
}

/** How a subject is driven: acquire a connection, give it back, shut down. */
interface Pool<R> {
  acquire(): Promise<R>
  release(r: R): unknown
  close(): Promise<unknown>
}

const subjects: { name: string; peer?: string; make: () => Pool<unknown> }[] = [
  {
    name: 'tarn',
    make: () => {
      const tarn = rawTarn()
      return { acquire: () => tarn.acquire().promise, release: (r) => tarn.release(r as object), close: () => tarn.destroy() }
    },
  },
  {
    name: 'QueuePool',
    peer: 'tarn',
    make: () => {
      const pool = ourPool(true)
      type C = Awaited<ReturnType<typeof pool.acquire>>
      return { acquire: () => pool.acquire(), release: (c) => pool.release(c as C), close: () => pool.dispose() }
    },
  },
]

/** Figures the rows carry besides throughput (also in the JSON record). */
export interface GrowthRow extends Row {
  heapBytesPerWaiter?: number
  retainedBytesPer1000Cycles?: number
  heapBeforeBytes?: number
  heapAfterBytes?: number
}

/** Holds every connection, queues `n` waiters, measures their heap, then drains them; returns both figures. */
async function waiters(pool: Pool<unknown>, n: number) {
  const held = await Promise.all(Array.from({ length: POOL_MAX }, () => pool.acquire()))
  const queue: Promise<unknown>[] = new Array(n) // allocated before the baseline: only the waiters are counted
  const before = heapUsed()
  for (let i = 0; i < n; i++) queue[i] = pool.acquire()
  await new Promise(setImmediate) // every acquire has reached the pool's queue
  const bytesPerWaiter = (heapUsed() - before) / n
  const drained = queue.map((w) => w.then((r) => pool.release(r)))
  const start = performance.now()
  for (const r of held) void pool.release(r)
  await Promise.all(drained)
  const drainOpsPerSec = n / ((performance.now() - start) / 1000)
  await pool.close()
  return { bytesPerWaiter, drainOpsPerSec }
}

/** `total` acquire/release cycles from CYCLE_CALLERS callers sharing one count. */
async function cycles(pool: Pool<unknown>, total: number): Promise<void> {
  let left = total
  const caller = async () => {
    while (left-- > 0) {
      const pending = pool.release(await pool.acquire())
      if (pending) await pending
    }
  }
  await Promise.all(Array.from({ length: CYCLE_CALLERS }, caller))
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`

export async function runGrowthBench(): Promise<Row[]> {
  if (!gc) console.log('\n(no gc available: heap figures include garbage and are rough; run with node --expose-gc)')
  const rows: GrowthRow[] = []

  // (i) waiters: interleaved rounds, each on a fresh pool so that no run inherits another's queue or heap.
  // One unmeasured pass first: the first run in the process otherwise also frees start-up garbage that one
  // gc() had not reached, and a negative heap per waiter comes out.
  for (const s of subjects) await waiters(s.make(), 100)
  for (const n of WAITERS) {
    const heap = new Map<string, number[]>(subjects.map((s) => [s.name, []]))
    const runs = subjects.map((s) => ({
      name: s.name,
      peer: s.peer,
      run: async () => {
        const { bytesPerWaiter, drainOpsPerSec } = await waiters(s.make(), n)
        heap.get(s.name)!.push(bytesPerWaiter)
        return { opsPerSec: drainOpsPerSec }
      },
    }))
    const measured: GrowthRow[] = await interleave('growth', `waiters ${n}: drain`, n, settings.rounds, runs)
    for (const row of measured) row.heapBytesPerWaiter = median(heap.get(row.subject)!)
    rows.push(...measured)
  }

  // (ii) retained heap over many cycles, raw tarn alongside as the control (and the peer).
  for (const s of subjects) {
    const pool = s.make()
    await cycles(pool, Math.min(CYCLES, 50_000)) // warm-up: connections open, code optimised, queues at size
    const heapBeforeBytes = heapUsed()
    const start = performance.now()
    await cycles(pool, CYCLES)
    const opsPerSec = CYCLES / ((performance.now() - start) / 1000)
    const heapAfterBytes = heapUsed()
    await pool.close()
    const retainedBytesPer1000Cycles = (heapAfterBytes - heapBeforeBytes) / (CYCLES / 1000)
    const m = { opsPerSec }
    rows.push({
      part: 'growth',
      case: `${CYCLES} cycles`,
      subject: s.name,
      concurrency: CYCLE_CALLERS,
      peer: s.peer,
      ...m,
      rounds: [m],
      heapBeforeBytes,
      heapAfterBytes,
      retainedBytesPer1000Cycles,
    })
  }

  printGrowth(rows)
  return rows
}

/** The harness's throughput table, then the memory figures. */
function printGrowth(rows: GrowthRow[]) {
  printTable(`Growth: pool of ${POOL_MAX} held, N waiters queued then drained (callers = N); ${CYCLES} cycles from ${CYCLE_CALLERS} callers`, rows)
  const lines = [['case', 'subject', gc ? 'heap after gc' : 'heap (no gc: rough)']]
  for (const r of rows) {
    const heap =
      r.heapBytesPerWaiter !== undefined
        ? `${r.heapBytesPerWaiter.toFixed(0)} B per waiter`
        : `${r.retainedBytesPer1000Cycles!.toFixed(1)} B retained per 1000 cycles (${kib(r.heapBeforeBytes!)} -> ${kib(r.heapAfterBytes!)})`
    lines.push([r.case, r.subject, heap])
  }
  const widths = lines[0]!.map((_, i) => Math.max(...lines.map((line) => line[i]!.length)))
  console.log('\nMemory')
  for (const [i, line] of lines.entries()) {
    console.log(line.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd())
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '))
  }
}
