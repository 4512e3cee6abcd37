// Runs `prisma generate` for every Prisma schema of the tests and examples.
// Offline, prisma wants to download a schema-engine binary it does not use for generation:
// pointing PRISMA_SCHEMA_ENGINE_BINARY at any existing file stops it from trying.
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const schemas = []
for (const group of ['packages', 'examples']) {
  for (const name of readdirSync(join(root, group))) {
    // test/<route>/prisma: a package's tests of one of its routes (packages/jdbc/test/sqlite).
    const test = join(root, group, name, 'test')
    const routes = existsSync(test) ? readdirSync(test).map((route) => `test/${route}/prisma/schema.prisma`) : []
    for (const candidate of ['test/prisma/schema.prisma', ...routes, 'prisma/schema.prisma']) {
      const path = join(root, group, name, candidate)
      if (existsSync(path)) schemas.push(path)
    }
  }
}
const prisma = join(root, 'node_modules', '.bin', 'prisma')
for (const schema of schemas) {
  console.log(`prisma generate: ${relative(root, schema)}`)
  execFileSync(prisma, ['generate', '--schema', schema], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath, PRISMA_HIDE_UPDATE_MESSAGE: '1' },
  })
}
