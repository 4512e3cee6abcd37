import { defineConfig } from 'tsdown'

export default defineConfig({
  // Two entry points: `@prisma-pool/core` for users, `@prisma-pool/core/engine` for engine packages.
  entry: { index: 'src/index.ts', engine: 'src/engine-api.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  platform: 'node',
  target: 'node20',
  clean: true,
})
