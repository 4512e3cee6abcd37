// Debug logging, off unless the DEBUG environment variable names `prisma-pool` (the `debug` package's
// convention, which Prisma's own `DEBUG=prisma:*` follows): `DEBUG=prisma-pool`, `DEBUG=prisma-pool,prisma:*`,
// `DEBUG=*`. Lines go to stderr; they carry targets (never passwords) and the worker's tag.

import type { EventEmitter } from 'node:events'
import { describeBudget, type BudgetPolicy } from './accounting.js'
import type { PoolEvents, PooledConnection } from './pool-types.js'

const NAMESPACE = 'prisma-pool'

/** Whether a DEBUG value turns our namespace on: comma or space separated patterns, `*` wildcards, `-` excludes. */
export function debugEnabled(value: string | undefined): boolean {
  if (!value) return false
  let enabled = false
  for (const pattern of value.split(/[\s,]+/).filter(Boolean)) {
    const exclude = pattern.startsWith('-')
    const body = exclude ? pattern.slice(1) : pattern
    const regex = new RegExp(`^${body.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`)
    // `prisma-pool:*` names our sub-namespaces: it turns the whole of it on too.
    if (regex.test(NAMESPACE) || regex.test(`${NAMESPACE}:pool`)) {
      if (exclude) return false
      enabled = true
    }
  }
  return enabled
}

export type DebugLog = (message: string) => void

/**
 * `scheme://user:password@host` → `scheme://user:***@host`: a driver's message may quote the URL it was given. Up to
 * the last `@` before the host, since a password may hold one unencoded.
 */
export const withoutPasswords = (text: string) => text.replace(/([A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s/]*@/g, '$1***@')

/** A logger for one pool, or undefined when debugging is off (so that nothing is even formatted). */
export function debugLog(tag: string, env: NodeJS.ProcessEnv = process.env): DebugLog | undefined {
  if (!debugEnabled(env.DEBUG)) return undefined
  return (message) => process.stderr.write(`${new Date().toISOString()} ${NAMESPACE} [${tag}] ${withoutPasswords(message)}\n`)
}

/** What the debug log reads of a pool. */
interface LoggedPool extends EventEmitter<PoolEvents> {
  readonly driver: { readonly target: string }
  readonly options: { readonly budgetPolicy: BudgetPolicy }
  status(): string
}

/** With debugging on, every event of the pool becomes a line of the log. */
export function logPoolEvents(pool: LoggedPool, log: DebugLog): void {
  const conn = (pc: PooledConnection) => `connection #${pc.seq}`
  pool.on('connect', (pc) => log(`${conn(pc)} opened to ${pool.driver.target}`))
  pool.on('close', (pc, reason) => log(`${conn(pc)} closed (${reason})`))
  pool.on('checkout', (pc) => log(`${conn(pc)} checked out; ${pool.status()}`))
  pool.on('checkin', (pc, heldMs) => log(`${conn(pc)} checked in after ${heldMs.toFixed(1)} ms`))
  pool.on('reset', (pc, action) => log(`${conn(pc)} reset on return (${action})`))
  pool.on('invalidate', (seq) => log(`connections up to #${seq} invalidated: the server dropped a connection`))
  pool.on('timeout', (error) => log(error.message))
  pool.on('leak', (pc, heldMs, stack) => log(`${conn(pc)} held for ${Math.round(heldMs)} ms, past leakDetectionThreshold; taken at:\n${stack}`))
  pool.on('budget', (report) => log(describeBudget(report, pool.driver.target, pool.options.budgetPolicy)))
}
