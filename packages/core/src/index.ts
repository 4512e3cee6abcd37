export { PoolAdapter, PoolAdapterFactory } from './adapter.js'
export { mergeFromUrl, mergeUrlPoolOptions, readPoolUrlParam, urlSeconds } from './connection-string.js'
export { isObject, lossOfKind, mapSocketError, socketError, TLS_CODES, type SocketError } from './socket-errors.js'
export type { ConnectionLoss, EngineConnection, EngineDriver, ShadowDatabase } from './engine.js'
export {
  ConnectTimeoutError,
  PoolClosedError,
  PoolOptionError,
  PoolTimeoutError,
  PrismaPoolError,
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
