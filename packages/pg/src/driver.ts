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
import { convertPgError, isPgConnectionLost } from './errors.js'
import type { ResolvedPgOptions } from './options.js'
import { splitStatements } from './script.js'

export const ADAPTER_NAME = '@prisma-pool/pg'

const ISOLATION_LEVELS: readonly IsolationLevel[] = ['READ UNCOMMITTED', 'READ COMMITTED', 'REPEATABLE READ', 'SERIALIZABLE']

const quoteIdentifier = (name: string) => `"${name.replaceAll('"', '""')}"`

/** One pg client, as the pool holds it. */
class PgConnection implements EngineConnection {
  #broken = false

  constructor(
    private readonly client: pg.Client,
    private readonly config: pg.ClientConfig,
  ) {
    // An idle client whose server goes away emits 'error'; without a listener that would crash the process.
    client.on('error', () => {
      this.#broken = true
    })
    client.on('end', () => {
      this.#broken = true
    })
  }

  async #run(query: SqlQuery) {
    return this.client.query({
      text: query.sql,
      values: query.args.map((arg, i) => toPgValue(arg, query.argTypes[i])),
      rowMode: 'array',
      types: resultTypes,
    })
  }

  async query(query: SqlQuery): Promise<SqlResultSet> {
    const result = await this.#run(query)
    const fields = result.fields ?? []
    const columnTypes: ColumnType[] = []
    for (const field of fields) {
      const type = columnType(field.dataTypeID)
      if (type === undefined) {
        throw new DriverAdapterError({ kind: 'UnsupportedNativeDataType', type: await typeName(this.client, field.dataTypeID) })
      }
      columnTypes.push(type)
    }
    return { columnNames: fields.map((field) => field.name), columnTypes, rows: result.rows }
  }

  async execute(query: SqlQuery): Promise<number> {
    return (await this.#run(query)).rowCount ?? 0
  }

  async executeScript(script: string): Promise<void> {
    for (const statement of splitStatements(script)) await this.client.query(statement)
  }

  async ping(): Promise<void> {
    await this.client.query(';')
  }

  async begin(isolationLevel?: IsolationLevel): Promise<void> {
    await this.client.query(isolationLevel ? `BEGIN ISOLATION LEVEL ${isolationLevel}` : 'BEGIN')
  }

  async commit(): Promise<void> {
    await this.client.query('COMMIT')
  }

  async rollback(): Promise<void> {
    await this.client.query('ROLLBACK')
  }

  async createSavepoint(name: string): Promise<void> {
    await this.client.query(`SAVEPOINT ${name}`)
  }

  async rollbackToSavepoint(name: string): Promise<void> {
    await this.client.query(`ROLLBACK TO SAVEPOINT ${name}`)
  }

  async releaseSavepoint(name: string): Promise<void> {
    await this.client.query(`RELEASE SAVEPOINT ${name}`)
  }

  /** Cancels the running statement with pg_cancel_backend() from a short-lived session of the same role. */
  async cancel(): Promise<void> {
    const side = new pg.Client(this.config)
    side.on('error', () => {})
    try {
      await side.connect()
      // processID (from BackendKeyData) is public in pg but missing from its type declarations.
      const { processID } = this.client as pg.Client & { processID: number }
      await side.query('SELECT pg_cancel_backend($1)', [processID])
    } finally {
      await side.end().catch(() => {})
    }
  }

  /** From the last ReadyForQuery message: 'I' idle, 'T' in a transaction, 'E' in a failed one. */
  inTransaction(): boolean | undefined {
    const status = this.client.getTransactionStatus?.()
    return status ? status !== 'I' : undefined
  }

  isBroken(): boolean {
    return this.#broken
  }

  async close(): Promise<void> {
    this.#broken = true
    await this.client.end()
  }
}

/** Opens pg clients for the pool and knows PostgreSQL's errors and transaction SQL. */
export class PgDriver implements EngineDriver {
  readonly provider = 'postgres' as const
  readonly adapterName = ADAPTER_NAME
  readonly isolationLevels = ISOLATION_LEVELS
  readonly target: string

  constructor(private readonly options: ResolvedPgOptions) {
    this.target = options.target
  }

  async connect(timeoutMs: number): Promise<EngineConnection> {
    // The pool's own timer (timeoutMs) reports the timeout; pg's, a little later, closes the socket.
    const config = { connectionTimeoutMillis: timeoutMs + 1000, ...this.options.client }
    const client = new pg.Client(config)
    // Until PgConnection listens, a socket error must not become an uncaught 'error' event.
    const onConnectError = () => {}
    client.on('error', onConnectError)
    try {
      await client.connect()
      // Behind PgBouncer in transaction mode a SET would leak to other clients; Prisma qualifies its own queries anyway.
      if (this.options.schema !== undefined && !this.options.pgbouncer) await client.query(`SET search_path TO ${quoteIdentifier(this.options.schema)}`)
    } catch (error) {
      await client.end().catch(() => {})
      throw error
    } finally {
      client.removeListener('error', onConnectError)
    }
    return new PgConnection(client, config)
  }

  convertError(error: unknown) {
    return convertPgError(error)
  }

  isConnectionLost(error: unknown): boolean {
    return isPgConnectionLost(error)
  }

  connectionInfo(): ConnectionInfo {
    return { schemaName: this.options.schema, supportsRelationJoins: true }
  }

  async createShadowDatabase(timeoutMs: number): Promise<ShadowDatabase> {
    const database = `prisma_migrate_shadow_db_${globalThis.crypto.randomUUID()}`
    const admin = (await this.connect(timeoutMs)) as PgConnection
    try {
      await admin.executeScript(`CREATE DATABASE ${quoteIdentifier(database)}`)
    } finally {
      await admin.close()
    }
    const shadowOptions: ResolvedPgOptions = {
      ...this.options,
      client: { ...this.options.client, database },
      target: this.options.target.replace(/\/[^/]*$/, `/${database}`),
    }
    if (shadowOptions.client.connectionString) {
      const url = new URL(shadowOptions.client.connectionString)
      url.pathname = `/${database}`
      shadowOptions.client.connectionString = url.toString()
    }
    return {
      driver: new PgDriver(shadowOptions),
      drop: async () => {
        const conn = (await this.connect(timeoutMs)) as PgConnection
        try {
          await conn.executeScript(`DROP DATABASE IF EXISTS ${quoteIdentifier(database)} WITH (FORCE)`)
        } finally {
          await conn.close()
        }
      },
    }
  }
}
