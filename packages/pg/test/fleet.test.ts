// Per-worker accounting with real worker processes (test-support/fleet.ts): the connection budget a fleet of
// workers shares, and the live view of who holds the connections, against a role with CONNECTION LIMIT.
import pg from 'pg'
import { afterAll, beforeAll } from 'vitest'
import { describeFleet, type Account } from '../../../test-support/fleet.js'
import { createTestSchema, PG_URL, sql, uniqueName } from './helpers.js'

let schema: Awaited<ReturnType<typeof createTestSchema>>
/** The superuser's connection the tests watch the server through. */
let probe: pg.Client
const roles: string[] = []

beforeAll(async () => {
  schema = await createTestSchema('fleet')
  probe = new pg.Client({ connectionString: PG_URL })
  await probe.connect()
})

afterAll(async () => {
  await probe?.end()
  await schema?.drop()
  for (const role of roles) {
    await sql('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1', [role])
    await sql(`DROP OWNED BY ${role}`)
    await sql(`DROP ROLE ${role}`)
  }
})

describeFleet(
  {
    engine: 'pg',
    sideConnections: 0,
    async account(limit): Promise<Account> {
      const role = uniqueName('pp_fleet')
      await sql(`CREATE ROLE ${role} LOGIN CONNECTION LIMIT ${limit}`)
      roles.push(role)
      await sql(`GRANT USAGE ON SCHEMA "${schema.name}" TO ${role}`)
      await sql(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "${schema.name}" TO ${role}`)
      const url = new URL(PG_URL)
      url.username = role
      url.password = ''
      url.searchParams.set('schema', schema.name)
      return { name: role, url: url.toString() }
    },
    async sessions(account) {
      const { rows } = await probe.query<{ total: number; waiting: number }>(
        `SELECT count(*)::int AS total, (count(*) FILTER (WHERE wait_event_type = 'Lock'))::int AS waiting
           FROM pg_stat_activity WHERE usename = $1`,
        [account.name],
      )
      return rows[0]!
    },
    async lockUsers() {
      const holder = new pg.Client({ connectionString: PG_URL })
      await holder.connect()
      await holder.query('BEGIN')
      await holder.query(`LOCK TABLE "${schema.name}"."User" IN ACCESS EXCLUSIVE MODE`)
      return async () => {
        await holder.query('COMMIT')
        await holder.end()
      }
    },
  },
  uniqueName('fleet'),
)
