import { readFileSync } from 'node:fs'
import { isIP } from 'node:net'
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

/** URL parameters, Prisma 6's and the mariadb connector's, that are not accepted, and why. */
const REFUSED_URL_PARAMS: Record<string, string> = {
  max_idle_connection_lifetime:
    'connections above pool.size are closed after pool.overflowIdleTimeout, and every connection is replaced after pool.recycle; remove it',
  connectionLimit: 'use connection_limit, or pool.size and pool.maxOverflow',
  acquireTimeout: 'use pool_timeout, or pool.timeout',
  connectTimeout: 'use connect_timeout, or pool.connectTimeout',
  socketTimeout: 'use socket_timeout, or queryTimeout',
  prepareCacheLength: 'use statement_cache_size, or statementCacheSize',
  timezone: FIXED_FIELDS.timezone!,
  charset: FIXED_FIELDS.charset!,
}

const DEFAULT_STATEMENT_CACHE = 100
const MAX_STATEMENT_CACHE = 16_382
const MAX_QUERY_TIMEOUT = 24 * 24 * 3600

/**
 * Connection attributes the adapter sends itself: `program_name` (pool.applicationName) and `prisma_pool` (the
 * worker's tag, which `connections()` reads back from performance_schema). A user value would hide the worker.
 */
const RESERVED_ATTRIBUTES = ['program_name', 'prisma_pool'] as const

