// SQLite through xerial's sqlite-jdbc (jdbc:sqlite:/path/app.db): the column types, values, argument bindings and
// errors of Prisma's own SQLite adapter (@prisma/adapter-better-sqlite3), so that a database file reads and writes the
// same through either. The Java helper sends REAL cells as JSON numbers (xerial's getString would round them to 15
// digits) and an expression column with the type name "" (see Sqlite.java).
//
// A pool holds several connections to one file, where better-sqlite3 holds one. The defaults (each can be overridden
// by the `properties` option or the URL's parameters, which xerial reads as pragmas):
// - journal_mode=WAL: readers do not wait for a writer, nor a writer for readers (one writer at a time still). It is a
//   setting of the database file, kept after the pool closes; not for a database opened read-only (open_mode), and
//   not for a file on a network file system (WAL needs shared memory between the processes that use the file).
// - busy_timeout=5000: a connection waits up to 5 s for another's write lock instead of failing at once with
//   SQLITE_BUSY (P1008), as better-sqlite3's default timeout does.
// - transaction_mode=IMMEDIATE: a transaction takes the write lock at BEGIN (waiting for it as above). Deferred, a
//   transaction that reads first fails with SQLITE_BUSY when it comes to write while another connection writes (SQLite
//   cannot wait there); better-sqlite3 never meets this, its transactions queue for its single connection.
// - foreign_keys=true: SQLite enforces foreign keys (and ON DELETE CASCADE) only when asked, on each connection;
//   better-sqlite3 is built with them on, Prisma's relations rely on them.
// Dates are bound as Prisma's text (2024-02-29T23:59:59.123+00:00, the official adapter's default timestampFormat),
// never as Java dates, so xerial's date_class / date_precision / date_string_format properties play no part.
import { PoolOptionError } from '@prisma-pool/core'
import { ColumnTypeEnum as C, type ArgType, type ColumnType, type Error as AdapterError } from '@prisma/driver-adapter-utils'
import type { ColumnReader, JdbcColumn, JdbcDialect, JdbcError } from '../dialect.js'
import { asBytes, T } from './generic.js'

// ---------------------------------------------------------------------------------------------------------------
// The URL and the connection

const PREFIX = 'jdbc:sqlite:'

/** The database part of a jdbc:sqlite: URL (xerial reads what follows `?` as pragmas). */
const databaseOf = (url: string) => url.slice(PREFIX.length).replace(/\?.*$/s, '')

/** Whether the URL names a database that lives in one connection's memory (or a temporary one per connection). */
function isPrivateToConnection(url: string): boolean {
  const database = databaseOf(url)
  return database === '' || database === ':memory:' || database.startsWith('file::memory:') || /[?&]mode=memory(&|$)/.test(url)
}

/** Refuses an in-memory database: each connection of the pool would get its own, empty, gone when it closes. */
function checkUrl(url: string | undefined): void {
  if (url === undefined || !url.startsWith(PREFIX) || !isPrivateToConnection(url)) return
  throw new PoolOptionError(
    `PrismaPoolJdbc cannot pool ${JSON.stringify(url.replace(/\?.*$/s, ''))}: an in-memory (or unnamed, temporary) SQLite database ` +
      'belongs to one connection, so each connection of the pool would see an empty database of its own, lost when the pool closes it. ' +
      'Give a file instead: jdbc:sqlite:/path/app.db (for tests, a file in a temporary directory is as quick).',
  )
}

/** SQLITE_OPEN_READONLY without SQLITE_OPEN_READWRITE in xerial's open_mode flags. */
const isReadOnly = (openMode: string | undefined) => openMode !== undefined && (Number(openMode) & 0b11) === 0b01

/** The value of a pragma given as a property or as a URL parameter (the URL's wins, as in xerial). */
function pragma(name: string, url: string | undefined, properties: Readonly<Record<string, string>> | undefined): string | undefined {
  const query = url === undefined ? undefined : /\?(.*)$/s.exec(url)?.[1]
  return (query ? new URLSearchParams(query).get(name) : null) ?? properties?.[name]
}

