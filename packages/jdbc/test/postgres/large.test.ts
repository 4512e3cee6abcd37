// packages/pg/test/large.test.ts on the JDBC route: PrismaPoolJdbc on jdbc:postgresql (pgjdbc) as "ours", compared
// with @prisma/adapter-pg as there.
import { JDBC_ROUTE_VARIABLE } from '../../../../test-support/jdbc/classpath.js'

process.env[JDBC_ROUTE_VARIABLE] = 'jdbc'
await import('../../../pg/test/large.test.js')
