// @prisma-pool/core/engine: what an engine package is built from. The contract is in engine.ts; the core README's
// "Writing an engine" walks through it. Users' API (errors, options, setup) is `@prisma-pool/core`.
export type {
  ConcurrencyLimit,
  ConnectionLimit,
  ConnectionLoss,
  EngineConnection,
  EngineContext,
  EngineDriver,
  ServerConnection,
  ServerConnectionList,
  SessionId,
  SessionState,
  ShadowDatabase,
} from './engine.js'
export { DEFAULT_TAG_LENGTH, STANDARD_ISOLATION_LEVELS } from './engine-defaults.js'
export { PoolAdapterFactory } from './adapter.js'
export {
  badParam,
  checkAdapterInput,
  into,
  mergeFromUrl,
  mergeUrlPoolOptions,
  parseConnectionUrl,
  POOL_PARAMS,
  readParams,
  urlBoolean,
  urlInteger,
  urlOneOf,
  urlSeconds,
  type ConnectionStringSpec,
  type ParamParser,
  type ParamRule,
  type ParamRules,
} from './connection-string.js'
export {
  agreedSource,
  checkOptions,
  conflictError,
  describeValue,
  didYouMean,
  rule,
  suggestName,
  type OptionRule,
  type OptionTable,
  type Source,
} from './option-rules.js'
export { maxConnections, ms, NESTED_POOL_ALIASES, POOL_OPTIONS, validatePoolOptions } from './options.js'
export { onSideConnection } from './side-connection.js'
export { describeTlsFailure, isObject, lossOfKind, mapSocketError, socketError, TLS_CODES, type SocketError } from './socket-errors.js'
