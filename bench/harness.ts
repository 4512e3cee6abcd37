// The measuring tools every part shares: timed runs at a given concurrency, rounds interleaved across the
// subjects so that machine drift touches all of them alike, medians, a table with ratios, a JSON record.
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'

export interface Measurement {
  opsPerSec: number
  /** Latency percentiles in milliseconds, when recorded. */
  p50Ms?: number
  p99Ms?: number
}

/** One line of the final table: a subject measured in a case, at a concurrency, and its peer for the ratio. */
export interface Row extends Measurement {
  part: string
  case: string
  subject: string
  concurrency: number
  /** The subject this row is compared with (same part, case and concurrency). */
  peer?: string
  /** Every round, for the JSON record. */
  rounds: Measurement[]
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!
}

/**
 * Runs `op` from `concurrency` callers in a loop for `durationMs`, and reports operations per second and,
 * with `latency`, the 50th and 99th percentile of one operation's duration.
 */
export async function measure(op: () => Promise<unknown>, concurrency: number, durationMs: number, latency = false): Promise<Measurement> {
  let latencies = new Float64Array(latency ? 1 << 16 : 0)
  let count = 0
  const start = performance.now()
  const end = start + durationMs
  const caller = async () => {
    while (performance.now() < end) {
      const before = latency ? performance.now() : 0
      await op()
      if (latency) {
        if (count === latencies.length) {
          const grown = new Float64Array(latencies.length * 2)
          grown.set(latencies)
          latencies = grown
        }
        latencies[count] = performance.now() - before
      }
      count++
    }
  }
  await Promise.all(Array.from({ length: concurrency }, caller))
  const seconds = (performance.now() - start) / 1000
  if (!latency) return { opsPerSec: count / seconds }
  const sorted = latencies.subarray(0, count).sort()
  return { opsPerSec: count / seconds, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99) }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

export interface Subject {
  name: string
  /** Measures once; called once per round. */
  run(): Promise<Measurement>
  /** The subject this one is compared with. */
  peer?: string
}

/** Measures every subject `rounds` times, round by round (A B C, B C A …), and keeps each one's median. */
export async function interleave(part: string, caseName: string, concurrency: number, rounds: number, subjects: Subject[]): Promise<Row[]> {
  const all = new Map<string, Measurement[]>(subjects.map((s) => [s.name, []]))
  for (let round = 0; round < rounds; round++) {
    // Each round starts with the next subject, so none always runs right after another's burst (a write
    // benchmark leaves WAL flushes and dirty pages to whoever runs next).
    for (let i = 0; i < subjects.length; i++) {
      const subject = subjects[(round + i) % subjects.length]!
      all.get(subject.name)!.push(await subject.run())
    }
  }
  return subjects.map((subject) => {
    const measured = all.get(subject.name)!
    const p50s = measured.flatMap((m) => (m.p50Ms === undefined ? [] : [m.p50Ms]))
    const p99s = measured.flatMap((m) => (m.p99Ms === undefined ? [] : [m.p99Ms]))
    return {
      part,
      case: caseName,
      subject: subject.name,
      concurrency,
      peer: subject.peer,
      opsPerSec: median(measured.map((m) => m.opsPerSec)),
      p50Ms: p50s.length ? median(p50s) : undefined,
      p99Ms: p99s.length ? median(p99s) : undefined,
      rounds: measured,
    }
  })
}

const fmtOps = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} M/s` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k/s` : `${n.toFixed(0)} /s`)
const fmtMs = (n: number | undefined) => (n === undefined ? '' : n < 1 ? `${(n * 1000).toFixed(0)} µs` : `${n.toFixed(2)} ms`)

/** Throughput of `row` over its peer's, in the same part, case and concurrency. */
export function ratio(row: Row, rows: Row[]): number | undefined {
  const peer = rows.find((r) => r.part === row.part && r.case === row.case && r.concurrency === row.concurrency && r.subject === row.peer)
  return peer ? row.opsPerSec / peer.opsPerSec : undefined
}

/** Prints the rows as one table: throughput, latency, and the ratio to the peer. */
export function printTable(title: string, rows: Row[]): void {
  const lines = [['part', 'case', 'callers', 'subject', 'throughput', 'p50', 'p99', 'vs peer']]
  for (const row of rows) {
    const r = ratio(row, rows)
    lines.push([
      row.part,
      row.case,
      String(row.concurrency),
      row.subject,
      fmtOps(row.opsPerSec),
      fmtMs(row.p50Ms),
      fmtMs(row.p99Ms),
      r === undefined ? '' : `${r.toFixed(2)}× ${row.peer}`,
    ])
  }
  const widths = lines[0]!.map((_, i) => Math.max(...lines.map((line) => line[i]!.length)))
  console.log(`\n${title}`)
  for (const [i, line] of lines.entries()) {
    console.log(line.map((cell, c) => (c >= 4 && c <= 6 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd())
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '))
  }
}

/** The machine the figures come from. */
export function machine() {
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  }
}

/** Writes the raw figures of a run to bench/results/<part>-<time>.json and returns the path. */
export function writeResults(part: string, data: unknown): string {
  const dir = new URL('./results/', import.meta.url)
  mkdirSync(dir, { recursive: true })
  const path = new URL(`${part}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`, dir)
  writeFileSync(path, `${JSON.stringify({ machine: machine(), date: new Date().toISOString(), data }, null, 2)}\n`)
  return path.pathname
}

/**
 * Seconds per measured run and rounds per case; `BENCH_QUICK=1` shortens both (a smoke run), `BENCH_ROUNDS=N`
 * sets the rounds (more for steadier medians), `BENCH_OPS=create,transaction` keeps only those cases.
 */
export const settings = {
  quick: process.env.BENCH_QUICK === '1',
  get rounds() {
    return Number(process.env.BENCH_ROUNDS) || (this.quick ? 1 : 4)
  },
  includes(name: string) {
    const only = process.env.BENCH_OPS?.split(',')
    return !only || only.includes(name)
  },
  seconds(full: number) {
    return this.quick ? Math.min(full, 0.2) : full
  },
}
