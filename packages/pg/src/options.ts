import {
  checkAdapterInput,
  checkRepeatedParams,
  mergeFromUrl,
  mergeUrlPoolOptions,
  PoolOptionError,
  readPoolUrlParam,
  urlSeconds,
  validatePoolOptions,
  type PoolOptions,
} from '@prisma-pool/core'
import type pg from 'pg'

/** The pg connection fields we pass through to `pg.Client` (`types` and `stream` are ours to control). */
export type PgConnectionFields = Omit<pg.ClientConfig, 'types' | 'stream'>

export interface PrismaPoolPgOptions extends PgConnectionFields {
  /** `postgres://user:password@host:5432/database?schema=app&connection_limit=5` */
  connectionString?: string
  /**
   * The same as `pool.applicationName` (set one of them): each session's application_name is this name with the
   * worker's host and pid (`api@web-1/4123`), which `connections()` groups by.
   */
  application_name?: string
  /** Pool options: size, maxOverflow, timeout, recycle, prePing, resetOnReturn … */
  pool?: PoolOptions
  /** The PostgreSQL schema Prisma's tables live in; also set as each connection's `search_path`. */
  schema?: string
  /**
   * Prepared statements kept per connection, so that each query is parsed and planned once per
   * connection; the least recently used is deallocated beyond this. 0 sends unnamed statements only.
   * Default 100 on a direct connection; 0 with `pgbouncer=true`, or when the adapter finds a pooler between it and
   * the server (PgBouncer in transaction mode moves sessions around). Set it behind a pooler that keeps
   * prepared statements per client (PgBouncer 1.21+ with max_prepared_statements).
   */
  statementCacheSize?: number
}

/** What the adapter works from once the options are checked. */
export interface ResolvedPgOptions {
  client: pg.ClientConfig
  pool: PoolOptions
  schema: string | undefined
  /**
   * `pgbouncer=true`: the server is reached through PgBouncer in transaction mode, no session state may be relied on;
   * `false`: given, so a pooler found keeps sessions (the statement cache stays on); undefined: not given.
   */
  pgbouncer: boolean | undefined
  /** As given; undefined: the default, which depends on whether a pooler is found (see PgDriver.connect). */
  statementCacheSize: number | undefined
  /** `postgres://host:port/database`, for messages. Never holds the password. */
  target: string
}

const CLIENT_FIELDS = new Set<string>([
  'user', 'database', 'password', 'port', 'host', 'connectionString', 'keepAlive', 'statement_timeout', 'ssl',
  'enableChannelBinding', 'sslnegotiation', 'query_timeout', 'lock_timeout', 'keepAliveInitialDelayMillis',
  'idle_in_transaction_session_timeout', 'application_name', 'connectionTimeoutMillis', 'options', 'client_encoding',
])

const MAX_STATEMENT_CACHE = 10_000

/** Options of `pg.Pool` users tend to bring along, and what to write instead. */
const PG_POOL_FIELDS: Record<string, string> = {
  max: 'pool.size and pool.maxOverflow',
  min: 'pool.size (connections are created lazily)',
  idleTimeoutMillis: 'pool.overflowIdleTimeout (seconds)',
  maxLifetimeSeconds: 'pool.recycle (seconds)',
  allowExitOnIdle: 'prisma.$disconnect()',
  maxUses: 'pool.recycle',
}

/** URL parameters pg itself understands. */
const PG_URL_PARAMS = new Set([
  'host', 'port', 'user', 'password', 'ssl', 'sslmode', 'sslcert', 'sslkey', 'sslrootcert',
  'sslnegotiation', 'uselibpqcompat', 'options', 'client_encoding', 'statement_timeout', 'lock_timeout',
  'idle_in_transaction_session_timeout', 'query_timeout',
])

/** Every session carries pool.applicationName with this worker's host and pid: pg's fallback would never apply. */
const FALLBACK_NAME = 'every connection carries an application_name (pool.applicationName, default "prisma-pool", with the worker\'s host and pid); set pool.applicationName instead'

/** Prisma 6 parameters that have no counterpart here, and what to do instead. */
const REFUSED_URL_PARAMS: Record<string, string> = {
  sslidentity: 'pass the client certificate through the `ssl` option (key, cert) instead',
  sslpassword: 'pass the key passphrase through the `ssl` option (passphrase) instead',
  sslaccept: "use sslmode=no-verify, or the `ssl` option { rejectUnauthorized: false }, instead",
  single_use_connections: 'use pool.recycle or pool.size instead',
  fallback_application_name: FALLBACK_NAME,
}

