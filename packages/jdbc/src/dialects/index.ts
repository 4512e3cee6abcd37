// Which dialect serves a JDBC URL: by its subprotocol (jdbc:<subprotocol>:…), or by the provider option.
import { PoolOptionError } from '@prisma-pool/core'
import type { Provider } from '@prisma/driver-adapter-utils'
import type { JdbcDialect } from '../dialect.js'
import { mysqlDialect } from './mysql.js'
import { h2OracleDialect, isH2OracleMode } from './oracle.js'
import { postgresDialect } from './postgres.js'
import { sqliteDialect } from './sqlite.js'
import { sqlServerDialect } from './sqlserver.js'

const BY_PROVIDER: Record<Provider, JdbcDialect> = {
  postgres: postgresDialect,
  mysql: mysqlDialect,
  sqlite: sqliteDialect,
  sqlserver: sqlServerDialect,
}

export const PROVIDERS = Object.keys(BY_PROVIDER) as Provider[]

const BY_SUBPROTOCOL: Record<string, Provider> = {
  postgresql: 'postgres',
  pgsql: 'postgres',
  mysql: 'mysql',
  mariadb: 'mysql',
  sqlite: 'sqlite',
  sqlserver: 'sqlserver',
}

/** The dialect of `url`; `provider` says it where the URL does not (another driver of one of Prisma's databases). */
export function dialectFor(url: string, provider: Provider | undefined): JdbcDialect {
  // Oracle's SQL, for a postgresql Prisma schema (see @prisma-pool/oracle): one dialect per adapter, for its cache.
  if (isH2OracleMode(url) && (provider === undefined || provider === 'postgres')) return h2OracleDialect()
  const subprotocol = /^jdbc:([^:]+):/.exec(url)?.[1]?.toLowerCase() ?? ''
  if (subprotocol === 'oracle') {
    throw new PoolOptionError(
      'PrismaPoolJdbc does not run Oracle Database itself yet: its RETURNING … INTO needs out-binds the JDBC route does not ' +
        'bind. Use @prisma-pool/oracle (PrismaPoolOracle, on oracledb), which runs the same Oracle dialect.',
    )
  }
  if (provider) return BY_PROVIDER[provider]
  const found = BY_SUBPROTOCOL[subprotocol]
  if (found) return BY_PROVIDER[found]
  const known = [...Object.keys(BY_SUBPROTOCOL).map((name) => `jdbc:${name}`), 'jdbc:h2 (;MODE=Oracle)'].join(', ')
  throw new PoolOptionError(
    `PrismaPoolJdbc does not know which Prisma provider jdbc:${subprotocol}: URLs are for (it knows ${known}). ` +
      `If the database speaks one of Prisma's dialects, say which: provider: ${PROVIDERS.map((name) => `'${name}'`).join(' | ')}.`,
  )
}
