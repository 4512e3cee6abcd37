// The servers the adapter benchmark runs against: those of PG_TEST_URL / MYSQL_TEST_URL, or private ones started here
// (as the tests' own, but durable: fsync and commits to disk as a production server does them), removed at the end.
import { MariaDbServer } from '../test-support/servers/mariadb.js'
import { PostgresServer } from '../test-support/servers/postgres.js'

const DURABLE_POSTGRES = { fsync: 'on', synchronous_commit: 'on', full_page_writes: 'on' }
const DURABLE_MARIADB = { innodb_flush_log_at_trx_commit: 1 }

/** Sets PG_TEST_URL and MYSQL_TEST_URL (for the engines asked) to servers; resolves to what stops the ones started here. */
export async function benchServers(engines: ('pg' | 'mysql')[]): Promise<() => Promise<void>> {
  const started: { stop(): Promise<void> }[] = []
  const open = async (variable: 'PG_TEST_URL' | 'MYSQL_TEST_URL', start: () => Promise<{ url: string; description: string; stop(): Promise<void> }>) => {
    if (process.env[variable]) return console.log(`server: ${variable}`)
    const server = await start()
    started.push(server)
    process.env[variable] = server.url
    console.log(`server: ${server.description}`)
  }
  if (engines.includes('pg')) await open('PG_TEST_URL', () => PostgresServer.start({ settings: DURABLE_POSTGRES }))
  if (engines.includes('mysql')) await open('MYSQL_TEST_URL', () => MariaDbServer.start({ settings: DURABLE_MARIADB }))
  return async () => {
    await Promise.all(started.map((server) => server.stop()))
  }
}
