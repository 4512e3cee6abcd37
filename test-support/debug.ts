import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { EngineId } from './engines/index.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const SCRIPT = fileURLToPath(new URL('./debug-connect.ts', import.meta.url))

/** Runs debug-connect.ts (a query whose connection fails) in a child process with DEBUG=prisma-pool; its exit status and stderr. */
export function failedConnectWithDebug(engine: EngineId, url: string) {
  const { status, stderr } = spawnSync(process.execPath, ['--import', 'tsx', SCRIPT, engine, url], {
    cwd: ROOT,
    // tsx maps @prisma-pool/* to the sources through the root tsconfig.json's paths, as vitest's aliases do.
    env: { ...process.env, DEBUG: 'prisma-pool', TSX_TSCONFIG_PATH: `${ROOT}tsconfig.json` },
    encoding: 'utf8',
  })
  return { status, stderr }
}
