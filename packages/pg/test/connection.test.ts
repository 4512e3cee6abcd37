// The EngineConnection contract on PostgreSQL's connections (test-support/engines/connection.ts).
import { pgFixture } from '../../../test-support/engines/pg.js'
import { registerConnectionScenarios } from '../../../test-support/engines/connection.js'

registerConnectionScenarios(pgFixture)
