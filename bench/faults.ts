// Part 5: time-to-heal under faults, our adapters beside the official ones, in the same run; the engines, their servers
// and adapters are the tests' fixtures (test-support/engines). Pools of 5 (ours: size 5, maxOverflow 0, the defaults
// otherwise; @prisma/adapter-pg: max 5; @prisma/adapter-mariadb: connectionLimit 5), on a private server per engine
// that this part starts itself (it restarts it, so never PG_TEST_URL's or MYSQL_TEST_URL's), every adapter on a fresh
// pool (and proxy), one after the other:
//
//  - silent idle: 5 warm connections idle for 2 s, then forgotten by the network (test-support/proxy.ts
//    silenceExisting(): no FIN, no RST, nothing passes), then a burst of 16 `SELECT 1`.
//  - busy silent: 5 statements of 0.5 s in flight when the network forgets their connections; then $disconnect().
//  - restart: 16 callers (a `SELECT 1` every 50 ms each) while the server is stopped cleanly and started again ~2 s later.
//
// Every call has a deadline of 30 s: one that has not settled by then counts as hung, and is let go (the proxy is
// closed at the end of the case, which frees whatever still waits on it). `$disconnect()` gets 10 s. Unhandled promise
// rejections are caught and counted for the case they happen in: by default, each would have ended a Node process.
//
//   pnpm bench faults                    (BENCH_ENGINE=pg or =mysql for one engine; see run.ts)
import { setTimeout as sleep } from 'node:timers/promises'
import { ENGINES, type EngineId } from '../test-support/engines/index.js'
import type { PrivateServer } from '../test-support/engines/fixture.js'
import { startProxy } from '../test-support/proxy.js'

const POOL = 5
const CALLERS = 16
const DEADLINE_MS = 30_000
const DISCONNECT_MS = 10_000
const IDLE_MS = 2_000
const DOWN_MS = 2_000
const PACE_MS = 50
/** How long the restart load goes on once the server is back. */
const AFTER_MS = 10_000

interface Client {
  $queryRawUnsafe(sql: string): Promise<unknown>
  $disconnect(): Promise<void>
}
interface Adapter {
  name: 'official' | 'prisma-pool'
  open(url: string): Client
}
interface Engine {
  name: string
  start(): Promise<PrivateServer>
  /** A statement that takes `seconds` on the server. */
  sleep(seconds: number): string
  adapters: Adapter[]
}

/** The engine of fixture `id` (test-support/engines): its private server, ours and its official adapter if it has one. */
async function openEngine(id: EngineId): Promise<Engine> {
  const fixture = await ENGINES[id].fixture()
  const official = fixture.official
  return {
    name: fixture.name,
    start: () => fixture.startServer(),
    sleep: fixture.dialect.sleep,
    adapters: [
      // As its documentation shows it, with the same pool size.
      ...(official ? [{ name: 'official' as const, open: (url: string) => fixture.client(official.adapter(url, { max: POOL })) }] : []),
      { name: 'prisma-pool', open: (url) => fixture.client(fixture.adapter(url, { size: POOL, maxOverflow: 0 })) },
    ],
  }
}

const TIMED_OUT = Symbol('timed out')
/** `promise`, or TIMED_OUT after `ms` (the promise goes on, unwatched). */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<typeof TIMED_OUT>((resolve) => (timer = setTimeout(resolve, ms, TIMED_OUT)))
  try {
    return await Promise.race([promise, deadline])
  } finally {
    clearTimeout(timer)
  }
}

/** One call: when it started and settled (ms on performance.now()), and how. */
interface Call {
  start: number
  end: number
  outcome: 'ok' | 'hung' | string
}

/** Prisma's code, and the driver's own code or kind behind it (raw queries report every driver error as P2010). */
function errorCode(error: unknown): string {
  const e = error as { code?: string; name?: string; meta?: { driverAdapterError?: { cause?: { originalCode?: string; kind?: string } } } }
  const cause = e?.meta?.driverAdapterError?.cause
  return [e?.code ?? e?.name ?? 'Error', cause?.originalCode ?? cause?.kind].filter(Boolean).join(' ')
}

