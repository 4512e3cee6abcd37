// Per-worker accounting: whether the fleet's pools fit the server's connection budget, and who holds the
// server's connections now. Pure functions over what the engine reads from its server; the pool calls them.
import type { ConnectionLimit, ServerConnection, ServerConnectionList } from './engine.js'
import { parseTag, type WorkerIdentity } from './identity.js'
import type { WorkerCount } from './workers.js'

export type BudgetPolicy = 'error' | 'warn' | 'fit' | 'off'

/** The start-up arithmetic: what the fleet may open against what the server allows. */
export interface BudgetReport {
  /** The tightest of the server's limits; undefined when the engine could not read any. */
  limit: ConnectionLimit | undefined
  /** Every limit the server reported, tightest first. */
  limits: ConnectionLimit[]
  workers: WorkerCount
  /** The worker's pool as configured, before any 'fit'. */
  size: number
  maxOverflow: number
  /** Connections the engine opens beside the pool's (see EngineDriver.sideConnections). */
  side: number
  /** size + maxOverflow + side (Infinity for maxOverflow -1). */
  perWorker: number
  /** workers × perWorker. */
  fleet: number
  fits: boolean
  /** The settings that fit one worker's share (limit ÷ workers); undefined when it fits, or no share is left. */
  fitting: { size: number; maxOverflow: number } | undefined
}

export function assessBudget(
  limits: ConnectionLimit[],
  workers: WorkerCount,
  size: number,
  maxOverflow: number,
  side = 0,
): BudgetReport {
  const sorted = [...limits].sort((a, b) => a.limit - b.limit)
  const limit = sorted[0]
  const perWorker = maxOverflow === -1 ? Infinity : size + maxOverflow + side
  const fleet = workers.count * perWorker
  const fits = limit === undefined || fleet <= limit.limit
  let fitting: BudgetReport['fitting']
  if (!fits && limit) {
    const pool = Math.floor(limit.limit / workers.count) - side
    if (pool >= 1) fitting = { size: Math.min(size, pool), maxOverflow: pool - Math.min(size, pool) }
  }
  return { limit, limits: sorted, workers, size, maxOverflow, side, perWorker, fleet, fits, fitting }
}

export const overflowText = (maxOverflow: number) => (maxOverflow === -1 ? 'unlimited maxOverflow' : `maxOverflow ${maxOverflow}`)
const sideText = (side: number) => (side ? ` + ${side} side connection${side === 1 ? '' : 's'}` : '')

/** The arithmetic in words, for the error, the warning and the log. */
export function describeBudget(report: BudgetReport, target: string, policy?: BudgetPolicy): string {
  const { limit, workers, size, maxOverflow, side } = report
  if (!limit) return `${target} reported no connection limit that could be read`
  const fleet = Number.isFinite(report.fleet) ? String(report.fleet) : 'unlimited'
  const arithmetic =
    `${workers.count} worker${workers.count === 1 ? '' : 's'} × (size ${size} + ${overflowText(maxOverflow)}${sideText(side)}) = ${fleet} ` +
    `${report.fits ? '≤' : '>'} ${limit.limit} (${limit.what}); workers from ${workers.source}`
  if (report.fits) return `the fleet fits ${target}: ${arithmetic}`
  const share = Math.floor(limit.limit / workers.count)
  const each = side ? `${share} each, ${side} of them for side connections` : `${share} each`
  const fix = report.fitting
    ? `Settings that fit: size ${report.fitting.size}, maxOverflow ${report.fitting.maxOverflow} per worker ` +
      `(${limit.limit} ÷ ${workers.count} workers = ${each})` +
      (policy === 'fit' ? ", which budgetPolicy 'fit' applied to this worker" : ", or budgetPolicy 'fit' to use them automatically")
    : `Even one connection per worker does not fit (${limit.limit} ÷ ${workers.count} workers = ${each}): run fewer workers or raise the limit`
  return `the fleet may open more connections than ${target} allows: ${arithmetic}. ${fix}; or raise the server's limit.`
}

