// The options of PrismaPoolOracle, checked with the core's mechanism (unknown keys with a suggestion, bad values with
// what is allowed, settings given twice): where to connect (an oracle:// URL, or node-oracledb's connectString: Easy
// Connect, a descriptor or a tnsnames alias), who as, which schema Prisma's names are in, the pool, and the few
// connection attributes of node-oracledb's Thin mode that deployments need (wallets, TLS, proxies, privileges).
import {
  agreedSource,
  checkOptions,
  conflictError,
  into,
  mergeFromUrl,
  mergeUrlPoolOptions,
  NESTED_POOL_ALIASES,
  POOL_PARAMS,
  readParams,
  rule,
  urlBoolean,
  validatePoolOptions,
  type OptionTable,
  type ParamRules,
} from '@prisma-pool/core/engine'
import { PoolOptionError, type PoolOptions } from '@prisma-pool/core'

/** node-oracledb's privilege constants (oracledb.SYSDBA …), by name. */
const PRIVILEGES = { SYSDBA: 0x2, SYSOPER: 0x4, SYSASM: 0x8000, SYSBACKUP: 0x20000, SYSDG: 0x40000, SYSKM: 0x80000, SYSRAC: 0x100000 } as const
export type OraclePrivilege = keyof typeof PRIVILEGES

/** node-oracledb connection attributes passed through as they are (Thin mode's). */
export interface OracleConnectionAttributes {
  /** Directory of the wallet (ewallet.pem) for TLS (tcps) connections, Oracle Autonomous Database's among them. */
  walletLocation?: string
  walletPassword?: string
  /** Directory of tnsnames.ora, for a connectString that is a tnsnames alias. */
  configDir?: string
  /** Whether the server certificate's DN must match the host (default true with tcps). */
  sslServerDNMatch?: boolean
  sslServerCertDN?: string
  sslAllowWeakDNMatch?: boolean
  httpsProxy?: string
  httpsProxyPort?: number
  /** Edition-based redefinition: the edition the sessions use. */
  edition?: string
  /** Minutes between keep-alive probes of an idle connection (Oracle's dead connection detection). */
  expireTime?: number
  /** Session data unit, in bytes. */
  sdu?: number
  /** Statements node-oracledb keeps parsed per connection (default 30). */
  stmtCacheSize?: number
}

export interface PrismaPoolOracleOptions extends OracleConnectionAttributes {
  /** `oracle://user:password@host:1521/service?schema=APP&connection_limit=5` (`ssl=true` connects with TLS). */
  url?: string
  /** node-oracledb's connect string: Easy Connect (`host:1521/service`), a descriptor `(DESCRIPTION=…)`, or a tnsnames alias. */
  connectString?: string
  user?: string
  password?: string
  /** Connect as SYSDBA, SYSOPER … (administrative connections). */
  privilege?: OraclePrivilege | number
  /**
   * The Oracle schema Prisma's tables are in, exactly as Oracle names it (unquoted names are upper case: `APP`). It is
   * set as each session's CURRENT_SCHEMA and Prisma qualifies its names with it. Default: the user's own schema; so is
   * `public` (any case), PostgreSQL's default schema, which a URL carried over from PostgreSQL may name.
   */
  schema?: string
  /**
   * What an empty string argument does. Oracle stores '' as NULL (and compares it as NULL, matching no row), which
   * would silently differ from what Prisma means on PostgreSQL: with `'error'` (the default) a statement with an
   * empty string (or empty bytes) argument fails before anything runs, with Prisma's P2007 (InvalidInputValue); with
   * `'null'` it is bound as it is, and Oracle stores NULL. An argument that only goes into a LIKE pattern (contains,
   * startsWith, endsWith, where '' matches as on PostgreSQL) is always allowed, once the translator marks it so.
   */
  emptyStrings?: 'error' | 'null'
  /** Longest wait for one connection to be established, in seconds: the same as pool.connectTimeout (set one). */
  connectTimeout?: number
  /** Pool options: size, maxOverflow, timeout, recycle, prePing, resetOnReturn … */
  pool?: PoolOptions
}

