// packages/mysql/test/gone-away.test.ts on the JDBC route: PrismaPoolJdbc on jdbc:mariadb (MariaDB Connector/J) as "ours".
import { JDBC_ROUTE_VARIABLE } from '../../../../test-support/jdbc/classpath.js'

process.env[JDBC_ROUTE_VARIABLE] = 'jdbc'
await import('../../../mysql/test/gone-away.test.js')
