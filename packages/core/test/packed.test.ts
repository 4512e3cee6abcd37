// The packages as a user gets them: packed into tarballs (`pnpm pack`), installed together into a project outside
// the workspace, and type-checked there with skipLibCheck off, the README's snippet included. Needs the builds (dist).
import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, expect, test } from 'vitest'

const run = promisify(execFile)
const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const PACKAGES = ['core', 'pg', 'mysql']

let project: string
/** Each package's tarball, by package name. */
const tarballs = new Map<string, string>()

/** Runs a command in the project; a failure shows what it printed. */
async function inProject(command: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  try {
    return await run(command, args, { cwd: project, env: { ...process.env, ...env } })
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string }
    throw new Error(`${command} ${args.join(' ')} failed:\n${stdout}${stderr}`)
  }
}

const write = async (path: string, text: string) => {
  await mkdir(join(project, path, '..'), { recursive: true })
  await writeFile(join(project, path), text)
}

/** The README's usage snippet: its first TypeScript block that creates a PrismaPoolPg. */
async function readmeSnippet(): Promise<string> {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8')
  const block = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!).find((code) => code.includes('new PrismaPoolPg('))
  if (!block) throw new Error('README.md has no ```ts block with new PrismaPoolPg(')
  return block
}

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), 'prisma-pool-packed-'))
  const packs = join(project, 'packs')
  for (const name of PACKAGES) {
    await run('pnpm', ['pack', '--pack-destination', packs], { cwd: join(ROOT, 'packages', name) })
  }
  for (const file of await readdir(packs)) tarballs.set(`@prisma-pool/${/^prisma-pool-(\w+)-/.exec(file)![1]}`, join(packs, file))
  const { devDependencies } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }
  await write(
    'package.json',
    JSON.stringify({
      name: 'consumer',
      private: true,
      type: 'module',
      dependencies: { ...Object.fromEntries([...tarballs].map(([name, path]) => [name, `file:${path}`])), '@prisma/client': devDependencies['@prisma/client'] },
      devDependencies: { typescript: devDependencies.typescript, '@types/node': devDependencies['@types/node'] },
    }),
  )
  // The engine packages depend on @prisma-pool/core by version, which no registry has yet: the tarball stands in.
  // No hoisting, so that a dependency the packages forget to declare is missing here as it would be for npm users.
  await write('pnpm-workspace.yaml', `hoist: false\noverrides:\n  '@prisma-pool/core': 'file:${tarballs.get('@prisma-pool/core')}'\n`)
  // From the store the workspace's install filled; the registry only for what it lacks.
  await inProject('pnpm', ['install', '--prefer-offline'])
  await write(
    'prisma/schema.prisma',
    'generator client {\n  provider = "prisma-client"\n  output   = "../src/generated/prisma"\n}\n\ndatasource db {\n  provider = "postgresql"\n}\n\n' +
      'model User {\n  id    Int    @id @default(autoincrement())\n  email String @unique\n}\n',
  )
  // The workspace's prisma CLI (the consumer's would want to download engines it does not need; see scripts/prisma-generate.mjs).
  await inProject(join(ROOT, 'node_modules', '.bin', 'prisma'), ['generate', '--schema', 'prisma/schema.prisma'], { PRISMA_SCHEMA_ENGINE_BINARY: process.execPath })
  await write(
    'tsconfig.json',
    JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: false, noEmit: true, types: ['node'] },
      include: ['src'],
    }),
  )
}, 120_000)

afterAll(async () => {
  if (project) await rm(project, { recursive: true, force: true })
})

test('the tarballs hold the build, the README and the LICENSE', async () => {
  for (const [name, tarball] of tarballs) {
    const { stdout } = await run('tar', ['-tzf', tarball])
    expect(stdout.split('\n').sort(), name).toEqual(
      expect.arrayContaining(['package/LICENSE', 'package/README.md', 'package/package.json', 'package/dist/index.mjs', 'package/dist/index.cjs', 'package/dist/index.d.mts', 'package/dist/index.d.cts']),
    )
  }
  const { stdout } = await run('tar', ['-tzf', tarballs.get('@prisma-pool/core')!])
  expect(stdout.split('\n')).toEqual(expect.arrayContaining(['package/dist/engine.mjs', 'package/dist/engine.cjs', 'package/dist/engine.d.mts', 'package/dist/engine.d.cts']))
})

test("the README's snippet and the packages' declarations type-check with skipLibCheck off, and typos are errors", async () => {
  await write('src/readme.ts', await readmeSnippet())
  // Each line below must be a type error: an unused @ts-expect-error fails the build.
  const typos = [
    "import { PoolTimeoutError, PrismaPoolPg } from '@prisma-pool/pg'",
    "import { PrismaPoolMySql } from '@prisma-pool/mysql'",
    '// @ts-expect-error a misspelt pg connection field',
    "new PrismaPoolPg({ connectionString: 'postgres://db/app', hots: 'db' })",
    "// @ts-expect-error pg's port is a number",
    "new PrismaPoolPg({ host: 'db', port: 'five' })",
    '// @ts-expect-error a misspelt pool option',
    "new PrismaPoolMySql({ connectionString: 'mysql://db/app', pool: { sise: 3 } })",
    "const code: PoolTimeoutError['code'] = 'P2024'",
    '// @ts-expect-error the code is a literal type',
    "const other: PoolTimeoutError['code'] = 'P1001'",
    'export { code, other }',
  ]
  await write('src/typos.ts', `${typos.join('\n')}\n`)
  // The CommonJS declarations, as a .cts file sees them.
  await write('src/commonjs.cts', "import { PrismaPoolPg } from '@prisma-pool/pg'\n// @ts-expect-error a misspelt option\nnew PrismaPoolPg({ connectionStrng: 'postgres://db/app' })\n")
  // An engine package's start, from the engine authors' entry point, in ESM and in CommonJS.
  const engine = [
    "import { PoolAdapterFactory, STANDARD_ISOLATION_LEVELS, type EngineConnection, type EngineContext, type EngineDriver } from '@prisma-pool/core/engine'",
    "import { PoolOptionError } from '@prisma-pool/core'",
    'class Driver implements EngineDriver {',
    "  readonly provider = 'postgres' as const",
    "  readonly adapterName = 'acme'",
    "  readonly target = 'acme://db'",
    '  readonly isolationLevels = STANDARD_ISOLATION_LEVELS',
    '  async connect(context: EngineContext, signal: AbortSignal): Promise<EngineConnection> {',
    '    throw new PoolOptionError(`${context.tag} ${signal.aborted}`)',
    '  }',
    '  convertError() {',
    '    return undefined',
    '  }',
    '  connectionInfo() {',
    '    return { supportsRelationJoins: false }',
    '  }',
    '}',
    'export const factory = new PoolAdapterFactory(new Driver(), { size: 2 })',
    '// @ts-expect-error the engine API is not in the users\' entry point',
    "export { PoolAdapterFactory } from '@prisma-pool/core'",
  ].join('\n')
  await write('src/engine.ts', `${engine}\n`)
  await write('src/engine-commonjs.cts', `${engine}\n`)
  await inProject(join(project, 'node_modules', '.bin', 'tsc'), ['-p', '.'])
})
