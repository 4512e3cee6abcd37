// Part 1: what the pool itself costs, with no database. One cycle = acquire a connection, release it, against
// stub connections that answer at once, so everything measured is pool bookkeeping: our QueuePool (with its
// default pre-ping and without), the raw tarn it is built on (the peer of every ratio: "our pool vs raw
// tarn"), pg-pool (what @prisma/adapter-pg uses) and generic-pool. At the end, one cycle is set against one
// real query, to say whether the overhead matters.
import { EventEmitter } from 'node:events'
import { PerformanceObserver } from 'node:perf_hooks'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { createPool } from 'generic-pool'
import pg from 'pg'
import PgPool from 'pg-pool'
import { Pool as TarnPool } from 'tarn'
import type { EngineConnection, EngineDriver } from '@prisma-pool/core/engine'
// The pool itself, which no package exports: the benchmark measures it bare.
import { resolvePoolOptions } from '../packages/core/src/options.js'
import { QueuePool } from '../packages/core/src/pool.js'
import { interleave, measure, printTable, settings, type Row } from './harness.js'

const POOL_MAX = 10
const CONCURRENCIES = [1, 16, 256]

/** A full collection: `--expose-gc`'s gc(), or borrowed from V8 at run time; undefined if neither works. */
export const gc = ((): (() => void) | undefined => {
  if (globalThis.gc) return globalThis.gc
  try {
    // The flag reaches contexts created after it is set: a new context hands out its gc().
    setFlagsFromString('--expose-gc')
    return runInNewContext('gc') as () => void
  } catch {
    return undefined
  }
})()

// The pool never queries in these benchmarks; a call to anything but the checkout path is a bug here.
const unused = async (): Promise<never> => {
  throw new Error('not used by the pool benchmarks')
}

/** A connection that is always alive and never in a transaction, so release sends nothing. */
const stubConnection = (): EngineConnection => ({
  query: unused,
  execute: unused,
  executeScript: unused,
  ping: async () => {},
  begin: unused,
  commit: unused,
  rollback: unused,
  createSavepoint: unused,
  rollbackToSavepoint: unused,
  inTransaction: () => false,
  isBroken: () => false,
  close: async () => {},
  destroy: () => {},
})

export const stubDriver: EngineDriver = {
  provider: 'postgres',
  adapterName: 'stub',
  target: 'stub://bench',
  connect: async () => stubConnection(),
  convertError: () => undefined,
  connectionInfo: () => ({ supportsRelationJoins: false }),
}

/** Our pool as the tests build it: 10 connections, no overflow, a timeout no run comes near. */
export const ourPool = (prePing: boolean) =>
  new QueuePool(stubDriver, resolvePoolOptions({ size: POOL_MAX, maxOverflow: 0, prePing, timeout: 60 }))

/** A raw tarn pool, as our pool would be without its checks. */
export const rawTarn = () =>
  new TarnPool<object>({ min: 0, max: POOL_MAX, acquireTimeoutMillis: 60_000, create: async () => ({}), destroy: () => {} })

/**
 * What pg-pool needs of a Client: connect(cb), end(cb), EventEmitter, and `_queryable` true with `_ending`
 * false — without those two, pg-pool closes the client on release instead of keeping it idle.
 */
class StubClient extends EventEmitter {
  _queryable = true
  _ending = false
  connect(callback: (error?: Error) => void) {
    callback()
  }
  end(callback?: () => void) {
    callback?.()
  }
}

interface Contender {
  name: string
  peer?: string
  cycle: () => Promise<void>
  close: () => Promise<unknown>
}

function contenders(): Contender[] {
  const tarn = rawTarn()
  const ours = ourPool(true)
  const oursNoPing = ourPool(false)
  // Defaults otherwise, as pg users get them (an idle timer set on every release and cleared on checkout).
  // The stub is not a pg.Client; pg-pool only calls what StubClient has.
  const pgPool = new PgPool({ max: POOL_MAX, Client: StubClient as never })
  const generic = createPool({ create: async () => ({}), destroy: async () => {} }, { max: POOL_MAX, min: 0 })
  return [
    {
      name: 'tarn',
      cycle: async () => {
        tarn.release(await tarn.acquire().promise)
      },
      close: () => tarn.destroy(),
    },
    {
      name: 'QueuePool',
      peer: 'tarn',
      cycle: async () => {
        const pending = ours.release(await ours.acquire())
        if (pending) await pending
      },
      close: () => ours.dispose(),
    },
    {
      name: 'QueuePool prePing off',
      peer: 'tarn',
      cycle: async () => {
        const pending = oursNoPing.release(await oursNoPing.acquire())
        if (pending) await pending
      },
      close: () => oursNoPing.dispose(),
    },
    {
      name: 'pg-pool',
      peer: 'tarn',
      cycle: async () => {
        ;(await pgPool.connect()).release()
      },
      close: () => pgPool.end(),
    },
    {
      name: 'generic-pool',
      peer: 'tarn',
      cycle: async () => {
        await generic.release(await generic.acquire())
      },
      close: async () => {
        await generic.drain()
        await generic.clear()
      },
    },
  ]
}

