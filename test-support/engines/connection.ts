// The EngineConnection contract (packages/core/src/engine.ts), checked on an engine's real connections as the pool
// hands them out: what inTransaction() says after a raw BEGIN, isBroken() once the server has ended the session, how
// the error of a killed session is classified, and cancel(). Each connection comes from adapter.pool.acquire() and goes
// back with pool.release(), as the core's adapter uses them.
import { once } from 'node:events'
import { createServer, type AddressInfo, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { CloseReason, PooledConnection, PoolOptions } from '@prisma-pool/core'
import type { EngineConnection, EngineDriver, PoolAdapterFactory } from '@prisma-pool/core/engine'
import { connectionLoss } from '../../packages/core/src/engine-defaults.js'
import { connectAlone } from '../engine-context.js'
import { until } from '../until.js'
import { uniqueName } from './clients.js'
import type { EngineFixture, TestDatabase } from './fixture.js'

const raw = (sql: string): Parameters<EngineConnection['query']>[0] => ({ sql, args: [], argTypes: [] })

/** What a promise settled with: its value, or its error. */
const settled = <T>(promise: Promise<T>) =>
  promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  )

export function registerConnectionScenarios(fixture: EngineFixture): void {
  const { dialect } = fixture

  describe(`the EngineConnection contract (${fixture.name})`, () => {
    let db: TestDatabase
    const disposers: (() => Promise<void>)[] = []

    beforeAll(async () => {
      db = await fixture.createDatabase('conn')
    })
    afterAll(async () => {
      await Promise.all(disposers.map((dispose) => dispose()))
      await db?.drop()
    })

    /** A pool of our adapter, open (connect() creates it), its sessions named by an application name of its own. */
    async function openPool(options: PoolOptions = {}) {
      const app = uniqueName('pp_conn')
      const factory: PoolAdapterFactory = fixture.adapter(db.url, { size: 2, maxOverflow: 0, ...options, applicationName: app })
      const adapter = await factory.connect()
      disposers.push(() => adapter.dispose())
      return { app, pool: factory.pool! }
    }

    /** The server's id of the connection's session, asked through the connection itself. */
    async function sessionOf(conn: EngineConnection): Promise<string> {
      const { rows } = await conn.query(raw(dialect.sessionId))
      return String(rows[0]![0])
    }

    /** Resolves once the server shows the session running a statement. */
    const running = (app: string, id: string) =>
      until(async () => (await fixture.sessions(db.server, app)).some((s) => String(s.id) === id && s.active), 'the statement runs on the server')

    test(`inTransaction() follows a raw BEGIN and its end, sent as a statement${fixture.scriptsOnSideConnection ? '; a script runs beside it' : ' or as a script'}`, async () => {
      const { pool } = await openPool()
      const checkout = await pool.acquire()
      const { conn } = checkout.connection
      try {
        expect(conn.inTransaction()).toBe(false)
        await conn.executeScript(dialect.begin)
        expect(conn.inTransaction()).toBe(!fixture.scriptsOnSideConnection)
        await conn.executeScript('COMMIT')
        expect(conn.inTransaction()).toBe(false)
        await conn.execute(raw(dialect.begin))
        expect(conn.inTransaction()).toBe(true)
        // A query inside it leaves it open.
        await sessionOf(conn)
        expect(conn.inTransaction()).toBe(true)
        await conn.execute(raw('ROLLBACK'))
        expect(conn.inTransaction()).toBe(false)
      } finally {
        await pool.release(checkout)
      }
    })

    test('a connection returned inside a raw BEGIN is reset before it is handed out again', async () => {
      const { pool } = await openPool({ size: 1 })
      const first = await pool.acquire()
      const id = await sessionOf(first.connection.conn)
      await first.connection.conn.execute(raw(dialect.begin))
      expect(first.connection.conn.inTransaction()).toBe(true)
      const reset = once(pool, 'reset')
      await pool.release(first)
      expect(((await reset) as [PooledConnection, string])[1]).toBe('rollback')
      const next = await pool.acquire()
      try {
        expect(await sessionOf(next.connection.conn)).toBe(id)
        expect(next.connection.conn.inTransaction()).toBe(false)
      } finally {
        await pool.release(next)
      }
    })

    test('isBroken() turns true once the server ends the idle session; its next statement fails as a lost connection; the pool replaces it', async () => {
      const { pool } = await openPool()
      const checkout = await pool.acquire()
      const { conn } = checkout.connection
      const id = await sessionOf(conn)
      if (conn.sessionId !== undefined) expect(String(conn.sessionId)).toBe(id)
      expect(conn.isBroken()).toBe(false)
      await fixture.killSession(db.server, id)
      // The driver learns it from its socket, with no statement sent: there is no event to await.
      await until(async () => conn.isBroken(), 'the connection has seen its session end')
      const outcome = await settled(conn.query(raw(dialect.sessionId)))
      expect(outcome).toHaveProperty('error')
      const { error } = outcome as { error: unknown }
      expect(pool.driver.convertError(error)).toMatchObject({ kind: 'ConnectionClosed' })
      expect(connectionLoss(pool.driver, error)).toBeDefined()
      const closed = once(pool, 'close')
      await pool.release(checkout)
      expect(((await closed) as [PooledConnection, CloseReason])[1]).toBe('broken')
      const next = await pool.acquire()
      try {
        expect(next.connection.conn.isBroken()).toBe(false)
        expect(await sessionOf(next.connection.conn)).not.toBe(id)
      } finally {
        await pool.release(next)
      }
    })

    test(`a statement running when the server ends its session fails as a lost connection (ConnectionClosed, loss '${fixture.killedSessionLoss}')`, async () => {
      const { app, pool } = await openPool()
      const checkout = await pool.acquire()
      const { conn } = checkout.connection
      try {
        const id = await sessionOf(conn)
        const statement = settled(conn.query(raw(dialect.sleep(600))))
        await running(app, id)
        await fixture.killSession(db.server, id)
        const outcome = await statement
        expect(outcome).toHaveProperty('error')
        const { error } = outcome as { error: unknown }
        expect(pool.driver.convertError(error)).toMatchObject({ kind: 'ConnectionClosed' })
        expect(connectionLoss(pool.driver, error)).toBe(fixture.killedSessionLoss)
        expect(conn.isBroken()).toBe(true)
      } finally {
        await pool.release(checkout)
      }
    })

    test('cancel() stops the statement running on the connection, which stays usable, in the same session', async ({ skip }) => {
      const { app, pool } = await openPool()
      const checkout = await pool.acquire()
      const { conn } = checkout.connection
      try {
        if (!conn.cancel) return skip(`${fixture.name} connections have no cancel()`)
        const id = await sessionOf(conn)
        // Ten minutes, longer than a test may take: only the cancel ends it in time.
        const statement = settled(conn.query(raw(dialect.sleep(600))))
        await running(app, id)
        await conn.cancel()
        // A cancelled statement fails (PostgreSQL), or ends early with a result (MySQL's SLEEP returns 1): either way it ends.
        const outcome = await statement
        if ('error' in outcome) expect(connectionLoss(pool.driver, outcome.error)).toBeUndefined()
        expect(conn.isBroken()).toBe(false)
        expect(conn.inTransaction()).toBe(false)
        expect(await sessionOf(conn)).toBe(id)
      } finally {
        await pool.release(checkout)
      }
    })

    test("connect() stops when the pool's signal aborts, against a server that accepts and never answers: it rejects and closes its socket", async () => {
      const silent = createServer()
      silent.listen(0, '127.0.0.1')
      await once(silent, 'listening')
      disposers.push(async () => void silent.close())
      const url = new URL(db.url)
      url.hostname = '127.0.0.1'
      url.port = String((silent.address() as AddressInfo).port)
      const factory = fixture.adapter(url.toString(), { connectTimeout: 60 })
      const { driver } = factory as unknown as { driver: EngineDriver }
      const abort = new AbortController()
      const accepted = once(silent, 'connection') as Promise<[Socket]>
      const connecting = settled(connectAlone(driver, 'pp_conn_abort', 60_000, abort.signal))
      const [socket] = await accepted
      // It reads what the client sends, never answering: its 'close' then follows the client's FIN even when the client
      // wrote before the abort (a JDBC driver's thread writes at once), which unread data would hold back.
      socket.resume()
      const closed = once(socket, 'close')
      abort.abort(new Error('the pool gave up'))
      expect(await connecting).toMatchObject({ error: expect.anything() })
      await closed
    })
  })
}
