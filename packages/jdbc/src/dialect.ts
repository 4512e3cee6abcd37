// What the JDBC engine needs to know of the database behind a JDBC URL: a dialect. The generic JDBC part (session.ts,
// connection.ts, driver.ts) runs statements through the Java helper; a dialect turns Prisma's SQL and arguments into
// what that database's JDBC driver takes, reads its result columns into Prisma's types, and maps its errors. The
// PostgreSQL and MySQL dialects share their SQL and error mapping with @prisma-pool/pg and @prisma-pool/mysql.
import type { ConnectionLimit, ConnectionLoss, ServerConnectionList, SessionId, SessionState } from '@prisma-pool/core/engine'
import type { ArgType, ColumnType, ConnectionInfo, Error as AdapterError, IsolationLevel, Provider, SqlQuery } from '@prisma/driver-adapter-utils'

/** One result column, as the JDBC driver describes it (ResultSetMetaData). */
export interface JdbcColumn {
  /** getColumnLabel */
  readonly name: string
  /** getColumnTypeName: the database's own name (`int4`, `BIGINT UNSIGNED`, `TEXT`). */
  readonly typeName: string
  /** getColumnType: a java.sql.Types constant. */
  readonly jdbcType: number
  /** The database's own id of the type, where the driver keeps one (PostgreSQL's OID; typeName is '' then), else -1. */
  readonly typeId: number
}

/**
 * How to read one result column: its Prisma type, and how a cell becomes Prisma's value. A cell arrives as the
 * driver's getString() text, base64 of getBytes() for a binary JDBC type (BINARY, VARBINARY, LONGVARBINARY, BLOB), a
 * JSON number where the Java helper writes one (SQLite's REAL, which xerial's text would round), or null for SQL NULL;
 * `read` is never called with null.
 */
export interface ColumnReader {
  readonly type: ColumnType
  read(cell: string): unknown
}

/** An SQLException, as the Java helper describes it. */
export interface JdbcError {
  /** The Java class of the exception (`org.postgresql.util.PSQLException`, `java.sql.SQLTimeoutException`). */
  readonly className: string
  readonly sqlState: string | undefined
  /** getErrorCode(): the vendor's code (MySQL's errno), 0 when it has none. */
  readonly vendorCode: number
  /** getMessage(), first line. */
  readonly message: string
  /** The server's fields of the error, where the driver keeps them (PostgreSQL: detail, constraint, column, table …). */
  readonly fields: Readonly<Record<string, string>>
  /** The Java classes of the causes, outermost first (java.net.SocketException …): how a connection was lost. */
  readonly causes: readonly string[]
}

/** A statement for the JDBC driver: SQL with `?` placeholders, and which of Prisma's arguments each `?` takes. */
export interface Translated {
  readonly sql: string
  /** For each `?`, in order, the index of its argument; absent when they are the arguments in order. */
  readonly argOrder?: readonly number[]
}

/**
 * One statement of a query the dialect runs as several (JdbcDialect.plan): SQL with `?` placeholders and its own
 * arguments, and what it gives the result.
 */
export interface PlannedStatement {
  readonly sql: string
  readonly args: readonly unknown[]
  readonly argTypes: readonly (ArgType | undefined)[]
  /** Its rows (concatenated with the other statements'), its count (added up), or nothing. */
  readonly yields: 'rows' | 'count' | 'nothing'
  /** A unique violation counts 0 rows instead of failing (PostgreSQL's ON CONFLICT DO NOTHING, row by row). */
  readonly skipDuplicate?: boolean
  /** Runs only if the statement before counted a row (an upsert's re-read of its row, after a MERGE that may change none). */
  readonly ifPreviousCounted?: boolean
}

/**
 * Runs a query on the connection the dialect serves (for its views of the server), with arguments bound by the
 * dialect: rows as objects by column name.
 */
export type RunQuery = (sql: string, args?: readonly unknown[]) => Promise<Record<string, unknown>[]>

/** What a dialect learns of a new session (JdbcDialect.session). */
export interface SessionFacts {
  /** A pooler sits between us and the server (PgBouncer): no server limits, no session checks, nothing prepared. */
  readonly pooled: boolean
  /** The server's id of the session, for messages and the unanswered-statement check (absent behind a pooler). */
  readonly id?: SessionId
  /** The session as the server knows it, for checkSession and endSession. */
  readonly server?: unknown
  /** How long the server lets the session sit idle before it ends it (MySQL's wait_timeout): EngineConnection.idleTimeoutMs. */
  readonly idleTimeoutMs?: number | undefined
}

