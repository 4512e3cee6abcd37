// Runs the cluster example as a user would, in a child process, and checks what it prints (the budget
// arithmetic, 'fit', the fleet's accounting, the metrics), how it ends, and that it leaves nothing behind.
// `pnpm generate` first (the example's client); tsx runs the packages from their sources (the root tsconfig's paths).
import { execFile, spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { expect, test } from 'vitest'
import { printable, testServer } from '../../../test-support/servers/index.js'

const EXAMPLE_DIR = fileURLToPath(new URL('..', import.meta.url))
/** The suite's PostgreSQL (see test-support/servers), for the runs with DATABASE_URL. */
const TEST_PG = testServer('pg').url
/** The example's entry point, run as `pnpm start` does: one process, so a signal reaches its clean-up directly. */
const ARGS = ['--import', 'tsx', 'src/main.ts']
/** `scheme://user:password@`: a password in a URL. */
const URL_WITH_PASSWORD = /:\/\/[^\s/@:]*:[^\s/@]*@/

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

/** The example's environment: DATABASE_URL set to `databaseUrl` or removed, and the given extras. */
function env(databaseUrl: string | undefined, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra }
  for (const name of ['DATABASE_URL', 'PRISMA_POOL_WORKERS', 'WEB_CONCURRENCY']) delete env[name]
  if (databaseUrl) env.DATABASE_URL = databaseUrl
  return env
}

function runExample(environment: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve) => {
    // The timeout only keeps a hung example from hanging the suite.
    execFile(process.execPath, ARGS, { cwd: EXAMPLE_DIR, env: environment, timeout: 50_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0
      resolve({ code, stdout, stderr })
    })
  })
}

/** The fleet view's worker lines: tag, whether it is the asking worker, and its connection count. */
function fleetLines(stdout: string) {
  return [...stdout.matchAll(/^ {5}(cluster-demo@\S+\/(\d+)\/w(\d+))( \(this worker\))?: (\d+) \(/gm)].map((m) => ({
    tag: m[1]!,
    pid: Number(m[2]),
    worker: Number(m[3]),
    self: m[4] !== undefined,
    connections: Number(m[5]),
  }))
}

const metric = (stdout: string, name: string) =>
  [...stdout.matchAll(new RegExp(`^ {3}${name}\\{worker="(\\d+)"\\} (\\S+)$`, 'gm'))].map((m) => ({ worker: Number(m[1]), value: Number(m[2]) }))

async function schemaExists(name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: TEST_PG })
  await client.connect()
  try {
    const { rows } = await client.query('SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = $1', [name])
    return rows[0].n > 0
  } finally {
    await client.end()
  }
}

const processAlive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

