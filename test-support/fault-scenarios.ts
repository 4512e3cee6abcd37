// The fault scenarios of issue 11, one list for every engine: a 16-caller Prisma load on a pool of 5 (size 5,
// maxOverflow 0, the adapter's defaults otherwise, but for `timeout`), against a private server the test file starts
// and owns (these tests restart it, stop it, fill it, kill its sessions), every result checked.
import { randomBytes } from 'node:crypto'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import type { PoolOptions } from '@prisma-pool/core'
import type { EngineFixture, PrivateServer } from './engines/fixture.js'
import { captureWarnings, type CapturedWarning } from './warnings.js'
import {
  inFlightAt,
  isConnectionLoss,
  loadProblems,
  prepareRows,
  rowProblems,
  sleep,
  startLoad,
  summarize,
  watchProcess,
  within,
  type LoadExpectations,
  type LoadReport,
  type LoadRows,
} from './fault-load.js'
import { startProxy, type TestProxy } from './proxy.js'
import { until } from './until.js'

const CALLERS = 16
/** The pool of the scenario: "a 16-caller Prisma load on a pool of 5". */
const POOL = { size: 5, maxOverflow: 0 } as const
/** Room for a call's own statements beyond the pool's timeout: a few round trips, or the 0.3 s slow statement. */
const STATEMENT_MARGIN_MS = 2_000
/** The server's connection limit: room for the pool, an admin connection and a pooler, small enough to fill. */
const MAX_CONNECTIONS = 20

/** What the scenarios use of a fixture, in the words they were written with. */
function faultEngine(fixture: EngineFixture) {
  return {
    name: fixture.name,
    startServer: ({ maxConnections }: { maxConnections: number }) => fixture.startServer({ settings: { max_connections: maxConnections } }),
    createTables: (url: string) => fixture.createTables(url),
    client: (url: string, pool: PoolOptions) => fixture.client(fixture.adapter(url, pool)),
    slow: fixture.dialect.slow,
    killSessions: (url: string, application: string) => fixture.killSessions(url, application),
    sessionCount: async (url: string, application: string) => (await fixture.sessions(url, application)).length,
    fillServer: (url: string) => fixture.fillServer(url),
    readRows: (url: string) => fixture.readRows(url),
    startPooler: fixture.startPooler && ((target: string) => fixture.startPooler!(target)),
  }
}

