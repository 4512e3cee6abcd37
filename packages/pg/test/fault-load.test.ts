// The fault scenarios of issue 11 (test-support/fault-scenarios.ts) on PostgreSQL, through the generated Prisma
// Client, against a private server of this file's own: restarted, stopped, filled and its sessions terminated; and
// through PgBouncer (the fixture's pooler).
import { pgFixture } from '../../../test-support/engines/pg.js'
import { registerFaultScenarios } from '../../../test-support/fault-scenarios.js'

registerFaultScenarios(pgFixture)
