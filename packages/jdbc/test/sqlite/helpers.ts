// The SQLite route's comparison set-up: one client on PrismaPoolJdbc (jdbc:sqlite, xerial's driver) and one on the
// official @prisma/adapter-better-sqlite3, each on a fresh database file of its own in a temporary directory (so that
// autoincrement ids line up), both made by schema.sql. `rows` reads a file with better-sqlite3 directly, to check
// what the database itself holds. Run `pnpm generate` first (the client in ./generated).
import { fork, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3'
import Database from 'better-sqlite3'
import { afterAll, beforeAll } from 'vitest'
import type { PoolOptions } from '@prisma-pool/core'
import { PrismaPoolJdbc, type PrismaPoolJdbcOptions } from '@prisma-pool/jdbc'
import type { ClientPair } from '../../../../test-support/compare.js'
import { TEST_CLASSPATH } from '../../../../test-support/jdbc/classpath.js'
import { PrismaClient } from './generated/prisma/client.js'

export { both, canonical, expectSame, knownError } from '../../../../test-support/compare.js'

export const SCHEMA_SQL = readFileSync(new URL('./schema.sql', import.meta.url), 'utf8')

/** A temporary directory of the test file's own, removed with everything in it. */
export function tempDir(prefix: string): { path: string; file(name: string): string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `prisma-pool-sqlite-${prefix}-`))
  return { path, file: (name) => join(path, name), remove: () => rmSync(path, { recursive: true, force: true }) }
}

/** Creates the tables of schema.sql in a new database file (with better-sqlite3, before either adapter opens it). */
export function createDatabase(file: string, sql = SCHEMA_SQL): void {
  const db = new Database(file)
  try {
    db.exec(sql)
  } finally {
    db.close()
  }
}

/**
 * better-sqlite3 on the database files, in a child process of its own (see direct-sqlite.mjs for why not in this one):
 * `rows` reads, `run` writes; each opens the file, runs one statement and closes it. Integers come back as bigint.
 */
class DirectSqlite {
  #child: ChildProcess | undefined
  #next = 0
  readonly #pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>()

  #process(): ChildProcess {
    if (this.#child) return this.#child
    const child = fork(fileURLToPath(new URL('./direct-sqlite.mjs', import.meta.url)), [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    child.on('message', ({ id, result, error }: { id: number; result?: unknown; error?: string }) => {
      const waiting = this.#pending.get(id)
      this.#pending.delete(id)
      if (error === undefined) waiting?.resolve(result)
      else waiting?.reject(new Error(`better-sqlite3: ${error}`))
    })
    child.on('exit', (code) => {
      for (const waiting of this.#pending.values()) waiting.reject(new Error(`the better-sqlite3 process exited (${code})`))
      this.#pending.clear()
      this.#child = undefined
    })
    this.#child = child
    return child
  }

  #send(file: string, sql: string, params: unknown[], write: boolean): Promise<unknown> {
    const id = this.#next++
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject })
      this.#process().send({ id, file, sql, params, write })
    })
  }

  rows(file: string, sql: string, ...params: unknown[]): Promise<Record<string, unknown>[]> {
    return this.#send(file, sql, params, false) as Promise<Record<string, unknown>[]>
  }

  run(file: string, sql: string, ...params: unknown[]): Promise<{ changes: number; lastInsertRowid: bigint }> {
    return this.#send(file, sql, params, true) as Promise<{ changes: number; lastInsertRowid: bigint }>
  }

  close(): void {
    this.#child?.kill()
  }
}

export const direct = new DirectSqlite()
afterAll(() => direct.close())

/** Rows of a query on the file, read directly by better-sqlite3 (in its own process). */
export const rows = (file: string, sql: string, ...params: unknown[]) => direct.rows(file, sql, ...params)

export const jdbcUrl = (file: string) => `jdbc:sqlite:${file}`

/** Our adapter on `file`; `options` over the test defaults (every JDBC test file's JVM has the same classpath). */
export function oursAdapter(file: string, options: Omit<PrismaPoolJdbcOptions, 'url'> = {}): PrismaPoolJdbc {
  return new PrismaPoolJdbc({ url: jdbcUrl(file), classpath: TEST_CLASSPATH, ...options })
}

export interface SqlitePair extends ClientPair<PrismaClient> {
  official: PrismaClient
  /** Our adapter (its stats and status). */
  adapter: PrismaPoolJdbc
  /** The database files of each side. */
  oursFile: string
  officialFile: string
  close(): Promise<void>
}

/** Both clients on fresh files in a new temporary directory, made by `schemaSql`; `pool` and `options` go to ours. */
export function openPair(
  prefix: string,
  pool: PoolOptions = { size: 3, maxOverflow: 0 },
  options: Omit<PrismaPoolJdbcOptions, 'url' | 'pool'> = {},
  schemaSql = SCHEMA_SQL,
): SqlitePair {
  const dir = tempDir(prefix)
  const oursFile = dir.file('ours.db')
  const officialFile = dir.file('official.db')
  createDatabase(oursFile, schemaSql)
  createDatabase(officialFile, schemaSql)
  const adapter = oursAdapter(oursFile, { ...options, pool })
  const ours = new PrismaClient({ adapter })
  const official = new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: `file:${officialFile}` }) })
  return {
    ours,
    official,
    adapter,
    oursFile,
    officialFile,
    async close() {
      await Promise.allSettled([ours.$disconnect(), official.$disconnect()])
      dir.remove()
    },
  }
}

/** Opens the pair before the file's tests and closes it after; the getter gives it once opened. */
export function usePair(prefix: string, pool?: PoolOptions, schemaSql?: string): () => SqlitePair {
  let pair: SqlitePair | undefined
  beforeAll(() => {
    pair = openPair(prefix, pool, {}, schemaSql)
  })
  afterAll(async () => {
    await pair?.close()
  })
  return () => {
    if (!pair) throw new Error('the clients are opened in beforeAll')
    return pair
  }
}
