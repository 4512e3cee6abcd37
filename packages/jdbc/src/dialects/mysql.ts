// MySQL and MariaDB through MariaDB Connector/J (jdbc:mariadb:… and jdbc:mysql:… URLs): the argument values, date
// reading, errors, script splitting and server views of @prisma-pool/mysql (its dialect entry), so that both routes
// give the same results. Connector/J reads every cell as text (getString) except binary columns (bytes), and tells a
// column's type by name (`INTEGER UNSIGNED`, `DATETIME`), which is what the readers here go by: its java.sql.Types
// code depends on driver options (TINYINT(1) is BIT with tinyInt1isBit, YEAR a DATE with yearIsDateType). DATE,
// DATETIME and TIMESTAMP cells are the server's own text (the Java helper's MariaDb.java), not getString's.
import { PoolOptionError } from '@prisma-pool/core'
import type { ConnectionLoss } from '@prisma-pool/core/engine'
import {
  APPLICATION_ATTRIBUTE,
  checkMySqlSession,
  convertMySqlServerError,
  endMySqlSession,
  INT64_MAX,
  INT64_MIN,
  invalidArgument,
  isDecimalText,
  isInt32,
  mysqlArgument,
  mySqlServerErrorLoss,
  NEW_SESSION_SQL,
  newSessionOf,
  readConnectionLimits,
  readMySqlDate,
  readMySqlDateTime,
  readServerConnections,
  splitStatements,
  TAG_ATTRIBUTE,
  tagAttributes,
  type MySqlSession,
  type StatementRefusal,
} from '@prisma-pool/mysql/dialect'
import { ColumnTypeEnum as C, DriverAdapterError, type ArgType, type Error as AdapterError } from '@prisma/driver-adapter-utils'
import type { ColumnReader, JdbcColumn, JdbcDialect, JdbcError } from '../dialect.js'
import { JdbcException } from '../session.js'
import { asBytes, readerByJdbcType, T } from './generic.js'

const reader = (type: ColumnReader['type'], read: (cell: string) => unknown): ColumnReader => ({ type, read })
const asText = (cell: string) => cell

/**
 * A DECIMAL as mysql2 gives it: Connector/J prints it with BigDecimal.toString, which writes an exponent for small
 * values (`-1E-30`, `0E-30`), where the server's text is plain (`-0.000000000000000000000000000001`).
 */
export function plainDecimal(text: string): string {
  const m = /^([+-]?)(\d+)(?:\.(\d*))?[eE]([+-]?\d+)$/.exec(text)
  if (!m) return text
  const [, sign = '', whole = '', fraction = '', exponent = '0'] = m
  const digits = whole + fraction
  const point = whole.length + Number(exponent)
  const plain =
    point <= 0
      ? `0.${'0'.repeat(-point)}${digits}`
      : point >= digits.length
        ? digits + '0'.repeat(point - digits.length)
        : `${digits.slice(0, point)}.${digits.slice(point)}`
  return sign + plain.replace(/^0+(?=\d)/, '')
}

const READERS = {
  int32: reader(C.Int32, Number),
  int64: reader(C.Int64, asText),
  float: reader(C.Float, Number),
  double: reader(C.Double, Number),
  numeric: reader(C.Numeric, plainDecimal),
  // YEAR: `2024`, or `2024-01-01` with Connector/J's yearIsDateType.
  year: reader(C.Int32, (cell) => Number.parseInt(cell, 10)),
  time: reader(C.Time, asText),
  json: reader(C.Json, asText),
  text: reader(C.Text, asText),
  bytes: reader(C.Bytes, asBytes),
  // BIT(1) is the one BIT Connector/J reads as a number (`0`, `1`): its one byte, as mysql2 gives it.
  bit1: reader(C.Bytes, (cell) => Uint8Array.of(Number(cell))),
} as const

const BINARY_JDBC_TYPES: readonly number[] = [T.BINARY, T.VARBINARY, T.LONGVARBINARY, T.BLOB]

