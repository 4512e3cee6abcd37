import { PoolAdapterFactory } from '@prisma-pool/core/engine'
import { MySqlDriver } from './driver.js'
import { resolveMySqlOptions, type PrismaPoolMySqlOptions } from './options.js'

/**
 * Prisma driver adapter for MySQL and MariaDB with a QueuePool: pass it to `new PrismaClient({ adapter })`.
 *
 * ```ts
 * const adapter = new PrismaPoolMySql({ connectionString: process.env.DATABASE_URL, pool: { size: 10, maxOverflow: 5 } })
 * ```
 */
export class PrismaPoolMySql extends PoolAdapterFactory {
  /** `undefined` (an unset DATABASE_URL) is refused; `{}` connects with mysql2's defaults. */
  constructor(options: PrismaPoolMySqlOptions | string | undefined) {
    const resolved = resolveMySqlOptions(options)
    super(new MySqlDriver(resolved), resolved.pool)
  }
}

export type { PrismaPoolMySqlOptions, SessionValue } from './options.js'
// The user API of @prisma-pool/core: errors, options, setup() and the types of what the adapter reports.
export * from '@prisma-pool/core'
