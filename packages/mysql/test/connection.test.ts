// The EngineConnection contract on MySQL / MariaDB connections (test-support/engines/connection.ts).
import { registerConnectionScenarios } from '../../../test-support/engines/connection.js'
import { ourMySqlFixture } from './compare.js'

registerConnectionScenarios(ourMySqlFixture)