/**
 * SQLite's limit on `?` parameters in one statement: SQLITE_MAX_VARIABLE_NUMBER, 32766 by default since SQLite 3.32
 * (Debian's build and xerial's own allow 250000), or a lower limit_variable_number the connection sets. Prisma splits a
 * longer `in` list of a findMany into statements of this many (it refuses one in an ordered or aggregate query, P2029);
 * it assumes 999 when the adapter does not say.
 */
const MAX_VARIABLES = 32766

function maxBindValues(url: string, properties: Readonly<Record<string, string>>): number {
  const limit = Number.parseInt(pragma('limit_variable_number', url, properties) ?? '', 10)
  return Number.isInteger(limit) && limit > 0 ? Math.min(limit, MAX_VARIABLES) : MAX_VARIABLES
}

// ---------------------------------------------------------------------------------------------------------------
// Arguments: stored with the SQLite storage classes the official adapter's bindings give (better-sqlite3 binds a
// JavaScript number as REAL, a bigint as INTEGER), so that raw queries return the same types and both adapters' files
// hold the same values.

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n

const real = (value: number): readonly [string, string] => ['D', String(value)]

function int64(value: bigint): readonly [string, string] {
  if (value < INT64_MIN || value > INT64_MAX) throw new RangeError(`BigInt ${value} does not fit SQLite's 64-bit INTEGER`)
  return ['L', String(value)]
}

/** A DateTime as the official adapter writes it (its default timestampFormat, iso8601): `…T…+00:00`. */
function isoTimestamp(value: Date): readonly [string, string] {
  if (Number.isNaN(value.getTime())) throw new RangeError('invalid Date passed as a query argument')
  return ['S', value.toISOString().replace('Z', '+00:00')]
}

const toBase64 = (bytes: ArrayBufferView) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')

function bind(arg: unknown, argType: ArgType | undefined): readonly [string, string] | null {
  if (arg === null || arg === undefined) return null
  const scalar = argType?.scalarType
  if (typeof arg === 'string') {
    switch (scalar) {
      case 'int':
        return real(Number.parseInt(arg, 10))
      case 'float':
      case 'decimal':
        // The official adapter's choice: a Decimal is a REAL (SQLite's DECIMAL affinity would make one of its text too).
        return real(Number.parseFloat(arg))
      case 'bigint':
        return int64(BigInt(arg))
      case 'datetime':
        return isoTimestamp(new Date(arg))
      case 'bytes':
        return ['Y', arg]
    }
    return ['S', arg]
  }
  if (typeof arg === 'number') return real(arg)
  if (typeof arg === 'boolean') return real(arg ? 1 : 0)
  if (typeof arg === 'bigint') return int64(arg)
  if (arg instanceof Date) return isoTimestamp(arg)
  if (ArrayBuffer.isView(arg)) return ['Y', toBase64(arg)]
  // better-sqlite3 refuses other objects; JSON is what a raw query most likely meant.
  return ['S', JSON.stringify(arg)]
}

// ---------------------------------------------------------------------------------------------------------------
// Result columns. A cell is a JSON number for a REAL, a string for an INTEGER (its digits) or TEXT, base64 for a BLOB
// in a binary column. Values as the official adapter gives them: integers as numbers where safe (else their digits),
// REALs truncated in integer columns, DATETIME numbers (unixepoch-ms, as Prisma's native engine wrote them) as ISO
// text, everything else as SQLite holds it.

/** A cell as the helper sends it: text, a REAL as a number, or `{ b: base64 }` for a BLOB in a column not binary by its first row. */
type Cell = string | number | { b: string }

/** Declared types as the official adapter maps them (better-sqlite3's decltype, upper-cased). */
const DECLARED: Record<string, ColumnType> = {
  DECIMAL: C.Numeric,
  FLOAT: C.Float,
  DOUBLE: C.Double,
  'DOUBLE PRECISION': C.Double,
  NUMERIC: C.Double,
  REAL: C.Double,
  TINYINT: C.Int32,
  SMALLINT: C.Int32,
  MEDIUMINT: C.Int32,
  INT: C.Int32,
  INTEGER: C.Int32,
  SERIAL: C.Int32,
  INT2: C.Int32,
  BIGINT: C.Int64,
  'UNSIGNED BIG INT': C.Int64,
  INT8: C.Int64,
  DATETIME: C.DateTime,
  TIMESTAMP: C.DateTime,
  TIME: C.Time,
  DATE: C.Date,
  TEXT: C.Text,
  CLOB: C.Text,
  CHARACTER: C.Text,
  VARCHAR: C.Text,
  'VARYING CHARACTER': C.Text,
  NCHAR: C.Text,
  'NATIVE CHARACTER': C.Text,
  NVARCHAR: C.Text,
  BLOB: C.Bytes,
  BOOLEAN: C.Boolean,
  JSONB: C.Json,
}