export interface JdbcDialect {
  readonly provider: Provider
  /** What the database is, for messages: 'PostgreSQL'. */
  readonly name: string
  /** The most bytes of the worker tag the server keeps (see EngineDriver.tagLength). */
  readonly tagLength?: number
  /** Whether Prisma reads a statement's lastInsertId (MySQL): queries then ask the driver for generated keys. */
  readonly lastInsertId?: boolean
  /** Levels `begin()` accepts (default: the SQL standard's four). */
  readonly isolationLevels?: readonly IsolationLevel[]
  /**
   * The statement that sets one transaction's isolation level, sent first in it (`SET TRANSACTION ISOLATION LEVEL …`);
   * absent, JDBC's setTransactionIsolation sets it for the session, and it is restored when the transaction ends.
   */
  isolationSql?(level: IsolationLevel): string
  /** False where the database has no RELEASE SAVEPOINT (SQL Server): the connection then has no releaseSavepoint(). */
  readonly releaseSavepoint?: boolean
  /**
   * Parameters of the URL that would override a property the adapter sets (the driver lets the URL win), by name, with
   * why: refused when the adapter is created.
   */
  readonly refusedUrlParameters?: Readonly<Record<string, string>>
  /**
   * The statements of a script to run one at a time after it failed as a whole with `error` (PostgreSQL: a statement
   * that refuses a transaction block), or undefined to let the error stand.
   */
  statementsAfterFailure?(error: JdbcError, script: string): string[] | undefined

  /**
   * Driver properties for a new connection: `defaults`, which the user's own properties override (PostgreSQL's
   * binaryTransfer=false), and `fixed`, which they do not (the tag, where the server lists sessions; the connect
   * timeout, a little longer than the pool's). `url` and `given` (the user's properties) are there for a fixed property
   * that must take the user's value in (MySQL's sessionVariables and connectionAttributes).
   */
  properties(context: { tag: string; connectTimeoutMs: number; url?: string; given?: Readonly<Record<string, string>> }): {
    defaults?: Record<string, string>
    fixed?: Record<string, string>
  }
  /** Prisma's SQL as the driver takes it (PostgreSQL's `$1` → `?`); absent, it is passed as it is. Cached per SQL text. */
  translate?(sql: string): Translated
  /**
   * Prisma's statement as the statements the database runs for it, where one may become several (Oracle's upsert: a
   * MERGE, then a SELECT): in place of translate. Several run all or nothing: in a transaction of their own when the
   * caller is not in one. The dialect caches what it can per SQL text.
   */
  plan?(query: SqlQuery): readonly PlannedStatement[]
  /**
   * One argument as the Java helper binds it: a code (see JdbcSession.java: S string, I int, L long, D double,
   * M decimal, B boolean, Y bytes as base64, O untyped) and its text; null for SQL NULL. Absent: the generic binding
   * by Prisma's argument type (bind.ts).
   */
  bind?(arg: unknown, argType: ArgType | undefined): readonly [code: string, text: string] | null
  /** How to read a result column; throws a DriverAdapterError (UnsupportedNativeDataType) for one Prisma cannot read. */
  column(column: JdbcColumn): ColumnReader
  /** The name of a column's type for an UnsupportedNativeDataType error, where `column` could not tell it (PostgreSQL's OID alone). */
  typeName?(column: JdbcColumn, run: RunQuery): Promise<string>

  /** Maps an error to Prisma's error kinds; undefined leaves it to the generic mapping (SQLSTATE class 08 …). */
  convertError(error: JdbcError): AdapterError | undefined
  /**
   * Whether the error ends its connection; null: it does not, whatever the generic rule says (errors.ts: a
   * SQLTimeoutException ends it); undefined: the generic rule decides.
   */
  connectionLoss?(error: JdbcError): ConnectionLoss | null | undefined

  /** What Prisma reads of the connection: the schema (from the URL's parameters), relation joins. */
  connectionInfo(url: string, properties: Readonly<Record<string, string>>): ConnectionInfo
  /** The statements of a migration script, where the driver runs one statement per call; absent: sent whole. */
  splitScript?(script: string): string[]

  /**
   * Reads what the server says of a new session, once, at connect (one round trip): its id, and whether a pooler sits
   * between (PostgreSQL: the pid differs from the one the login reported, `driverSessionId`).
   */
  session?(run: RunQuery, driverSessionId: number | undefined): Promise<SessionFacts>
  /** What the server says of the session `server` (SessionFacts.server), asked on a connection of the engine's own. */
  checkSession?(server: unknown, run: RunQuery): Promise<SessionState>
  /** Ends the server's side of the session `server`, if it still runs nothing. */
  endSession?(server: unknown, run: RunQuery): Promise<void>

  /** The server's limits on this session's connections (the start-up budget check). */
  connectionLimits?(run: RunQuery): Promise<ConnectionLimit[]>
  /** Every client connection on the server (the live view). */
  serverConnections?(run: RunQuery): Promise<ServerConnectionList>
}
