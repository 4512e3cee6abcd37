// PostgreSQL through pgjdbc: the values, errors and server views of @prisma-pool/pg (its dialect entry), so that both
// routes give the same results. pgjdbc runs with binaryTransfer=false, so every cell is the server's own text, read by
// the same parsers as node-postgres' text results, chosen by the column's type OID (which the Java helper reads).
import {
  CHECK_SESSION_SQL,
  CONNECTIONS_SQL,
  END_SESSION_SQL,
  SESSION_SQL,
  type ServerSession,
  columnType,
  connectionListOf,
  convertPgError,
  LIMITS_SQL,
  limitsOf,
  parserOf,
  pgConnectionLoss,
  pgParameter,
  statementsToRunAlone,
  type ConnectionRow,
  type LimitsRow,
} from '@prisma-pool/pg/dialect'
import { DriverAdapterError } from '@prisma/driver-adapter-utils'
import type { ColumnReader, JdbcColumn, JdbcDialect, JdbcError, Translated } from '../dialect.js'
import { TRACKED_SOCKET_FACTORY } from '../session.js'
import { asBytes, genericColumn, T } from './generic.js'

const readers = new Map<number, ColumnReader>()

/** How a column of type `typeId` (its OID) reads, as node-postgres' text results do (cached by OID). */
function column(jdbcColumn: JdbcColumn): ColumnReader {
  const { typeId, jdbcType } = jdbcColumn
  // Another driver than pgjdbc (provider: 'postgres' for a PostgreSQL-compatible database) reports no OID.
  if (typeId < 0) return genericColumn(jdbcColumn)
  let reader = readers.get(typeId)
  if (reader) return reader
  const type = columnType(typeId)
  if (type === undefined) throw new DriverAdapterError({ kind: 'UnsupportedNativeDataType', type: `oid ${typeId}` })
  // bytea arrives as the bytes themselves (base64), other types as PostgreSQL's text.
  reader = { type, read: jdbcType === T.BINARY ? asBytes : parserOf(typeId) }
  readers.set(typeId, reader)
  return reader
}

/**
 * `$1` → `?` (pgjdbc's placeholder; a `$n` used twice takes its argument twice), and a `?` of the SQL itself (the
 * jsonb operators `?`, `?|`, `?&`) → `??`, pgjdbc's escape for it. Quoted strings and identifiers, dollar-quoted
 * bodies and comments are left as they are.
 */
const DOLLAR_TAG = /^\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/

export function translatePlaceholders(sql: string): Translated {
  let out = ''
  const order: number[] = []
  let i = 0
  let from = 0
  const n = sql.length
  while (i < n) {
    const c = sql[i]!
    if (c === "'" || c === '"') {
      // E'…' strings escape with backslashes; others double the quote.
      const backslashes = c === "'" && i > 0 && (sql[i - 1] === 'E' || sql[i - 1] === 'e') && !/\w/.test(sql[i - 2] ?? '')
      i++
      while (i < n) {
        if (backslashes && sql[i] === '\\') i += 2
        else if (sql[i] === c) {
          if (sql[i + 1] === c) i += 2
          else break
        } else i++
      }
      i++
    } else if (c === '-' && sql[i + 1] === '-') {
      // A line comment ends at a line break, \n or \r.
      while (i < n && sql[i] !== '\n' && sql[i] !== '\r') i++
    } else if (c === '/' && sql[i + 1] === '*') {
      let depth = 1
      i += 2
      while (i < n && depth > 0) {
        if (sql[i] === '/' && sql[i + 1] === '*') (depth++, (i += 2))
        else if (sql[i] === '*' && sql[i + 1] === '/') (depth--, (i += 2))
        else i++
      }
    } else if (c === '$') {
      const param = /^\$(\d+)/.exec(sql.slice(i, i + 12))
      // A dollar-quote tag, of any length: letters (any above ASCII too), digits after the first, underscores.
      const tag = param ? null : DOLLAR_TAG.exec(sql.slice(i))
      if (param && !/[\w$]/.test(sql[i - 1] ?? '')) {
        out += `${sql.slice(from, i)}?`
        order.push(Number(param[1]) - 1)
        i += param[0].length
        from = i
      } else if (tag && !/[\w$]/.test(sql[i - 1] ?? '')) {
        const end = sql.indexOf(tag[0], i + tag[0].length)
        i = end < 0 ? n : end + tag[0].length
      } else i++
    } else if (c === '?') {
      out += `${sql.slice(from, i)}??`
      i++
      from = i
    } else i++
  }
  out += sql.slice(from)
  const inOrder = order.every((arg, index) => arg === index)
  return inOrder ? { sql: out } : { sql: out, argOrder: order }
}

