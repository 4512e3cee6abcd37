// Metrics in the shape of Prisma 6's `$metrics` (dropped in Prisma 7 for driver adapters): the same names,
// descriptions, buckets and JSON layout, so that dashboards built for Prisma 6 keep working.
import type { HistogramSnapshot, PoolStats } from './pool-types.js'

export type { HistogramSnapshot } from './pool-types.js'

/** Prisma 6's bucket bounds, in milliseconds. */
export const BUCKETS_MS = [0, 1, 5, 10, 50, 100, 500, 1000, 5000, 50000] as const

/** Counts of values in buckets, their sum and the largest seen. Recording is a few comparisons. */
export class Histogram {
  /** counts[i] = values v with BUCKETS_MS[i-1] < v ≤ BUCKETS_MS[i]; the last slot counts values above every bound. */
  readonly counts = new Array<number>(BUCKETS_MS.length + 1).fill(0)
  count = 0
  sum = 0
  max = 0

  record(valueMs: number): void {
    let i = 0
    while (i < BUCKETS_MS.length && valueMs > BUCKETS_MS[i]!) i++
    this.counts[i]!++
    this.count++
    this.sum += valueMs
    if (valueMs > this.max) this.max = valueMs
  }

  snapshot(): HistogramSnapshot {
    return { count: this.count, sumMs: this.sum, maxMs: this.max, meanMs: this.count ? this.sum / this.count : 0, buckets: BUCKETS_MS.map((le, i) => [le, this.counts[i]!]) }
  }
}


export type Labels = Record<string, string>

export interface Metric<T> {
  key: string
  labels: Labels
  value: T
  description: string
}

/** Prisma 6's `$metrics.json()` layout. */
export interface MetricsJson {
  counters: Metric<number>[]
  gauges: Metric<number>[]
  histograms: Metric<{ buckets: [number, number][]; sum: number; count: number }>[]
}

const histogram = (key: string, h: HistogramSnapshot, description: string, labels: Labels): MetricsJson['histograms'][number] => ({
  key,
  labels,
  value: { buckets: h.buckets, sum: h.sumMs, count: h.count },
  description,
})

/**
 * The pool's figures (its `stats()` and the statement times) under Prisma 6's metric names — those a pool can
 * know: not the Prisma Client query counts — and a few of its own under the `prisma_pool_` prefix.
 */
export function metricsJson(s: PoolStats, queries: HistogramSnapshot, given: Labels = {}): MetricsJson {
  // Values as strings, whatever a caller passed (a worker id as a number, say).
  const labels: Labels = Object.fromEntries(Object.entries(given).map(([name, value]) => [name, String(value)]))
  for (const name of Object.keys(labels)) {
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name) || name === 'le' || name.startsWith('__')) {
      throw new TypeError(`invalid metrics label name ${JSON.stringify(name)}: use letters, digits and '_', not starting with a digit or '__', and not 'le'`)
    }
  }
  const metric = (key: string, value: number, description: string) => ({ key, labels, value, description })
  return {
    counters: [
      metric('prisma_datasource_queries_total', queries.count, 'Total number of Datasource Queries executed'),
      metric('prisma_pool_connections_closed_total', s.totals.destroyed, 'Total number of Pool Connections closed'),
      metric('prisma_pool_connections_opened_total', s.totals.created, 'Total number of Pool Connections opened'),
      metric('prisma_pool_timeouts_total', s.totals.timeouts, 'Total number of waits for a Pool Connection that timed out'),
      metric('prisma_pool_leaks_total', s.totals.leaks, 'Total number of Pool Connections held longer than leakDetectionThreshold'),
    ],
    gauges: [
      metric('prisma_client_queries_wait', s.waiting, 'Number of Prisma Client queries currently waiting for a connection'),
      metric('prisma_pool_connections_busy', s.checkedOut, 'Number of currently busy Pool Connections (executing a datasource query)'),
      metric('prisma_pool_connections_idle', s.idle, 'Number of currently unused Pool Connections (waiting for the next datasource query to run)'),
      metric('prisma_pool_connections_open', s.open, 'Number of currently open Pool Connections'),
    ],
    histograms: [
      histogram('prisma_client_queries_wait_histogram_ms', s.acquireWait, 'Histogram of the wait time of all Prisma Client Queries in ms', labels),
      histogram('prisma_datasource_queries_duration_histogram_ms', queries, 'Histogram of the duration of all executed Datasource Queries in ms', labels),
      histogram('prisma_pool_connections_hold_histogram_ms', s.hold, 'Histogram of how long Pool Connections were held per checkout in ms', labels),
    ],
  }
}

const escapeLabel = (value: string) => value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')

function labelText(labels: Labels, extra?: [string, string]): string {
  const pairs = Object.entries(labels)
  if (extra) pairs.push(extra)
  return pairs.length ? `{${pairs.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}` : ''
}

/** Prometheus text exposition format (0.0.4) of `metricsJson`: HELP, TYPE, cumulative `le` buckets, sum, count. */
export function prometheusText(json: MetricsJson): string {
  const out: string[] = []
  const head = (key: string, description: string, type: string) => out.push(`# HELP ${key} ${description}`, `# TYPE ${key} ${type}`)
  for (const [type, list] of [['counter', json.counters], ['gauge', json.gauges]] as const) {
    for (const m of list) {
      head(m.key, m.description, type)
      out.push(`${m.key}${labelText(m.labels)} ${m.value}`, '')
    }
  }
  for (const m of json.histograms) {
    head(m.key, m.description, 'histogram')
    let cumulative = 0
    for (const [le, n] of m.value.buckets) {
      cumulative += n
      out.push(`${m.key}_bucket${labelText(m.labels, ['le', String(le)])} ${cumulative}`)
    }
    out.push(
      `${m.key}_bucket${labelText(m.labels, ['le', '+Inf'])} ${m.value.count}`,
      `${m.key}_sum${labelText(m.labels)} ${m.value.sum}`,
      `${m.key}_count${labelText(m.labels)} ${m.value.count}`,
      '',
    )
  }
  return out.join('\n')
}
