// The package as a user gets it (`pnpm pack`): the three builds and the DDL CLI, no test, no corpus.
import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { expect, test } from 'vitest'

const run = promisify(execFile)
const PACKAGE = fileURLToPath(new URL('..', import.meta.url))

test('the tarball holds the builds of each entry, the DDL CLI, the README and the licence, and no tests', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'pp-oracle-pack-'))
  try {
    await run('pnpm', ['pack', '--pack-destination', dir], { cwd: PACKAGE })
    const { stdout: name } = await run('sh', ['-c', `ls ${dir}/*.tgz`])
    const { stdout } = await run('tar', ['-tzf', name.trim()])
    const files = stdout.split('\n').filter(Boolean)
    for (const entry of ['index', 'dialect', 'ddl']) expect(files).toEqual(expect.arrayContaining([`package/dist/${entry}.mjs`, `package/dist/${entry}.cjs`, `package/dist/${entry}.d.mts`]))
    expect(files).toEqual(expect.arrayContaining(['package/bin/oracle-ddl.mjs', 'package/README.md', 'package/LICENSE', 'package/package.json']))
    expect(files.filter((file) => file.includes('/test/') || file.endsWith('.json') && file !== 'package/package.json')).toEqual([])
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