async function call(client: Client, sql: string): Promise<Call> {
  const start = performance.now()
  const settled = client.$queryRawUnsafe(sql).then(
    () => 'ok',
    (error: unknown) => errorCode(error),
  )
  const outcome = await within(settled, DEADLINE_MS)
  return { start, end: performance.now(), outcome: outcome === TIMED_OUT ? 'hung' : outcome }
}

/** `P1017 ×5, P2024 ×2`, or '' for none. */
function errorsByCode(calls: Call[]): string {
  const counts = new Map<string, number>()
  for (const c of calls) if (c.outcome !== 'ok' && c.outcome !== 'hung') counts.set(c.outcome, (counts.get(c.outcome) ?? 0) + 1)
  return [...counts].map(([code, n]) => `${code} ×${n}`).join(', ')
}

/** The unhandled rejections of the case running now (their code), which the bench survives and counts. */
let unhandled: string[] = []
const onUnhandled = (reason: unknown) => void unhandled.push(errorCode(reason))

/** Runs one case and adds the unhandled rejections seen until it was over (its clean-up included). */
async function counted<T>(run: () => Promise<T>): Promise<T & { unhandled: string[] }> {
  unhandled = []
  const figures = await run()
  await sleep(200) // what the clean-up's last closes reject
  return { ...figures, unhandled }
}

/** A client through a fresh proxy; close() lets go of everything, whatever state it is in, within bounded time. */
async function throughProxy(serverUrl: string, adapter: Adapter) {
  const proxy = await startProxy(serverUrl)
  const client = adapter.open(proxy.url())
  let disconnecting: Promise<void> | undefined
  const disconnect = async () => {
    const start = performance.now()
    disconnecting ??= client.$disconnect().catch(() => {})
    return (await within(disconnecting, DISCONNECT_MS)) === TIMED_OUT ? undefined : performance.now() - start
  }
  return {
    proxy,
    client,
    disconnect,
    async close() {
      await proxy.close()
      await disconnect()
    },
  }
}

/** What every case reports of its adapter. */
interface Figures {
  engine: string
  adapter: string
  /** Unhandled rejections (their code): each one, by default, would have ended the process. */
  unhandled: string[]
  /** Time to heal, as each case defines it; undefined: not healed within its deadline. */
  healMs?: number
}

export interface SilentIdleFigures extends Figures {
  warmConnections: number
  firstOkMs?: number
  ok: number
  errors: string
  hung: number
}

async function silentIdle(engine: Engine, url: string, adapter: Adapter): Promise<Omit<SilentIdleFigures, 'unhandled'>> {
  const s = await throughProxy(url, adapter)
  try {
    // Five at once, each holding its connection for 0.1 s: the pool opens all five.
    await Promise.all(Array.from({ length: POOL }, () => s.client.$queryRawUnsafe(engine.sleep(0.1))))
    const warmConnections = s.proxy.openConnections()
    await sleep(IDLE_MS)
    s.proxy.silenceExisting()
    const t0 = performance.now()
    const calls = await Promise.all(Array.from({ length: CALLERS }, () => call(s.client, 'SELECT 1')))
    const ok = calls.filter((c) => c.outcome === 'ok')
    const hung = calls.filter((c) => c.outcome === 'hung').length
    return {
      engine: engine.name,
      adapter: adapter.name,
      warmConnections,
      firstOkMs: ok.length ? Math.min(...ok.map((c) => c.end - t0)) : undefined,
      healMs: hung ? undefined : Math.max(...calls.map((c) => c.end - t0)),
      ok: ok.length,
      errors: errorsByCode(calls),
      hung,
    }
  } finally {
    await s.close()
  }
}

export interface BusySilentFigures extends Figures {
  /** When each in-flight statement settled, after the silence (undefined: hung). */
  settledMs: (number | undefined)[]
  errors: string
  hung: number
  /** How long $disconnect() took, with the statements' connections still silent; undefined: not within 10 s. */
  disconnectMs?: number
}