/** What the driver gives node-oracledb's getConnection (the adapter adds the timeouts). */
export interface OracleConnectFields extends OracleConnectionAttributes {
  user: string
  password: string
  connectString: string
  privilege?: number
}

/** What the adapter works from once the options are checked. */
export interface ResolvedOracleOptions {
  connection: OracleConnectFields
  /** undefined: the session's own schema (no schema given, or `public`). */
  schema: string | undefined
  /** Where the schema was given, for messages: `the schema option`, `the url's schema parameter`. */
  schemaFrom?: string
  emptyStrings: 'error' | 'null'
  pool: PoolOptions
  /** `oracle://host:port/service`, for messages. Never holds the password. */
  target: string
}

const EXAMPLE_URL = 'oracle://user:password@host:1521/service'

/** Options of node-oracledb's own pool users tend to bring along, and what to write instead. */
const FOREIGN_POOL_FIELDS: Record<string, string> = {
  poolMin: 'pool.size (connections are created lazily)',
  poolMax: 'pool.size and pool.maxOverflow',
  poolIncrement: 'pool.maxOverflow (connections are opened one at a time, as needed)',
  poolTimeout: 'pool.overflowIdleTimeout (seconds)',
  poolPingInterval: 'pool.prePing and pool.prePingAfterIdle',
  poolPingTimeout: 'pool.pingTimeout (seconds)',
  poolMaxPerShard: 'pool.size',
  poolAlias: 'one PrismaPoolOracle per database',
  queueMax: 'pool.timeout (callers wait up to that many seconds)',
  queueTimeout: 'pool.timeout (seconds)',
  maxLifetimeSession: 'pool.recycle (seconds)',
}

/** node-oracledb settings that the adapter sets, or that Thin mode does not have. */
const FIXED_FIELDS: Record<string, string> = {
  transportConnectTimeout: 'cannot be set: the adapter sets it from connectTimeout (pool.connectTimeout)',
  externalAuth: 'needs node-oracledb Thick mode and Oracle Client libraries; this adapter runs Thin mode: give user and password',
  homogeneous: 'is an option of node-oracledb pools; this adapter has its own pool',
  events: 'is not supported: the pool checks connections itself (pool.prePing)',
  connectionString: 'is ambiguous here: node-oracledb reads it as its connect string, the other prisma-pool adapters as a URL. ' +
    `Use url for "${EXAMPLE_URL}", or connectString for Easy Connect ("host:1521/service"), a descriptor or a tnsnames alias`,
}

const secretString = { ...rule.any, secret: true, allowed: 'a string', check: (value: unknown) => typeof value === 'string' }
/** An Oracle name as written: no quotes, at most 128 bytes (Oracle 12.2+). */
const isOracleName = (value: unknown) => typeof value === 'string' && value !== '' && !value.includes('"') && Buffer.byteLength(value) <= 128

const OPTIONS: OptionTable = {
  scope: '',
  where: 'as an option',
  rules: {
    url: { ...rule.any, secret: true, allowed: `a URL such as ${EXAMPLE_URL}`, check: (value) => typeof value === 'string' },
    connectString: rule.string,
    user: { ...rule.string, secret: true },
    password: secretString,
    privilege: {
      allowed: `one of ${Object.keys(PRIVILEGES).join(', ')} (or node-oracledb's constant for it)`,
      check: (value) => (typeof value === 'string' && Object.hasOwn(PRIVILEGES, value)) || (Object.values(PRIVILEGES) as unknown[]).includes(value),
    },
    schema: { allowed: 'an Oracle schema name as Oracle spells it (unquoted names are upper case: "APP"), without quotes', check: isOracleName },
    emptyStrings: { allowed: "'error' or 'null'", check: (value) => value === 'error' || value === 'null' },
    connectTimeout: rule.seconds,
    pool: rule.object('an object of pool options'),
    walletLocation: rule.string,
    walletPassword: secretString,
    configDir: rule.string,
    sslServerDNMatch: rule.boolean,
    sslServerCertDN: rule.string,
    sslAllowWeakDNMatch: rule.boolean,
    httpsProxy: rule.string,
    httpsProxyPort: rule.integer(1, 65535),
    edition: rule.string,
    expireTime: rule.integer(1, 1440),
    sdu: rule.integer(512, 2097152),
    stmtCacheSize: rule.integer(0, 10000),
  },
  aliases: { ...NESTED_POOL_ALIASES, username: 'user', connectstring: 'connectString', uri: 'url', databaseurl: 'url', connectiontimeout: 'connectTimeout' },
  refused: {
    ...Object.fromEntries(
      Object.entries(FOREIGN_POOL_FIELDS).map(([key, use]) => [key, `is an option of node-oracledb's pool; this adapter has its own: use ${use}`]),
    ),
    ...FIXED_FIELDS,
  },
}

