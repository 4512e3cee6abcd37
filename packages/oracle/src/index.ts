import { PoolAdapterFactory } from '@prisma-pool/core/engine'
import { OracleDriver } from './driver.js'
import { resolveOracleOptions, type PrismaPoolOracleOptions } from './options.js'

/**
 * Prisma driver adapter for Oracle Database with a QueuePool: pass it to `new PrismaClient({ adapter })` of a
 * `postgresql` Prisma schema. Prisma's PostgreSQL statements are translated into Oracle SQL; node-oracledb runs them in
 * Thin mode (no Oracle Client libraries).
 *
 * ```ts
 * const adapter = new PrismaPoolOracle({ url: process.env.DATABASE_URL, pool: { size: 10, maxOverflow: 5 } })
 * // or: new PrismaPoolOracle({ connectString: 'db.example.com:1521/FREEPDB1', user: 'APP', password, schema: 'APP' })
 * ```
 */
export class PrismaPoolOracle extends PoolAdapterFactory {
  /** `undefined` (an unset DATABASE_URL) is refused; a string is a URL (oracle://…) or a connect string. */
  constructor(options: PrismaPoolOracleOptions | string | undefined) {
    const resolved = resolveOracleOptions(options)
    super(new OracleDriver(resolved), resolved.pool)
  }
}

export type { OracleConnectionAttributes, OraclePrivilege, PrismaPoolOracleOptions } from './options.js'
export { splitStatements } from './script.js'
// The user API of @prisma-pool/core: errors, options, setup() and the types of what the adapter reports.
export * from '@prisma-pool/core'
