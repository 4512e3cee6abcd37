import { defineConfig, type UserConfig } from 'tsdown'

const common: UserConfig = { format: ['esm', 'cjs'], dts: true, platform: 'node', target: 'node20' }

// Two builds, not one with two entries: a chunk shared between them made the CommonJS index export the bundler's
// interop helper (__toESM) and the dialect entry require the index, mysql2 and all.
export default defineConfig([
  { ...common, entry: ['src/index.ts'], clean: true },
  { ...common, entry: ['src/dialect.ts'], clean: false },
])