/** What the URL sets besides pool options, the user, password, host, port and service. */
interface OracleUrlSettings {
  schema: string
  tls: boolean
}

const PARAMS: ParamRules<OracleUrlSettings> = {
  ...POOL_PARAMS,
  schema: { options: into('schema', (text) => text) },
  ssl: { options: into('tls', urlBoolean) },
  // Prisma 6's parameters with no counterpart here, and what to do instead.
  socket_timeout: { refused: 'a statement may run as long as it takes; end long-running statements on the server (a profile\'s CPU_PER_CALL, Resource Manager) instead' },
  sslmode: { refused: 'use ssl=true (TLS, verified with the wallet in walletLocation)' },
  pgbouncer: { refused: 'it is a PostgreSQL setting' },
}

/** The scheme of a text written `scheme://…`, lower case (an Easy Connect `host:1521/service` has none). */
const schemeOf = (text: string) => /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(text)?.[1]?.toLowerCase()
/** Whether a text is meant as a URL rather than a connect string: oracle:…, jdbc:…, or any scheme:// but Easy Connect's tcp(s)://. */
const looksLikeUrl = (text: string) => /^(?:oracle|jdbc):/i.test(text) || (schemeOf(text) !== undefined && !['tcp', 'tcps'].includes(schemeOf(text)!))

/**
 * Whether a connect string is SQL*Plus's `user/password@connect_identifier` (or `user@…`): node-oracledb takes the
 * credentials as options only, and would repeat the string, password and all, in its NJS-515 message.
 */