/** Reads the connection string: Prisma 6 parameters become pool options, the rest is left for pg. */
function parseConnectionString(connectionString: string) {
  let url: URL
  try {
    url = new URL(connectionString)
  } catch {
    throw new PoolOptionError(
      'connectionString is not a valid URL; expected postgres://user:password@host:5432/database',
    )
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new PoolOptionError(
      `connectionString must start with postgres:// or postgresql://, not ${url.protocol}// (use the adapter for that engine).`,
    )
  }
  checkRepeatedParams(url)
  const pool: PoolOptions = {}
  const client: pg.ClientConfig = {}
  let schema: string | undefined
  let pgbouncer: boolean | undefined
  let statementCacheSize: number | undefined
  let applicationName: string | undefined
  for (const [name, value] of [...url.searchParams]) {
    if (readPoolUrlParam(pool, name, value)) {
      url.searchParams.delete(name)
      continue
    }
    switch (name) {
      case 'socket_timeout':
        client.query_timeout = urlSeconds(name, value, 'socket_timeout') * 1000
        break
      case 'schema':
        schema = value
        break
      // Removed from the URL: pg would let it override the worker's tag.
      case 'application_name':
        applicationName = value
        break
      case 'statement_cache_size': {
        const size = Number(value)
        if (!Number.isInteger(size) || size < 0 || size > MAX_STATEMENT_CACHE) {
          throw new PoolOptionError(`connection string parameter statement_cache_size=${value} must be a whole number from 0 to ${MAX_STATEMENT_CACHE}.`)
        }
        statementCacheSize = size
        break
      }
      case 'pgbouncer':
        if (value !== 'true' && value !== 'false') {
          throw new PoolOptionError(`connection string parameter pgbouncer=${value} must be true or false.`)
        }
        pgbouncer = value === 'true'
        break
      default:
        if (REFUSED_URL_PARAMS[name]) {
          throw new PoolOptionError(`connection string parameter ${name} is not supported: ${REFUSED_URL_PARAMS[name]}.`)
        }
        if (!PG_URL_PARAMS.has(name)) {
          throw new PoolOptionError(
            `unknown connection string parameter "${name}". Known: connection_limit, pool_timeout, connect_timeout, ` +
              `socket_timeout, schema, pgbouncer, statement_cache_size, application_name, and pg's own (${[...PG_URL_PARAMS].join(', ')}).`,
          )
        }
        continue
    }
    url.searchParams.delete(name)
  }
  checkSslMode(url)
  return { url, pool, client, schema, pgbouncer, statementCacheSize, applicationName }
}

const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full', 'no-verify']
/** The modes pg 8 treats as verify-full (for all but allow, with a multi-line notice that they change in pg 9). */
const VERIFYING_MODES = new Set(['allow', 'prefer', 'require', 'verify-ca'])
/** The URL parameters from which pg builds its TLS settings, replacing an `ssl` option. */
const TLS_URL_PARAMS = ['ssl', 'sslmode', 'sslcert', 'sslkey', 'sslrootcert']

/**
 * Checks `sslmode`, and keeps what pg 8 does with it (every mode but disable and no-verify verifies the certificate
 * and the host name) without pg's notice: the adapter passes those modes on as verify-full, which pg 8 treats
 * alike. So a pg upgrade cannot weaken a connection under the application. `uselibpqcompat=true` asks pg for
 * libpq's meanings instead (require: encrypted, unverified) and is passed on as it is.
 */
function checkSslMode(url: URL): void {
  const mode = url.searchParams.get('sslmode')
  if (mode === null) return
  if (!SSL_MODES.includes(mode)) {
    throw new PoolOptionError(`connection string parameter sslmode=${mode} is not a TLS mode: use one of ${SSL_MODES.join(', ')}.`)
  }
  if (VERIFYING_MODES.has(mode) && url.searchParams.get('uselibpqcompat') !== 'true') url.searchParams.set('sslmode', 'verify-full')
}

/** Where an application name was given: as the message names it, and as the `where` of validatePoolOptions. */
type NameSource = { where: string; from: string; value: unknown }

/**
 * pg's application_name, as a field or a URL parameter, is pool.applicationName: the tag every session carries
 * starts with it. Given in two places with different values, it is an error naming both.
 */
