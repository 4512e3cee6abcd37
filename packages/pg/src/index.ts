import { PoolAdapterFactory } from '@prisma-pool/core/engine'
import { PgDriver } from './driver.js'
import { resolvePgOptions, type PrismaPoolPgOptions } from './options.js'

/**
 * Prisma driver adapter for PostgreSQL with a QueuePool: pass it to `new PrismaClient({ adapter })`.
 *
 * ```ts
 * const adapter = new PrismaPoolPg({ connectionString: process.env.DATABASE_URL, pool: { size: 10, maxOverflow: 5 } })
 * ```
 */
export class PrismaPoolPg extends PoolAdapterFactory {
  /** Set when the connection string says `pgbouncer=true`. */
  readonly pgbouncer: boolean

  /** `undefined` (an unset DATABASE_URL) is refused; `{}` connects with pg's defaults and the PG* environment variables. */
  constructor(options: PrismaPoolPgOptions | string | undefined) {
    const resolved = resolvePgOptions(options)
    super(new PgDriver(resolved), resolved.pool)
    this.pgbouncer = resolved.pgbouncer === true
  }
}

export type { PrismaPoolPgOptions } from './options.js'
export { splitStatements } from './script.js'
// The user API of @prisma-pool/core: errors, options, setup() and the types of what the adapter reports.
export * from '@prisma-pool/core'
