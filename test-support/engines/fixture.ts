// What the shared scenarios need of an engine: its servers, its adapters and Prisma Client, and how to watch and
// disturb the server's sessions. One fixture per engine (pg.ts, mysql.ts), listed in index.ts; the scenarios
// (transactions.ts, pool.ts, connection.ts, tls.ts here, and ../relations.ts, ../fleet.ts, ../fault-scenarios.ts) take
// a fixture and register their tests for it. Every `server` argument is a server URL (user, host, port, database);
// every `url`, one our adapter connects with (a TestDatabase's, or a proxy's in front of it).
import type { SqlDriverAdapterFactory } from '@prisma/client/runtime/client'
import type { PoolOptions } from '@prisma-pool/core'
import type { ConnectionLoss, PoolAdapterFactory } from '@prisma-pool/core/engine'
import type { PrismaClient } from '../../packages/pg/test/generated/prisma/client.js'
import type { CounterRow, SlowStatement } from '../fault-load.js'
import type { EngineId } from './index.js'

/**
 * A Prisma Client of any engine's test schema (test/prisma/schema.prisma): every engine's schema has the same models
 * (User, Post, Profile, Tag, Counter …), so the scenarios are typed with the PostgreSQL client's types.
 */
export type TestPrisma = PrismaClient

/** A private server, as test-support/servers starts them: the tests may stop, restart, fill it and kill its sessions. */
export interface PrivateServer {
  url: string
  port: number
  /** What it is, for messages. */
  readonly description: string
  /** Starts it again (after stop({ keepData: true })), or stops and starts it, on the same port and data. */
  restart(): Promise<void>
  /** Stops it (a clean shutdown that ends its sessions) and, unless `keepData`, removes its data. */
  stop(options?: { keepData?: boolean }): Promise<void>
}

export interface PrivateServerOptions {
  /** Server settings over the test defaults (max_connections …). */
  settings?: Record<string, string | number>
  /** TLS on (clients may still connect without it): PEM files of the server's certificate and its key. */
  tls?: { cert: string; key: string }
}

/** A fresh place for one test file's tables: a schema (PostgreSQL) or a database (MySQL) of its own. */
export interface TestDatabase {
  /** Its name, unique to the test that made it. */
  name: string
  /** What our adapter connects with to work in it (PostgreSQL: the server's URL with ?schema=name). */
  url: string
  /** The server it is on. */
  server: string
  drop(): Promise<void>
}

/** A connection of the test's own, outside any pool: to watch or disturb what a pool does. */
export interface SqlSession {
  /** Runs one statement; placeholders are `dialect.param(n)`. Resolves to its rows. */
  query<T = Record<string, unknown>>(text: string, values?: unknown[]): Promise<T[]>
  end(): Promise<void>
}

/** Runs `text` on a session of its own, opened by `connect` and closed after. */
export async function onOwnSession<T>(connect: () => Promise<SqlSession>, text: string, values: unknown[] = []): Promise<T[]> {
  const session = await connect()
  try {
    return await session.query<T>(text, values)
  } finally {
    await session.end()
  }
}

/** One session of the server, as the server lists it. */
export interface ServerSession {
  /** The server's id of it (what `dialect.sessionId` returns, and `EngineConnection.sessionId`). */
  id: number | string
  /** Running a statement. */
  active: boolean
  /** Waiting for a lock another session holds. */
  waitingForLock: boolean
}

/** A pooler in front of the server (PgBouncer): its URL, and how many client connections it holds. */
export interface TestPooler {
  url: string
  /** Client connections it holds now, its own admin connection aside. */
  clients(): Promise<number>
  stop(): Promise<void>
}

/** The engine's official Prisma adapter: the reference the scenarios compare ours with. */
export interface OfficialAdapter {
  /**
   * An adapter on `url` with a pool of `max` connections, its sessions named `applicationName` where given; configured
   * as its documentation shows, or with `forComparison` so that its results can be compared with ours value by value
   * (MariaDB: the text protocol, as ours by default).
   */
  adapter(url: string, options: { max: number; applicationName?: string; forComparison?: boolean }): SqlDriverAdapterFactory
}

