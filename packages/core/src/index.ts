export { PoolAdapter, PoolAdapterFactory } from './adapter.js'
export { checkAdapterInput, checkRepeatedParams, mergeFromUrl, mergeUrlPoolOptions, readPoolUrlParam, urlSeconds } from './connection-string.js'
export { describeTlsFailure, isObject, lossOfKind, mapSocketError, socketError, TLS_CODES, type SocketError } from './socket-errors.js'
export type {
  ConnectionLimit,
  ConnectionLoss,
  EngineConnection,
  EngineDriver,
  ServerConnection,
  ServerConnectionList,
  SessionState,
  ShadowDatabase,
} from './engine.js'
export {
  assessBudget,
  describeBudget,
  formatFleet,
  summarizeFleet,
  type BudgetPolicy,
  type BudgetReport,
  type FleetConnections,
  type OtherConnections,
  type WorkerConnections,
} from './accounting.js'
export { debugEnabled } from './debug.js'
export { detectWorkers, identityTag, parseTag, workerIdentity, type WorkerCount, type WorkerIdentity } from './identity.js'
export { BUCKETS_MS, Histogram, metricsJson, prometheusText, type HistogramSnapshot, type Labels, type MetricsJson } from './metrics.js'
export {
  ConnectTimeoutError,
  PoolClosedError,
  PoolOptionError,
  PoolBudgetError,
  PoolTimeoutError,
  PrismaPoolError,
  ServerFullError,
  type PoolTimeoutDetails,
} from './errors.js'
export {
  maxConnections,
  poolDefaults,
  resolvePoolOptions,
  setup,
  validatePoolOptions,
  type PoolOptions,
  type ResetOnReturn,
  type ResolvedPoolOptions,
} from './options.js'
export {
  Checkout,
  QueuePool,
  type CloseReason,
  type PoolEvents,
  type PoolStats,
  type PoolTotals,
  type PooledConnection,
} from './pool.js'