/** One worker's connections on the server. */
export interface WorkerConnections {
  identity: WorkerIdentity
  /** The tag its connections carry. */
  tag: string
  /** True for the worker that read the list. */
  self: boolean
  connections: number
  /** Running a statement right now. */
  active: number
  idle: number
  /** Idle inside an open transaction: the ones to worry about. */
  idleInTransaction: number
}

/** Connections not opened by prisma-pool, grouped by application name (or user, without one). */
export interface OtherConnections {
  application: string
  user: string | undefined
  connections: number
}

/** Who holds the server's connections, as one worker read them. */
export interface FleetConnections {
  readAt: Date
  target: string
  /** Every client connection the server listed. */
  total: number
  /** Those the tightest limit counts (its user's or database's; all of them for a server-wide limit). */
  underLimit: number | undefined
  workers: WorkerConnections[]
  others: OtherConnections[]
  /** The server's tightest limit, if the budget was read. */
  limit: ConnectionLimit | undefined
  /** Why the list may be incomplete, from the engine. */
  note?: string
}

/** Groups the server's list by worker (tagged connections) and by application (the rest); `selfTag` is the reader's. */
export function summarizeFleet(
  list: ServerConnectionList,
  selfTag: string,
  target: string,
  limit: ConnectionLimit | undefined,
): FleetConnections {
  const workers = new Map<string, WorkerConnections>()
  const others = new Map<string, OtherConnections>()
  for (const conn of list.connections) {
    const identity = parseTag(conn.application)
    if (identity) {
      let entry = workers.get(conn.application)
      if (!entry) {
        entry = { identity, tag: conn.application, self: conn.application === selfTag, connections: 0, active: 0, idle: 0, idleInTransaction: 0 }
        workers.set(conn.application, entry)
      }
      entry.connections++
      if (conn.state === 'active') entry.active++
      else if (conn.state === 'idle') entry.idle++
      else if (conn.state.startsWith('idle in transaction')) entry.idleInTransaction++
    } else {
      const key = `${conn.application}\0${conn.user ?? ''}`
      const entry = others.get(key) ?? { application: conn.application, user: conn.user, connections: 0 }
      entry.connections++
      others.set(key, entry)
    }
  }
  const byName = (a: WorkerConnections, b: WorkerConnections) => a.tag.localeCompare(b.tag, 'en', { numeric: true })
  const counted = (conn: ServerConnection) =>
    (limit?.scope?.user === undefined || conn.user === limit.scope.user) &&
    (limit?.scope?.database === undefined || conn.database === limit.scope.database)
  return {
    readAt: new Date(),
    target,
    total: list.connections.length,
    underLimit: limit ? list.connections.filter(counted).length : undefined,
    workers: [...workers.values()].sort(byName),
    others: [...others.values()].sort((a, b) => b.connections - a.connections),
    limit,
    ...(list.note ? { note: list.note } : {}),
  }
}

/** The live view as a few lines of text: one per worker, one per other application, then the total. */
export function formatFleet(fleet: FleetConnections): string {
  const lines = fleet.workers.map(
    (w) =>
      `  ${w.tag}${w.self ? ' (this worker)' : ''}: ${w.connections} ` +
      `(${w.active} active, ${w.idle} idle${w.idleInTransaction ? `, ${w.idleInTransaction} idle in transaction` : ''})`,
  )
  for (const other of fleet.others) {
    lines.push(`  ${other.application || '(no application name)'}${other.user ? ` [${other.user}]` : ''}: ${other.connections}`)
  }
  const { limit } = fleet
  const allowed = !limit
    ? ''
    : limit.scope
      ? `; ${fleet.underLimit} of ${limit.limit} allowed by ${limit.what}`
      : ` of ${limit.limit} allowed (${limit.what})`
  const header = `connections to ${fleet.target} at ${fleet.readAt.toISOString()}: ${fleet.total}${allowed}`
  return [header, ...lines, ...(fleet.note ? [`  note: ${fleet.note}`] : [])].join('\n')
}