/** Checks `connectAttributes`: the user's own are sent along with the adapter's, never instead of them. */
function checkConnectAttributes(attributes: unknown): void {
  if (attributes === undefined) return
  if (typeof attributes !== 'object' || attributes === null || Array.isArray(attributes)) {
    throw new PoolOptionError('connectAttributes must be an object of attribute names to string values.')
  }
  for (const [name, value] of Object.entries(attributes)) {
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

function readParamFile(name: string, path: string): Buffer {
  try {
    return readFileSync(path)
  } catch (error) {
    throw new PoolOptionError(`connection string parameter ${name}: cannot read ${path} (${(error as Error).message}).`)
  }
}

/** Reads the connection string: Prisma 6 parameters become options, the rest is an error. */
function parseConnectionString(connectionString: string) {
  let url: URL
  try {
    url = new URL(connectionString)
  } catch {
    throw new PoolOptionError('connectionString is not a valid URL; expected mysql://user:password@host:3306/database')
  }
  if (url.protocol !== 'mysql:' && url.protocol !== 'mariadb:') {
    throw new PoolOptionError(
      `connectionString must start with mysql:// or mariadb://, not ${url.protocol}// (use the adapter for that engine).`,
    )
  }
  const decode = (part: string, what: string) => {
    try {
      return decodeURIComponent(part)
    } catch {
      throw new PoolOptionError(`connectionString: the ${what} is not valid URL encoding (write % as %25).`)
    }
  }
  checkRepeatedParams(url)
  const connection: MySqlConnectionFields = {}
  if (url.hostname) connection.host = decode(url.hostname.replace(/^\[(.*)\]$/, '$1'), 'host')
  if (url.port) connection.port = Number(url.port)
  if (url.username) connection.user = decode(url.username, 'user name')
  if (url.password) connection.password = decode(url.password, 'password')
  const database = decode(url.pathname.slice(1), 'database name')
  if (database) connection.database = database

  const pool: PoolOptions = {}
  const extra: Pick<PrismaPoolMySqlOptions, 'preparedStatements' | 'statementCacheSize' | 'queryTimeout'> = {}
  const ssl: SslOptions = {}
  let useSsl: boolean | undefined
  for (const [name, value] of url.searchParams) {
    if (readPoolUrlParam(pool, name, value)) continue
    switch (name) {
      case 'socket_timeout':
        extra.queryTimeout = urlSeconds(name, value, 'queryTimeout')
        break
      case 'max_connection_lifetime': {
        // Prisma 6: 0 meant no limit.
        pool.recycle = value === '0' ? -1 : urlSeconds(name, value, 'pool.recycle')
        break
      }
      case 'statement_cache_size': {
        const size = Number(value)
        if (!Number.isInteger(size) || size < 0) {
          throw new PoolOptionError(`connection string parameter statement_cache_size=${value} must be a whole number (0 = no prepared statements).`)
        }
        if (size === 0) extra.preparedStatements = false
        else extra.statementCacheSize = size
        break
      }
      case 'socket':
        connection.socketPath = value
        break
      case 'ssl':
        if (value !== 'true' && value !== 'false') throw new PoolOptionError(`connection string parameter ssl=${value} must be true or false.`)
        useSsl = value === 'true'
        break
      case 'sslaccept':
        if (value !== 'strict' && value !== 'accept_invalid_certs') {
          throw new PoolOptionError(`connection string parameter sslaccept=${value} must be strict or accept_invalid_certs.`)
        }
        ssl.rejectUnauthorized = value === 'strict'
        break
      case 'sslcert':
        ssl.ca = readParamFile(name, value)
        break
      case 'sslidentity':
        // mysql2's typings say string; it hands the value to tls, which takes the PKCS#12 bytes.
        ssl.pfx = readParamFile(name, value) as unknown as string
        break
      case 'sslpassword':
        ssl.passphrase = value
        break
      default:
        if (REFUSED_URL_PARAMS[name]) {
          throw new PoolOptionError(`connection string parameter ${name} is not supported: ${REFUSED_URL_PARAMS[name]}.`)
        }
        throw new PoolOptionError(
          `unknown connection string parameter "${name}". Known: connection_limit, pool_timeout, connect_timeout, socket_timeout, ` +
            'max_connection_lifetime, statement_cache_size, socket, ssl, sslaccept, sslcert, sslidentity, sslpassword.',
        )
    }
  }
  if (Object.keys(ssl).length > 0) {
    if (useSsl === false) throw new PoolOptionError('connection string parameter ssl=false contradicts its other ssl parameters; keep one.')
    connection.ssl = ssl
  } else if (useSsl) {
    connection.ssl = {}
  }
  return { connection, pool, extra }
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

function checkSessionVariables(variables: unknown): Record<string, SessionValue> {
  if (variables === undefined) return {}
  if (typeof variables !== 'object' || variables === null || Array.isArray(variables)) {
    throw new PoolOptionError('sessionVariables must be an object of variable names to values.')
  }
  for (const [name, value] of Object.entries(variables)) {
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
  return { ...(variables as Record<string, SessionValue>) }
}

/** Checks the options of `PrismaPoolMySql` and works out the connection settings and the pool options. */
export function resolveMySqlOptions(options: PrismaPoolMySqlOptions | string | undefined): ResolvedMySqlOptions {
  const input = checkAdapterInput<PrismaPoolMySqlOptions>(options, {
    adapter: 'PrismaPoolMySql',
    example: 'mysql://user:password@host:3306/database',
    defaults: "mysql2's defaults (root@localhost:3306)",
  })
  const { pool: poolInput, connectionString, preparedStatements, statementCacheSize, queryTimeout, sessionVariables, ...fields } = input
  for (const key of Object.keys(fields)) {
    if (FOREIGN_POOL_FIELDS[key]) {
      throw new PoolOptionError(`"${key}" is an option of another pool; this adapter has its own: use ${FOREIGN_POOL_FIELDS[key]}.`)
    }
    if (FIXED_FIELDS[key]) throw new PoolOptionError(`"${key}" cannot be set: ${FIXED_FIELDS[key]}.`)
    if (!(CONNECTION_FIELDS as readonly string[]).includes(key)) {
      throw new PoolOptionError(
        `unknown option "${key}". Known: connectionString, pool, preparedStatements, statementCacheSize, queryTimeout, ` +
          `sessionVariables, and mysql2's connection fields (${CONNECTION_FIELDS.join(', ')}).`,
      )
    }
  }
  checkConnectAttributes(fields.connectAttributes)
  let pool = validatePoolOptions(poolInput)
  let connection: MySqlConnectionFields = { ...fields }
  let settings = { preparedStatements, statementCacheSize, queryTimeout }
  if (connectionString !== undefined) {
    const parsed = parseConnectionString(connectionString)
    pool = mergeUrlPoolOptions(pool, parsed.pool)
    settings = mergeFromUrl(settings, parsed.extra)
    // The fields may not differ (no values shown: a password); TLS comes from one place or the other.
    const { ssl, ...urlFields } = parsed.connection
    connection = mergeFromUrl(connection, urlFields, { showValues: false })
    if (ssl && connection.ssl !== undefined) {
      throw new PoolOptionError(
        'TLS is set both by the ssl option and by the connection string (ssl, sslaccept, sslcert, sslidentity or sslpassword); keep one.',
      )
    }
    if (ssl) connection.ssl = ssl
  }
  connection.ssl = checkServerIdentity(connection.ssl, connection.host)
  const port = connection.port
  if (port !== undefined && !(Number.isInteger(port) && port >= 1 && port <= 65535)) {
    throw new PoolOptionError(`port must be an integer from 1 to 65535, got ${JSON.stringify(port)}.`)
  }
  if (settings.preparedStatements !== undefined && typeof settings.preparedStatements !== 'boolean') {
    throw new PoolOptionError('preparedStatements must be true or false.')
  }
  if (settings.preparedStatements === false && settings.statementCacheSize !== undefined) {
    throw new PoolOptionError('statementCacheSize has no effect with preparedStatements: false (nothing is prepared); remove one.')
  }
  // Asking for a statement cache is asking for prepared statements (Prisma 6's statement_cache_size=N).
  const usePrepared = settings.preparedStatements ?? settings.statementCacheSize !== undefined
  const cacheSize = settings.statementCacheSize ?? DEFAULT_STATEMENT_CACHE
  if (!Number.isInteger(cacheSize) || cacheSize < 1 || cacheSize > MAX_STATEMENT_CACHE) {
    throw new PoolOptionError(
      `statementCacheSize must be an integer from 1 to ${MAX_STATEMENT_CACHE}; to prepare no statements, set preparedStatements: false.`,
    )
  }
  const timeout = settings.queryTimeout
  if (timeout !== undefined && !(typeof timeout === 'number' && timeout > 0 && timeout <= MAX_QUERY_TIMEOUT)) {
    throw new PoolOptionError(`queryTimeout must be a number of seconds greater than 0 (at most ${MAX_QUERY_TIMEOUT}).`)
  }
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
