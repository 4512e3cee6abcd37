// vitest's global setup: the servers the suite runs against. PG_TEST_URL / MYSQL_TEST_URL name servers of yours,
// which the tests use as they are (never restarted or reconfigured); unset, the suite starts private servers of its
// own, configured as the tests need, and removes them at the end.
import type { TestProject } from 'vitest/node'
import { printable, VARIABLE, type Engine, type TestServer, type TestServers } from './index.js'
import { MariaDbServer } from './mariadb.js'
import { PostgresServer } from './postgres.js'

const PRIVATE = { pg: PostgresServer, mysql: MariaDbServer } as const

export default async function setup(project: TestProject) {
  const started: { stop(): Promise<void> }[] = []
  const open = async (engine: Engine): Promise<TestServer | { error: string }> => {
    const url = process.env[VARIABLE[engine]]
    if (url) return { url, description: `${VARIABLE[engine]} (${printable(url)})` }
    try {
      const server = await PRIVATE[engine].start()
      started.push(server)
      return { url: server.url, description: server.description }
    } catch (error) {
      return { error: `no ${engine === 'pg' ? 'PostgreSQL' : 'MariaDB/MySQL'} server for the tests: ${(error as Error).message}` }
    }
  }
  const [pg, mysql] = await Promise.all([open('pg'), open('mysql')])
  const servers: TestServers = { pg, mysql }
  for (const [engine, server] of Object.entries(servers)) {
    console.log(`test server, ${engine}: ${'error' in server ? server.error : server.description}`)
  }
  project.provide('testServers', servers)
  return async () => {
    await Promise.all(started.map((server) => server.stop()))
  }
}
