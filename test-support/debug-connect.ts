// Run by the engines' connect-error tests in a child process, with DEBUG set as an application would set it: one
// query through our adapter of `engine` (its fixture's) on `url`, which is expected to fail to connect. Exits with 0
// once it has. `node --import tsx test-support/debug-connect.ts <engine id> <url>`, from the repository root (tsconfig paths).
import { ENGINES, isEngineId } from './engines/index.js'

const [engine = '', url = ''] = process.argv.slice(2)
if (!isEngineId(engine)) throw new Error(`debug-connect: unknown engine "${engine}"`)
const factory = (await ENGINES[engine].fixture()).adapter(url)
const adapter = await factory.connect().catch(() => undefined)
const failed = await adapter?.queryRaw({ sql: 'SELECT 1', args: [], argTypes: [] }).then(
  () => false,
  () => true,
)
await adapter?.dispose()
process.exit(adapter === undefined || failed ? 0 : 1)