/** Declared text types: SQLite's TEXT affinity turns every number written into them into text. */
const TEXT_TYPES: ReadonlySet<ColumnType> = new Set([C.Text, C.Bytes])

const INTEGER_TEXT = /^-?\d+$/

/** An INTEGER cell: a number where it is safe, else its digits (better-sqlite3's safe integers, as the official adapter maps them). */
function integer(cell: string): Cell {
  const value = Number(cell)
  return Number.isSafeInteger(value) ? value : cell
}

/** Reads a cell of a column of Prisma type `type` (see the section's comment). */
function value(type: ColumnType, cell: Cell): unknown {
  // A BLOB is bytes in any column, as better-sqlite3 gives a Buffer for one.
  if (typeof cell === 'object') return asBytes(cell.b)
  if (type === C.Bytes) return typeof cell === 'string' ? asBytes(cell) : cell
  if (type === C.Boolean) return cell === 1 || cell === '1' || cell === 'true' ? true : cell === 0 || cell === '0' || cell === 'false' ? false : cell
  if (typeof cell === 'number') {
    if (type === C.Int32 || type === C.Int64) return Math.trunc(cell)
    if (type === C.DateTime) return new Date(cell).toISOString()
    return cell
  }
  // A string is an INTEGER's digits or a TEXT; in a column of a text type it can only be a TEXT.
  if (TEXT_TYPES.has(type) || !INTEGER_TEXT.test(cell)) return cell
  if (type === C.DateTime) return new Date(Number(cell)).toISOString()
  return integer(cell)
}

const declaredReaders = new Map<string, ColumnReader>()

function declaredReader(typeName: string, type: ColumnType): ColumnReader {
  let reader = declaredReaders.get(typeName)
  if (!reader) {
    reader = { type, read: (cell) => value(type, cell) }
    declaredReaders.set(typeName, reader)
  }
  return reader
}

/** The type of a column without a known declared type, from its first value's storage class, as the official adapter infers it. */
function typeOfStorage(jdbcType: number): ColumnType | undefined {
  switch (jdbcType) {
    case T.INTEGER:
      return C.Int64
    case T.FLOAT:
      return C.UnknownNumber
    case T.VARCHAR:
      return C.Text
    case T.BLOB:
    case T.BINARY:
    case T.VARBINARY:
    case T.LONGVARBINARY:
      // The helper sent base64 (a binary JDBC type).
      return C.Bytes
  }
  // NUMERIC: the first row holds NULL (xerial tells nothing more): see inferredReader.
  return undefined
}

/**
 * A column whose first row holds NULL: its type comes from its first value that is not (a REAL: UnknownNumber, an
 * INTEGER: Int64, a TEXT: Text), Int32 if it has none, as the official adapter infers it. The reader serves one
 * result: the connection reads every row before it asks for the column types. (An INTEGER and a TEXT of digits look
 * alike here: digits count as an INTEGER.)
 */
function inferredReader(): ColumnReader {
  let type: ColumnType | undefined
  return {
    get type() {
      return type ?? C.Int32
    },
    read(cell: Cell) {
      type ??= typeof cell === 'object' ? C.Bytes : typeof cell === 'number' ? C.UnknownNumber : INTEGER_TEXT.test(cell) ? C.Int64 : C.Text
      return value(type, cell)
    },
  }
}

