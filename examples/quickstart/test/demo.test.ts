// Runs the quickstart as a newcomer would, in a child process, and checks it ends well and leaves nothing behind.
// It runs against the built packages (dist) and the generated client: `pnpm build && pnpm generate` first.
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { expect, test } from 'vitest'
import { printable, testServer } from '../../../test-support/servers/index.js'

const QUICKSTART_DIR = fileURLToPath(new URL('..', import.meta.url))
/** The suite's PostgreSQL (see test-support/servers), for the run with DATABASE_URL. */
const TEST_PG = testServer('pg').url

const STATUS_LINE =
  /QueuePool postgres:\/\/127\.0\.0\.1:\d+\/\w+: size 5, maxOverflow 5, open \d+ \(checked out \d+, idle \d+, overflow \d+\), waiting \d+/
/** `scheme://user:password@`: a password in a URL. */
const URL_WITH_PASSWORD = /:\/\/[^\s/@:]*:[^\s/@]*@/

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

/** `pnpm start` in examples/quickstart, with DATABASE_URL set to `databaseUrl` or removed. */
function runQuickstart(databaseUrl: string | undefined): Promise<Run> {
  const env = { ...process.env }
  delete env.DATABASE_URL
  if (databaseUrl) env.DATABASE_URL = databaseUrl
  return new Promise((resolve) => {
    // `node --import tsx`, as `pnpm start` does: one process, so a signal reaches the clean-up directly.
    // The timeout only keeps a hung demo from hanging the suite.
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/main.ts'],
      { cwd: QUICKSTART_DIR, env, timeout: 50_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0
        resolve({ code, stdout, stderr })
      },
    )
  })
}

test('with no DATABASE_URL it runs on an embedded PostgreSQL, then stops and removes it', async () => {
  const run = await runQuickstart(undefined)
  expect(run.code, run.stdout + run.stderr).toBe(0)
  expect(run.stdout).toContain('embedded PostgreSQL')
  expect(run.stdout).toMatch(STATUS_LINE)
  expect(run.stdout).toContain('then throws P2024')
  expect(run.stdout).toMatch(/^ {3}prisma-pool: timed out after 0\.5 s waiting for a connection to postgres:\/\/127\.0\.0\.1:\d+\/\w+ \(pool limit: size 1 \+ maxOverflow 0/m)
  expect(run.stdout).toContain('"connection_limit":1,"timeout":0.5')
  expect(run.stdout).toMatch(/The pool never had more than \d+ connections open \(size 5 \+ \d overflow\), and its queue was at most \d+ callers long/)
  expect(run.stdout).toContain('embedded PostgreSQL stopped and removed')
  expect(run.stdout + run.stderr).not.toMatch(URL_WITH_PASSWORD)
  const dataDir = /a temporary server in (\S+)\)/.exec(run.stdout)?.[1]
  expect(dataDir).toBeDefined()
  expect(existsSync(dataDir!)).toBe(false)
})

test('with DATABASE_URL it works in a schema of its own and drops it at the end', async () => {
  const run = await runQuickstart(TEST_PG)
  expect(run.code, run.stdout + run.stderr).toBe(0)
  expect(run.stdout).toContain(printable(TEST_PG))
  expect(run.stdout).toMatch(STATUS_LINE)
  const schema = /schema (quickstart_[0-9a-f]+)/.exec(run.stdout)?.[1]
  expect(schema).toBeDefined()
  expect(run.stdout).toContain(`schema ${schema} dropped`)

  const client = new pg.Client({ connectionString: TEST_PG })
  await client.connect()
  try {
    const { rows } = await client.query('SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = $1', [schema])
    expect(rows[0].n).toBe(0)
  } finally {
    await client.end()
  }
})
