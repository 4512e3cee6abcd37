// packages/mysql/test/relations.test.ts on the JDBC route: PrismaPoolJdbc on jdbc:mariadb (MariaDB Connector/J) as "ours",
// compared with @prisma/adapter-mariadb as there.
import { JDBC_ROUTE_VARIABLE } from '../../../../test-support/jdbc/classpath.js'

process.env[JDBC_ROUTE_VARIABLE] = 'jdbc'
await import('../../../mysql/test/relations.test.js')
