// Runs the oracle demo on H2 in Oracle mode (no ORACLE_URL): what it printed, and that it left no table behind; then
// as a program (what `pnpm demo:oracle` runs), which must end by itself once Prisma has disconnected.
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { expect, test } from 'vitest'
import { PrismaPoolJdbc } from '@prisma-pool/jdbc'
import { TEST_CLASSPATH } from '../../../test-support/jdbc/classpath.js'
import { main } from '../src/main.js'

const EXAMPLE_DIR = fileURLToPath(new URL('..', import.meta.url))
const ROOT_TSCONFIG = fileURLToPath(new URL('../../../tsconfig.json', import.meta.url))

test('main() on H2 (Oracle mode): creates its tables, writes, upserts, runs a burst and two transactions, drops its tables', async () => {
  const lines: string[] = []
  // The classpath of every JDBC test file: a process has one JVM.
  const result = await main({ oracleUrl: '', classpath: TEST_CLASSPATH, log: (line) => lines.push(line) })
  const out = lines.join('\n')
  expect(result).toEqual({ database: 'H2 (Oracle mode)', authors: 3, posts: 6, views: 15 })
  expect(out).toContain('   Ada Lovelace <ada@example.com> (WRITER): 2 posts, published: "Notes on the engine"')
  expect(out).toContain('   Edgar <edgar@example.com> (EDITOR): 1 post, published: "A relational model"')
  expect(out).toContain('Titles containing "pool", any case (ILIKE → UPPER … LIKE UPPER …), first page: "Pools and queues"')
  expect(out).toContain('3. A serializable transaction moved "Debugging" to Ada Lovelace (committed).')
  expect(out).toContain('Another failed with P2002')
  expect(out).toContain(': 0 such posts.')
  expect(out).toContain('Dropped the demo\'s tables and disconnected.')
  // The in-memory database outlives the demo's pool (DB_CLOSE_DELAY=-1): its tables are gone from it.
  const check = await new PrismaPoolJdbc({ url: 'jdbc:h2:mem:demo;MODE=Oracle;DB_CLOSE_DELAY=-1', classpath: TEST_CLASSPATH }).connect()
  try {
    const tables = await check.queryRaw({ sql: "SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME LIKE 'Demo%'", args: [], argTypes: [] })
    expect(tables.rows).toEqual([])
  } finally {
    await check.dispose()
  }
})

test('as a program, it ends by itself', async () => {
  const { stdout } = await new Promise<{ stdout: string }>((resolve, reject) =>
    execFile(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: EXAMPLE_DIR, env: { ...process.env, ORACLE_URL: '', TSX_TSCONFIG_PATH: ROOT_TSCONFIG }, timeout: 60_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve({ stdout }),
    ),
  )
  expect(stdout).toContain('prisma-pool: Prisma 7 (a postgresql schema) on H2 (Oracle mode)')
  expect(stdout).toContain('Dropped the demo\'s tables and disconnected.')
})
