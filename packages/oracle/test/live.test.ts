// Every Prisma-level scenario of the Oracle dialect against a real Oracle Database: ORACLE_URL's schema, through
// PrismaPoolOracle (node-oracledb, Thin mode), compared with PostgreSQL's results. No Oracle can run on the project's
// machines: this file runs where ORACLE_URL is set, and is left out of the suite otherwise (vitest.config.ts), which
// scripts/run-tests.mjs says in its last line.
import { ORACLE_DIFFERENCES } from './scenarios.js'
import { dialectSuite } from './support/dialect-suite.js'
import { openOracleSide } from './support/oracle.js'

dialectSuite({ name: 'Oracle', target: 'oracle', open: openOracleSide, differences: ORACLE_DIFFERENCES })
