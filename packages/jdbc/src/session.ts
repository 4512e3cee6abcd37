// The Java helper's session (JdbcSession.java) as TypeScript sees it, and its errors. Each call is one crossing into
// the JVM, run on one of libuv's threads (the Promise variants), so that a statement never blocks the event loop.
import type { JdbcError } from './dialect.js'
import { CONNECT_CLASS, SESSION_CLASS, type NodeJava } from './jvm.js'

/** A long from Java: node-java boxes it as a Number object. */
type JavaLong = number | { longValue: string }

/** The methods of JdbcSession.java that this package calls. */
export interface JavaSession {
  /** `flags`: RUN_GENERATED_KEYS, RUN_COUNT_ROWS (JdbcSession.run). */
  runPromise(sql: string, args: string, flags: number): Promise<string>
  scriptPromise(sql: string): Promise<number>
  beginPromise(isolation: number, isolationSql: string | null): Promise<number>
  commitPromise(): Promise<number>
  rollbackPromise(): Promise<number>
  savepointPromise(name: string): Promise<number>
  rollbackToPromise(name: string): Promise<number>
  releasePromise(name: string): Promise<number>
  cancelPromise(): Promise<void>
  isValidPromise(timeoutSeconds: number): Promise<boolean>
  closePromise(): Promise<void>
  abortPromise(): Promise<void>
  sessionIdSync(): JavaLong
  /** The transaction state when the last call failed (a field: no wait for the driver's lock). */
  lastStateSync(): number
  aliveSync(): boolean
  unpreparedSync(): void
}

/** JdbcSession.run's flags: return the first generated key; count a result's rows instead of returning them. */
export const RUN_GENERATED_KEYS = 1
export const RUN_COUNT_ROWS = 2

/** A connect the pool may give up on (Connect.java): abortSync() closes its sockets, which ends the login. */
interface JavaConnect {
  openPromise(url: string, properties: unknown): Promise<JavaSession>
  abortSync(): void
}

/** The socket factory that lets a connect be aborted (for drivers that take a `socketFactory` property). */
export const TRACKED_SOCKET_FACTORY = 'dev.prismapool.jdbc.TrackedSocketFactory'

/** An SQLException (or another Java exception) from the helper, described (see JdbcError). */
export class JdbcException extends Error {
  override readonly name = 'JdbcException'
  readonly jdbc: JdbcError
  /** SQLSTATE, as node-postgres and mysql2 errors carry it too. */
  readonly sqlState: string | undefined

  constructor(jdbc: JdbcError) {
    // The server's own words where the driver keeps them (pgjdbc's message starts with the severity: "FATAL: …").
    const message = jdbc.fields.message ?? jdbc.message
    super(jdbc.sqlState ? `${message} (SQLSTATE ${jdbc.sqlState})` : message)
    this.jdbc = jdbc
    this.sqlState = jdbc.sqlState
  }
}

const toNumber = (value: JavaLong) => (typeof value === 'number' ? value : Number(value.longValue))

/** What node-java rejects with: an Error whose `cause` is the Java exception. */
function javaThrowable(error: unknown): unknown {
  return error instanceof Error && error.cause && typeof error.cause === 'object' ? error.cause : undefined
}

/** Turns node-java's error (a Java stack trace as the message) into a JdbcException; anything else stays as it is. */
export function describeJavaError(java: NodeJava, error: unknown): unknown {
  const throwable = javaThrowable(error)
  if (!throwable) return error
  try {
    const parsed = JSON.parse(java.callStaticMethodSync(SESSION_CLASS, 'describe', throwable) as string) as Omit<JdbcError, 'sqlState'> & { sqlState?: string | null }
    return new JdbcException({ ...parsed, sqlState: parsed.sqlState ?? undefined, vendorCode: parsed.vendorCode ?? 0 })
  } catch {
    return error
  }
}

/** Runs a call into Java and describes what it throws. */
export async function call<T>(java: NodeJava, work: Promise<T>): Promise<T> {
  try {
    return await work
  } catch (error) {
    throw describeJavaError(java, error)
  }
}

/**
 * Opens a JDBC connection through the helper; `properties` as names and values. At `signal`'s abort the sockets the
 * login opened (through TRACKED_SOCKET_FACTORY) are closed, and a session that still opens is closed.
 */
export async function openSession(java: NodeJava, url: string, properties: Record<string, string>, signal: AbortSignal): Promise<JavaSession> {
  const pairs = java.newArray('java.lang.String', Object.entries(properties).flat())
  const connect = java.newInstanceSync(CONNECT_CLASS) as JavaConnect
  const abort = () => connect.abortSync()
  signal.addEventListener('abort', abort, { once: true })
  try {
    return await call(java, connect.openPromise(url, pairs))
  } finally {
    signal.removeEventListener('abort', abort)
  }
}

/**
 * The session's id as its driver has it (pgjdbc: the login's BackendKeyData, which a pooler makes up, negative ones
 * too), or undefined when the driver does not tell (JdbcSession.sessionId's -1).
 */
export function sessionIdOf(session: JavaSession): number | undefined {
  const id = toNumber(session.sessionIdSync())
  return id === -1 ? undefined : id
}

/** What `run` returns (see JdbcSession.run): the columns, the cells row after row, and what the statement did. */
export interface RunResult {
  columns: { name: string; typeName: string; jdbcType: number; typeId: number }[]
  /** Every cell, row after row (columns.length per row). */
  cells: (string | null)[]
  updateCount: number
  generatedKey: string | null
  /** The transaction state after the statement: 0 none, 1 open, 2 unknown. */
  state: number
}

export function parseRun(text: string): RunResult {
  const values = JSON.parse(text) as unknown[]
  const count = values[0] as number
  const columns: RunResult['columns'] = []
  for (let i = 0; i < count; i++) {
    const at = 1 + i * 4
    columns.push({ name: values[at] as string, typeName: values[at + 1] as string, jdbcType: values[at + 2] as number, typeId: values[at + 3] as number })
  }
  const end = values.length - 3
  return {
    columns,
    cells: values.slice(1 + count * 4, end) as (string | null)[],
    updateCount: values[end] as number,
    generatedKey: values[end + 1] as string | null,
    state: values[end + 2] as number,
  }
}
