// Runs the vitest suite and ends with a plain "N passed, N failed" line that CI systems can read.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const dir = mkdtempSync(join(tmpdir(), 'prisma-pool-tests-'))
const results = join(dir, 'results.json')
const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const vitest = spawnSync(
  join(root, 'node_modules', '.bin', 'vitest'),
  ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${results}`, ...process.argv.slice(2)],
  // libuv's thread pool size is read once, when a process starts: the JDBC tests' pools (up to 16 connections) need more
  // than its 4 threads (see @prisma-pool/jdbc's concurrencyLimit). Test files that check the limit set their own.
  { stdio: 'inherit', cwd: root, env: { ...process.env, UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE ?? '24' } },
)
if (vitest.error) console.error(vitest.error)
let status = vitest.status ?? 1
try {
  const { numPassedTests, numFailedTests, numPendingTests, numTotalTests, numFailedTestSuites } = JSON.parse(readFileSync(results, 'utf8'))
  if (numTotalTests === 0) status = 1
  // A file whose set-up failed (beforeAll) counts its tests as skipped: the failed files are said too.
  // Said plainly, not skipped in silence: no Oracle can run on these machines (see packages/oracle/README.md).
  if (!process.env.ORACLE_URL) console.log('\nThe Oracle live suite (packages/oracle/test/live.test.ts) did not run: ORACLE_URL is not set.')
  console.log(
    `\n${numPassedTests} passed, ${numFailedTests} failed` +
      (numPendingTests ? `, ${numPendingTests} skipped` : '') +
      (numFailedTestSuites ? ` (${numFailedTestSuites} file${numFailedTestSuites === 1 ? '' : 's'} failed)` : ''),
  )
} catch {
  console.log('\n0 passed, 1 failed (vitest wrote no results)')
  status = status || 1
} finally {
  rmSync(dir, { recursive: true, force: true })
}
process.exit(status)
