// For tests that open an engine's connection without a pool: the context a pool would give the engine.
import type { EngineConnection, EngineContext, EngineDriver } from '@prisma-pool/core/engine'
import { resolvePoolOptions } from '../packages/core/src/options.js'

export function engineContext(tag: string, connectTimeoutMs = 5000): EngineContext {
  return { options: resolvePoolOptions({ connectTimeout: connectTimeoutMs / 1000 }), connectTimeoutMs, tag, log: () => {} }
}

/** One connection of `driver`, outside any pool, tagged `tag`; the caller closes it. */
export function connectAlone(driver: EngineDriver, tag: string, connectTimeoutMs = 5000, signal = new AbortController().signal): Promise<EngineConnection> {
  return driver.connect(engineContext(tag, connectTimeoutMs), signal)
}
