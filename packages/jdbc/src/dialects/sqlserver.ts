// SQL Server through Microsoft's JDBC driver (mssql-jdbc, on the user's classpath): result columns by their JDBC type,
// errors by SQLSTATE. Not verified here: no SQL Server runs on these machines (see the README).
import type { JdbcDialect } from '../dialect.js'
import { genericColumn } from './generic.js'

export const sqlServerDialect: JdbcDialect = {
  provider: 'sqlserver',
  name: 'SQL Server',
  tagLength: 128,
  // SQL Server has no RELEASE SAVEPOINT (mssql-jdbc's releaseSavepoint throws): a savepoint stays until the transaction ends.
  releaseSavepoint: false,
  properties: ({ tag, connectTimeoutMs }) => ({ fixed: { applicationName: tag, loginTimeout: String(Math.ceil(connectTimeoutMs / 1000) + 1) } }),
  column: genericColumn,
  convertError: (error) => (error.vendorCode ? { kind: 'mssql', code: error.vendorCode, message: error.message } : undefined),
  connectionInfo: () => ({ supportsRelationJoins: false }),
}
