// Runs the jdbc-sqlite demo: its main() on a database file in a temporary directory, checking what it printed and
// what the file holds afterwards; then as a program (`node --import tsx src/main.ts`, what `pnpm demo:jdbc` runs), which
// must end by itself once Prisma has disconnected (the JVM keeps no process alive) and remove its temporary file.
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { afterAll, expect, test } from 'vitest'
import { TEST_CLASSPATH } from '../../../test-support/jdbc/classpath.js'
import { main } from '../src/main.js'

const EXAMPLE_DIR = fileURLToPath(new URL('..', import.meta.url))
/** The workspace's tsconfig: its paths point @prisma-pool/* at the sources, as the suite's vitest aliases do. */
const ROOT_TSCONFIG = fileURLToPath(new URL('../../../tsconfig.json', import.meta.url))
const STATUS_LINE = /^ {3}QueuePool jdbc:sqlite:\S+demo\.db: size 3, maxOverflow 0, open \d+ \(checked out \d+, idle \d+, overflow \d+\), waiting \d+/m

const dir = mkdtempSync(join(tmpdir(), 'jdbc-sqlite-demo-test-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

test('main() writes authors and posts, runs a burst and two transactions on the pool, and keeps the file it was given', async () => {
  const file = join(dir, 'demo.db')
  const lines: string[] = []
  // The classpath of every JDBC test file: a process has one JVM.
  const result = await main({ file, classpath: TEST_CLASSPATH, log: (line) => lines.push(line) })
  const out = lines.join('\n')

  expect(result).toEqual({ file, authors: 3, posts: 6, views: 20 })
  expect(out).toContain('1. Wrote 3 authors and 6 posts with nested creates, and read them back:')
  expect(out).toContain('   Grace <grace@example.com>: 3 posts, published: "Compilers"')
  expect(out).toMatch(/^2\. 40 concurrent queries \(20 writes, 20 reads\) on a pool of 3 connections to the file: all answered in \d+ ms\.$/m)
  expect(out).toMatch(/At most 3 connections ran queries at once; up to \d+ callers waited in the pool's queue\. Views counted: 20\./)
  expect(out).toContain('3. A transaction moved "Debugging" to Ada (committed).')
  expect(out).toContain('Another failed with P2002 (that email is taken), so its new post was rolled back too: 0 such posts.')
  expect(out).toMatch(STATUS_LINE)
  expect(out).toMatch(/since start: \d+ connections opened, 0 closed, \d+ checkouts, 0 rolled back on return, 0 timeouts/)
  expect(out).toContain(`Disconnected: the pool closed its connections, ${file} is kept.`)

  // The file itself, read with better-sqlite3 once the pool has closed every connection to it.
  const db = new Database(file, { readonly: true })
  try {
    expect(db.prepare('SELECT name FROM "Author" ORDER BY id').all()).toEqual([{ name: 'Ada' }, { name: 'Brian' }, { name: 'Grace' }])
    expect(db.prepare('SELECT count(*) AS posts, sum(views) AS views, sum(published) AS published FROM "Post"').get()).toEqual({ posts: 6, views: 20, published: 3 })
    expect(db.prepare(`SELECT a.name FROM "Post" p JOIN "Author" a ON a.id = p."authorId" WHERE p.title = 'Debugging'`).get()).toEqual({ name: 'Ada' })
    expect(db.prepare(`SELECT count(*) AS n FROM "Post" WHERE title = 'Never published'`).get()).toEqual({ n: 0 })
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
  } finally {
    db.close()
  }
})

test('main() refuses a file that exists, saying what to give it', async () => {
  const file = join(dir, 'taken.db')
  new Database(file).close()
  await expect(main({ file, classpath: TEST_CLASSPATH, log: () => {} })).rejects.toThrow(`${file} exists: give the demo a new file`)
})

test('as a program it ends by itself with 0 and removes its temporary file', async () => {
  const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    // The timeout only keeps a hung demo from hanging the suite.
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/main.ts'],
      { cwd: EXAMPLE_DIR, env: { ...process.env, TSX_TSCONFIG_PATH: ROOT_TSCONFIG, JDBC_CLASSPATH: TEST_CLASSPATH.join(':') }, timeout: 50_000 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
    )
  })
  expect(run.code, run.stdout + run.stderr).toBe(0)
  expect(run.stdout).toMatch(STATUS_LINE)
  const file = /^Database file: (\S+) \(temporary\)$/m.exec(run.stdout)?.[1]
  expect(file).toBeDefined()
  expect(run.stdout).toContain('Disconnected: the pool closed its connections, the temporary file is removed.')
  expect(existsSync(file!)).toBe(false)
})
