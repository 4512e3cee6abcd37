// @prisma-pool/mysql/dialect: what MySQL and MariaDB are, apart from the mysql2 driver: how Prisma's arguments become
// MySQL's values and its dates read back, what its errors mean, how its SQL text splits into statements, and the SQL
// of a new session's facts, of the checks of a statement without an answer, of its connection limits and live view.
// @prisma-pool/jdbc's MySQL route (MariaDB Connector/J) uses it, so that both drivers give the same results, errors and
// views.
export { INT64_MAX, INT64_MIN, invalid as invalidArgument, isDecimalText, isInt32, mysqlArgument, readMySqlDate, readMySqlDateTime } from './values.js'
export { convertMySqlServerError, mySqlServerErrorLoss, type MySqlServerError } from './errors.js'
export { positionsInSql, splitStatements } from './sql-text.js'
export {
  APPLICATION_ATTRIBUTE,
  ATTRIBUTES_SQL,
  checkMySqlSession,
  connectionListOf,
  endMySqlSession,
  GRANTS_SQL,
  LIMITS_SQL,
  limitsOf,
  NEW_SESSION_SQL,
  newSessionOf,
  PROCESSLIST_SQL,
  readConnectionLimits,
  readServerConnections,
  SESSION_SQL,
  TAG_ATTRIBUTE,
  tagAttributes,
  type MySqlSession,
  type StatementRefusal,
  type ViewQuery,
} from './server-views.js'
