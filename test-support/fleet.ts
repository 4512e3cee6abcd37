// A fleet of real worker processes, each with its own generated Prisma Client on a prisma-pool adapter (see
// fleet-worker.ts), for the per-worker accounting tests: the connection budget shared by several processes,
// and the live view of who holds the server's connections. Also the scenarios both engines run (describeFleet).
import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, test } from 'vitest'
import type { FleetConnections, PoolOptions } from '@prisma-pool/core'
import type { EngineId } from './engines/index.js'
import { until } from './until.js'

/** What a worker connects to (through its engine's fixture), and how its pool is set up (the environment comes separately). */
export interface WorkerConfig {
  engine: EngineId
  /** What the fixture's adapter connects with (PostgreSQL: with ?schema= for the tables' schema). */
  url: string
  pool: PoolOptions
}

/**
 * The IPC protocol. Each command gets one reply with the same id; a worker runs commands concurrently.
 * - start: builds the client and `$connect()`s (the budget check runs here for 'error' and 'fit'); → the pool's tag
 * - hold n: n more interactive transactions, each holding a connection until 'release'; → how many are held
 * - release: ends them; → how many were
 * - load n: n concurrent queries on the User table (they wait while the test locks it); → LoadResult
 * - progress: the current load's LoadResult so far
 * - fleet: `factory.connections()`, the live view
 * - exit: releases, disconnects and exits, with 0 if that went well (the reply may come after the exit)
 */
export type Command = { id: number } & (
  | { cmd: 'start' | 'release' | 'progress' | 'fleet' | 'exit' }
  | { cmd: 'hold' | 'load'; n: number }
)
type CommandName = Command['cmd']

/** An error, as it crossed the process boundary. `code` is Prisma's (P2037 …) when there is one. */
export interface Failure {
  name: string
  message: string
  code?: string
  cause?: Failure
}

export interface LoadResult {
  succeeded: number
  failed: number
  /** Failures by Prisma error code ('(none)' for an error without one). */
  codes: Record<string, number>
  /** The first few failure messages, for the test's own messages. */
  messages: string[]
  /** Connects the server refused (or that failed) during the load, from the pool's totals. */
  connectErrors: number
}

export type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: Failure }
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: Failure }

const WORKER_SCRIPT = fileURLToPath(new URL('./fleet-worker.ts', import.meta.url))
// tsx reads the root tsconfig.json's paths, which map @prisma-pool/* to the sources, as vitest's aliases do.
const ROOT = fileURLToPath(new URL('..', import.meta.url))
/** Variables that tell a pool how many workers there are: the test sets them per fleet, none leaks in. */
const WORKER_COUNT_VARIABLES = ['PRISMA_POOL_WORKERS', 'WEB_CONCURRENCY', 'instances', 'pm_id', 'NODE_APP_INSTANCE']

/** One worker process, seen from the test. */
export class FleetWorker {
  readonly child: ChildProcess
  readonly exited: Promise<void>
  #nextId = 1
  readonly #pending = new Map<number, (reply: Reply) => void>()
  #output = ''
  #exitCode: number | null | undefined

