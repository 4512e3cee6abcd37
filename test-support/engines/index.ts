// The engines the tests and the benchmarks run, by id ('pg', 'mysql': what BENCH_ENGINE, testServer() and the fleet's
// workers take). A new engine is one entry here and one fixture module (see fixture.ts and docs/development.md).
// Nothing here loads a driver: the global setup reads this list, and each fixture is imported only when asked for.
import type { EngineFixture, PrivateServer, PrivateServerOptions } from './fixture.js'

export interface EngineEntry {
  /** What it is, for test names and messages: 'PostgreSQL'. */
  readonly name: string
  /** The variable that names a server of the user's own (used as it is); unset, the suite starts a private one. */
  readonly variable: string
  /** Starts a private server of this engine, configured as the tests need; removed when stopped. */
  startServer(options?: PrivateServerOptions): Promise<PrivateServer>
  /** Server settings that make a private server as durable as a production one (fsync …): the benchmarks' servers. */
  readonly durableSettings: Record<string, string | number>
  /** The engine's fixture (it loads the driver, the adapters and the generated client). */
  fixture(): Promise<EngineFixture>
}

export const ENGINES = {
  pg: {
    name: 'PostgreSQL',
    variable: 'PG_TEST_URL',
    startServer: async (options?: PrivateServerOptions) => (await import('../servers/postgres.js')).PostgresServer.start(options),
    durableSettings: { fsync: 'on', synchronous_commit: 'on', full_page_writes: 'on' },
    fixture: async () => (await import('./pg.js')).pgFixture,
  },
  mysql: {
    name: 'MariaDB',
    variable: 'MYSQL_TEST_URL',
    startServer: async (options?: PrivateServerOptions) => (await import('../servers/mariadb.js')).MariaDbServer.start(options),
    durableSettings: { innodb_flush_log_at_trx_commit: 1 },
    fixture: async () => (await import('./mysql.js')).mysqlFixture,
  },
} satisfies Record<string, EngineEntry>

export type EngineId = keyof typeof ENGINES
export const ENGINE_IDS = Object.keys(ENGINES) as EngineId[]

export function isEngineId(name: string): name is EngineId {
  return Object.hasOwn(ENGINES, name)
}

/**
 * The engines `value` names (BENCH_ENGINE=pg, or a comma-separated list), every engine when it is unset or empty; an
 * unknown name is an error that lists the known ones.
 */
export function selectEngines(value: string | undefined, what: string): EngineId[] {
  if (!value) return ENGINE_IDS
  const names = value.split(',').map((name) => name.trim())
  const unknown = names.filter((name) => !isEngineId(name))
  if (unknown.length) throw new Error(`${what}=${value}: unknown engine ${unknown.join(', ')}; known: ${ENGINE_IDS.join(', ')}.`)
  return names as EngineId[]
}