/** `DECIMAL(10, 2)` → `DECIMAL`, as xerial names a declared type. */
const baseName = (typeName: string) => typeName.replace(/\(.*$/s, '').trim().toUpperCase()

function column({ typeName, jdbcType }: JdbcColumn): ColumnReader {
  // "" is an expression (Sqlite.java): no declared type.
  const declared = typeName === '' ? undefined : DECLARED[baseName(typeName)]
  if (declared !== undefined) return declaredReader(typeName, declared)
  const stored = typeOfStorage(jdbcType)
  return stored === undefined ? inferredReader() : declaredReader(`:${jdbcType}`, stored)
}

// ---------------------------------------------------------------------------------------------------------------
// Errors. xerial's message is `[SQLITE_CONSTRAINT_UNIQUE] A UNIQUE constraint failed (UNIQUE constraint failed:
// User.email)`: the (extended) result code's name, xerial's description of it, and SQLite's own message; its
// getErrorCode() is the primary result code. Mapped as the official adapter maps better-sqlite3's code and message.

/** SQLite's extended result codes by name (sqlite3.h); a primary code is the vendor code itself. */
const EXTENDED_CODES: Readonly<Record<string, number>> = Object.fromEntries(
  (
    'ABORT_ROLLBACK:516 AUTH_USER:279 BUSY_RECOVERY:261 BUSY_SNAPSHOT:517 BUSY_TIMEOUT:773 CANTOPEN_CONVPATH:1038 ' +
    'CANTOPEN_DIRTYWAL:1294 CANTOPEN_FULLPATH:782 CANTOPEN_ISDIR:526 CANTOPEN_NOTEMPDIR:270 CANTOPEN_SYMLINK:1550 ' +
    'CONSTRAINT_CHECK:275 CONSTRAINT_COMMITHOOK:531 CONSTRAINT_DATATYPE:3091 CONSTRAINT_FOREIGNKEY:787 CONSTRAINT_FUNCTION:1043 ' +
    'CONSTRAINT_NOTNULL:1299 CONSTRAINT_PINNED:2835 CONSTRAINT_PRIMARYKEY:1555 CONSTRAINT_ROWID:2579 CONSTRAINT_TRIGGER:1811 ' +
    'CONSTRAINT_UNIQUE:2067 CONSTRAINT_VTAB:2323 CORRUPT_INDEX:779 CORRUPT_SEQUENCE:523 CORRUPT_VTAB:267 ERROR_MISSING_COLLSEQ:257 ' +
    'ERROR_RETRY:513 ERROR_SNAPSHOT:769 IOERR_ACCESS:3338 IOERR_AUTH:7178 IOERR_BEGIN_ATOMIC:7434 IOERR_BLOCKED:2826 ' +
    'IOERR_CHECKRESERVEDLOCK:3594 IOERR_CLOSE:4106 IOERR_COMMIT_ATOMIC:7690 IOERR_CONVPATH:6666 IOERR_CORRUPTFS:8458 ' +
    'IOERR_DATA:8202 IOERR_DELETE:2570 IOERR_DELETE_NOENT:5898 IOERR_DIR_CLOSE:4362 IOERR_DIR_FSYNC:1290 IOERR_FSTAT:1802 ' +
    'IOERR_FSYNC:1034 IOERR_GETTEMPPATH:6410 IOERR_LOCK:3850 IOERR_MMAP:6154 IOERR_NOMEM:3082 IOERR_RDLOCK:2314 IOERR_READ:266 ' +
    'IOERR_ROLLBACK_ATOMIC:7946 IOERR_SEEK:5642 IOERR_SHMLOCK:5130 IOERR_SHMMAP:5386 IOERR_SHMOPEN:4618 IOERR_SHMSIZE:4874 ' +
    'IOERR_SHORT_READ:522 IOERR_TRUNCATE:1546 IOERR_UNLOCK:2058 IOERR_VNODE:6922 IOERR_WRITE:778 LOCKED_SHAREDCACHE:262 ' +
    'LOCKED_VTAB:518 NOTICE_RECOVER_ROLLBACK:539 NOTICE_RECOVER_WAL:283 READONLY_CANTINIT:1288 READONLY_CANTLOCK:520 ' +
    'READONLY_DBMOVED:1032 READONLY_DIRECTORY:1544 READONLY_RECOVERY:264 READONLY_ROLLBACK:776 WARNING_AUTOINDEX:284'
  )
    .split(' ')
    .map((entry) => {
      const [name, code] = entry.split(':')
      return [`SQLITE_${name}`, Number(code)]
    }),
)

interface SqliteError {
  /** The result code's name: SQLITE_CONSTRAINT_UNIQUE (better-sqlite3's error.code). */
  code: string
  /** SQLite's own message: `UNIQUE constraint failed: User.email` (better-sqlite3's error.message). */
  message: string
  extendedCode: number
}

const XERIAL_MESSAGE = /^\[(SQLITE_\w+)\] .*? \((.*)\)$/s

function sqliteError(error: JdbcError): SqliteError | undefined {
  if (!error.className.startsWith('org.sqlite.')) return undefined
  const [, code = `SQLITE_${error.vendorCode}`, message = error.message] = XERIAL_MESSAGE.exec(error.message) ?? []
  return { code, message, extendedCode: EXTENDED_CODES[code] ?? error.vendorCode }
}

/** `UNIQUE constraint failed: User.email, User.name` → its columns (`User.email`, `User.name`). */
const failedColumns = (message: string) => message.split('constraint failed: ').at(1)?.split(', ')
const fieldOf = (column: string) => column.split('.').pop()!

function mapSqliteError({ code, message, extendedCode }: SqliteError): AdapterError {
  switch (code) {
    case 'SQLITE_CONSTRAINT_UNIQUE':
    case 'SQLITE_CONSTRAINT_PRIMARYKEY': {
      const columns = failedColumns(message)
      const table = columns?.at(0)?.split('.').slice(0, -1).join('.') || undefined
      return { kind: 'UniqueConstraintViolation', constraint: columns ? { fields: columns.map(fieldOf) } : undefined, table }
    }
    case 'SQLITE_CONSTRAINT_NOTNULL': {
      const columns = failedColumns(message)
      return { kind: 'NullConstraintViolation', constraint: columns ? { fields: columns.map(fieldOf) } : undefined }
    }
    case 'SQLITE_CONSTRAINT_FOREIGNKEY':
    case 'SQLITE_CONSTRAINT_TRIGGER':
      return { kind: 'ForeignKeyConstraintViolation', constraint: { foreignKey: {} } }
  }
  // Another connection held the lock for longer than busy_timeout: a timeout, P1008.
  if (code.startsWith('SQLITE_BUSY')) return { kind: 'SocketTimeout' }
  if (message.startsWith('no such table')) return { kind: 'TableDoesNotExist', table: message.split(': ').at(1) }
  if (message.startsWith('no such column')) return { kind: 'ColumnNotFound', column: message.split(': ').at(1) }
  if (message.includes('has no column named ')) return { kind: 'ColumnNotFound', column: message.split('has no column named ').at(1) }
  return { kind: 'sqlite', extendedCode, message }
}

function convertError(error: JdbcError): AdapterError | undefined {
  const sqlite = sqliteError(error)
  if (sqlite) return { ...mapSqliteError(sqlite), originalCode: sqlite.code, originalMessage: sqlite.message }
  // xerial's own errors (a closed connection …) carry no result code.
  if (error.message === 'database connection closed') return { kind: 'ConnectionClosed', originalMessage: error.message }
  return undefined
}

/** Errors after which the connection should not be used again: its file is gone, unreadable or corrupt; a new connection opens it afresh. */
const LOST = /^SQLITE_(IOERR|CORRUPT|NOTADB|CANTOPEN)/

// ---------------------------------------------------------------------------------------------------------------

export const sqliteDialect: JdbcDialect = {
  provider: 'sqlite',
  name: 'SQLite',
  // The official adapter's: SQLite's transactions are serializable, and better-sqlite3 refuses the other levels.
  isolationLevels: ['SERIALIZABLE'],
  properties({ url, given }) {
    checkUrl(url)
    const defaults: Record<string, string> = { busy_timeout: '5000', transaction_mode: 'IMMEDIATE', foreign_keys: 'true' }
    if (!isReadOnly(pragma('open_mode', url, given))) defaults.journal_mode = 'WAL'
    return { defaults }
  },
  bind,
  column,
  convertError,
  connectionLoss(error) {
    if (error.message === 'database connection closed') return 'connection'
    const sqlite = sqliteError(error)
    return sqlite && LOST.test(sqlite.code) ? 'connection' : undefined
  },
  connectionInfo(url, properties) {
    checkUrl(url)
    return { supportsRelationJoins: false, maxBindValues: maxBindValues(url, properties) }
  },
}