/** The SQL the scenarios send, in the engine's words. */
export interface Dialect {
  /** The n-th placeholder (from 1) of a statement: `$1` (PostgreSQL), `?` (MySQL). */
  param(n: number): string
  /** An identifier, quoted: "User", `User`. */
  quote(name: string): string
  /** A statement that opens a transaction when sent on its own (a raw BEGIN). */
  begin: string
  /** Whether INSERT … RETURNING exists (PostgreSQL): Prisma reads a created row back with it. */
  returning: boolean
  /** A query returning the server's id of its session, as a column `id`. */
  sessionId: string
  /**
   * A query returning, as a column `id`, what two statements share when they run in the same transaction: the
   * transaction's id where the server gives one (PostgreSQL), else the session's.
   */
  transactionId: string
  /** A query that takes `seconds` on the server, returning one row. */
  sleep(seconds: number): string
  /** The fault scenarios' slow statement: 0.3 s, and how to tell that its rows are right. */
  slow: SlowStatement
  /** A query that waits while another session holds the lock `key` (see EngineFixture.holdLock), returning one row. */
  waitForLock(key: string): string
}

export interface EngineFixture {
  /** Its id in ENGINES (index.ts). */
  readonly id: EngineId
  /** 'PostgreSQL', 'MariaDB': for test names. */
  readonly name: string
  readonly dialect: Dialect

  /** The suite's server of this engine (a private one, or the user's: see test-support/servers/index.ts). */
  serverUrl(): string
  /** Starts a private server of the test's own. */
  startServer(options?: PrivateServerOptions): Promise<PrivateServer>
  /** A fresh TestDatabase holding the test schema's tables (test/schema.sql), on `server` (the suite's by default). */
  createDatabase(prefix: string, server?: string): Promise<TestDatabase>
  /** Creates the test schema's tables in the database of `server` itself (a private server's). */
  createTables(server: string): Promise<void>

  /** Our adapter on `url`. */
  adapter(url: string, pool?: PoolOptions): PoolAdapterFactory
  /** The official adapter, where the engine has one; scenarios that compare with it run ours alone otherwise. */
  readonly official?: OfficialAdapter
  /** A Prisma Client of the engine's generated client (test/generated) on `adapter`. */
  client(adapter: SqlDriverAdapterFactory): TestPrisma

  /** A connection of its own to `url` (a TestDatabase's: in its schema or database). */
  connect(url: string): Promise<SqlSession>
  /** The sessions of `server` whose pool (or client) is named `application` (pool.applicationName). */
  sessions(server: string, application: string): Promise<ServerSession[]>
  /** How many sessions of `application` are inside a transaction (idle in it, or running a statement of it). */
  openTransactions(server: string, application: string): Promise<number>
  /**
   * How often to poll `openTransactions` for a change (MySQL's INNODB_TRX is refreshed only once nobody has read it for
   * 0.1 s); absent, the server shows a change at once and the scenarios check it once.
   */
  readonly transactionsPoll?: { intervalMs: number }
  /**
   * What the error of a statement says of its connection (EngineDriver.connectionLoss) when an administrator ends its
   * session (killSession) while it runs: `'server'` where the error cannot be told from a server that dropped every
   * session (PostgreSQL's terminate, which a shutdown sends too; MySQL's KILL, which only closes the socket), else
   * `'connection'`.
   */
  readonly killedSessionLoss: ConnectionLoss
  /**
   * Whether `EngineConnection.executeScript` runs on a side connection of the engine's own (MySQL: a script's several
   * statements need multipleStatements, which the pooled connections never have): then a script's BEGIN leaves the
   * pooled connection outside any transaction.
   */
  readonly scriptsOnSideConnection: boolean
  /** Ends a session from an admin connection; resolves once the server no longer lists it. */
  killSession(server: string, id: number | string): Promise<void>
  /** Ends every session of `application`; resolves once they are gone, with how many there were. */
  killSessions(server: string, application: string): Promise<number>
  /** Takes the lock `key` on a session of its own, until the returned function releases it. */
  holdLock(server: string, key: string): Promise<() => Promise<void>>
  /** Another client takes every connection slot the server has left, until release(). */
  fillServer(server: string): Promise<{ held: number; release(): Promise<void> }>
  /** The Counter table of the database of `server`, read directly. */
  readRows(server: string): Promise<CounterRow[]>
  /** A transaction-mode pooler in front of `server` that pools fewer server connections than its clients (PgBouncer). */
  startPooler?(server: string): Promise<TestPooler>
}
