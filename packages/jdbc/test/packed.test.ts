// The package as a user gets it (`pnpm pack`): the Java helper's classes, compiled by the build, are in the tarball
// (they are never committed), with their source; no test goes along.
import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { expect, test } from 'vitest'

const run = promisify(execFile)
const PACKAGE = fileURLToPath(new URL('..', import.meta.url))

test('the tarball holds the compiled Java helper and its source, and no tests', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'pp-jdbc-pack-'))
  try {
    await run('pnpm', ['pack', '--pack-destination', dir], { cwd: PACKAGE })
    const { stdout: name } = await run('sh', ['-c', `ls ${dir}/*.tgz`])
    const { stdout } = await run('tar', ['-tzf', name.trim()])
    const files = stdout.split('\n').filter(Boolean)
    for (const helper of ['JdbcSession', 'Connect', 'TrackedSocketFactory']) {
      expect(files).toContain(`package/dist/java/dev/prismapool/jdbc/${helper}.class`)
      expect(files).toContain(`package/java/dev/prismapool/jdbc/${helper}.java`)
    }
    expect(files).toEqual(expect.arrayContaining(['package/dist/index.mjs', 'package/dist/index.cjs', 'package/README.md', 'package/LICENSE']))
    expect(files.filter((file) => file.includes('/test/') || file.includes('scripts/'))).toEqual([])
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
