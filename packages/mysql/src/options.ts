import { readFileSync } from 'node:fs'
import { isIP } from 'node:net'
import {
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
  urlOneOf,
  urlSeconds,
  validatePoolOptions,
  type ConnectionStringSpec,
  type OptionTable,
  type ParamRules,
} from '@prisma-pool/core/engine'
import { PoolOptionError, type PoolOptions } from '@prisma-pool/core'
import type { ConnectionOptions, SslOptions } from 'mysql2'

/** The mysql2 connection fields passed through; everything that changes how values are read is ours. */
const CONNECTION_FIELDS = [
  'host', 'port', 'user', 'password', 'password1', 'password2', 'password3', 'database', 'socketPath',
  'localAddress', 'ssl', 'connectAttributes', 'compress', 'enableKeepAlive', 'keepAliveInitialDelay',
  'authPlugins', 'insecureAuth',
] as const

export type MySqlConnectionFields = Pick<ConnectionOptions, (typeof CONNECTION_FIELDS)[number]>

/** A value a session variable may be set to. */
export type SessionValue = string | number | boolean

export interface PrismaPoolMySqlOptions extends MySqlConnectionFields {
  /** `mysql://user:password@host:3306/database?connection_limit=5` (`mariadb://` works too). */
  connectionString?: string
  /** Pool options: size, maxOverflow, timeout, recycle, prePing, resetOnReturn … */
  pool?: PoolOptions
  /**
   * Server-side prepared statements (the binary protocol), cached per connection. Default false: queries
   * go through the text protocol with their values inlined (quoted for the session's SQL mode), which is
   * faster with mysql2, works behind proxies that multiplex connections (ProxySQL, MaxScale), and leaves
   * nothing prepared on the server.
   */
  preparedStatements?: boolean
  /**
   * Prepared statements kept per connection (implies `preparedStatements: true`); the least recently used
   * is closed beyond this. Keep connections × this below the server's `max_prepared_stmt_count` (16382 by
   * default). Default 100.
   */
  statementCacheSize?: number
  /** Longest a query may run before its connection is closed (seconds). Default: no limit. */
  queryTimeout?: number
  /** Session variables set on every new connection: `{ sql_mode: 'TRADITIONAL', wait_timeout: 600 }`. */
  sessionVariables?: Record<string, SessionValue>
}

/** What the adapter works from once the options are checked. */
export interface ResolvedMySqlOptions {
  connection: MySqlConnectionFields
  pool: PoolOptions
  preparedStatements: boolean
  statementCacheSize: number
  /** In milliseconds, or undefined for no limit. */
  queryTimeoutMs: number | undefined
  sessionVariables: Record<string, SessionValue>
  /** `mysql://host:port/database`, for messages. Never holds the password. */
  target: string
}

const MYSQL: ConnectionStringSpec = {
  adapter: 'PrismaPoolMySql',
  schemes: ['mysql', 'mariadb'],
  example: 'mysql://user:password@host:3306/database',
  defaults: "mysql2's defaults (root@localhost:3306)",
}

/** Options of mysql2's and mariadb's own pools users tend to bring along, and what to write instead. */
const FOREIGN_POOL_FIELDS: Record<string, string> = {
  connectionLimit: 'pool.size and pool.maxOverflow',
  waitForConnections: 'pool.timeout (callers always wait, up to that many seconds)',
  queueLimit: 'pool.timeout',
  maxIdle: 'pool.size',
  idleTimeout: 'pool.overflowIdleTimeout (seconds)',
  acquireTimeout: 'pool.timeout (seconds)',
  minimumIdle: 'pool.size (connections are created lazily)',
  connectTimeout: 'pool.connectTimeout (seconds)',
  maxPreparedStatements: 'statementCacheSize',
  prepareCacheLength: 'statementCacheSize',
}

