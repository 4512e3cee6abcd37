import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url))

export default defineConfig({
  resolve: {
    // Tests run against the sources; test/dist.test.ts checks the built packages separately.
    alias: { '@prisma-pool/core': src('core'), '@prisma-pool/pg': src('pg'), '@prisma-pool/mysql': src('mysql') },
  },
  test: {
    // Starts the servers the tests run against (private ones, unless PG_TEST_URL / MYSQL_TEST_URL are set).
    globalSetup: ['test-support/servers/global-setup.ts'],
    include: ['packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts', 'test-support/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
})
