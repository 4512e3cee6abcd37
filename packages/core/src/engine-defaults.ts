// What the core does where an engine leaves a part of the contract out (see engine.ts).
import type { IsolationLevel } from '@prisma/driver-adapter-utils'
import type { ConnectionLoss, EngineDriver } from './engine.js'
import { lossOfKind } from './socket-errors.js'

/** The isolation levels of the SQL standard: what `begin()` accepts when the engine does not say otherwise. */
export const STANDARD_ISOLATION_LEVELS: readonly IsolationLevel[] = Object.freeze([
  'READ UNCOMMITTED',
  'READ COMMITTED',
  'REPEATABLE READ',
  'SERIALIZABLE',
])

/** The connection tag's length when the engine does not say: what the shortest session name field of the servers first supported keeps. */
export const DEFAULT_TAG_LENGTH = 63

/** What an error says of its connection: the engine's verdict, or, for an engine that gives none, what its error kind implies. */
export function connectionLoss(driver: EngineDriver, error: unknown): ConnectionLoss | undefined {
  return driver.connectionLoss ? driver.connectionLoss(error) : lossOfKind(driver.convertError(error)?.kind)
}

export function isolationLevels(driver: EngineDriver): readonly IsolationLevel[] {
  return driver.isolationLevels ?? STANDARD_ISOLATION_LEVELS
}