function withApplicationName(pool: PoolOptions, sources: NameSource[]): PoolOptions {
  const given = [{ where: 'in the pool options', from: '', value: pool.applicationName }, ...sources].filter((s) => s.value !== undefined)
  const [first] = given
  if (!first) return pool
  const other = given.find((s) => s.value !== first.value)
  if (other) {
    throw new PoolOptionError(`pool.applicationName is set both ${first.where} (${String(first.value)}) and ${other.where} (${String(other.value)}); keep one.`)
  }
  if (pool.applicationName !== undefined) return pool
  return { ...pool, ...validatePoolOptions({ applicationName: first.value }, `pool (from ${first.from})`) }
}

/** Checks the options of `PrismaPoolPg` and works out the pg client config and the pool options. */
export function resolvePgOptions(options: PrismaPoolPgOptions | string | undefined): ResolvedPgOptions {
  const input = checkAdapterInput<PrismaPoolPgOptions>(options, {
    adapter: 'PrismaPoolPg',
    example: 'postgres://user:password@host:5432/database',
    defaults: "pg's defaults and the PGHOST, PGUSER … environment variables",
  })
  const { pool: poolInput, schema: schemaInput, connectionString, statementCacheSize: cacheInput, ...fields } = input
  for (const key of Object.keys(fields)) {
    if (key === 'fallback_application_name') throw new PoolOptionError(`"fallback_application_name" is not supported: ${FALLBACK_NAME}.`)
    if (PG_POOL_FIELDS[key]) {
      throw new PoolOptionError(`"${key}" is a pg.Pool option; this adapter has its own pool: use ${PG_POOL_FIELDS[key]}.`)
    }
    if (!CLIENT_FIELDS.has(key)) {
      throw new PoolOptionError(
        `unknown option "${key}". Known: connectionString, pool, schema, statementCacheSize, and pg's connection fields (${[...CLIENT_FIELDS].join(', ')}).`,
      )
    }
  }
  let pool = validatePoolOptions(poolInput)
  const { application_name: applicationNameField, ...clientFields } = fields
  const client: pg.ClientConfig = { ...clientFields }
  let { schema, statementCacheSize } = { schema: schemaInput, statementCacheSize: cacheInput }
  let pgbouncer: boolean | undefined
  let url: URL | undefined
  let urlApplicationName: string | undefined
  if (connectionString !== undefined) {
    const parsed = parseConnectionString(connectionString)
    url = parsed.url
    pgbouncer = parsed.pgbouncer
    pool = mergeUrlPoolOptions(pool, parsed.pool)
    urlApplicationName = parsed.applicationName
    ;({ schema, statementCacheSize } = mergeFromUrl(
      { schema, statementCacheSize },
      { schema: parsed.schema, statementCacheSize: parsed.statementCacheSize },
    ))
    client.query_timeout ??= parsed.client.query_timeout
    client.connectionString = url.toString()
    // pg lets the URL's TLS settings replace the option's: a CA given in the option would be silently dropped.
    const tlsParam = TLS_URL_PARAMS.find((name) => parsed.url.searchParams.has(name))
    if (tlsParam && client.ssl !== undefined) {
      throw new PoolOptionError(`TLS is set both by the ssl option and by the connection string (${tlsParam}); keep one.`)
    }
  }
  pool = withApplicationName(pool, [
    { where: 'as the application_name option', from: 'the application_name option', value: applicationNameField },
    { where: 'by the connection string parameter application_name', from: 'the connection string', value: urlApplicationName },
  ])
  if (schema !== undefined && (typeof schema !== 'string' || schema === '')) {
    throw new PoolOptionError('schema must be a non-empty string.')
  }
  if (statementCacheSize !== undefined && !(Number.isInteger(statementCacheSize) && statementCacheSize >= 0 && statementCacheSize <= MAX_STATEMENT_CACHE)) {
    throw new PoolOptionError(`statementCacheSize must be an integer from 0 to ${MAX_STATEMENT_CACHE}, got ${JSON.stringify(statementCacheSize)}.`)
  }
  // Where pg will connect: the connection string wins over the separate fields, as in pg itself.
  const host = (url && (url.searchParams.get('host') ?? decodeURIComponent(url.hostname))) || client.host || process.env.PGHOST || 'localhost'
  const port = (url?.port ? Number(url.port) : undefined) ?? client.port ?? (Number(process.env.PGPORT) || 5432)
  const database = (url && decodeURIComponent(url.pathname.slice(1))) || client.database || process.env.PGDATABASE || ''
  return {
    client,
    pool,
    schema,
    pgbouncer,
    statementCacheSize,
    target: `postgres://${host}:${port}/${database}`,
  }
}
