// Oracle's transaction statements. There is no BEGIN: a transaction starts with its first statement, and
// SET TRANSACTION, which must be that first statement, sets its isolation level. Oracle has two levels; Prisma's
// others are refused rather than silently run as one of them. Savepoints have no RELEASE.
import type { IsolationLevel } from '@prisma/driver-adapter-utils'

/** The isolation levels Oracle Database has. */
export const ORACLE_ISOLATION_LEVELS: readonly IsolationLevel[] = Object.freeze(['READ COMMITTED', 'SERIALIZABLE'])

/** Why a level is refused, with what to use instead. */
export function isolationRefusal(level: string): string {
  const instead =
    level === 'READ UNCOMMITTED'
      ? 'READ COMMITTED (Oracle never lets a transaction read uncommitted changes)'
      : 'SERIALIZABLE (Oracle reads are consistent as of the statement in READ COMMITTED, as of the transaction in SERIALIZABLE)'
  return `${level} is not an isolation level of Oracle Database, which has READ COMMITTED and SERIALIZABLE only: use ${instead}`
}

/** The first statement of a transaction at `level`, or undefined for the default (READ COMMITTED, with nothing to send). */
export function isolationLevelSql(level: IsolationLevel | undefined): string | undefined {
  if (level === undefined) return undefined
  if (!ORACLE_ISOLATION_LEVELS.includes(level)) throw new RangeError(isolationRefusal(level))
  return `SET TRANSACTION ISOLATION LEVEL ${level}`
}

export const savepointSql = (name: string) => `SAVEPOINT ${name}`
export const rollbackToSavepointSql = (name: string) => `ROLLBACK TO SAVEPOINT ${name}`

/**
 * The savepoint a plan of several statements sets inside the caller's transaction, so that it stays all or nothing
 * there too (Prisma's savepoints are prisma_sp_N: no clash).
 */
export const PLAN_SAVEPOINT = 'PRISMA_POOL_PLAN'