test("with no DATABASE_URL: 4 workers fit themselves to an embedded server's 24 connections, serve 200 requests, and report the fleet", async () => {
  const run = await runExample(env(undefined))
  const output = run.stdout + run.stderr
  expect(run.code, output).toBe(0)
  expect(output).not.toMatch(URL_WITH_PASSWORD)
  expect(run.stdout).toContain('embedded PostgreSQL, max_connections 24')

  // The budget check: 40 wanted, 24 allowed, so each worker takes 24 ÷ 4 = 6 (size 5 + maxOverflow 1).
  expect(run.stdout).toMatch(/^ {3}4 workers × \(size 5 \+ maxOverflow 5\) = 40 > 24 \(max_connections 24[^)]*\); workers from PRISMA_POOL_WORKERS=4$/m)
  expect(run.stdout).toContain("The fleet does not fit: each worker's share is 24 ÷ 4 = 6 connections.")
  const fitted = [...run.stdout.matchAll(/^ {3}worker (\d) \(cluster-demo@\S+\/w\1\): pool size 5, maxOverflow 1$/gm)]
  expect(fitted.map((m) => Number(m[1])), run.stdout).toEqual([1, 2, 3, 4])

  expect(run.stdout).toMatch(/200 concurrent requests to GET \/query .*: 200 answered \(worker 1 \d+, worker 2 \d+, worker 3 \d+, worker 4 \d+\), 0 failed\./)

  // The live view, from one worker: all four, each within its share, the asker marked.
  expect(run.stdout).toMatch(/connections to postgres:\/\/127\.0\.0\.1:\d+\/postgres at \S+: \d+ of 24 allowed/)
  const fleet = fleetLines(run.stdout)
  expect(fleet.map((w) => w.worker), run.stdout).toEqual([1, 2, 3, 4])
  expect(fleet.filter((w) => w.self)).toHaveLength(1)
  for (const w of fleet) expect(w.connections).toBeGreaterThanOrEqual(1)
  for (const w of fleet) expect(w.connections).toBeLessThanOrEqual(6)

  // Every worker's Prometheus gauges and counters.
  const open = metric(run.stdout, 'prisma_pool_connections_open')
  expect(open.map((m) => m.worker)).toEqual([1, 2, 3, 4])
  for (const m of open) expect(m.value).toBeLessThanOrEqual(6)
  const queries = metric(run.stdout, 'prisma_datasource_queries_total')
  // Three statements per request (insert, sleep, count), and the budget check's connection ran none through Prisma.
  expect(queries.reduce((n, m) => n + m.value, 0)).toBe(600)
  expect(run.stdout).toMatch(/GET \/metrics, answered by worker \d: adapter\.prometheus\(\{ worker \}\), \d+ samples/)

  // Each worker's waits for a connection, bucket by bucket: the buckets add up to its checkouts, at least one per statement.
  const waits = [...run.stdout.matchAll(/^ {3}worker (\d): (\d+) queries: (.*); the longest \d+ ms, mean \d+ ms$/gm)]
  expect(waits.map((m) => Number(m[1])), run.stdout).toEqual([1, 2, 3, 4])
  for (const [, , total, buckets] of waits) {
    const counted = [...buckets!.matchAll(/(\d+) (?:up to|from|over) /g)].reduce((n, m) => n + Number(m[1]), 0)
    expect(counted).toBe(Number(total))
  }
  expect(waits.reduce((n, m) => n + Number(m[2]), 0)).toBeGreaterThanOrEqual(600)

  expect(run.stdout).toContain('4 workers stopped')
  expect(run.stdout).toContain('embedded PostgreSQL stopped and removed')
  const dataDir = /a temporary server in (\S+)\)/.exec(run.stdout)?.[1]
  expect(dataDir).toBeDefined()
  expect(existsSync(dataDir!)).toBe(false)
  for (const w of fleet) expect(processAlive(w.pid), `worker ${w.worker} (pid ${w.pid})`).toBe(false)
})

test('with DATABASE_URL: the fleet fits the server as it is, and the example drops its schema at the end', async () => {
  // Two workers: the test server is shared with the other test files.
  const run = await runExample(env(TEST_PG, { CLUSTER_WORKERS: '2' }))
  const output = run.stdout + run.stderr
  expect(run.code, output).toBe(0)
  expect(run.stdout).toContain(printable(TEST_PG))
  expect(run.stdout).toMatch(/^ {3}2 workers × \(size 5 \+ maxOverflow 5\) = 20 ≤ \d+ \(max_connections \d+/m)
  expect(run.stdout).toContain('The fleet fits: every pool keeps its settings.')
  expect(run.stdout).toMatch(/^ {3}worker 1 \(cluster-demo@\S+\/w1\): pool size 5, maxOverflow 5$/m)
  expect(run.stdout).toContain('200 answered')
  expect(run.stdout).toContain(', 0 failed.')
  // The server is shared: only this example's workers are checked (other tests' pools are listed too).
  expect(fleetLines(run.stdout).map((w) => w.worker)).toEqual([1, 2])

  const schema = /schema (cluster_[0-9a-f]+)/.exec(run.stdout)?.[1]
  expect(schema).toBeDefined()
  expect(run.stdout).toContain(`schema ${schema} dropped`)
  expect(await schemaExists(schema!)).toBe(false)
})

test('interrupted with SIGINT while serving, it stops the workers and still drops its schema', async () => {
  const child = spawn(process.execPath, ARGS, { cwd: EXAMPLE_DIR, env: env(TEST_PG, { CLUSTER_WORKERS: '2' }), stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk))
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk
      // Both workers are up: the primary now sends them traffic.
      if (/worker 2 \(.*\): pool size/.test(stdout)) resolve()
    })
    void exited.then(() => reject(new Error(`the example ended before its workers were up:\n${stdout}${stderr}`)))
  })
  child.kill('SIGINT')
  const [code] = await exited
  expect(code, stdout + stderr).toBe(130)
  expect(stderr).toContain('SIGINT: cleaning up and stopping.')
  const schema = /schema (cluster_[0-9a-f]+)/.exec(stdout)?.[1]
  expect(schema).toBeDefined()
  expect(await schemaExists(schema!)).toBe(false)
  const pids = [...stdout.matchAll(/cluster-demo@[^/\s]+\/(\d+)\/w\d/g)].map((m) => Number(m[1]))
  expect(pids).toHaveLength(2)
  for (const pid of pids) expect(processAlive(pid), `worker pid ${pid}`).toBe(false)
})