/** The scenarios on a private server of `fixture`'s engine, which they start and own. */
export function registerFaultScenarios(fixture: EngineFixture): void {
  const engine = faultEngine(fixture)
  describe(`${engine.name} under faults: 16 callers on a pool of 5`, () => {
    let server: PrivateServer
    /** Undone after each test, whatever happened: clients disconnected, proxies closed, slots freed. */
    let cleanups: (() => Promise<unknown>)[] = []
    let watch: ReturnType<typeof watchProcess>
    /** What a scenario measured (calls, errors, heal times): shown with its assertion when it fails. */
    let notes: string[] = []
    const note = (text: string) => void notes.push(text)
    /** The warnings the pool emits (a dead path found, a dispose deadline), kept out of the test output. */
    let warnings: CapturedWarning[] = []
    beforeEach(() => {
      notes = []
      warnings = captureWarnings().warnings
    })

    beforeAll(async () => {
      server = await engine.startServer({ maxConnections: MAX_CONNECTIONS })
      await engine.createTables(server.url)
    })
    afterAll(async () => {
      await server?.stop()
    })
    afterEach(async () => {
      watch?.stop()
      for (const cleanup of cleanups.reverse()) await within(cleanup(), 15_000, 'a clean-up').catch(() => {})
      cleanups = []
    })

    /** A client on its own pool, its sessions tagged with an application name of its own; rows for its callers. */
    async function open(label: string, pool: { timeout?: number }, url = server.url) {
      watch = watchProcess()
      const app = `ff_${label}_${randomBytes(3).toString('hex')}`
      const prisma = engine.client(url, { ...POOL, ...pool, applicationName: app })
      let disconnected = false
      const disconnect = async () => {
        if (disconnected) return
        disconnected = true
        await within(prisma.$disconnect(), 15_000, '$disconnect()')
      }
      cleanups.push(disconnect)
      const rows = await prepareRows(prisma, app, CALLERS)
      return { app, prisma, rows, disconnect }
    }

    async function proxyFor() {
      const proxy = await startProxy(server.url)
      cleanups.push(() => proxy.close())
      return proxy
    }

    /**
     * The checks every scenario ends with: the load's calls (see loadProblems), the rows on the server, no crash,
     * `$disconnect()` returns and leaves no session of ours on the server. Through a proxy, the pool must have closed
     * every socket of its own, and have had the server end the sessions of silenced ones (their goodbyes cannot arrive).
     */
    async function finish(
      context: { app: string; disconnect(): Promise<void> },
      reports: { report: LoadReport; expect: LoadExpectations }[],
      { proxy, rows, extra = [] }: { proxy?: TestProxy; rows: LoadRows; extra?: string[] },
    ): Promise<string[]> {
      const problems = [...extra]
      for (const { report, expect } of reports) problems.push(...loadProblems(report, expect))
      problems.push(...rowProblems(rows, await engine.readRows(server.url)))
      await context.disconnect().catch((error: Error) => problems.push(error.message))
      if (proxy) {
        await until(async () => proxy.openConnections() === 0, 'the pool has closed every connection of its own').catch((e: Error) =>
          problems.push(`${e.message}: ${proxy.openConnections()} still open`),
        )
      }
      await until(async () => (await engine.sessionCount(server.url, context.app)) === 0, 'no session of ours is left on the server').catch(
        async (e: Error) => problems.push(`${e.message}: ${await engine.sessionCount(server.url, context.app)} left`),
      )
      await proxy?.close()
      problems.push(...watch.seen)
      return problems
    }

    /**
     * The server goes down (stop, a clean and fast shutdown that ends the sessions) for `downMs`, then starts again on
     * its data, under load. 16 more callers arrive while it is down, one call each: they must wait for it and succeed.
     */
    async function outage(label: string, timeout: number, downMs: number) {
      const context = await open(label, timeout === 30 ? {} : { timeout })
      const lateRows = await prepareRows(context.prisma, `${context.app}_late`, CALLERS)
      const load = startLoad({ prisma: context.prisma, rows: context.rows, callers: CALLERS })
      await load.succeeded(100)
      const fault = load.fault('server stopped')
      await server.stop({ keepData: true })
      fault.end()
      const late = startLoad({ prisma: context.prisma, rows: lateRows, callers: CALLERS, calls: 1, origin: load.origin })
      await sleep(Math.max(0, downMs - (load.at() - fault.window.start))) // the outage itself
      await server.restart()
      const back = load.mark('server back')
      await load.succeeded(200, { after: back })
      const report = await load.stop()
      const lateReport = await late.stop()
      const lateOk = lateReport.calls.filter((c) => c.outcome === 'ok')
      note(
        `${engine.name}, ${label} (down ${(back - fault.window.start).toFixed(0)} ms, pool timeout ${timeout} s):\n${summarize(report)}\n` +
          `  16 callers arriving while the server was down: ${lateOk.length} succeeded, the last after ` +
          `${lateReport.calls.reduce((most, c) => Math.max(most, (c.end ?? lateReport.stoppedAt) - c.start), 0).toFixed(0)} ms\n  ${summarize(lateReport)}`,
      )
      const expectations = { timeout, marginMs: STATEMENT_MARGIN_MS, backAt: back }
      const problems = await finish(context, [{ report, expect: expectations }, { report: lateReport, expect: expectations }], { rows: context.rows })
      problems.push(...rowProblems(lateRows, await engine.readRows(server.url)))
      expect(problems, notes.join('\n')).toEqual([])
    }

    test('a restart (down ~2 s) under load, default timeout: only calls in flight fail, with a lost connection; the rest wait and succeed', { timeout: 120_000 }, async () => {
      await outage('restart', 30, 2_000)
    })

    test('the server down 5 s, then back, with a pool timeout that outlasts it (15 s): callers wait and succeed', { timeout: 120_000 }, async () => {
      await outage('outage', 15, 5_000)
    })

    test('every session of ours killed from an admin connection, five times in 20 s: only calls in flight fail', { timeout: 120_000 }, async () => {
      const timeout = 30 // the default
      const context = await open('kill', {})
      const load = startLoad({ prisma: context.prisma, rows: context.rows, callers: CALLERS })
      await load.succeeded(100)
      const killed: number[] = []
      for (let round = 1; round <= 5; round++) {
        if (round > 1) await sleep(4_000) // five kills in 20 s: the scenario's own rhythm
        // Every session of a full pool: it has grown back to 5 since the last kill.
        await until(async () => (await engine.sessionCount(server.url, context.app)) === POOL.size, `the pool holds ${POOL.size} sessions`)
        const fault = load.fault(`kill ${round}`)
        killed.push(await engine.killSessions(server.url, context.app))
        fault.end()
      }
      const last = load.mark('last kill over')
      await load.succeeded(200, { after: last })
      const report = await load.stop()
      note(`${engine.name}, kills (sessions killed each time: ${killed.join(', ')}):\n${summarize(report)}`)
      const problems = await finish(context, [{ report, expect: { timeout, marginMs: STATEMENT_MARGIN_MS } }], {
        rows: context.rows,
        extra: killed.some((n) => n === 0) ? [`a kill found no session of ours to kill: ${killed.join(', ')}`] : [],
      })
      expect(problems, notes.join('\n')).toEqual([])
    })

    test('a full server, then freed: a pool holding 2 connections grows to 5 when slots free, with zero errors', { timeout: 120_000 }, async () => {
      const timeout = 30 // the default
      const context = await open('full', {})
      // Two connections, opened by two statements at once (prepareRows used one).
      await Promise.all([context.prisma.$queryRawUnsafe(engine.slow.sql), context.prisma.$queryRawUnsafe(engine.slow.sql)])
      await until(async () => (await engine.sessionCount(server.url, context.app)) === 2, 'the pool holds 2 sessions')
      const filler = await engine.fillServer(server.url)
      cleanups.push(() => filler.release())
      const load = startLoad({ prisma: context.prisma, rows: context.rows, callers: CALLERS })
      const fault = load.fault('server full', { tolerate: false })
      await sleep(2_000) // the server stays full for ~2 s: the scenario itself
      const servedWhileFull = load.records.filter((c) => c.outcome === 'ok').length
      await filler.release()
      fault.end()
      const freed = load.mark('slots freed')
      const grew = await until(async () => (await engine.sessionCount(server.url, context.app)) === POOL.size, `the pool has grown to ${POOL.size} sessions`).then(
        () => [],
        (e: Error) => [e.message],
      )
      const grewAt = load.mark('pool at 5')
      await load.succeeded(200, { after: freed })
      const report = await load.stop()
      note(
        `${engine.name}, full server (another client took ${filler.held} slots; ${servedWhileFull} calls served meanwhile on 2 connections; ` +
          `grown to 5 ${(grewAt - freed).toFixed(0)} ms after the slots were freed):\n${summarize(report)}`,
      )
      const problems = await finish(context, [{ report, expect: { timeout, marginMs: STATEMENT_MARGIN_MS } }], { rows: context.rows, extra: grew })
      expect(problems, notes.join('\n')).toEqual([])
    })

    test('a full server and a pool that holds no connection: P2037 at once, saying other clients hold the server', { timeout: 60_000 }, async () => {
      // Longer than the test may take: a pool that waited for room instead of failing at once fails the test.
      const timeout = 120
      watch = watchProcess()
      const app = `ff_fullnone_${randomBytes(3).toString('hex')}`
      const prisma = engine.client(server.url, { ...POOL, timeout, applicationName: app })
      cleanups.push(() => within(prisma.$disconnect(), 15_000, '$disconnect()'))
      const filler = await engine.fillServer(server.url)
      cleanups.push(() => filler.release())
      const started = performance.now()
      const error = (await prisma.counter.findUnique({ where: { name: 'none' } }).then(
        () => undefined,
        (e: unknown) => e,
      )) as { code?: string; message?: string } | undefined
      const tookMs = performance.now() - started
      await filler.release()
      note(`${engine.name}, full server, empty pool: ${error?.code} after ${tookMs.toFixed(0)} ms (another client took ${filler.held} slots)\n  ${error?.message}`)
      expect(error).toMatchObject({ code: 'P2037' })
      expect(error?.message).toMatch(/full/)
      expect(error?.message).toMatch(/other clients/)
      // The server has room again: the same pool connects.
      await expect(prisma.counter.findUnique({ where: { name: 'none' } })).resolves.toBeNull()
      await within(prisma.$disconnect(), 15_000, '$disconnect()')
      await until(async () => (await engine.sessionCount(server.url, app)) === 0, 'no session of ours is left on the server')
      expect(watch.seen).toEqual([])
    })

    test('idle connections gone silent (a firewall forgot them), then a burst of 16 calls: all succeed', { timeout: 60_000 }, async () => {
      const timeout = 10
      const proxy = await proxyFor()
      const context = await open('idlesilent', { timeout }, proxy.url())
      const warm = startLoad({ prisma: context.prisma, rows: context.rows, callers: CALLERS })
      await warm.succeeded(100)
      await until(async () => proxy.openConnections() === POOL.size, `the pool holds ${POOL.size} connections`)
      const warmReport = await warm.stop()
      await sleep(1_200) // the pool sits idle for more than prePingAfterIdle (1 s): the scenario itself
      proxy.silenceExisting()
      const burst = startLoad({ prisma: context.prisma, rows: context.rows, callers: CALLERS, calls: 1 })
      const report = await burst.stop({ withinMs: timeout * 1000 + STATEMENT_MARGIN_MS + 5_000 })
      const durations = report.calls.map((c) => (c.end ?? report.stoppedAt) - c.start)
      note(
        `${engine.name}, idle connections silenced, then a burst: healed in ${Math.max(...durations).toFixed(0)} ms ` +
          `(the fastest call ${Math.min(...durations).toFixed(0)} ms)\n${summarize(report)}`,
      )
      const expectations = { timeout, marginMs: STATEMENT_MARGIN_MS }
      const problems = await finish(context, [{ report: warmReport, expect: expectations }, { report, expect: expectations }], { proxy, rows: context.rows })
      expect(problems, notes.join('\n')).toEqual([])
    })

    test('connections gone silent while busy: statements in flight fail with a lost connection (P1017), not hang; later calls succeed', { timeout: 90_000 }, async () => {
      const timeout = 10
      // A statement in flight on a dead path is noticed after the pool's unansweredCheck (5 s by default) and a
      // question to the server: its own margin, on top of the round trips.
      const marginMs = 5_000 + STATEMENT_MARGIN_MS
      const proxy = await proxyFor()
      const context = await open('busysilent', { timeout }, proxy.url())
      const load = startLoad({ prisma: context.prisma, rows: context.rows, callers: CALLERS, slow: engine.slow })
      await load.succeeded(48)
      await until(async () => proxy.openConnections() === POOL.size, `the pool holds ${POOL.size} connections`)
      const fault = load.fault('silence')
      proxy.silenceExisting()
      const window = fault.end()
      const problems: string[] = []
      // Calls still running past their deadline are reported by loadProblems (as never having returned).
      const returned = await load.returned(window, { withinMs: timeout * 1000 + marginMs + 1_000 }).then(
        () => true,
        () => false,
      )
      if (returned) await load.succeeded(2 * CALLERS, { after: window.end, withinMs: timeout * 1000 + marginMs }).catch((e: Error) => problems.push(e.message.split('\n')[0]!))
      const report = await load.stop({ withinMs: returned ? timeout * 1000 + marginMs : 1_000 })
      const caught = report.calls.filter((c) => inFlightAt(c, window))
      const lost = caught.filter((c) => c.outcome === 'error' && isConnectionLoss(c.error))
      const failAfter = lost.map((c) => c.end! - window.end)
      note(
        `${engine.name}, busy connections silenced: ${caught.length} calls in flight, ${lost.length} failed with a lost connection` +
          (lost.length ? ` after ${Math.min(...failAfter).toFixed(0)}–${Math.max(...failAfter).toFixed(0)} ms` : '') +
          `\n${summarize(report)}`,
      )
      if (lost.length === 0) problems.push('no statement in flight at the silence failed with a lost connection (P1017, or P2010 ConnectionClosed)')
      // Each one failed says why, once per connection.
      const found = warnings.filter((w) => w.message.includes('had no answer for') && w.message.includes('the network path to the server is dead'))
      if (found.length < lost.length) problems.push(`${lost.length} statements failed on a dead path, but ${found.length} warnings said so`)
      problems.push(...(await finish(context, [{ report, expect: { timeout, marginMs } }], { proxy, rows: context.rows })))
      expect(problems, notes.join('\n')).toEqual([])
    })

    if (engine.startPooler) {
      const startPooler = engine.startPooler
      for (const flag of [true, false]) {
        test(
          `through PgBouncer in transaction mode (fewer server connections than clients), ${flag ? 'with' : 'without'} ?pgbouncer=true: every result right, no error`,
          { timeout: 90_000 },
          async () => {
            const timeout = 30 // the default
            const pooler = await startPooler(server.url)
            cleanups.push(() => pooler.stop())
            const url = new URL(pooler.url)
            if (flag) url.searchParams.set('pgbouncer', 'true')
            const context = await open(flag ? 'bouncerflag' : 'bouncer', {}, url.toString())
            const load = startLoad({ prisma: context.prisma, rows: context.rows, callers: CALLERS })
            const problems: string[] = []
            await load.succeeded(400, { withinMs: 30_000 }).catch((e: Error) => problems.push(e.message.split('\n')[0]!))
            const report = await load.stop()
            note(`${engine.name}, PgBouncer ${flag ? 'with' : 'without'} ?pgbouncer=true:\n${summarize(report)}`)
            problems.push(...loadProblems(report, { timeout, marginMs: STATEMENT_MARGIN_MS }))
            problems.push(...rowProblems(context.rows, await engine.readRows(server.url)))
            await context.disconnect().catch((error: Error) => problems.push(error.message))
            await until(async () => (await pooler.clients()) === 0, 'PgBouncer holds no client connection of ours').catch(async (e: Error) =>
              problems.push(`${e.message}: ${await pooler.clients()} left`),
            )
            problems.push(...watch.seen)
            expect(problems, notes.join('\n')).toEqual([])
          },
        )
      }
    }
  })
}
