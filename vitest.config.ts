import { fileURLToPath } from 'node:url'
import { configDefaults, defineConfig } from 'vitest/config'

const src = (pkg: string, file = 'index') => fileURLToPath(new URL(`./packages/${pkg}/src/${file}.ts`, import.meta.url))

export default defineConfig({
  resolve: {
    // Tests run against the sources; test/dist.test.ts checks the built packages separately.
    // Exact names: '@prisma-pool/core' must not also catch '@prisma-pool/core/engine'.
    alias: [
      { find: /^@prisma-pool\/core$/, replacement: src('core') },
      { find: /^@prisma-pool\/core\/engine$/, replacement: src('core', 'engine-api') },
      { find: /^@prisma-pool\/pg$/, replacement: src('pg') },
      { find: /^@prisma-pool\/pg\/dialect$/, replacement: src('pg', 'dialect') },
      { find: /^@prisma-pool\/mysql$/, replacement: src('mysql') },
      { find: /^@prisma-pool\/mysql\/dialect$/, replacement: src('mysql', 'dialect') },
      { find: /^@prisma-pool\/jdbc$/, replacement: src('jdbc') },
      { find: /^@prisma-pool\/oracle$/, replacement: src('oracle') },
      { find: /^@prisma-pool\/oracle\/dialect$/, replacement: src('oracle', 'dialect') },
      { find: /^@prisma-pool\/oracle\/ddl$/, replacement: src('oracle', 'ddl') },
    ],
  },
  test: {
    // Starts the servers the tests run against (private ones, unless PG_TEST_URL / MYSQL_TEST_URL are set).
    globalSetup: ['test-support/servers/global-setup.ts'],
    include: ['packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts', 'test-support/**/*.test.ts'],
    // The Oracle live suite needs a real Oracle Database (none can run here): only where ORACLE_URL names one.
    exclude: [...configDefaults.exclude, ...(process.env.ORACLE_URL ? [] : ['packages/oracle/test/live.test.ts'])],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
})
