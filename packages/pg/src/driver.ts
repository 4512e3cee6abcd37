import { connect as connectSocket } from 'node:net'
import type { EngineConnection, EngineDriver, ShadowDatabase } from '@prisma-pool/core'
import {
  DriverAdapterError,
  type ColumnType,
  type ConnectionInfo,
  type IsolationLevel,
  type SqlQuery,
  type SqlResultSet,
} from '@prisma/driver-adapter-utils'
import pg from 'pg'
import { columnType, resultTypes, toPgValue, typeName } from './conversion.js'
import { convertPgError, pgConnectionLoss } from './errors.js'
import type { ResolvedPgOptions } from './options.js'
import { splitStatements } from './script.js'

export const ADAPTER_NAME = '@prisma-pool/pg'

const ISOLATION_LEVELS: readonly IsolationLevel[] = ['READ UNCOMMITTED', 'READ COMMITTED', 'REPEATABLE READ', 'SERIALIZABLE']

const quoteIdentifier = (name: string) => `"${name.replaceAll('"', '""')}"`

/** Statements that open or close a transaction themselves. */
const TRANSACTION_CONTROL = /^(BEGIN|START\s+TRANSACTION|COMMIT|END|ROLLBACK|ABORT|PREPARE\s+TRANSACTION)\b/i

const CANCEL_TIMEOUT_MS = 5000

/** What pg keeps of the server's BackendKeyData, public on the client but missing from its types. */
type KeyedClient = pg.Client & { processID: number; secretKey: number }

/** pg's record of the statements it has prepared on a connection (not in its typings). */
type PreparedRecord = { parsedStatements: Record<string, string>; submittedNamedStatements: Record<string, string> }

/** Errors that mean a cached statement cannot be used any more: retried once with a fresh one. */
function staleStatement(error: unknown): 'plan' | 'gone' | undefined {
  const code = (error as { code?: unknown }).code
  if (code === '0A000' && /cached plan must not change result type/.test((error as Error).message)) return 'plan'
  if (code === '26000') return 'gone' // prepared statement does not exist: DEALLOCATE ALL, DISCARD ALL
  return undefined
}

/** One pg client, as the pool holds it. */
class PgConnection implements EngineConnection {
  readonly #client: pg.Client
  #broken = false
  /** Names of this connection's prepared statements by their SQL, the least recently used first. */
  readonly #statements = new Map<string, string>()
  readonly #cacheSize: number
  #nextStatement = 0

  constructor(client: pg.Client, statementCacheSize: number) {
    this.#client = client
    this.#cacheSize = statementCacheSize
    // An idle client whose server goes away emits 'error'; without a listener that would crash the process.
    client.on('error', () => {
      this.#broken = true
    })
    client.on('end', () => {
      this.#broken = true
    })
  }

  /**
   * Runs a query as a prepared statement of this connection (parsed and planned once), or unnamed when
   * the cache is off. A statement that went stale (a table changed under a cached plan, DISCARD ALL) is
   * prepared again, once, unless a transaction is open: there the failure has already aborted it.
   */
  async #run(query: SqlQuery) {
    const values = query.args.map((arg, i) => toPgValue(arg, query.argTypes[i]))
    const run = () => this.#client.query({ name: this.#statementName(query.sql), text: query.sql, values, rowMode: 'array', types: resultTypes })
    try {
      return await run()
    } catch (error) {
      const stale = this.#cacheSize > 0 ? staleStatement(error) : undefined
      if (!stale) throw error
      if (stale === 'gone') {
        for (const name of this.#statements.values()) this.#forget(name, false)
        this.#statements.clear()
      } else {
        this.#forget(this.#statements.get(query.sql), true)
        this.#statements.delete(query.sql)
      }
      if (this.inTransaction() !== false) throw error
      return run()
    }
  }

  /** The name of the prepared statement for `sql`, preparing a new one if needed; undefined when off. */
  #statementName(sql: string): string | undefined {
    if (this.#cacheSize === 0) return undefined
    let name = this.#statements.get(sql)
    if (name !== undefined) {
      // Map order is the recency order: move it last.
      this.#statements.delete(sql)
    } else {
      name = `pp_${++this.#nextStatement}`
      if (this.#statements.size >= this.#cacheSize) {
        const [oldest, oldName] = this.#statements.entries().next().value as [string, string]
        this.#statements.delete(oldest)
        this.#forget(oldName, true)
      }
    }
    this.#statements.set(sql, name)
    return name
  }