/** How a result column reads, as @prisma-pool/mysql reads the same column (see its conversion.ts). */
function column({ name, typeName, jdbcType }: JdbcColumn): ColumnReader {
  // BINARY, VARBINARY, BLOBs, BIT(n > 1), GEOMETRY: the Java helper sends their bytes.
  if (BINARY_JDBC_TYPES.includes(jdbcType)) return READERS.bytes
  const unsigned = typeName.endsWith(' UNSIGNED')
  switch (unsigned ? typeName.slice(0, -' UNSIGNED'.length) : typeName) {
    case 'TINYINT':
    case 'SMALLINT':
    case 'MEDIUMINT':
    case 'NULL':
      return READERS.int32
    case 'INTEGER':
    case 'INT':
      return unsigned ? READERS.int64 : READERS.int32
    case 'BIGINT':
      return READERS.int64
    case 'YEAR':
      return READERS.year
    case 'FLOAT':
      return READERS.float
    case 'DOUBLE':
      return READERS.double
    case 'DECIMAL':
      return READERS.numeric
    case 'BIT':
      return READERS.bit1
    case 'DATE':
      return reader(C.Date, (cell) => readMySqlDate(cell, name))
    case 'DATETIME':
    case 'TIMESTAMP':
      return reader(C.DateTime, (cell) => readMySqlDateTime(cell, name))
    case 'TIME':
      return READERS.time
    case 'JSON':
      // MySQL's JSON type. MariaDB's JSON columns are LONGTEXT, told apart only by extended metadata that Connector/J 2.x
      // does not ask for: they read as text.
      return READERS.json
    case 'CHAR':
    case 'VARCHAR':
    case 'TINYTEXT':
    case 'TEXT':
    case 'MEDIUMTEXT':
    case 'LONGTEXT':
    case 'ENUM':
    case 'SET':
      return READERS.text
  }
  const generic = readerByJdbcType(jdbcType)
  if (!generic) throw new DriverAdapterError({ kind: 'UnsupportedNativeDataType', type: typeName })
  return generic
}

/**
 * The values @prisma-pool/mysql sends, bound by their type: Prisma's integers as BIGINT (an unsigned one past 2^63 as a
 * DECIMAL), a raw query's numbers as INT when they fit one (as mysql2 sends them: `SELECT ${2}` is an INT), else as
 * BIGINT or DOUBLE; exact decimals, booleans, bytes; strings (dates in UTC, JSON) as strings.
 */
function bind(arg: unknown, argType: ArgType | undefined): readonly [string, string] | null {
  const value = mysqlArgument(arg, argType)
  if (value === null || value === undefined) return null
  if (typeof value === 'bigint') return value >= INT64_MIN && value <= INT64_MAX ? ['L', String(value)] : ['M', String(value)]
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) invalidArgument(`${value} cannot be sent to MySQL`)
    // A safe integer stays an integer (LIMIT and OFFSET take no DOUBLE).
    return isInt32(value) ? ['I', String(value)] : Number.isSafeInteger(value) ? ['L', String(value)] : ['D', String(value)]
  }
  if (typeof value === 'boolean') return ['B', value ? '1' : '0']
  if (Buffer.isBuffer(value)) return ['Y', value.toString('base64')]
  // An exact decimal stays a DECIMAL in arithmetic (a string would become a DOUBLE).
  if (typeof value === 'string') return argType?.scalarType === 'decimal' && isDecimalText(value) ? ['M', value] : ['S', value]
  return ['S', JSON.stringify(value)]
}

/**
 * The server's own message: Connector/J puts `(conn=42) ` before it, and `Could not connect to address=(…) : ` before
 * that when the connection did not open (`Could not connect to HostAddress{…}. ` when it failed before the greeting).
 */
export function serverMessage(message: string): string {
  return message.replace(/^Could not connect to (address=\S* : |HostAddress\{[^}]*\}\. )/, '').replace(/^\(conn=\d+\) /, '')
}

/**
 * A server that refuses a connection before its greeting (max_connections reached) sends an error that Connector/J 2.7
 * reads without its errno or SQLSTATE (ReadInitialHandShakePacket): its words, in the server's language (English by
 * default), are all there is. Refusals after the greeting (access denied, an unknown database, the account's
 * connection limits) keep their errno.
 */
const BEFORE_GREETING: readonly (readonly [RegExp, number])[] = [[/^Too many connections$/, 1040]]

/** An SQLException with the server's errno: a server error, not one of the driver's own (their code is -1 or 0). */
const isServerError = (error: JdbcError) => error.vendorCode > 0

/** SQLSTATE class 08, a connection exception: the server's (1040 too many connections, 1053 shutdown) or Connector/J's. */
const isConnectionException = (error: JdbcError) => error.sqlState?.startsWith('08') === true

/** Java's exceptions for a server that cannot be reached (refused, no route, no such host). */
const UNREACHABLE = /^java\.net\.(ConnectException|NoRouteToHostException|UnknownHostException)$/

