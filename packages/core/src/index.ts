// @prisma-pool/core for users of an adapter: its errors, options and the types of what it reports. Every engine
// package re-exports all of it. An engine author's API is `@prisma-pool/core/engine` (src/engine-api.ts).
export {
  ConnectTimeoutError,
  PoolClosedError,
  PoolOptionError,
  PoolBudgetError,
  PoolTimeoutError,
  PrismaPoolError,
  ServerFullError,
  isPrismaPoolError,
  type PoolTimeoutDetails,
  type PrismaPoolErrorByCode,
  type PrismaPoolErrorCode,
  type ServerFullFacts,
} from './errors.js'
export { poolDefaults, setup, type PoolOptions, type ResetOnReturn, type ResolvedPoolOptions } from './options.js'
export {
  formatFleet,
  type BudgetPolicy,
  type BudgetReport,
  type FleetConnections,
  type OtherConnections,
  type WorkerConnections,
} from './accounting.js'
export { parseTag, type WorkerIdentity } from './identity.js'
export type { CloseReason, PoolEvents, PoolStats, PoolTotals, PooledConnection } from './pool-types.js'
export type { HistogramSnapshot, Labels, MetricsJson } from './metrics.js'
