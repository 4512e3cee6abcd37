// One worker process of a test fleet (see fleet.ts): a real generated Prisma Client on our adapter of an engine's
// fixture (test-support/engines), driven by the parent over IPC. Started as `node --import tsx fleet-worker.ts <config>`
// with the repository root as its working directory, so that tsx maps @prisma-pool/* to the sources (tsconfig paths).
import type { FleetConnections } from '@prisma-pool/core'
import type { Command, Failure, LoadResult, Reply, WorkerConfig } from './fleet.js'

/** What the worker uses of the engines' generated clients (their types differ; this part is the same). */
interface Client {
  $connect(): Promise<void>
  $disconnect(): Promise<void>
  $transaction<T>(work: (tx: Client) => Promise<T>, options: { maxWait: number; timeout: number }): Promise<T>
  user: { count(): Promise<number> }
}

/** What the worker uses of the adapter factory. */
interface Factory {
  connections(): Promise<FleetConnections>
  pool: { tag: string } | undefined
  stats(): { totals: { connectErrors: number } }
}

const config = JSON.parse(process.argv[2] ?? '{}') as WorkerConfig

async function open(): Promise<{ factory: Factory; prisma: Client }> {
  const { ENGINES } = await import('./engines/index.js')
  const fixture = await ENGINES[config.engine].fixture()
  const factory = fixture.adapter(config.url, config.pool)
  return { factory, prisma: fixture.client(factory) as unknown as Client }
}

/** The error as the parent sees it: what Prisma threw, and the cause it wraps, if any. */
function failure(error: unknown): Failure {
  const e = error as { name?: string; message?: string; code?: unknown; errorCode?: unknown; cause?: unknown }
  const code = e.code ?? e.errorCode
  return {
    name: e.name ?? 'Error',
    message: e.message ?? String(error),
    ...(typeof code === 'string' ? { code } : {}),
    ...(e.cause instanceof Error ? { cause: failure(e.cause) } : {}),
  }
}

let client: { factory: Factory; prisma: Client } | undefined
/** The transactions of 'hold', each waiting for 'release'. */
let held: { release: () => void; done: Promise<unknown> }[] = []
/** The current 'load', for 'progress'. */
let load: LoadResult = { succeeded: 0, failed: 0, codes: {}, messages: [], connectErrors: 0 }

function started() {
  if (!client) throw new Error("'start' first")
  return client
}

/** Opens `n` interactive transactions, each holding its connection; resolves once all of them hold one. */
async function hold(n: number): Promise<number> {
  const { prisma } = started()
  const holding = Array.from({ length: n }, () => {
    let release!: () => void
    const released = new Promise<void>((resolve) => (release = resolve))
    let holdingNow!: () => void
    const ready = new Promise<void>((resolve) => (holdingNow = resolve))
    const done = prisma.$transaction(
      async (tx) => {
        await tx.user.count()
        holdingNow()
        await released
      },
      { maxWait: 30_000, timeout: 120_000 },
    )
    // A transaction that fails before it holds its connection fails the command.
    return { release, done, ready: Promise.race([ready, done.then(() => {})]) }
  })
  held.push(...holding)
  await Promise.all(holding.map((h) => h.ready))
  return held.length
}

async function release(): Promise<number> {
  const releasing = held
  held = []
  for (const h of releasing) h.release()
  await Promise.all(releasing.map((h) => h.done))
  return releasing.length
}

/** Runs `k` queries at once (slow while the test holds a lock on the User table); counts failures by code. */
async function runLoad(k: number): Promise<LoadResult> {
  const { prisma } = started()
  const result: LoadResult = { succeeded: 0, failed: 0, codes: {}, messages: [], connectErrors: 0 }
  load = result
  loadConnectErrorsFrom = started().factory.stats().totals.connectErrors
  await Promise.all(
    Array.from({ length: k }, () =>
      prisma.user.count().then(
        () => void result.succeeded++,
        (error: unknown) => {
          const { code = '(none)', message } = failure(error)
          result.failed++
          result.codes[code] = (result.codes[code] ?? 0) + 1
          if (result.messages.length < 3) result.messages.push(message)
        },
      ),
    ),
  )
  return withConnectErrors(result)
}

/** The connects that failed since the current load began. */
let loadConnectErrorsFrom = 0
function withConnectErrors(result: LoadResult): LoadResult {
  result.connectErrors = (client?.factory.stats().totals.connectErrors ?? 0) - loadConnectErrorsFrom
  return result
}

async function handle(command: Command): Promise<unknown> {
  switch (command.cmd) {
    case 'start': {
      client = await open()
      await client.prisma.$connect()
      return client.factory.pool?.tag
    }
    case 'hold':
      return hold(command.n)
    case 'release':
      return release()
    case 'load':
      return runLoad(command.n)
    case 'progress':
      return withConnectErrors(load)
    case 'fleet':
      return started().factory.connections()
    case 'exit': // the process exits once the reply is sent: with 0, or with 1 if this failed
      await release()
      await client?.prisma.$disconnect()
      return undefined
  }
}

process.on('message', (command: Command) => {
  // Commands run concurrently: 'progress' or 'fleet' may come while a 'load' or 'hold' is running.
  const exit = command.cmd === 'exit'
  handle(command).then(
    (value) => send({ id: command.id, ok: true, value }, exit ? 0 : undefined),
    (error: unknown) => send({ id: command.id, ok: false, error: failure(error) }, exit ? 1 : undefined),
  )
})
// Orphaned (the test runner died): leave, which closes the connections.
process.on('disconnect', () => process.exit(1))

/** Replies; with `exitCode`, exits once the reply is on its way. */
function send(reply: Reply, exitCode?: number): void {
  if (exitCode === undefined) return void process.send!(reply)
  if (!reply.ok) console.error(reply.error)
  process.send!(reply, undefined, undefined, () => process.exit(exitCode))
}

send({ id: 0, ok: true, value: 'ready' })
