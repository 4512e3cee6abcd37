import { defineConfig, type UserConfig } from 'tsdown'

const common: UserConfig = { format: ['esm', 'cjs'], dts: true, platform: 'node', target: 'node20' }

// Separate builds (as @prisma-pool/mysql's): the dialect entry, shared with @prisma-pool/jdbc, must not pull in
// oracledb, and the DDL entry alone loads Prisma's schema parser.
export default defineConfig([
  { ...common, entry: ['src/index.ts'], clean: true },
  { ...common, entry: ['src/dialect.ts'], clean: false },
  { ...common, entry: ['src/ddl.ts'], clean: false },
])
