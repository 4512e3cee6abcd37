// packages/pg/test/fault-load.test.ts on the JDBC route: PrismaPoolJdbc on jdbc:postgresql (pgjdbc) as "ours".
import { JDBC_ROUTE_VARIABLE } from '../../../../test-support/jdbc/classpath.js'

process.env[JDBC_ROUTE_VARIABLE] = 'jdbc'
await import('../../../pg/test/fault-load.test.js')