/** mysql2 settings the adapter fixes, because Prisma's value encodings depend on them. */
const FIXED_FIELDS: Record<string, string> = {
  timezone: 'every session runs in UTC (time_zone = +00:00), so that DATETIME and TIMESTAMP values are read and written in UTC',
  charset: 'connections use utf8mb4',
  multipleStatements: 'only executeScript runs several statements, on a connection of its own',
  flags: 'the adapter sets the protocol flags (several statements per query stay off)',
}
for (const name of ['rowsAsArray', 'supportBigNumbers', 'bigNumberStrings', 'dateStrings', 'decimalNumbers', 'jsonStrings', 'typeCast', 'namedPlaceholders', 'nestTables']) {
  FIXED_FIELDS[name] = 'the adapter reads values in the encodings Prisma expects'
}

const DEFAULT_STATEMENT_CACHE = 100
const MAX_STATEMENT_CACHE = 16_382

const OPTIONS: OptionTable = {
  scope: '',
  where: 'as an option',
  rules: {
    connectionString: rule.any,
    pool: rule.object('an object of pool options'),
    preparedStatements: rule.boolean,
    statementCacheSize: {
      ...rule.integer(1, MAX_STATEMENT_CACHE),
      allowed: `an integer from 1 to ${MAX_STATEMENT_CACHE} (to prepare no statements, set preparedStatements: false)`,
    },
    queryTimeout: rule.seconds,
    sessionVariables: rule.object('an object of variable names to values'),
    // Passed to mysql2. A connection string's user, password, host and database travel together, and a value put in
    // the wrong one may be the password: their values stay out of messages.
    ...Object.fromEntries(CONNECTION_FIELDS.map((field) => [field, { ...rule.any, secret: true }])),
    port: rule.integer(1, 65535),
    connectAttributes: rule.object('an object of attribute names to string values'),
  },
  aliases: NESTED_POOL_ALIASES,
  refused: {
    ...Object.fromEntries(
      Object.entries(FOREIGN_POOL_FIELDS).map(([key, use]) => [key, `is an option of another pool; this adapter has its own: use ${use}`]),
    ),
    ...Object.fromEntries(Object.entries(FIXED_FIELDS).map(([key, why]) => [key, `cannot be set: ${why}`])),
  },
}

/** What the connection string sets besides pool options and the user, password, host, port and database. */
type MySqlUrlSettings = Pick<PrismaPoolMySqlOptions, 'preparedStatements' | 'statementCacheSize' | 'queryTimeout' | 'socketPath'> &
  Pick<SslOptions, 'rejectUnauthorized' | 'ca' | 'pfx' | 'passphrase'> & { tls: boolean }

function readParamFile(path: string, name: string): Buffer {
  try {
    return readFileSync(path)
  } catch (error) {
    throw new PoolOptionError(`connection string parameter ${name}: cannot read ${path} (${(error as Error).message}).`)
  }
}

const PARAMS: ParamRules<MySqlUrlSettings> = {
  ...POOL_PARAMS,
  // Prisma 6: 0 meant no limit.
  max_connection_lifetime: { pool: (text, name) => ({ recycle: text === '0' ? -1 : urlSeconds('pool.recycle')(text, name) }) },
  socket_timeout: { options: into('queryTimeout', urlSeconds('queryTimeout')) },
  statement_cache_size: {
    options: (text, name) => {
      const size = urlInteger(0, MAX_STATEMENT_CACHE)(text, name)
      return size === 0 ? { preparedStatements: false } : { statementCacheSize: size }
    },
  },
  socket: { options: into('socketPath', (text) => text) },
  ssl: { options: into('tls', urlBoolean) },
  sslaccept: { options: (text, name) => ({ rejectUnauthorized: urlOneOf('strict', 'accept_invalid_certs')(text, name) === 'strict' }) },
  sslcert: { options: into('ca', readParamFile) },
  // mysql2's typings say string; it hands the value to tls, which takes the PKCS#12 bytes.
  sslidentity: { options: (text, name) => ({ pfx: readParamFile(text, name) as unknown as string }) },
  sslpassword: { options: into('passphrase', (text) => text) },
  // Prisma 6's and the mariadb connector's parameters that are not accepted, and why.
  max_idle_connection_lifetime: {
    refused: 'connections above pool.size are closed after pool.overflowIdleTimeout, and every connection is replaced after pool.recycle; remove it',
  },
  connectionLimit: { refused: 'use connection_limit, or pool.size and pool.maxOverflow' },
  acquireTimeout: { refused: 'use pool_timeout, or pool.timeout' },
  connectTimeout: { refused: 'use connect_timeout, or pool.connectTimeout' },
  socketTimeout: { refused: 'use socket_timeout, or queryTimeout' },
  prepareCacheLength: { refused: 'use statement_cache_size, or statementCacheSize' },
  timezone: { refused: FIXED_FIELDS.timezone! },
  charset: { refused: FIXED_FIELDS.charset! },
}

