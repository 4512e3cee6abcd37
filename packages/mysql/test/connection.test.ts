// The EngineConnection contract on MySQL / MariaDB connections (test-support/engines/connection.ts).
import { mysqlFixture } from '../../../test-support/engines/mysql.js'
import { registerConnectionScenarios } from '../../../test-support/engines/connection.js'

registerConnectionScenarios(mysqlFixture)