/** pgjdbc's exception, in node-postgres' shape (code, severity, detail, constraint …) for @prisma-pool/pg's mapping. */
function asServerError(error: JdbcError): Record<string, string> | undefined {
  const { fields, sqlState } = error
  if (!sqlState || !fields.severity) return undefined
  return { ...fields, code: sqlState, message: fields.message ?? error.message }
}

/** The `currentSchema` of the URL (which pgjdbc lets win) or the properties: Prisma's schema for the connection. */
function currentSchema(url: string, properties: Readonly<Record<string, string>>): string | undefined {
  const query = /\?(.*)$/s.exec(url)?.[1]
  const fromUrl = query ? new URLSearchParams(query).get('currentSchema') : null
  return (fromUrl ?? properties.currentSchema)?.split(',')[0]
}

export const postgresDialect: JdbcDialect = {
  provider: 'postgres',
  name: 'PostgreSQL',
  tagLength: 63,
  properties: ({ tag, connectTimeoutMs }) => ({
    // Text results (parsed as node-postgres' are). pgjdbc prepares a statement on the server from its fifth use (its
    // default prepareThreshold), under names (S_1 …) that would clash behind a pooler: the first statement, which
    // finds a pooler (session()), is never one of them, and behind one nothing is prepared any more.
    defaults: { binaryTransfer: 'false', socketFactory: TRACKED_SOCKET_FACTORY },
    // No loginTimeout: with one, pgjdbc logs in on a thread of its own, out of reach of the pool's abort (which closes
    // the login's sockets, see TrackedSocketFactory); the pool's connectTimeout bounds the login instead.
    fixed: { ApplicationName: tag, connectTimeout: String(Math.ceil(connectTimeoutMs / 1000) + 1) },
  }),
  // One transaction's level, sent first in it (pgjdbc's setTransactionIsolation would set the session's, for the next
  // client of a pooler too).
  isolationSql: (level) => `SET TRANSACTION ISOLATION LEVEL ${level}`,
  refusedUrlParameters: {
    ApplicationName: "is the pool's worker tag (pg_stat_activity.application_name), which the accounting reads: name the pool with pool.applicationName",
    loginTimeout: "moves pgjdbc's login to a thread of its own, out of reach of the pool's connect timeout: use pool.connectTimeout",
  },
  statementsAfterFailure: (error, script) => statementsToRunAlone(script, error.sqlState),
  translate: translatePlaceholders,
  bind(arg, argType) {
    const value = pgParameter(arg, argType)
    if (value === null) return null
    return typeof value === 'string' ? ['O', value] : ['Y', value.toString('base64')]
  },
  column,
  typeName: async ({ typeId }, run) => String((await run(`SELECT typname FROM pg_type WHERE oid = ${Number(typeId)}`))[0]?.typname ?? `oid ${typeId}`),
  convertError(error) {
    const server = asServerError(error)
    return server ? convertPgError(server) : undefined
  },
  connectionLoss(error) {
    const server = asServerError(error)
    return server ? pgConnectionLoss(server) : undefined
  },
  connectionInfo: (url, properties) => ({ schemaName: currentSchema(url, properties), supportsRelationJoins: true }),
  async session(run, driverPid) {
    // pgjdbc reports the pid of the login; another driver (a PostgreSQL-compatible database's) none: nothing to learn.
    if (driverPid === undefined) return { pooled: false }
    const [row] = (await run(SESSION_SQL)) as unknown as ServerSession[]
    // A pooler (PgBouncer, Odyssey, Supavisor) makes up the pid of the login's BackendKeyData: it is not the session's.
    if (!row || row.pid !== driverPid) return { pooled: true }
    return { pooled: false, id: row.pid, server: row }
  },
  async checkSession(server, run) {
    const { pid, started, server: serverStart } = server as ServerSession
    const [row] = await run(CHECK_SESSION_SQL, [pid, started, serverStart])
    if (!row?.same_server) return 'unknown'
    return (row.state as 'idle' | 'running' | null) ?? 'gone'
  },
  async endSession(server, run) {
    const { pid, started, server: serverStart } = server as ServerSession
    await run(END_SESSION_SQL, [pid, started, serverStart])
  },
  connectionLimits: async (run) => limitsOf((await run(LIMITS_SQL))[0] as LimitsRow | undefined),
  serverConnections: async (run) => connectionListOf((await run(CONNECTIONS_SQL)) as unknown as ConnectionRow[]),
}