function convertError(error: JdbcError): AdapterError | undefined {
  if (isServerError(error)) {
    const mapped = convertMySqlServerError({ errno: error.vendorCode, sqlState: error.sqlState, message: serverMessage(error.message) })
    // A connection exception the mapping has no kind for (a packet too large, a network error the server saw): the
    // generic ConnectionClosed says more.
    if (mapped.kind !== 'mysql' || !isConnectionException(error)) return mapped
  } else if (error.causes[0] === 'java.sql.SQLException') {
    const message = serverMessage(error.message)
    const errno = BEFORE_GREETING.find(([words]) => words.test(message))?.[1]
    if (errno !== undefined) return convertMySqlServerError({ errno, message })
  }
  if (error.causes.some((cause) => UNREACHABLE.test(cause))) {
    const address = /address=\(host=([^)]*)\)\(port=(\d+)\)/.exec(error.message)
    return {
      kind: 'DatabaseNotReachable',
      ...(address ? { host: address[1], port: Number(address[2]) } : {}),
      originalMessage: serverMessage(error.message),
    }
  }
  return undefined
}

/**
 * The server's error says it: a loss (the session killed, the server shutting down), or, outside SQLSTATE class 08,
 * none, whatever the error's class (Connector/J throws SQLTimeoutException for ER_QUERY_INTERRUPTED, the end of a
 * statement that cancel() stopped, whose connection stays usable). A connection exception, and Connector/J's own
 * errors, go by the generic rule (SQLSTATE 08, a socket gone).
 */
function connectionLoss(error: JdbcError): ConnectionLoss | null | undefined {
  if (!isServerError(error)) return undefined
  return mySqlServerErrorLoss(error.vendorCode) ?? (isConnectionException(error) ? undefined : null)
}

/** The server's refusal of one of the views' statements (a missing privilege): its errno. */
const refusal: StatementRefusal = (error) => (error instanceof JdbcException && connectionLoss(error.jdbc) === null ? error.jdbc.vendorCode : undefined)

/** A property as Connector/J sees it: the properties win over the URL's parameters. */
function givenProperty(name: string, url: string | undefined, given: Readonly<Record<string, string>> | undefined): string | undefined {
  if (given?.[name] !== undefined) return given[name]
  const query = url?.split('?')[1]
  for (const pair of query?.split('&') ?? []) {
    const at = pair.indexOf('=')
    // A bare `?useAffectedRows` is a boolean option set to "" (true, to Connector/J).
    if (at < 0 ? pair === name : pair.slice(0, at) === name) return at < 0 ? '' : pair.slice(at + 1)
  }
  return undefined
}

/** UTC, whatever the server's time zone: DATETIME and TIMESTAMP values are read and written in UTC, as by @prisma-pool/mysql. */
const UTC_SESSION = "time_zone='+00:00'"

/** The user's sessionVariables with UTC after them; one that sets time_zone is refused (the adapter's values depend on it). */
function sessionVariables(own: string | undefined): string {
  if (own === undefined || own.trim() === '') return UTC_SESSION
  if (/(^|[,;\s])(@@(session\.)?)?time_zone\s*=/i.test(own)) {
    throw new PoolOptionError(
      'the sessionVariables property sets time_zone, which @prisma-pool/jdbc fixes for MySQL: every session runs in UTC ' +
        "(time_zone='+00:00'), so that DATETIME and TIMESTAMP values are read and written in UTC. Remove time_zone from sessionVariables.",
    )
  }
  return `${own},${UTC_SESSION}`
}

/**
 * The worker's tag (prisma_pool) and application (program_name) before the user's own attributes, in Connector/J's
 * `name:value,name:value` form. A comma cannot be written inside a value there: one in the tag becomes `_`.
 */
function connectionAttributes(tag: string, own: string | undefined): string {
  const reserved = (own ?? '').split(',').map((pair) => pair.split(':')[0]!.trim()).filter((name) => name === TAG_ATTRIBUTE || name === APPLICATION_ATTRIBUTE)
  if (reserved.length) {
    throw new PoolOptionError(
      `the connectionAttributes property sets ${reserved.join(' and ')}, which @prisma-pool/jdbc sets itself: every connection sends ` +
        `${APPLICATION_ATTRIBUTE} = pool.applicationName and ${TAG_ATTRIBUTE} = this worker's tag (application@host/pid), which the live view reads ` +
        'from the server. Set pool.applicationName instead; other attributes of yours are sent along with these.',
    )
  }
  const ours = Object.entries(tagAttributes(tag)).map(([name, value]) => `${name}:${value.replaceAll(',', '_')}`)
  return [...ours, ...(own ? [own] : [])].join(',')
}

