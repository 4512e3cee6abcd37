// A stand-in for a node-oracledb Thin connection, for what no server here can show: no Oracle Database runs on these
// machines. It records every call (SQL, binds, options) and answers with what the test says, the way node-oracledb
// would: result objects with metaData and rows, outBinds, rowsAffected, batchErrors, and errors with code / errorNum.
import { createRequire } from 'node:module'
import oracledb, { type BindParameter, type Connection, type ExecuteManyOptions, type ExecuteOptions, type Metadata } from 'oracledb'

/** node-oracledb Thin's own read buffer class (lib/thin/protocol/packet.js), whose date decoding the engine adjusts. */
const { ReadPacket } = createRequire(import.meta.url)('oracledb/lib/thin/protocol/packet.js') as { ReadPacket: new (nsi: unknown, caps: unknown) => object }

export type FakeCall =
  | { method: 'execute'; sql: string; binds: BindParameter[] | Record<string, BindParameter>; options: ExecuteOptions }
  | { method: 'executeMany'; sql: string; rows: unknown[][]; options: ExecuteManyOptions }
  | { method: 'commit' | 'rollback' | 'break' | 'ping' | 'close' }

/** What an answer may be: a result, an error to throw, or a promise of either (a statement that waits). */
export type Answer = Record<string, unknown> | Error | Promise<Record<string, unknown>>
export type Responder = (call: FakeCall & { method: 'execute' | 'executeMany' }) => Answer | undefined

/** An error as node-oracledb makes one of a server error: `ORA-00001: …`, code and errorNum. */
export function oraError(num: number, text: string): Error {
  const code = `ORA-${String(num).padStart(5, '0')}`
  return Object.assign(new Error(`${code}: ${text}\nHelp: https://docs.oracle.com/error-help/db/${code.toLowerCase()}/`), { code, errorNum: num, offset: 0 })
}

/** An error of node-oracledb's own: `NJS-500: …`. */
export function njsError(num: number, text: string): Error {
  const code = `NJS-${String(num).padStart(3, '0')}`
  return Object.assign(new Error(`${code}: ${text}`), { code })
}

/** A batch error as node-oracledb Thin makes it: an Error whose message is the server's, with the row's offset (no errorNum). */
export function batchError(offset: number, num: number, text: string): Error {
  return Object.assign(new Error(`ORA-${String(num).padStart(5, '0')}: ${text}`), { offset })
}

/** A column's metadata as node-oracledb describes it. */
export const column = (name: string, dbType: Metadata['dbType'], extra: Partial<Metadata> = {}): Metadata => ({
  name,
  dbType,
  dbTypeName: dbType.columnTypeName,
  ...extra,
})

/** A query's answer: node-oracledb's result, the rows as arrays, after a fetchTypeHandler (which the test applies). */
export function rowsResult(metaData: Metadata[], rows: unknown[][]): Record<string, unknown> {
  return { metaData, rows }
}

/** A LOB of an out-bind: its data is read with getData(). */
export const lob = (data: string | Buffer) => ({ getData: async () => data })

/** The out-binds of the session set-up block (driver.ts), as a server would answer them. */
export const SESSION_FACTS = {
  o_sid: '101',
  o_serial: 4711,
  o_audsid: '990001',
  o_server: 'FREE/FREE',
  o_started: '2026-01-02 03:04:05',
  o_user: 'APP',
  o_schema: 'APP',
  o_idle: 'UNLIMITED',
  o_charset: 'AL32UTF8',
}

export class FakeOracleConnection {
  readonly calls: FakeCall[] = []
  module: string | null = null
  action: string | null = null
  clientId: string | null = null
  /** As Thin reports it from the last round trip's call status. */
  transactionInProgress: boolean | undefined = false
  readonly thin = true
  healthy = true
  closed = false
  /** Answers, tried in order; the first that returns something answers the call. */
  readonly responders: Responder[] = []
  /** The calls' SQL, for short assertions. */
  get sql(): string[] {
    return this.calls.flatMap((call) => ('sql' in call ? [call.sql] : [`<${call.method}>`]))
  }

  /** A statement waiting for break(): it then fails with ORA-01013, as Oracle answers a break. */
  #pendingBreak: ((error: Error) => void) | undefined
  /** The type of the immediate disconnect of the network session (destroyConnection), once it happened. */
  disconnectedWith: number | undefined
  /**
   * node-oracledb Thin's internals the engine reaches: the network session's disconnect (destroyConnection), and the
   * protocol's read buffer, a real Thin ReadPacket, whose date decoding the engine sets at connect (thin.ts).
   */
  readonly _impl = {
    _protocol: { readBuf: new ReadPacket(undefined, {}) as object },
    nscon: {
      disconnect: (type: number) => {
        this.disconnectedWith = type
        this.closed = true
        this.healthy = false
        this.#pendingBreak?.(njsError(500, 'connection to Oracle Database was closed or broken'))
        this.#pendingBreak = undefined
      },
    },
  }

