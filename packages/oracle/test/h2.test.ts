// The Prisma-level scenarios through the Oracle dialect, executed on H2 2.1 in Oracle mode through PrismaPoolJdbc (see
// support/h2.ts) and compared with PostgreSQL's results (support/dialect-suite.ts). This checks the translated
// statements' structure and results; Oracle's own acceptance of them is the live suite's (live.test.ts, with
// ORACLE_URL) and, here, the lint's.
import { H2_DIFFERENCES } from './scenarios.js'
import { dialectSuite } from './support/dialect-suite.js'
import { openH2Side } from './support/h2.js'

dialectSuite({ name: 'H2', target: 'h2', open: (wrap) => openH2Side('scenarios', wrap), differences: H2_DIFFERENCES })