/**
 * Nanoseconds of one `SELECT 1` on one pg.Client, sequential: the cheapest query an adapter can send (a real
 * Prisma query adds the adapter's conversions and Prisma's own work), so the share computed from it is an
 * upper bound. On the server of PG_TEST_URL, which run.ts sets.
 */
async function selectOneNs(): Promise<number> {
  const client = new pg.Client({ connectionString: process.env.PG_TEST_URL })
  await client.connect()
  try {
    for (let i = 0; i < 200; i++) await client.query('SELECT 1') // warm-up: JIT, server plan cache
    const n = 2000
    const start = performance.now()
    for (let i = 0; i < n; i++) await client.query('SELECT 1')
    return ((performance.now() - start) * 1e6) / n
  } finally {
    await client.end()
  }
}

/** The concurrency at which garbage collection is measured: most callers wait, as under a burst of load. */
const QUEUEING = 256

/**
 * Time spent in garbage collection while each subject runs at QUEUEING callers (from the `gc` performance entries),
 * per second of the run and per cycle: what waiting callers cost the heap.
 */
async function gcUnderQueueing(all: Contender[], runMs: number): Promise<{ subject: string; msPerSecond: number; nsPerCycle: number }[]> {
  const results = []
  for (const c of all) {
    gc?.()
    let gcMs = 0
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) gcMs += entry.duration
    })
    observer.observe({ entryTypes: ['gc'] })
    const started = performance.now()
    const { opsPerSec } = await measure(c.cycle, QUEUEING, runMs)
    const seconds = (performance.now() - started) / 1000
    // The entries of the run's last collections arrive on a later turn of the event loop.
    await new Promise((resolve) => setTimeout(resolve, 20))
    observer.disconnect()
    results.push({ subject: c.name, msPerSecond: gcMs / seconds, nsPerCycle: (gcMs * 1e6) / (opsPerSec * seconds) })
  }
  return results
}

/** A row with what the README quotes besides throughput. */
export interface PoolRow extends Row {
  nsPerCycle?: number
  /** One cycle as a share of one `SELECT 1`, in percent. */
  percentOfQuery?: number
  /** Garbage collection per cycle, in ns, at QUEUEING callers (see gcUnderQueueing). */
  gcNsPerCycle?: number
}

export async function runPoolBench(): Promise<Row[]> {
  const all = contenders()
  const runMs = settings.seconds(0.5) * 1000
  // Warm-up, so that the first subject of the first round is not the one that pays for the JIT.
  for (const c of all) await measure(c.cycle, 16, settings.seconds(0.25) * 1000)

  const rows: PoolRow[] = []
  for (const concurrency of CONCURRENCIES) {
    // A collection before each run: the garbage the previous subject left is not collected on this one's time.
    const subjects = all.map((c) => ({
      name: c.name,
      peer: c.peer,
      run: () => {
        gc?.()
        return measure(c.cycle, concurrency, runMs)
      },
    }))
    rows.push(...(await interleave('pool', 'acquire + release', concurrency, settings.rounds, subjects)))
  }

  const garbage = await gcUnderQueueing(all, runMs)
  await Promise.all(all.map((c) => c.close()))

  const queryNs = await selectOneNs()
  for (const row of rows) {
    row.nsPerCycle = 1e9 / row.opsPerSec
    row.percentOfQuery = (100 * row.nsPerCycle) / queryNs
  }
  const q = 1e9 / queryNs
  rows.push({ part: 'pool', case: 'reference: pg SELECT 1', subject: 'pg.Client', concurrency: 1, opsPerSec: q, nsPerCycle: queryNs, rounds: [{ opsPerSec: q }] })

  printTable('Pool overhead: acquire + release against a stub connection (no database), pool of 10', rows)
  const lines = [['subject', 'callers', 'ns per cycle', `% of one SELECT 1 (${(queryNs / 1000).toFixed(1)} µs)`]]
  for (const row of rows.filter((r) => r.case === 'acquire + release')) {
    lines.push([row.subject, String(row.concurrency), row.nsPerCycle!.toFixed(0), row.percentOfQuery === undefined ? '' : `${row.percentOfQuery.toFixed(2)} %`])
  }
  const widths = lines[0]!.map((_, i) => Math.max(...lines.map((line) => line[i]!.length)))
  console.log('\nCost per cycle (1e9 / throughput; HikariCP: ~90 ns in the JVM)')
  for (const line of lines) console.log(line.map((cell, i) => (i >= 2 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  '))
  console.log(`\nGarbage collection under queueing (${QUEUEING} callers, pool of ${POOL_MAX}; each subject once, after the rounds)`)
  for (const g of garbage) console.log(`${g.subject.padEnd(22)} ${g.msPerSecond.toFixed(1).padStart(6)} ms of GC per s  ${g.nsPerCycle.toFixed(0).padStart(5)} ns per cycle`)
  for (const g of garbage) {
    const row = rows.find((r) => r.subject === g.subject && r.concurrency === QUEUEING && r.case === 'acquire + release')
    if (row) row.gcNsPerCycle = g.nsPerCycle
  }
  return rows
}
