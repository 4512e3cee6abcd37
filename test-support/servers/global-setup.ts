// vitest's global setup: the servers the suite runs against, one per engine of test-support/engines/index.ts. An
// engine's variable (PG_TEST_URL, MYSQL_TEST_URL) names a server of yours, which the tests use as it is (never
// restarted or reconfigured); unset, the suite starts a private server of its own, configured as the tests need, and
// removes it at the end.
import type { TestProject } from 'vitest/node'
import { ENGINE_IDS, ENGINES, type EngineId } from '../engines/index.js'
import { printable, type TestServer, type TestServers } from './index.js'

export default async function setup(project: TestProject) {
  const started: { stop(): Promise<void> }[] = []
  const open = async (engine: EngineId): Promise<TestServer | { error: string }> => {
    const { name, variable, startServer } = ENGINES[engine]
    const url = process.env[variable]
    if (url) return { url, description: `${variable} (${printable(url)})` }
    try {
      const server = await startServer()
      started.push(server)
      return { url: server.url, description: server.description }
    } catch (error) {
      return { error: `no ${name} server for the tests: ${(error as Error).message}` }
    }
  }
  const opened = await Promise.all(ENGINE_IDS.map(async (engine) => [engine, await open(engine)] as const))
  const servers = Object.fromEntries(opened) as TestServers
  for (const [engine, server] of Object.entries(servers)) {
    console.log(`test server, ${engine}: ${'error' in server ? server.error : server.description}`)
  }
  project.provide('testServers', servers)
  return async () => {
    await Promise.all(started.map((server) => server.stop()))
  }
}
