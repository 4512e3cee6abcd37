// The servers the tests run against, as the global setup (global-setup.ts) found or started them.
import { inject } from 'vitest'

export type Engine = 'pg' | 'mysql'

export interface TestServer {
  url: string
  /** Started by the suite for this run: the tests may reconfigure it. A server of PG_TEST_URL / MYSQL_TEST_URL is not. */
  owned: boolean
  /** What it is, for messages (never with a password). */
  description: string
}

/** Each engine's server, or why there is none. */
export type TestServers = Record<Engine, TestServer | { error: string }>

declare module 'vitest' {
  export interface ProvidedContext {
    testServers: TestServers
  }
}

/** The server of `engine`; throws, with what to install or which URL to set, when there is none. */
export function testServer(engine: Engine): TestServer {
  const server = inject('testServers')[engine]
  if ('error' in server) throw new Error(server.error)
  return server
}