/** The user, password, host, port and database of the connection string. */
function urlConnection(url: URL): MySqlConnectionFields {
  const decode = (part: string, what: string) => {
    try {
      return decodeURIComponent(part)
    } catch {
      throw new PoolOptionError(`connectionString: the ${what} is not valid URL encoding (write % as %25).`)
    }
  }
  const connection: MySqlConnectionFields = {}
  if (url.hostname) connection.host = decode(url.hostname.replace(/^\[(.*)\]$/, '$1'), 'host')
  if (url.port) connection.port = Number(url.port)
  if (url.username) connection.user = decode(url.username, 'user name')
  if (url.password) connection.password = decode(url.password, 'password')
  const database = decode(url.pathname.slice(1), 'database name')
  if (database) connection.database = database
  return connection
}

/** The TLS settings of the connection string's parameters, if it has any. */
function urlTls({ tls, ...settings }: Partial<Pick<MySqlUrlSettings, 'tls' | 'rejectUnauthorized' | 'ca' | 'pfx' | 'passphrase'>>): SslOptions | undefined {
  const ssl = Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined)) as SslOptions
  if (Object.keys(ssl).length > 0) {
    if (tls === false) throw new PoolOptionError('connection string parameter ssl=false contradicts its other ssl parameters; keep one.')
    return ssl
  }
  return tls ? {} : undefined
}

/**
 * Connection attributes the adapter sends itself: `program_name` (pool.applicationName) and `prisma_pool` (the
 * worker's tag, which `connections()` reads back from performance_schema). A user value would hide the worker.
 */
const RESERVED_ATTRIBUTES = ['program_name', 'prisma_pool'] as const

/** Checks `connectAttributes`: the user's own are sent along with the adapter's, never instead of them. */
function checkConnectAttributes(attributes: MySqlConnectionFields['connectAttributes']): void {
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if ((RESERVED_ATTRIBUTES as readonly string[]).includes(name)) {
      throw new PoolOptionError(
        `connectAttributes.${name} is set by the adapter: every connection sends program_name = pool.applicationName and ` +
          `prisma_pool = this worker's tag (application@host/pid), which connections() reads from the server. ` +
          `Set pool.applicationName instead; other attributes of yours are sent along with these.`,
      )
    }
    // mysql2 writes each value as a string: anything else fails in the middle of the handshake.
    if (typeof value !== 'string') throw new PoolOptionError(`connectAttributes.${name} must be a string, got ${typeof value}.`)
  }
}

/** Session variables the adapter sets itself; a user value would change how values are read. */
const RESERVED_VARIABLES = new Set(['time_zone', 'character_set_client', 'character_set_results', 'character_set_connection', 'names'])

function checkSessionVariables(variables: Record<string, SessionValue> | undefined): Record<string, SessionValue> {
  for (const [name, value] of Object.entries(variables ?? {})) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new PoolOptionError(`sessionVariables: "${name}" is not a variable name.`)
    if (RESERVED_VARIABLES.has(name.toLowerCase())) {
      throw new PoolOptionError(`sessionVariables: ${name} is set by the adapter (${FIXED_FIELDS.timezone}).`)
    }
    const ok = typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))
    if (!ok) throw new PoolOptionError(`sessionVariables.${name} must be a string, a finite number or a boolean.`)
    // Without backslashes a value is quoted the same way whatever the server's SQL mode.
    if (typeof value === 'string' && value.includes('\\')) {
      throw new PoolOptionError(`sessionVariables.${name} must not contain a backslash.`)
    }
  }
  return { ...variables }
}