  /** Drops a statement from pg's record, and from the server with `deallocate` (names are never reused). */
  #forget(name: string | undefined, deallocate: boolean): void {
    if (name === undefined) return
    const record = (this.#client as unknown as { connection: PreparedRecord }).connection
    delete record.parsedStatements[name]
    delete record.submittedNamedStatements[name]
    if (deallocate) this.#client.query(`DEALLOCATE ${name}`).catch(() => {})
  }

  async query(query: SqlQuery): Promise<SqlResultSet> {
    const result = await this.#run(query)
    const fields = result.fields ?? []
    const columnTypes: ColumnType[] = []
    for (const field of fields) {
      const type = columnType(field.dataTypeID)
      if (type === undefined) {
        throw new DriverAdapterError({ kind: 'UnsupportedNativeDataType', type: await typeName(this.#client, field.dataTypeID) })
      }
      columnTypes.push(type)
    }
    return { columnNames: fields.map((field) => field.name), columnTypes, rows: result.rows }
  }

  async execute(query: SqlQuery): Promise<number> {
    return (await this.#run(query)).rowCount ?? 0
  }

  /**
   * Sends the script as one simple query, which PostgreSQL runs as one implicit transaction: a failing
   * migration leaves nothing half-done. Statements that refuse to run in a transaction (CREATE DATABASE,
   * CREATE INDEX CONCURRENTLY, VACUUM) make it fail with 25001; then, if the script does not manage
   * transactions itself, it is run again one statement at a time.
   */
  async executeScript(script: string): Promise<void> {
    try {
      await this.#client.query(script)
    } catch (error) {
      const statements = splitStatements(script)
      const refusedTransaction = (error as { code?: unknown }).code === '25001' && statements.length > 1
      if (!refusedTransaction || statements.some((statement) => TRANSACTION_CONTROL.test(statement))) throw error
      for (const statement of statements) await this.#client.query(statement)
    }
  }

  async ping(): Promise<void> {
    await this.#client.query(';')
  }

  async begin(isolationLevel?: IsolationLevel): Promise<void> {
    await this.#client.query(isolationLevel ? `BEGIN ISOLATION LEVEL ${isolationLevel}` : 'BEGIN')
  }

  async commit(): Promise<void> {
    await this.#client.query('COMMIT')
  }

  async rollback(): Promise<void> {
    await this.#client.query('ROLLBACK')
  }

  async createSavepoint(name: string): Promise<void> {
    await this.#client.query(`SAVEPOINT ${name}`)
  }

  async rollbackToSavepoint(name: string): Promise<void> {
    await this.#client.query(`ROLLBACK TO SAVEPOINT ${name}`)
  }

  async releaseSavepoint(name: string): Promise<void> {
    await this.#client.query(`RELEASE SAVEPOINT ${name}`)
  }

  /**
   * Sends the protocol's CancelRequest for this session on a socket of its own, as libpq's PQcancel does:
   * no login and no free connection slot needed, and PgBouncer forwards it to the right server.
   */
  async cancel(): Promise<void> {
    const { processID, secretKey, host, port } = this.#client as KeyedClient
    const request = Buffer.alloc(16)
    request.writeInt32BE(16, 0)
    request.writeInt32BE(80877102, 4) // the CancelRequest code
    request.writeInt32BE(processID, 8)
    request.writeInt32BE(secretKey, 12)
    const socket = host.startsWith('/') ? connectSocket(`${host}/.s.PGSQL.${port}`) : connectSocket(port, host)
    socket.setTimeout(CANCEL_TIMEOUT_MS, () => socket.destroy())
    await new Promise<void>((resolve) => {
      socket.once('connect', () => socket.end(request))
      // The server closes the socket once it has read the request and signalled the session.
      socket.once('close', () => resolve())
      socket.once('error', () => resolve())
    })
  }

  /** From the last ReadyForQuery message: 'I' idle, 'T' in a transaction, 'E' in a failed one. */
  inTransaction(): boolean | undefined {
    const status = this.#client.getTransactionStatus?.()
    return status ? status !== 'I' : undefined
  }

  isBroken(): boolean {
    return this.#broken
  }

  async close(): Promise<void> {
    this.#broken = true
    await this.#client.end()
  }
}

/** Opens pg clients for the pool and knows PostgreSQL's errors and transaction SQL. */
export class PgDriver implements EngineDriver {
  readonly provider = 'postgres' as const
  readonly adapterName = ADAPTER_NAME
  readonly isolationLevels = ISOLATION_LEVELS
  readonly target: string
  // Private (#) so that printing the adapter never shows the password inside.
  readonly #options: ResolvedPgOptions

  constructor(options: ResolvedPgOptions) {
    this.#options = options
    this.target = options.target
  }

  async connect(timeoutMs: number): Promise<EngineConnection> {
    // The pool's own timer (timeoutMs) reports the timeout; pg's, a little later, closes the socket.
    const client = new pg.Client({ connectionTimeoutMillis: timeoutMs + 1000, keepAlive: true, ...this.#options.client })
    const serverSettings = new Map<string, string>()
    client.connection.on('parameterStatus', (message: { parameterName: string; parameterValue: string }) => {
      serverSettings.set(message.parameterName, message.parameterValue)
    })
    // Until PgConnection listens, a socket error must not become an uncaught 'error' event.
    const onConnectError = () => {}
    client.on('error', onConnectError)
    try {
      await client.connect()
      const setup = this.#sessionSetup(serverSettings.get('DateStyle'))
      if (setup) await client.query(setup)
    } catch (error) {
      await client.end().catch(() => {})
      throw error
    } finally {
      client.removeListener('error', onConnectError)
    }
    return new PgConnection(client, this.#options.statementCacheSize)
  }

  /** The SET statements a new session needs, if any: one round trip, only when the defaults do not fit. */
  #sessionSetup(dateStyle: string | undefined): string | undefined {
    const statements: string[] = []
    // Dates and times are parsed from the ISO output style; a database or role may have set another.
    if (dateStyle !== undefined && !dateStyle.startsWith('ISO')) statements.push('SET DateStyle TO ISO')
    // Behind PgBouncer in transaction mode a SET search_path would leak to other clients; Prisma qualifies
    // its own queries with the schema anyway.
    if (this.#options.schema !== undefined && !this.#options.pgbouncer) {
      statements.push(`SET search_path TO ${quoteIdentifier(this.#options.schema)}`)
    }
    return statements.length ? statements.join('; ') : undefined
  }

  convertError(error: unknown) {
    return convertPgError(error)
  }

  connectionLoss(error: unknown) {
    return pgConnectionLoss(error)
  }

  connectionInfo(): ConnectionInfo {
    return { schemaName: this.#options.schema, supportsRelationJoins: true }
  }

  /** Runs one statement on a connection of its own, outside the pool (CREATE / DROP DATABASE). */
  async #runAlone(statement: string, timeoutMs: number): Promise<void> {
    const conn = await this.connect(timeoutMs)
    try {
      await conn.executeScript(statement)
    } finally {
      await conn.close()
    }
  }

  async createShadowDatabase(timeoutMs: number): Promise<ShadowDatabase> {
    const database = `prisma_migrate_shadow_db_${globalThis.crypto.randomUUID()}`
    await this.#runAlone(`CREATE DATABASE ${quoteIdentifier(database)}`, timeoutMs)
    const shadowOptions: ResolvedPgOptions = {
      ...this.#options,
      client: { ...this.#options.client, database },
      target: this.#options.target.replace(/\/[^/]*$/, `/${database}`),
    }
    if (shadowOptions.client.connectionString) {
      const url = new URL(shadowOptions.client.connectionString)
      url.pathname = `/${database}`
      shadowOptions.client.connectionString = url.toString()
    }
    return {
      driver: new PgDriver(shadowOptions),
      drop: () => this.#runAlone(`DROP DATABASE IF EXISTS ${quoteIdentifier(database)} WITH (FORCE)`, timeoutMs),
    }
  }
}