async function busySilent(engine: Engine, url: string, adapter: Adapter): Promise<Omit<BusySilentFigures, 'unhandled'>> {
  const s = await throughProxy(url, adapter)
  try {
    await Promise.all(Array.from({ length: POOL }, () => s.client.$queryRawUnsafe(engine.sleep(0.1))))
    const inFlight = Array.from({ length: POOL }, () => call(s.client, engine.sleep(0.5)))
    await sleep(150) // sent, and running on the server
    s.proxy.silenceExisting()
    const t0 = performance.now()
    const calls = await Promise.all(inFlight)
    const disconnectMs = await s.disconnect()
    return {
      engine: engine.name,
      adapter: adapter.name,
      settledMs: calls.map((c) => (c.outcome === 'hung' ? undefined : c.end - t0)),
      healMs: calls.some((c) => c.outcome === 'hung') ? undefined : Math.max(...calls.map((c) => c.end - t0)),
      errors: errorsByCode(calls),
      hung: calls.filter((c) => c.outcome === 'hung').length,
      disconnectMs,
    }
  } finally {
    await s.close()
  }
}

export interface RestartFigures extends Figures {
  downMs: number
  calls: number
  /** Calls that did not succeed (errors and hung). */
  failed: number
  errors: string
  hung: number
  /** From the server being back to the first call that succeeds. */
  firstOkMs?: number
  /** Calls that started while the server was down, and how many of them succeeded. */
  arrivedWhileDown: number
  arrivedWhileDownOk: number
}

async function restart(engine: Engine, server: PrivateServer, adapter: Adapter): Promise<Omit<RestartFigures, 'unhandled'>> {
  const client = adapter.open(server.url)
  const calls: Call[] = []
  let running = true
  try {
    await Promise.all(Array.from({ length: POOL }, () => client.$queryRawUnsafe(engine.sleep(0.1))))
    const caller = async () => {
      while (running) {
        calls.push(await call(client, 'SELECT 1'))
        await sleep(PACE_MS)
      }
    }
    const load = Array.from({ length: CALLERS }, caller)
    await sleep(1_000)
    const stopped = performance.now()
    await server.stop({ keepData: true })
    await sleep(Math.max(0, DOWN_MS - (performance.now() - stopped)))
    await server.restart()
    const back = performance.now()
    await sleep(AFTER_MS)
    running = false
    await Promise.all(load)
    const failed = calls.filter((c) => c.outcome !== 'ok')
    const okAfter = calls.filter((c) => c.outcome === 'ok' && c.end >= back).map((c) => c.end - back)
    const lastFailure = Math.max(-Infinity, ...failed.map((c) => c.end - back))
    const lastOk = Math.max(-Infinity, ...okAfter)
    const arrived = calls.filter((c) => c.start >= stopped && c.start < back)
    return {
      engine: engine.name,
      adapter: adapter.name,
      downMs: back - stopped,
      calls: calls.length,
      failed: failed.length,
      errors: errorsByCode(calls),
      hung: calls.filter((c) => c.outcome === 'hung').length,
      firstOkMs: okAfter.length ? Math.min(...okAfter) : undefined,
      // Healed once calls succeed again and none fails after: the later of the first success and the last failure.
      healMs: okAfter.length && lastOk > lastFailure ? Math.max(Math.min(...okAfter), lastFailure) : undefined,
      arrivedWhileDown: arrived.length,
      arrivedWhileDownOk: arrived.filter((c) => c.outcome === 'ok').length,
    }
  } finally {
    running = false
    await within(client.$disconnect().catch(() => {}), DISCONNECT_MS)
  }
}

const ms = (n: number | undefined, none = `> ${DEADLINE_MS / 1000} s`) => (n === undefined ? none : `${Math.round(n)} ms`)

/** Ours against the official adapter's heal time; a lower bound (`bound` ÷ ours) when the official one never healed. */
function versus(official: number | undefined, ours: number | undefined, bound: number): string {
  if (ours === undefined) return official === undefined ? 'neither healed' : 'ours did not heal'
  if (official === undefined) return `≥ ${(bound / Math.max(ours, 1)).toFixed(0)}× faster`
  const r = official / Math.max(ours, 1)
  return r >= 1 ? `${r.toFixed(1)}× faster` : `${(1 / r).toFixed(1)}× slower`
}

