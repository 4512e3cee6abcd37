// @prisma-pool/oracle/dialect: what Oracle Database is, apart from node-oracledb: how Prisma's PostgreSQL statements
// become Oracle plans (the translator), what Oracle's errors mean (by code and message), its transaction statements,
// how a script splits into statements, and the SQL of a new session's facts, of its limits and of its live view.
// @prisma-pool/jdbc's Oracle route (ojdbc, and H2 in Oracle mode) uses it, so that both drivers run the same plans and
// give the same errors and views. Built apart from the oracledb entry: nothing here may import oracledb.
export { translate, TranslationCache } from './translate.js'
export {
  isDeferred,
  RETURNING_STYLE,
  UntranslatableError,
  type BindSource,
  type DeferredPlan,
  type OraclePlan,
  type OracleStep,
  type ReturningColumn,
  type ReturningStyle,
  type TranslateOptions,
  type Translation,
  type TranslationTarget,
} from './plan.js'
export { convertOracleError, featureNotSupported, NOT_PERMITTED, oracleCode, oracleConnectionLoss, oraNumber, UNIQUE_VIOLATION } from './oracle-errors.js'
export {
  isolationLevelSql,
  isolationRefusal,
  ORACLE_ISOLATION_LEVELS,
  PLAN_SAVEPOINT,
  rollbackToSavepointSql,
  savepointSql,
} from './transaction-sql.js'
export { splitStatements } from './script.js'
export {
  BACKGROUND_SQL,
  CHECK_SESSION_SQL,
  checkOracleSession,
  connectionListOf,
  endOracleSession,
  grantNote,
  killSessionSql,
  limitsOf,
  PARAMETERS_SQL,
  PROFILE_SQL,
  quoteIdentifier,
  readConnectionLimits,
  readServerConnections,
  SESSION_SETTINGS,
  SESSION_SETUP_BINDS,
  SESSIONS_SQL,
  sessionFactsOf,
  sessionIdOf,
  sessionSetupSql,
  type OracleLimits,
  type OracleSession,
  type SessionFacts,
  type StatementRefusal,
  type ViewQuery,
} from './server-views.js'