  constructor(config: WorkerConfig, env: Record<string, string>) {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, TSX_TSCONFIG_PATH: `${ROOT}tsconfig.json` }
    for (const name of WORKER_COUNT_VARIABLES) delete childEnv[name]
    this.child = fork(WORKER_SCRIPT, [JSON.stringify(config)], {
      cwd: ROOT,
      env: { ...childEnv, ...env },
      execArgv: ['--import', 'tsx'],
      // 'advanced' keeps the Dates and Infinity of a reply.
      serialization: 'advanced',
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    })
    const keep = (chunk: Buffer) => (this.#output = (this.#output + chunk.toString()).slice(-4000))
    this.child.stdout!.on('data', keep)
    this.child.stderr!.on('data', keep)
    this.child.on('message', (reply: Reply) => this.#pending.get(reply.id)?.(reply))
    // A failed spawn or send: its 'exit' (or the failed command's reply) says the rest.
    this.child.on('error', (error) => keep(Buffer.from(`\n[${error.message}]\n`)))
    this.exited = new Promise<void>((resolve) =>
      this.child.once('exit', (code, signal) => {
        this.#exitCode = code
        // Whatever was still asked of it fails, with what the process printed.
        const error = { name: 'WorkerExit', message: `worker ${this.child.pid} exited (${code ?? signal}) with commands pending:\n${this.#output}` }
        for (const [id, settle] of this.#pending) settle({ id, ok: false, error })
        resolve()
      }),
    )
  }

  get alive(): boolean {
    return this.#exitCode === undefined
  }

  /** The end of what the process printed. */
  get output(): string {
    return this.#output
  }

  /** Sends a command; resolves to the worker's reply, success or failure. */
  call<T>(cmd: CommandName, n?: number): Promise<Outcome<T>> {
    const id = this.#nextId++
    return new Promise((resolve) => {
      this.#pending.set(id, (reply) => {
        this.#pending.delete(id)
        resolve(reply.ok ? { ok: true, value: reply.value as T } : { ok: false, error: reply.error })
      })
      const gone = (why: string) => this.#pending.get(id)?.({ id, ok: false, error: { name: 'WorkerExit', message: `worker ${this.child.pid} ${why}:\n${this.#output}` } })
      if (!this.alive || !this.child.connected) return void gone('has exited')
      this.child.send({ id, cmd, n } as Command, (error) => error && gone(`could not be sent '${cmd}' (${error.message})`))
    })
  }

  /** Sends a command that must succeed: a failure throws, with the worker's error. */
  async ask<T>(cmd: CommandName, n?: number): Promise<T> {
    const outcome = await this.call<T>(cmd, n)
    if (!outcome.ok) {
      const { name, message, code } = outcome.error
      throw new Error(`worker ${this.child.pid} failed '${cmd}${n === undefined ? '' : ` ${n}`}': ${name}${code ? ` [${code}]` : ''}: ${message}`)
    }
    return outcome.value
  }

  /** Builds the client and connects; resolves to the pool's tag, or the error the start failed with. */
  start = () => this.call<string>('start')
  hold = (n: number) => this.ask<number>('hold', n)
  release = () => this.ask<number>('release')
  load = (n: number) => this.ask<LoadResult>('load', n)
  progress = () => this.ask<LoadResult>('progress')
  fleet = () => this.ask<FleetConnections>('fleet')

  /** Releases what it holds, disconnects, and waits for the process to end; throws unless that went well. */
  async exit(): Promise<void> {
    if (!this.alive) return
    // The exit code says how it went: the reply may arrive after the process has gone.
    void this.call('exit')
    await this.exited
    if (this.#exitCode !== 0) throw new Error(`worker ${this.child.pid} did not exit cleanly (${this.#exitCode}):\n${this.#output}`)
  }

  /** Ends the process at once, wherever it is; its connections close with it. */
  async kill(): Promise<void> {
    if (!this.alive) return
    this.child.kill('SIGKILL')
    await this.exited
  }
}

/** The worker processes of a test file. Every test's processes are killed after it, passed or failed. */
export class Fleet {
  readonly #workers: FleetWorker[] = []

  constructor() {
    afterEach(() => this.kill())
  }

