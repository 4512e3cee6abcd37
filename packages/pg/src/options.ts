import {
  agreedSource,
  checkAdapterInput,
  checkOptions,
  conflictError,
  into,
  mergeFromUrl,
  mergeUrlPoolOptions,
  NESTED_POOL_ALIASES,
  parseConnectionUrl,
  POOL_PARAMS,
  readParams,
  rule,
  urlBoolean,
  urlInteger,
  urlSeconds,
  validatePoolOptions,
  type ConnectionStringSpec,
  type OptionTable,
  type ParamRules,
} from '@prisma-pool/core/engine'
import { PoolOptionError, type PoolOptions } from '@prisma-pool/core'
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

const PG: ConnectionStringSpec = {
  adapter: 'PrismaPoolPg',
  schemes: ['postgres', 'postgresql'],
  example: 'postgres://user:password@host:5432/database',
  defaults: "pg's defaults and the PGHOST, PGUSER … environment variables",
}

/** pg's connection fields, passed to `pg.Client` as they are (pg checks them). */
const CLIENT_FIELDS = [
  'user', 'database', 'password', 'port', 'host', 'keepAlive', 'statement_timeout', 'ssl', 'enableChannelBinding',
  'sslnegotiation', 'query_timeout', 'lock_timeout', 'keepAliveInitialDelayMillis', 'idle_in_transaction_session_timeout',
  'application_name', 'connectionTimeoutMillis', 'options', 'client_encoding',
]

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

/** Every session carries pool.applicationName with this worker's host and pid: pg's fallback would never apply. */
const FALLBACK_NAME = 'every connection carries an application_name (pool.applicationName, default "prisma-pool", with the worker\'s host and pid); set pool.applicationName instead'

const OPTIONS: OptionTable = {
  scope: '',
  where: 'as an option',
  rules: {
    connectionString: rule.any,
    pool: rule.object('an object of pool options'),
    schema: rule.string,
    statementCacheSize: rule.integer(0, MAX_STATEMENT_CACHE),
    ...Object.fromEntries(CLIENT_FIELDS.map((field) => [field, rule.any])),
    password: { ...rule.any, secret: true },
  },
  aliases: NESTED_POOL_ALIASES,
  refused: {
    ...Object.fromEntries(Object.entries(PG_POOL_FIELDS).map(([key, use]) => [key, `is a pg.Pool option; this adapter has its own pool: use ${use}`])),
    fallback_application_name: `is not supported: ${FALLBACK_NAME}`,
  },
}

/** What the connection string sets besides pool options (its TLS and connection parameters are left for pg). */
interface PgUrlSettings {
  schema: string
  statementCacheSize: number
  query_timeout: number
  pgbouncer: boolean
  applicationName: string
}

/** URL parameters pg itself understands: left in the connection string for it. */
const PG_URL_PARAMS = [
  'host', 'port', 'user', 'password', 'ssl', 'sslmode', 'sslcert', 'sslkey', 'sslrootcert',
  'sslnegotiation', 'uselibpqcompat', 'options', 'client_encoding', 'statement_timeout', 'lock_timeout',
  'idle_in_transaction_session_timeout', 'query_timeout',
]

const text = (value: string) => value

