// The fault scenarios of issue 11 (test-support/fault-scenarios.ts) on MariaDB, through the generated Prisma
// Client, against a private server of this file's own: restarted, stopped, filled and its sessions killed.
import { registerFaultScenarios } from '../../../test-support/fault-scenarios.js'
import { ourMySqlFixture } from './compare.js'

registerFaultScenarios(ourMySqlFixture)
