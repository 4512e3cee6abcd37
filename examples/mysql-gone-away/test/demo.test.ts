// Runs the example as a user would, in a child process, against the suite's MariaDB (see test-support/servers), and
// checks what it prints, how it exits, and that it leaves no database behind, also when interrupted.
// It runs against the built packages (dist) and the generated client: `pnpm build && pnpm generate` first.
import { execFile, spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import mysql from 'mysql2/promise'
import { expect, test } from 'vitest'
import { testServer } from '../../../test-support/servers/index.js'

const EXAMPLE_DIR = fileURLToPath(new URL('..', import.meta.url))
const MYSQL_URL = testServer('mysql').url
/** The example's entry point, run as `pnpm start` does: one process, so a signal reaches its clean-up directly. */
const ARGS = ['--import', 'tsx', 'src/main.ts']

const STATUS_LINE = /adapter\.status\(\): QueuePool mysql:\/\/[^\s:]+:\d+\/gone_away_[0-9a-f]+: size 10, maxOverflow 10, open \d+ \(checked out \d+, idle \d+, overflow \d+\), waiting \d+/
/** `scheme://user:password@`: a password in a URL. */
const URL_WITH_PASSWORD = /:\/\/[^\s/@:]*:[^\s/@]*@/

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

const env = () => ({ ...process.env, DATABASE_URL: MYSQL_URL, DEBUG: '1' })

function runExample(): Promise<Run> {
  return new Promise((resolve) => {
    // The timeout only keeps a hung example from hanging the suite.
    execFile(process.execPath, ARGS, { cwd: EXAMPLE_DIR, env: env(), timeout: 50_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0
      resolve({ code, stdout, stderr })
    })
  })
}

const databaseName = (stdout: string) => /database (gone_away_[0-9a-f]+), created for this run/.exec(stdout)?.[1]

async function databaseExists(name: string): Promise<boolean> {
  const url = new URL(MYSQL_URL)
  const connection = await mysql.createConnection({
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username) || undefined,
    password: decodeURIComponent(url.password) || undefined,
  })
  try {
    const [rows] = await connection.query<mysql.RowDataPacket[]>('SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [name])
    return rows.length > 0
  } finally {
    await connection.end()
  }
}

/** The lines of one numbered step of the output: from "N. " up to the next step. */
function step(stdout: string, n: number): string {
  const match = new RegExp(`^${n}\\. [\\s\\S]*?(?=^\\d\\. |^Cleaned up|(?![\\s\\S]))`, 'm').exec(stdout)
  expect(match, `step ${n} in:\n${stdout}`).not.toBeNull()
  return match![0]
}

test('idle past wait_timeout and KILLed connections: every query succeeds; a plain connection fails; the database is dropped', async () => {
  const run = await runExample()
  const output = run.stdout + run.stderr
  expect(run.code, output).toBe(0)
  expect(output).not.toMatch(URL_WITH_PASSWORD)

  expect(step(run.stdout, 1)).toMatch(/sessionVariables: \{ wait_timeout: 2 \} .* Seeded 3 notes\./)
  expect(step(run.stdout, 1)).toContain('@@session.wait_timeout = 2 s')

  // The pool closed the idle connection itself, or (its timer late on a busy machine, with so short a
  // wait_timeout) saw the server's close; either way the query after the idle period succeeded.
  const idle = step(run.stdout, 2)
  expect(idle).toContain('Idle for 3 s, past wait_timeout, then a query: 3 notes, no error.')
  const closes = [...idle.matchAll(/connection #\d+, closed after [\d.]+ s idle: '([a-z-]+)'/g)].map((m) => m[1])
  expect(closes.length, idle).toBeGreaterThan(0)
  for (const reason of closes) expect(['idle-timeout', 'broken']).toContain(reason)
  expect(idle).toMatch(STATUS_LINE)

  const kill = step(run.stdout, 3)
  expect(kill).toMatch(/The server KILLs every connection of the pool: 3 sessions \(ids \d+, \d+, \d+\)\./)
  expect(kill).toContain('closed them (3 broken)')
  expect(kill).toContain('The next 5 queries, all at once: 5 answers of 3 notes, no error')
  expect(kill).toMatch(STATUS_LINE)

  const plain = step(run.stdout, 4)
  expect(plain).toMatch(/while idle it emitted 'error': \S/)
  expect(plain).toMatch(/the next query fails: .*(closed state|ECONNRESET|PROTOCOL_CONNECTION_LOST|gone away)/)

  const stats = step(run.stdout, 5)
  expect(stats).toMatch(/adapter\.stats\(\): open \d+ \(checked out 0, idle \d+\), waiting 0/)
  expect(stats).toMatch(/\d+ connections opened, \d+ closed \([^)]*broken[^)]*\), \d+ checkouts,/)
  expect(stats).toContain('no query failed')

  const name = databaseName(run.stdout)
  expect(name).toBeDefined()
  expect(run.stdout).toContain(`Cleaned up: Prisma disconnected (pool closed), database ${name} dropped.`)
  expect(await databaseExists(name!)).toBe(false)
})

test('interrupted with SIGINT while idle, it still drops its database', async () => {
  const child = spawn(process.execPath, ARGS, { cwd: EXAMPLE_DIR, env: env(), stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk))
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk
      // Step 1 is done: the example now idles past wait_timeout.
      if (stdout.includes('The pool reads it from each new session.')) resolve()
    })
    void exited.then(() => reject(new Error(`the example ended before step 2:\n${stdout}${stderr}`)))
  })
  child.kill('SIGINT')
  const [code] = await exited
  expect(code, stdout + stderr).toBe(130)
  expect(stderr).toContain('SIGINT: cleaning up and stopping.')
  const name = databaseName(stdout)
  expect(name).toBeDefined()
  expect(await databaseExists(name!)).toBe(false)
})