/** The columns every table starts and ends with; the official adapter's row of the same engine is the peer. */
function printCase<T extends Figures>(title: string, bound: number, rows: T[], columns: Record<string, (r: T) => string>): void {
  const lines = [['engine', 'adapter', ...Object.keys(columns), 'unhandled', 'heal vs official']]
  for (const r of rows) {
    // An engine without an official adapter has no peer: its rows stand alone.
    const official = rows.find((o) => o.engine === r.engine && o.adapter === 'official')
    const cells = Object.values(columns).map((column) => column(r))
    lines.push([r.engine, r.adapter, ...cells, String(r.unhandled.length), !official || r === official ? '' : versus(official.healMs, r.healMs, bound)])
  }
  const widths = lines[0]!.map((_, i) => Math.max(...lines.map((line) => line[i]!.length)))
  console.log(`\n${title}`)
  for (const [i, line] of lines.entries()) {
    console.log(line.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd())
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '))
  }
}

function printFigures(idle: SilentIdleFigures[], busy: BusySilentFigures[], restarts: RestartFigures[]): void {
  printCase(`Silent idle: ${POOL} connections idle ${IDLE_MS / 1000} s, then silenced; ${CALLERS} SELECT 1 at once (heal: until all ${CALLERS} settled)`, DEADLINE_MS, idle, {
    warm: (r) => String(r.warmConnections),
    'first ok': (r) => ms(r.firstOkMs, 'never'),
    heal: (r) => ms(r.healMs),
    ok: (r) => String(r.ok),
    errors: (r) => r.errors || '-',
    hung: (r) => String(r.hung),
  })
  printCase(`Busy silent: ${POOL} statements of 0.5 s in flight when silenced (heal: until the last settled), then $disconnect()`, DEADLINE_MS, busy, {
    heal: (r) => ms(r.healMs),
    'settled after (ms)': (r) => r.settledMs.map((t) => (t === undefined ? 'hung' : Math.round(t))).join(' '),
    errors: (r) => r.errors || '-',
    hung: (r) => String(r.hung),
    '$disconnect()': (r) => ms(r.disconnectMs, `> ${DISCONNECT_MS / 1000} s`),
  })
  printCase(`Restart: ${CALLERS} callers (a SELECT 1 every ${PACE_MS} ms each); server stopped cleanly, started again (heal: from back until calls succeed and none fails)`, AFTER_MS, restarts, {
    down: (r) => ms(r.downMs),
    'first ok': (r) => ms(r.firstOkMs, 'never'),
    heal: (r) => ms(r.healMs, `> ${AFTER_MS / 1000} s`),
    calls: (r) => String(r.calls),
    failed: (r) => String(r.failed),
    errors: (r) => r.errors || '-',
    hung: (r) => String(r.hung),
    'arrived while down: ok': (r) => `${r.arrivedWhileDownOk} of ${r.arrivedWhileDown}`,
  })
}

/** The engines asked (run.ts: BENCH_ENGINE, every engine by default), each on a private server of its own; prints the tables and returns the figures. */
export async function runFaultBench(engines: EngineId[]) {
  const idle: SilentIdleFigures[] = []
  const busy: BusySilentFigures[] = []
  const restarts: RestartFigures[] = []
  process.on('unhandledRejection', onUnhandled)
  try {
    for (const id of engines) {
      const engine = await openEngine(id)
      const server = await engine.start()
      console.log(`faults: ${engine.name} on ${server.description}`)
      try {
        for (const adapter of engine.adapters) idle.push(await counted(() => silentIdle(engine, server.url, adapter)))
        for (const adapter of engine.adapters) busy.push(await counted(() => busySilent(engine, server.url, adapter)))
        for (const adapter of engine.adapters) restarts.push(await counted(() => restart(engine, server, adapter)))
      } finally {
        await server.stop()
      }
    }
  } finally {
    process.off('unhandledRejection', onUnhandled)
  }
  printFigures(idle, busy, restarts)
  return { silentIdle: idle, busySilent: busy, restart: restarts }
}
