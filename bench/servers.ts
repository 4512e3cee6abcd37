// The servers the benchmarks run against: each engine's of its variable (PG_TEST_URL, MYSQL_TEST_URL), or private ones
// started here from the engine's list (test-support/engines), as the tests' own but durable (fsync and commits to disk
// as a production server does them), removed at the end.
import { ENGINES, type EngineId } from '../test-support/engines/index.js'

/** Sets each asked engine's variable to a server; resolves to what stops the ones started here. */
export async function benchServers(engines: EngineId[]): Promise<() => Promise<void>> {
  const started: { stop(): Promise<void> }[] = []
  for (const id of engines) {
    const { variable, startServer, durableSettings } = ENGINES[id]
    if (process.env[variable]) {
      console.log(`server: ${variable}`)
      continue
    }
    const server = await startServer({ settings: durableSettings })
    started.push(server)
    process.env[variable] = server.url
    console.log(`server: ${server.description}`)
  }
  return async () => {
    await Promise.all(started.map((server) => server.stop()))
  }
}
