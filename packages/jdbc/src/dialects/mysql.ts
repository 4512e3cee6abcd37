// PLACEHOLDER: being written (the mysql route of PrismaPoolJdbc).
import type { JdbcDialect } from '../dialect.js'
import { genericColumn } from './generic.js'

export const mysqlDialect: JdbcDialect = {
  provider: 'mysql',
  name: 'mysql',
  properties: () => ({}),
  column: genericColumn,
  convertError: () => undefined,
  connectionInfo: () => ({ supportsRelationJoins: false }),
}