/**
 * A verified certificate must also be the server's: mysql2 checks the host name only when asked (verifyIdentity), so
 * the adapter asks, unless verification is off (rejectUnauthorized: false) or the option says otherwise. Not for an
 * IP address: mysql2 would check the certificate against "localhost" instead, so only the CA is checked there.
 */
function checkServerIdentity(ssl: MySqlConnectionFields['ssl'], host: string | undefined): MySqlConnectionFields['ssl'] {
  if (typeof ssl !== 'object' || ssl === null || ssl.rejectUnauthorized === false || ssl.verifyIdentity !== undefined) return ssl
  if (isIP(host ?? 'localhost') !== 0) return ssl
  return { ...ssl, verifyIdentity: true }
}

/** Checks the options of `PrismaPoolMySql` and works out the connection settings and the pool options. */
export function resolveMySqlOptions(options: PrismaPoolMySqlOptions | string | undefined): ResolvedMySqlOptions {
  const input = checkOptions<PrismaPoolMySqlOptions>(OPTIONS, checkAdapterInput<PrismaPoolMySqlOptions>(options, MYSQL))
  const { pool: poolInput, connectionString, preparedStatements, statementCacheSize, queryTimeout, sessionVariables, ...fields } = input
  checkConnectAttributes(fields.connectAttributes)
  let pool = validatePoolOptions(poolInput)
  let connection: MySqlConnectionFields = { ...fields }
  let settings = { preparedStatements, statementCacheSize, queryTimeout }
  if (connectionString !== undefined) {
    const url = parseConnectionUrl(connectionString, MYSQL)
    const fromAuthority = urlConnection(url)
    const read = readParams(url, PARAMS)
    const { socketPath, tls, rejectUnauthorized, ca, pfx, passphrase, ...fromUrl } = read.options
    pool = mergeUrlPoolOptions(pool, read.pool)
    settings = mergeFromUrl(OPTIONS, settings, fromUrl)
    connection = mergeFromUrl(OPTIONS, connection, { ...fromAuthority, socketPath })
    // TLS comes from one place or the other: mysql2 would take one and drop the other.
    const ssl = urlTls({ tls, rejectUnauthorized, ca, pfx, passphrase })
    if (ssl && connection.ssl !== undefined) {
      throw conflictError('TLS', { where: 'by the ssl option' }, { where: 'by the connection string (ssl, sslaccept, sslcert, sslidentity or sslpassword)' })
    }
    if (ssl) connection.ssl = ssl
  }
  connection.ssl = checkServerIdentity(connection.ssl, connection.host)
  if (settings.preparedStatements === false && settings.statementCacheSize !== undefined) {
    throw new PoolOptionError('statementCacheSize has no effect with preparedStatements: false (nothing is prepared); remove one.')
  }
  // Asking for a statement cache is asking for prepared statements (Prisma 6's statement_cache_size=N).
  const usePrepared = settings.preparedStatements ?? settings.statementCacheSize !== undefined
  const cacheSize = settings.statementCacheSize ?? DEFAULT_STATEMENT_CACHE
  const timeout = settings.queryTimeout
  const host = connection.socketPath ? 'localhost' : connection.host?.includes(':') ? `[${connection.host}]` : (connection.host ?? 'localhost')
  const where = connection.socketPath ? `${host}/${connection.database ?? ''}?socket=${connection.socketPath}` : `${host}:${connection.port ?? 3306}/${connection.database ?? ''}`
  return {
    connection,
    pool,
    preparedStatements: usePrepared,
    statementCacheSize: cacheSize,
    queryTimeoutMs: timeout === undefined ? undefined : Math.ceil(timeout * 1000),
    sessionVariables: checkSessionVariables(sessionVariables),
    target: `mysql://${where}`,
  }
}
