// PLACEHOLDER: being written (the sqlite route of PrismaPoolJdbc).
import type { JdbcDialect } from '../dialect.js'
import { genericColumn } from './generic.js'

export const sqliteDialect: JdbcDialect = {
  provider: 'sqlite',
  name: 'sqlite',
  properties: () => ({}),
  column: genericColumn,
  convertError: () => undefined,
  connectionInfo: () => ({ supportsRelationJoins: false }),
}
