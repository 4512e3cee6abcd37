// For tests that open an engine's connection without a pool: the context a pool would give the engine.
import type { EngineConnection, EngineContext, EngineDriver } from '@prisma-pool/core/engine'
import { resolvePoolOptions } from '../packages/core/src/options.js'

export function engineContext(tag: string, connectTimeoutMs = 5000): EngineContext {
  return { options: resolvePoolOptions({ connectTimeout: connectTimeoutMs / 1000 }), connectTimeoutMs, tag, log: () => {} }
}

/** One connection of `driver`, outside any pool, tagged `tag` (after the driver's init, as a pool does); the caller closes it. */
export async function connectAlone(driver: EngineDriver, tag: string, connectTimeoutMs = 5000, signal = new AbortController().signal): Promise<EngineConnection> {
  const context = engineContext(tag, connectTimeoutMs)
  await driver.init?.(context, signal)
  return driver.connect(context, signal)
}
