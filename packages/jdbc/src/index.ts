import { PoolAdapterFactory } from '@prisma-pool/core/engine'
import { JdbcDriver } from './driver.js'
import { resolveJdbcOptions, type PrismaPoolJdbcOptions } from './options.js'

/**
 * Prisma driver adapter for any database with a JDBC driver, through node-java, with a QueuePool: pass it to
 * `new PrismaClient({ adapter })`.
 *
 * ```ts
 * const adapter = new PrismaPoolJdbc({
 *   url: 'jdbc:postgresql://localhost:5432/app',
 *   classpath: ['/usr/share/java/postgresql.jar'],
 *   user: 'app',
 *   password: process.env.DB_PASSWORD,
 *   pool: { size: 8 },
 * })
 * ```
 */
export class PrismaPoolJdbc extends PoolAdapterFactory {
  constructor(options: PrismaPoolJdbcOptions | string | undefined) {
    const resolved = resolveJdbcOptions(options)
    super(new JdbcDriver(resolved), resolved.pool)
  }
}

export type { PrismaPoolJdbcOptions } from './options.js'
export { JvmError } from './jvm.js'
export { JdbcException } from './session.js'
// The user API of @prisma-pool/core: errors, options, setup() and the types of what the adapter reports.
export * from '@prisma-pool/core'