  answer(responder: Responder): this {
    this.responders.push(responder)
    return this
  }

  /** A statement that waits until break() is called. */
  waitsForBreak(): Promise<Record<string, unknown>> {
    return new Promise((_, reject) => (this.#pendingBreak = reject))
  }

  /** Calls awaited by the test (calledTimes). */
  #waiters: { n: number; resolve: () => void }[] = []

  /** Resolves once `n` calls have been made: a test waits for the engine to reach the fake, not for time to pass. */
  calledTimes(n: number): Promise<void> {
    if (this.calls.length >= n) return Promise.resolve()
    return new Promise((resolve) => this.#waiters.push({ n, resolve }))
  }

  #record(call: FakeCall): void {
    this.calls.push(call)
    for (const waiter of this.#waiters.filter((w) => this.calls.length >= w.n)) {
      this.#waiters.splice(this.#waiters.indexOf(waiter), 1)
      waiter.resolve()
    }
  }

  async #respond(call: FakeCall & { method: 'execute' | 'executeMany' }): Promise<Record<string, unknown>> {
    if (this.closed) throw njsError(3, 'invalid or closed connection')
    this.#record(call)
    for (const responder of this.responders) {
      const answer = responder(call)
      if (answer === undefined) continue
      if (answer instanceof Error) throw answer
      return await answer
    }
    return { rowsAffected: 0 }
  }

  /** Oracle's call status after a statement: DML leaves a transaction open unless it committed. */
  #status(sql: string, autoCommit: boolean | undefined, failed: boolean) {
    if (autoCommit && !failed) this.transactionInProgress = false
    else if (!failed && /^\s*(INSERT|UPDATE|DELETE|MERGE|SAVEPOINT|SET TRANSACTION)/i.test(sql)) this.transactionInProgress = true
  }

  async execute(sql: string, binds: BindParameter[] | Record<string, BindParameter> = [], options: ExecuteOptions = {}) {
    try {
      const result = await this.#respond({ method: 'execute', sql, binds, options })
      this.#status(sql, options.autoCommit, false)
      return result
    } catch (error) {
      this.#status(sql, options.autoCommit, true)
      throw error
    }
  }

  async executeMany(sql: string, rows: unknown[][], options: ExecuteManyOptions = {}) {
    const result = await this.#respond({ method: 'executeMany', sql, rows, options })
    // node-oracledb: with batch errors, the valid rows are in and nothing is committed, even with autoCommit.
    const withErrors = Array.isArray(result.batchErrors) && result.batchErrors.length > 0
    this.#status(sql, options.autoCommit && !withErrors, false)
    return result
  }

  async commit() {
    this.#record({ method: 'commit' })
    this.transactionInProgress = false
  }

  async rollback() {
    this.#record({ method: 'rollback' })
    this.transactionInProgress = false
  }

  async break() {
    this.#record({ method: 'break' })
    this.#pendingBreak?.(oraError(1013, 'user requested cancel of current operation'))
    this.#pendingBreak = undefined
  }

  async ping() {
    this.#record({ method: 'ping' })
  }

  async close() {
    if (this.closed) throw njsError(3, 'invalid or closed connection')
    this.#record({ method: 'close' })
    this.closed = true
  }

  isHealthy() {
    return this.healthy && !this.closed
  }

  /** As node-oracledb's own type says it is. */
  asConnection(): Connection {
    return this as unknown as Connection
  }
}

/** Answers the session set-up block (driver.ts) with SESSION_FACTS, or with `facts`. */
export const sessionSetup =
  (facts: Record<string, unknown> = SESSION_FACTS): Responder =>
  (call) =>
    call.method === 'execute' && call.sql.includes("SYS_CONTEXT('USERENV', 'SID')") ? { outBinds: facts } : undefined

/** Answers ALL_TAB_COLUMNS for `table` with `columns` ([name, DATA_TYPE, DATA_LENGTH, CHAR_LENGTH, precision, scale]). */
export const tableColumns =
  (table: string, columns: [string, string, number, number, number | null, number | null][]): Responder =>
  (call) => {
    if (call.method !== 'execute' || !call.sql.includes('ALL_TAB_COLUMNS')) return undefined
    if ((call.binds as BindParameter[])[1] !== table) return undefined
    return {
      rows: columns.map(([COLUMN_NAME, DATA_TYPE, DATA_LENGTH, CHAR_LENGTH, DATA_PRECISION, DATA_SCALE]) => ({
        COLUMN_NAME,
        DATA_TYPE,
        DATA_LENGTH,
        CHAR_LENGTH,
        DATA_PRECISION,
        DATA_SCALE,
      })),
    }
  }

export { oracledb }
