import { defineConfig } from 'tsdown'

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  platform: 'node',
  target: 'node20',
  // import.meta.url (where the Java helper's classes are) in the CommonJS build too.
  shims: true,
  clean: true,
  // node-java is loaded when the first pool starts, not when the package is imported.
  external: ['java'],
})