/**
 * The Java helper's socket factory for Connector/J (MariaDb.java): its sockets are tracked as TrackedSocketFactory's
 * are, so that the pool's abort of a connect closes them (Connector/J 2.7 takes a socketFactory class and logs in on
 * the calling thread: its connectTimeout bounds the TCP connect, on that thread too), and each is a SocketChannel's,
 * which JdbcSession.alive reads from without waiting. With a socketFactory of the user's own, alive() waits 1 ms, once
 * a second at most.
 */
const MARIADB_SOCKET_FACTORY = 'dev.prismapool.jdbc.MariaDb$Sockets'

/** Connector/J settings that would make Prisma's results wrong, and why. */
const REFUSED: Record<string, (value: string) => string | undefined> = {
  // Prisma counts the rows an UPDATE matched (P2025 for a missing record): the server's "changed" count would lie.
  // Connector/J reads a boolean option as true when it is "", "1" or "true" in any case.
  useAffectedRows: (value) =>
    /^(|1|true)$/i.test(value) ? 'useAffectedRows=true makes UPDATE report the rows it changed, not the rows it matched, which Prisma counts (an update to the same value would fail with P2025); remove it' : undefined,
}

export const mysqlDialect: JdbcDialect = {
  provider: 'mysql',
  name: 'MySQL',
  lastInsertId: true,
  // The next transaction's level alone, as @prisma-pool/mysql sets it (Connector/J's setTransactionIsolation would set
  // the session's).
  isolationSql: (level) => `SET TRANSACTION ISOLATION LEVEL ${level}`,
  properties({ tag, connectTimeoutMs, url, given }) {
    for (const [name, check] of Object.entries(REFUSED)) {
      const value = givenProperty(name, url, given)
      const why = value === undefined ? undefined : check(value)
      if (why) throw new PoolOptionError(`the driver property ${name}: ${why}.`)
    }
    return {
      // YEAR as a number and TINYINT(1) as an integer, as every MySQL client reads them (the readers take both forms);
      // the server's own sql_mode (Connector/J would add STRICT_TRANS_TABLES to it); sockets the pool's abort of a
      // connect closes and isBroken() reads without waiting (MARIADB_SOCKET_FACTORY). The login's queries one after
      // another: pipelined, Connector/J reads their answers with a socket timeout of its own, 500 ms, and a server
      // slower than that fails the login before the pool's connectTimeout, which alone bounds it here.
      defaults: {
        yearIsDateType: 'false',
        tinyInt1isBit: 'false',
        jdbcCompliantTruncation: 'false',
        socketFactory: MARIADB_SOCKET_FACTORY,
        usePipelineAuth: 'false',
      },
      fixed: {
        sessionVariables: sessionVariables(givenProperty('sessionVariables', url, given)),
        connectionAttributes: connectionAttributes(tag, givenProperty('connectionAttributes', url, given)),
        // Milliseconds; the pool's own timer reports the timeout, this one, a little later, closes the socket.
        connectTimeout: String(connectTimeoutMs + 1000),
        // Whatever spelling a URL found for it (see REFUSED): the rows an UPDATE matched.
        useAffectedRows: 'false',
      },
    }
  },
  bind,
  column,
  convertError,
  connectionLoss,
  // No LATERAL joins on MariaDB; MySQL 8.0.14+ has them, but the server's version is not known before a connection opens.
  connectionInfo: () => ({ supportsRelationJoins: false }),
  // The pooled connections run one statement per call (several statements per query stay off, against injection).
  splitScript: splitStatements,
  async session(run, threadId) {
    const [row] = await run(NEW_SESSION_SQL)
    const { idleTimeoutMs, session } = newSessionOf(row, threadId)
    // A proxy in between (ProxySQL, MaxScale) gives ids of its own: the server is not asked about the session then.
    return { pooled: false, idleTimeoutMs, ...(session ? { id: session.id, server: session } : {}) }
  },
  checkSession: (server, run) => checkMySqlSession(server as MySqlSession, run),
  endSession: (server, run) => endMySqlSession(server as MySqlSession, run),
  connectionLimits: (run) => readConnectionLimits(run, refusal),
  serverConnections: (run) => readServerConnections(run, refusal),
}
