import { checkOptions, NESTED_POOL_ALIASES, rule, validatePoolOptions, type OptionTable } from '@prisma-pool/core/engine'
import { PoolOptionError, type PoolOptions } from '@prisma-pool/core'
import type { Provider } from '@prisma/driver-adapter-utils'
import type { JdbcDialect } from './dialect.js'
import { dialectFor, PROVIDERS } from './dialects/index.js'

export interface PrismaPoolJdbcOptions {
  /** The JDBC URL: `jdbc:postgresql://host:5432/db`, `jdbc:mariadb://host:3306/db`, `jdbc:sqlite:/path/app.db` … */
  url: string
  /**
   * The JDBC driver jars (and folders, or `dir/*`), in the JVM's classpath order. Default: the `CLASSPATH` environment
   * variable, split at ':'. Every PrismaPoolJdbc of a process needs the same one: a process has one JVM.
   */
  classpath?: string | string[]
  user?: string
  password?: string
  /** Driver properties (`{ sslmode: 'require' }`), passed to DriverManager.getConnection as strings. */
  properties?: Record<string, string | number | boolean>
  /**
   * The Prisma provider of the schema, where the URL does not tell (`jdbc:postgresql` is postgres, `jdbc:mysql` and
   * `jdbc:mariadb` mysql, `jdbc:sqlite` sqlite, `jdbc:sqlserver` sqlserver).
   */
  provider?: Provider
  /** JVM options after `-Xrs -Duser.timezone=UTC` (`['-Xmx256m']`). Fixed when the process's JVM starts. */
  jvmOptions?: string[]
  /**
   * What to do when the pool may hold more connections (size + maxOverflow) than libuv's thread pool can serve at once
   * (UV_THREADPOOL_SIZE - 1: one thread stays free for cancels, closes and the rest of the process): `'lower'` (default)
   * lowers the pool with a warning, `'refuse'` fails the pool's start.
   */
  threadPoolLimit?: 'lower' | 'refuse'
  /** Pool options: size, maxOverflow, timeout, recycle, prePing, resetOnReturn … */
  pool?: PoolOptions
}

export interface ResolvedJdbcOptions {
  url: string
  dialect: JdbcDialect
  classpath: string[]
  jvmOptions: string[]
  /** The driver properties, user and password among them, as strings. */
  properties: Record<string, string>
  threadPoolLimit: 'lower' | 'refuse'
  pool: PoolOptions
  /** The URL without its parameters and credentials, for messages. */
  target: string
}

const isStringList = (value: unknown) => typeof value === 'string' || (Array.isArray(value) && value.every((entry) => typeof entry === 'string'))

const OPTIONS: OptionTable = {
  scope: '',
  where: 'as an option',
  rules: {
    url: rule.string,
    classpath: { allowed: 'a path or a list of paths', check: isStringList },
    user: rule.string,
    password: { ...rule.any, secret: true, allowed: 'a string', check: (value) => typeof value === 'string' },
    properties: rule.object('an object of driver properties'),
    provider: rule.oneOf(...PROVIDERS),
    jvmOptions: { allowed: 'a list of JVM options', check: (value) => Array.isArray(value) && value.every((entry) => typeof entry === 'string' && entry.startsWith('-')) },
    threadPoolLimit: rule.oneOf('lower', 'refuse'),
    pool: rule.object('an object of pool options'),
  },
  aliases: { ...NESTED_POOL_ALIASES, connectionstring: 'url', jdbcurl: 'url', username: 'user' },
}

/** Property names whose values are never shown (the password may also come as a property). */
const SECRET_PROPERTY = /pass|secret|token|key/i

/** `jdbc:postgresql://host:5432/db?user=x&password=y` → `jdbc:postgresql://host:5432/db`: what messages may show. */
export function jdbcTarget(url: string): string {
  return url.replace(/[?;].*$/s, '').replace(/\/\/[^/@]*@/, '//')
}

/** The URL's own parameters that would override what the adapter sets (JdbcDialect.refusedUrlParameters). */
function checkUrlParameters(url: string, dialect: JdbcDialect): void {
  const refused = dialect.refusedUrlParameters
  const query = /\?([^#]*)/.exec(url)?.[1]
  if (!refused || !query) return
  for (const pair of query.split('&')) {
    const name = decodeURIComponent(pair.split('=')[0] ?? '')
    const match = Object.keys(refused).find((key) => key.toLowerCase() === name.toLowerCase())
    if (match) throw new PoolOptionError(`the URL's ${name} parameter ${refused[match]}.`)
  }
}

export function resolveJdbcOptions(input: PrismaPoolJdbcOptions | string | undefined): ResolvedJdbcOptions {
  if (input === undefined || input === '') {
    throw new PoolOptionError('PrismaPoolJdbc needs a JDBC URL: new PrismaPoolJdbc({ url: "jdbc:postgresql://host:5432/db", classpath: ["/usr/share/java/postgresql.jar"] }) (was the URL variable unset?)')
  }
  const given = checkOptions<PrismaPoolJdbcOptions>(OPTIONS, typeof input === 'string' ? { url: input } : input)
  if (given.url === undefined) throw new PoolOptionError('PrismaPoolJdbc needs a url: "jdbc:postgresql://host:5432/db", "jdbc:sqlite:/path/app.db" …')
  if (!given.url.startsWith('jdbc:')) {
    throw new PoolOptionError(`PrismaPoolJdbc's url must be a JDBC URL (jdbc:<subprotocol>:…), not ${JSON.stringify(jdbcTarget(given.url))}: for postgres://… URLs, use @prisma-pool/pg.`)
  }
  const dialect = dialectFor(given.url, given.provider)
  checkUrlParameters(given.url, dialect)
  const classpath = given.classpath === undefined ? (process.env.CLASSPATH ?? '').split(':').filter(Boolean) : ([] as string[]).concat(given.classpath)
  const properties: Record<string, string> = {}
  for (const [name, value] of Object.entries(given.properties ?? {})) {
    if (!['string', 'number', 'boolean'].includes(typeof value)) {
      const shown = SECRET_PROPERTY.test(name) ? 'a secret' : JSON.stringify(value)
      throw new PoolOptionError(`invalid driver property "${name}": ${shown} is not a string, number or boolean.`)
    }
    properties[name] = String(value)
  }
  if (given.user !== undefined) properties.user = given.user
  if (given.password !== undefined) properties.password = given.password
  return {
    url: given.url,
    dialect,
    classpath,
    jvmOptions: given.jvmOptions ?? [],
    properties,
    threadPoolLimit: given.threadPoolLimit ?? 'lower',
    pool: validatePoolOptions(given.pool ?? {}),
    target: jdbcTarget(given.url),
  }
}
