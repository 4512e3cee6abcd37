// The servers the tests run against, as the global setup (global-setup.ts) found or started them.
import { inject } from 'vitest'
import { ENGINES, type EngineId } from '../engines/index.js'

/** An engine of test-support/engines/index.ts. */
export type Engine = EngineId

export interface TestServer {
  url: string
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

/** `scheme://user@host:port/database` of a URL, without its password and parameters: what the tests print of it. */
export function printable(url: string): string {
  try {
    return Object.assign(new URL(url), { password: '', search: '' }).toString()
  } catch {
    return '(not a valid URL)'
  }
}

/**
 * The server of `engine`; throws, with what to install or which URL to set, when there is none. Outside vitest (the
 * benchmarks, which start servers of their own: bench/servers.ts), the one its variable (PG_TEST_URL …) names.
 */
export function testServer(engine: Engine): TestServer {
  if (!process.env.VITEST) {
    const { variable } = ENGINES[engine]
    const url = process.env[variable]
    if (!url) throw new Error(`outside the test runner, set ${variable} to the server to use`)
    return { url, description: variable }
  }
  const server = inject('testServers')[engine]
  if ('error' in server) throw new Error(server.error)
  return server
}
