// The part of node-oracledb 26 (Thin mode) this package uses. node-oracledb ships no type declarations; these follow
// its sources (lib/oracledb.js, lib/connection.js, lib/types.js) and its documentation.
declare module 'oracledb' {
  /** A database type (oracledb.DB_TYPE_*): compared by identity. */
  export interface DbType {
    readonly num: number
    readonly name: string
    readonly columnTypeName: string
  }

  /** A column of a query's result, as the driver describes it (`result.metaData`, a fetchTypeHandler's argument). */
  export interface Metadata {
    name: string
    dbType: DbType
    dbTypeName?: string
    /** NUMBER: decimal digits (0 for a NUMBER without one); TIMESTAMP: fractional digits. */
    precision?: number
    /** NUMBER: digits after the point; -127 for a NUMBER without a scale and for FLOAT. */
    scale?: number
    byteSize?: number
    nullable?: boolean
    /** The column has an IS JSON check constraint (VARCHAR2, CLOB, BLOB holding JSON). */
    isJson?: boolean
    isOson?: boolean
  }

  export interface FetchTypeResult {
    type?: DbType
    converter?: (value: unknown) => unknown
  }

  export interface BindParameter {
    val?: unknown
    type?: DbType
    dir?: number
    maxSize?: number
  }

  export interface BindDefinition {
    type: DbType
    maxSize?: number
    dir?: number
  }

  export interface ExecuteOptions {
    autoCommit?: boolean
    outFormat?: number
    fetchTypeHandler?: (metadata: Metadata) => FetchTypeResult | undefined
    fetchArraySize?: number
    prefetchRows?: number
    maxRows?: number
    keepInStmtCache?: boolean
  }

  export interface ExecuteManyOptions {
    autoCommit?: boolean
    batchErrors?: boolean
    dmlRowCounts?: boolean
    bindDefs?: BindDefinition[]
    keepInStmtCache?: boolean
  }

  export interface Result<T = unknown> {
    rows?: T[]
    metaData?: Metadata[]
    outBinds?: unknown
    rowsAffected?: number
    /** A success with information: NJS-700 (ORA-24344), an object created with compilation errors. */
    warning?: Error & { code?: string; errorNum?: number }
  }

  /** An error of a row of executeMany({ batchErrors: true }): its message (`ORA-00001: …`) and the row's index. */
  export interface BatchError extends Error {
    offset: number
    errorNum?: number
  }

  export interface ResultMany {
    rowsAffected?: number
    dmlRowCounts?: number[]
    batchErrors?: BatchError[]
    outBinds?: unknown[]
  }

  export interface Lob {
    getData(): Promise<string | Buffer | null>
  }

  export interface Connection {
    execute<T = unknown>(sql: string, binds?: BindParameter[] | Record<string, BindParameter>, options?: ExecuteOptions): Promise<Result<T>>
    executeMany(sql: string, binds: unknown[][], options?: ExecuteManyOptions): Promise<ResultMany>
    commit(): Promise<void>
    rollback(): Promise<void>
    /** Interrupts the call under way (a break on the wire); the call fails with ORA-01013. Not serialized with the others. */
    break(): Promise<void>
    ping(): Promise<void>
    close(options?: { drop?: boolean }): Promise<void>
    isHealthy(): boolean
    /** From the call status of the last round trip (Thin: TNS_EOCS_FLAGS_TXN_IN_PROGRESS). */
    readonly transactionInProgress: boolean | undefined
    /** The server's version as a number: 1903000000 for 19.3.0.0.0, 2305000000 for 23.5. */
    readonly oracleServerVersion?: number
    readonly thin: boolean
    /** End-to-end attributes, sent with the next round trip. */
    module: string | null
    action: string | null
    clientId: string | null
  }

  export interface ConnectionAttributes {
    user?: string
    password?: string
    connectString?: string
    connectTimeout?: number
    transportConnectTimeout?: number
    walletLocation?: string
    walletPassword?: string
    configDir?: string
    sslServerDNMatch?: boolean
    sslServerCertDN?: string
    sslAllowWeakDNMatch?: boolean
    httpsProxy?: string
    httpsProxyPort?: number
    privilege?: number
    edition?: string
    expireTime?: number
    sdu?: number
    stmtCacheSize?: number
  }

  const oracledb: {
    getConnection(attributes: ConnectionAttributes): Promise<Connection>
    BIND_IN: number
    BIND_OUT: number
    OUT_FORMAT_ARRAY: number
    OUT_FORMAT_OBJECT: number
    DB_TYPE_BINARY_DOUBLE: DbType
    DB_TYPE_BINARY_FLOAT: DbType
    DB_TYPE_BINARY_INTEGER: DbType
    DB_TYPE_BLOB: DbType
    DB_TYPE_BOOLEAN: DbType
    DB_TYPE_CHAR: DbType
    DB_TYPE_CLOB: DbType
    DB_TYPE_DATE: DbType
    DB_TYPE_JSON: DbType
    DB_TYPE_LONG: DbType
    DB_TYPE_LONG_NVARCHAR: DbType
    DB_TYPE_LONG_RAW: DbType
    DB_TYPE_NCHAR: DbType
    DB_TYPE_NCLOB: DbType
    DB_TYPE_NUMBER: DbType
    DB_TYPE_NVARCHAR: DbType
    DB_TYPE_RAW: DbType
    DB_TYPE_ROWID: DbType
    DB_TYPE_TIMESTAMP: DbType
    DB_TYPE_TIMESTAMP_LTZ: DbType
    DB_TYPE_TIMESTAMP_TZ: DbType
    DB_TYPE_UROWID: DbType
    DB_TYPE_VARCHAR: DbType
  }
  export default oracledb
}

// node-oracledb Thin's connection implementation (lib/thin/connection.js), whose connect() src/thin.ts watches.
declare module 'oracledb/lib/thin/connection.js' {
  const ThinConnectionImpl: { prototype: { connect(params: unknown): Promise<void> } }
  export default ThinConnectionImpl
}