  /** `count` workers, each with the same config and extra environment (WEB_CONCURRENCY …). Waits until each can take commands. */
  async spawn(count: number, config: WorkerConfig, env: Record<string, string> = {}): Promise<FleetWorker[]> {
    const workers = Array.from({ length: count }, () => new FleetWorker(config, env))
    this.#workers.push(...workers)
    // The worker says 'ready' (reply id 0) once its module has loaded.
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            worker.child.once('message', () => resolve())
            void worker.exited.then(() => reject(new Error(`worker ${worker.child.pid} exited before it was ready:\n${worker.output}`)))
          }),
      ),
    )
    return workers
  }

  async kill(): Promise<void> {
    const workers = this.#workers.splice(0)
    await Promise.all(workers.map((worker) => worker.kill()))
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The scenarios, the same for both engines.

/** A role or user the tests connect as, with a connection limit of its own. */
export interface Account {
  name: string
  /** The URL the workers connect with, with this account's credentials (PostgreSQL: and ?schema= of the tables). */
  url: string
}

/** What the scenarios need from a server, as its superuser sees it. */
export interface FleetServer {
  engine: EngineId
  /** Connections the engine opens beside each worker's pool (EngineDriver.sideConnections): the budget counts them. */
  sideConnections: number
  /** A new account allowed `limit` connections, with the rights the client needs; the test file drops it afterwards. */
  account(limit: number): Promise<Account>
  /** The account's sessions on the server now, and how many of them wait for the lock `lockUsers` holds. */
  sessions(account: Account): Promise<{ total: number; waiting: number }>
  /** Locks the User table so that the workers' load queries wait; resolves to the unlock. */
  lockUsers(account: Account): Promise<() => Promise<void>>
  /** How to poll the live view until it settles, where the server's lists lag behind (MySQL's INNODB_TRX). */
  livePoll?: { intervalMs: number }
}

const POOL = { size: 3, maxOverflow: 1 }

/** Samples the account's sessions back to back until stopped; resolves to the most seen at once. */
function monitor(server: FleetServer, account: Account) {
  let stopped = false
  let peak = 0
  const sampling = (async () => {
    while (!stopped) peak = Math.max(peak, (await server.sessions(account)).total)
  })()
  sampling.catch(() => {}) // a failure is reported by stop()
  return {
    async stop(): Promise<number> {
      stopped = true
      await sampling
      return peak
    },
  }
}

export function describeFleet(server: FleetServer, applicationName: string): void {
  const fleet = new Fleet()
  const config = (account: Account, pool: PoolOptions): WorkerConfig => ({
    engine: server.engine,
    url: account.url,
    pool: { ...POOL, applicationName, ...pool },
  })
  const sum = (results: LoadResult[], key: 'succeeded' | 'failed' | 'connectErrors') => results.reduce((n, r) => n + r[key], 0)
  const side = server.sideConnections
  const overBudget = `3 workers × (size 3 + maxOverflow 1${side ? ` + ${side} side connection` : ''}) = ${3 * (4 + side)} > 6`
  /** What 'fit' leaves each worker's pool of a limit of 6: its share, less the engine's side connections. */
  const fitted = 6 / 3 - side

  /**
   * 3 workers (PRISMA_POOL_WORKERS=3) each run `k` queries at once while the User table is locked; once the server's
   * sessions have piled up (`settled`), the lock is released and the results come back, with the peak the
   * monitor saw.
   */
  async function loadFleet(budgetPolicy: 'fit' | 'off', k: number, settled: (workers: FleetWorker[], account: Account) => Promise<boolean>) {
    const account = await server.account(6)
    const workers = await fleet.spawn(3, config(account, { budgetPolicy }), { PRISMA_POOL_WORKERS: '3' })
    for (const outcome of await Promise.all(workers.map((worker) => worker.start()))) {
      expect(outcome, JSON.stringify(outcome)).toMatchObject({ ok: true })
    }
    const watch = monitor(server, account)
    try {
      const unlock = await server.lockUsers(account)
      let loads: Promise<LoadResult[]>
      try {
        loads = Promise.all(workers.map((worker) => worker.load(k)))
        loads.catch(() => {}) // awaited below; not unhandled if the wait fails first
        await until(() => settled(workers, account), `the ${budgetPolicy} fleet's queries piled up on the server`)
      } finally {
        await unlock()
      }
      const results = await loads
      await Promise.all(workers.map((worker) => worker.exit()))
      return { results, peak: await watch.stop() }
    } finally {
      await watch.stop()
    }
  }

  describe(`a fleet of ${server.engine} workers against an account limited to 6 connections`, () => {
    test("budgetPolicy 'error': every worker refuses to start, showing the arithmetic", async () => {
      const account = await server.account(6)
      const workers = await fleet.spawn(3, config(account, { budgetPolicy: 'error' }), { PRISMA_POOL_WORKERS: '3' })
      const outcomes = await Promise.all(workers.map((worker) => worker.start()))
      for (const outcome of outcomes) {
        expect(outcome.ok, JSON.stringify(outcome)).toBe(false)
        if (outcome.ok) continue
        expect(outcome.error.name).toBe('PoolBudgetError')
        expect(outcome.error.message).toContain(overBudget)
        expect(outcome.error.message).toContain('workers from PRISMA_POOL_WORKERS=3')
        expect(outcome.error.message).toContain("budgetPolicy 'error'")
      }
      // The connection that read the limits is closed again: the refused fleet holds none.
      await until(async () => (await server.sessions(account)).total === 0, 'the refused workers hold no connection')
    })

    test("budgetPolicy 'fit': under a load that needs 24 connections the fleet never opens more than 6, and no query fails", async () => {
      // Each worker fits its pool to its share of 6 ÷ 3 = 2 (less the engine's side connections): the server shows
      // all of the pools' connections waiting on the lock, the rest queue in the pools.
      const { results, peak } = await loadFleet('fit', 8, async (_, account) => (await server.sessions(account)).waiting === 3 * fitted)
      expect(results.map((r) => r.failed), JSON.stringify(results)).toEqual([0, 0, 0])
      expect(sum(results, 'succeeded')).toBe(24)
      // The wait above saw 6 at once; the monitor never saw more.
      expect(peak).toBeLessThanOrEqual(6)
    })

    test("control, budgetPolicy 'off': the same load is refused connections by the server, and waits for its own", async () => {
      // 3 × (3 + 1) = 12 connections wanted, 6 allowed: some worker's connects are refused. A worker holding
      // connections waits for them (no error); one holding none would get P2037.
      // (No peak here: MariaDB lists a connection it is about to refuse for max_user_connections for a moment.)
      const { results } = await loadFleet('off', 8, async (workers) => {
        const progress = await Promise.all(workers.map((worker) => worker.progress()))
        return sum(progress, 'connectErrors') > 0
      })
      expect(sum(results, 'connectErrors'), JSON.stringify(results)).toBeGreaterThan(0)
      const failed = sum(results, 'failed')
      expect(sum(results, 'succeeded') + failed).toBe(24)
      // Any failure is the server refusing a worker that holds nothing: P2037, with the worker's account of it.
      expect(results.flatMap((r) => Object.keys(r.codes)).every((code) => code === 'P2037'), JSON.stringify(results)).toBe(true)
    })

    test('the live view: each worker with its tag and exactly the connections it holds', async () => {
      // 3 × (3 + 1 + side connections) allowed: the fleet fits exactly.
      const limit = 3 * (4 + side)
      const account = await server.account(limit)
      const workers = await fleet.spawn(3, config(account, { budgetPolicy: 'error' }), { PRISMA_POOL_WORKERS: '3' })
      const tags = await Promise.all(
        workers.map(async (worker) => {
          const outcome = await worker.start()
          if (!outcome.ok) throw new Error(`start failed: ${JSON.stringify(outcome.error)}`)
          return outcome.value
        }),
      )
      const holding = [1, 2, 3]
      await Promise.all(workers.map((worker, i) => worker.hold(holding[i]!)))
      const askerIndex = 1
      // Each held connection sits idle in its transaction; the asker also uses one more to read the list, active.
      const expected = tags.map((tag, i) => ({
        tag,
        self: i === askerIndex,
        connections: holding[i]! + (i === askerIndex ? 1 : 0),
        idleInTransaction: holding[i]!,
        active: i === askerIndex ? 1 : 0,
        idle: 0,
        identity: { application: applicationName, pid: workers[i]!.child.pid },
      }))
      // Only our fleet's workers: other tests on this server may run prisma-pool pools of their own.
      const ours = (view: FleetConnections) => view.workers.filter((w) => w.identity.application === applicationName)
      let view!: FleetConnections
      await until(async () => {
        view = await workers[askerIndex]!.fleet()
        return expected.every(({ identity, ...counts }) => expect.objectContaining(counts).asymmetricMatch(ours(view).find((w) => w.tag === counts.tag)))
      }, 'the live view shows each worker as it is', server.livePoll)
      expect(ours(view).map((w) => w.tag).sort()).toEqual([...tags].sort())
      for (const entry of expected) expect(ours(view).find((w) => w.tag === entry.tag), entry.tag).toMatchObject(entry)
      expect(view.total).toBeGreaterThanOrEqual(7)
      expect(view.limit?.limit).toBe(limit)

      await Promise.all(workers.map((worker) => worker.release()))
      await Promise.all(workers.map((worker) => worker.exit()))
    })
  })
}