const PARAMS: ParamRules<PgUrlSettings> = {
  ...POOL_PARAMS,
  socket_timeout: { options: (value, name) => ({ query_timeout: urlSeconds('socket_timeout')(value, name) * 1000 }) },
  schema: { options: into('schema', text) },
  // Taken out of the URL: pg would let it override the worker's tag.
  application_name: { options: into('applicationName', text) },
  statement_cache_size: { options: into('statementCacheSize', urlInteger(0, MAX_STATEMENT_CACHE)) },
  pgbouncer: { options: into('pgbouncer', urlBoolean) },
  ...Object.fromEntries(PG_URL_PARAMS.map((name) => [name, { driver: true } as const])),
  // Prisma 6 parameters that have no counterpart here, and what to do instead.
  sslidentity: { refused: 'pass the client certificate through the `ssl` option (key, cert) instead' },
  sslpassword: { refused: 'pass the key passphrase through the `ssl` option (passphrase) instead' },
  sslaccept: { refused: "use sslmode=no-verify, or the `ssl` option { rejectUnauthorized: false }, instead" },
  single_use_connections: { refused: 'use pool.recycle or pool.size instead' },
  fallback_application_name: { refused: FALLBACK_NAME },
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

/** Checks the options of `PrismaPoolPg` and works out the pg client config and the pool options. */
export function resolvePgOptions(options: PrismaPoolPgOptions | string | undefined): ResolvedPgOptions {
  const input = checkOptions<PrismaPoolPgOptions>(OPTIONS, checkAdapterInput<PrismaPoolPgOptions>(options, PG))
  const { pool: poolInput, connectionString, schema, statementCacheSize, application_name: nameOption, ...fields } = input
  let pool = validatePoolOptions(poolInput)
  const client: pg.ClientConfig = { ...fields }
  let settings: Partial<PgUrlSettings> = { schema, statementCacheSize, query_timeout: fields.query_timeout }
  let url: URL | undefined
  let pgbouncer: boolean | undefined
  let nameInUrl: string | undefined
  if (connectionString !== undefined) {
    const read = readParams(parseConnectionUrl(connectionString, PG), PARAMS)
    url = read.url
    checkSslMode(url)
    const { pgbouncer: bouncer, applicationName, ...fromUrl } = read.options
    // socket_timeout (seconds) is pg's query_timeout (ms): a conflict is named as the user wrote the two.
    if (fields.query_timeout !== undefined && fromUrl.query_timeout !== undefined && fields.query_timeout !== fromUrl.query_timeout) {
      throw conflictError(
        'The query timeout',
        { where: 'by the query_timeout option', value: `${fields.query_timeout} ms` },
        { where: 'by the connection string parameter socket_timeout', value: `${fromUrl.query_timeout / 1000} s` },
      )
    }
    pool = mergeUrlPoolOptions(pool, read.pool)
    settings = mergeFromUrl(OPTIONS, settings, fromUrl)
    pgbouncer = bouncer
    nameInUrl = applicationName
    client.connectionString = url.toString()
    // pg lets the URL's TLS settings replace the option's: a CA given in the option would be silently dropped.
    const tlsParam = TLS_URL_PARAMS.find((name) => url!.searchParams.has(name))
    if (tlsParam && client.ssl !== undefined) {
      throw conflictError('TLS', { where: 'by the ssl option' }, { where: `by the connection string (${tlsParam})` })
    }
  }
  if (settings.query_timeout !== undefined) client.query_timeout = settings.query_timeout
  // pg's application_name, as a field or a URL parameter, is pool.applicationName: the tag every session carries
  // starts with it.
  const name = agreedSource('pool.applicationName', [
    { where: 'in the pool options', value: pool.applicationName, from: '' },
    { where: 'as the application_name option', value: nameOption, from: 'the application_name option' },
    { where: 'by the connection string parameter application_name', value: nameInUrl, from: 'the connection string' },
  ])
  if (name && pool.applicationName === undefined) {
    pool = { ...pool, ...validatePoolOptions({ applicationName: name.value }, `pool (from ${name.from})`) }
  }
  // Where pg will connect: the connection string wins over the separate fields, as in pg itself.
  const host = (url && (url.searchParams.get('host') ?? decodeURIComponent(url.hostname))) || client.host || process.env.PGHOST || 'localhost'
  const port = (url?.port ? Number(url.port) : undefined) ?? client.port ?? (Number(process.env.PGPORT) || 5432)
  const database = (url && decodeURIComponent(url.pathname.slice(1))) || client.database || process.env.PGDATABASE || ''
  return {
    client,
    pool,
    schema: settings.schema,
    pgbouncer,
    statementCacheSize: settings.statementCacheSize,
    target: `postgres://${host}:${port}/${database}`,
  }
}