const hasCredentials = (text: string) => /^\s*[^\s@()/:"']+(?:\/[^@]*)?@/.test(text) || /^\s*"[^"]*"(?:\/[^@]*)?@/.test(text)

/** A connect string that holds credentials is refused without repeating it. */
function checkConnectString(value: string): void {
  if (hasCredentials(value)) {
    throw new PoolOptionError(
      'connectString looks like SQL*Plus\'s user/password@host:port/service (it is not repeated here: it may hold a password). ' +
        'node-oracledb does not read credentials from a connect string: give user and password as options, and only the part after "@" as connectString, ' +
        `or write a URL such as ${EXAMPLE_URL}.`,
      { option: 'connectString' },
    )
  }
}

/** A url option that cannot be what it should, never repeating its text (it may hold the password). */
function checkUrlText(value: string): void {
  const fail = (message: string) => new PoolOptionError(message, { option: 'url' })
  if (value.trim() === '') {
    throw fail(
      `url is ${value === '' ? 'empty' : 'blank'}: is DATABASE_URL (or whichever variable it is read from) set in the environment of this process? ` +
        `Expected a URL such as ${EXAMPLE_URL}.`,
    )
  }
  if (/^oracle:/i.test(value)) {
    if (!/^oracle:\/\//i.test(value)) throw fail(`url starts with "oracle:" but not "oracle://": expected a URL such as ${EXAMPLE_URL}.`)
    return
  }
  if (/^jdbc:/i.test(value)) {
    throw fail(
      `url is a JDBC URL (jdbc:oracle:thin:…): for this adapter write ${EXAMPLE_URL}, or give the part after "@" as connectString; ` +
        'JDBC URLs are for @prisma-pool/jdbc.',
    )
  }
  const scheme = schemeOf(value)
  if (scheme === 'tcp' || scheme === 'tcps') throw fail(`url starts with "${scheme}://", which is an Easy Connect string: give it as connectString instead.`)
  throw fail(
    scheme === undefined
      ? `url does not start with oracle://: expected a URL such as ${EXAMPLE_URL} (an Easy Connect string such as host:1521/service goes in connectString).`
      : `url must start with oracle://, not ${scheme}:// (use the adapter for that engine).`,
  )
}

/** The parts of an oracle:// URL: the connect string (Easy Connect), credentials, and its parameters' settings. */
function readUrl(value: string) {
  checkUrlText(value)
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new PoolOptionError(`url is not a valid URL; expected a URL such as ${EXAMPLE_URL} (write a % in the password as %25).`, { option: 'url' })
  }
  const names = [...url.searchParams.keys()]
  const repeated = names.find((name, i) => names.indexOf(name) !== i)
  if (repeated !== undefined) throw new PoolOptionError(`url parameter ${repeated} is given more than once; keep one.`, { option: 'url' })
  const decode = (part: string, what: string) => {
    try {
      return decodeURIComponent(part)
    } catch {
      throw new PoolOptionError(`url: the ${what} is not valid URL encoding (write % as %25).`, { option: 'url' })
    }
  }
  if (!url.hostname) throw new PoolOptionError(`url has no host: expected a URL such as ${EXAMPLE_URL}.`, { option: 'url' })
  const read = readParams(url, PARAMS)
  const service = decode(url.pathname.replace(/^\//, ''), 'service name')
  if (service.includes('/')) {
    throw new PoolOptionError('url: the path must be one service name (oracle://host:1521/service); give other Easy Connect forms as connectString.', { option: 'url' })
  }
  const host = url.hostname
  const port = url.port ? Number(url.port) : 1521
  const { tls, ...settings } = read.options
  const connectString = `${tls ? 'tcps://' : ''}${host}:${port}${service ? `/${service}` : ''}`
  const credentials: { user?: string; password?: string } = {}
  if (url.username) credentials.user = decode(url.username, 'user name')
  if (url.password) credentials.password = decode(url.password, 'password')
  return { connectString, credentials, settings, pool: read.pool, target: `oracle://${host}:${port}/${service}` }
}

/**
 * Where a connect string goes, for messages: `oracle://host:port/service` for Easy Connect and descriptors (their first
 * address), `oracle://alias` for a tnsnames alias.
 */
export function targetOf(connectString: string): string {
  const text = connectString.trim()
  if (text.startsWith('(')) {
    const host = /\(\s*HOST\s*=\s*([^)\s]+)/i.exec(text)?.[1] ?? '?'
    const port = /\(\s*PORT\s*=\s*(\d+)/i.exec(text)?.[1] ?? '1521'
    const service = /\(\s*(?:SERVICE_NAME|SID)\s*=\s*([^)\s]+)/i.exec(text)?.[1] ?? ''
    return `oracle://${host}:${port}/${service}`
  }
  const ez = /^(?:tcps?:\/\/)?(\[[^\]]+\]|[^:/?\s,()]+)(?::(\d+))?(?:\/([^?:/\s]*))?/i.exec(text)
  if (!ez) return `oracle://${text}`
  const [, host, port, service] = ez
  // A bare name is a tnsnames alias when configDir (or TNS_ADMIN) has one, else a host: it is shown as written.
  if (port === undefined && service === undefined) return `oracle://${host}`
  return `oracle://${host}:${port ?? '1521'}/${service ?? ''}`
}

/** The input of the constructor: an options object, or a string that is a URL (oracle://…) or a connect string. */
function optionsOf(input: PrismaPoolOracleOptions | string | undefined): PrismaPoolOracleOptions {
  if (input === undefined || input === '') {
    throw new PoolOptionError(
      `PrismaPoolOracle was given ${input === undefined ? 'nothing' : 'an empty string'}: is DATABASE_URL (or whichever variable it is read from) ` +
        `set in the environment of this process? Pass a URL such as ${EXAMPLE_URL}, or { connectString: "host:1521/service", user, password }.`,
    )
  }
  if (typeof input === 'string') return looksLikeUrl(input) ? { url: input } : { connectString: input }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new PoolOptionError('PrismaPoolOracle expects an options object, or a URL such as ' + EXAMPLE_URL + '.')
  }
  if ('url' in input && input.url === undefined) {
    throw new PoolOptionError(`url is undefined: is DATABASE_URL (or whichever variable it is read from) set in the environment of this process? Expected a URL such as ${EXAMPLE_URL}.`, { option: 'url' })
  }
  return input
}

/** Checks the options of `PrismaPoolOracle` and works out the connection attributes and the pool options. */
export function resolveOracleOptions(input: PrismaPoolOracleOptions | string | undefined): ResolvedOracleOptions {
  const given = checkOptions<PrismaPoolOracleOptions>(OPTIONS, optionsOf(input))
  const {
    url,
    connectString: connectStringOption,
    user,
    password,
    privilege,
    schema: schemaOption,
    emptyStrings = 'error',
    connectTimeout,
    pool: poolInput,
    ...attributes
  } = given
  if (connectStringOption !== undefined) checkConnectString(connectStringOption)
  let pool = validatePoolOptions(poolInput)
  let credentials: { user?: string; password?: string } = { user, password }
  let schema = schemaOption
  let schemaFrom = schemaOption === undefined ? undefined : 'the schema option'
  let connectString = connectStringOption
  let target = connectString === undefined ? undefined : targetOf(connectString)
  if (url !== undefined) {
    if (connectString !== undefined) throw conflictError('Where to connect', { where: 'by the url option' }, { where: 'by the connectString option' })
    const fromUrl = readUrl(url)
    pool = mergeUrlPoolOptions(pool, fromUrl.pool)
    credentials = mergeFromUrl(OPTIONS, credentials, fromUrl.credentials)
    schema = mergeFromUrl(OPTIONS, { schema }, fromUrl.settings).schema
    if (fromUrl.settings.schema !== undefined) schemaFrom = "the url's schema parameter"
    connectString = fromUrl.connectString
    target = fromUrl.target
  }
  if (connectString === undefined || target === undefined) {
    throw new PoolOptionError(`PrismaPoolOracle needs to know where to connect: give url (${EXAMPLE_URL}) or connectString ("host:1521/service").`)
  }
  if (credentials.user === undefined) {
    throw new PoolOptionError(`PrismaPoolOracle needs a user: set user and password, or put them in the url (${EXAMPLE_URL}).`, { option: 'user' })
  }
  if (credentials.password === undefined) {
    throw new PoolOptionError(`PrismaPoolOracle needs the password of user ${credentials.user}: set password, or put it in the url.`, { option: 'password' })
  }
  if (schema !== undefined && !isOracleName(schema)) {
    throw new PoolOptionError(`invalid schema ${JSON.stringify(schema)}: expected ${OPTIONS.rules.schema!.allowed}.`, { option: 'schema' })
  }
  // PostgreSQL's default schema, as the translator reads Prisma's "public": the session's own schema.
  if (schema !== undefined && schema.toLowerCase() === 'public') {
    schema = undefined
    schemaFrom = undefined
  }
  // connectTimeout is pool.connectTimeout, given the way node-oracledb users write it.
  const timeout = agreedSource('pool.connectTimeout', [
    { where: 'in the pool options', value: pool.connectTimeout },
    { where: 'as the connectTimeout option', value: connectTimeout },
  ])
  if (timeout && pool.connectTimeout === undefined) pool = { ...pool, connectTimeout: timeout.value as number }
  const connection: OracleConnectFields = {
    ...attributes,
    user: credentials.user,
    password: credentials.password,
    connectString,
    ...(privilege !== undefined ? { privilege: typeof privilege === 'string' ? PRIVILEGES[privilege] : privilege } : {}),
  }
  return { connection, schema, ...(schemaFrom !== undefined && schema !== undefined ? { schemaFrom } : {}), emptyStrings, pool, target }
}
