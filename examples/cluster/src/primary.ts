// The primary: sets up the database, forks the workers (telling them how many they are), sends them traffic,
// prints the fleet's accounting, and shuts everything down.
import cluster, { type Address, type Worker } from 'node:cluster'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import { request } from 'node:http'
import { constants } from 'node:os'
import { PrismaPoolPg } from '@prisma-pool/pg'
import { openDatabase } from './database.js'
import { POOL, type FromPrimary, type FromWorker } from './shared.js'

const WORKERS = Number(process.env.CLUSTER_WORKERS ?? 4)
/** The embedded server's max_connections: less than WORKERS × (size + maxOverflow), so 'fit' has work to do. */
const MAX_CONNECTIONS = 24
const REQUESTS = 200
const TABLES_SQL = readFileSync(new URL('../prisma/schema.sql', import.meta.url), 'utf8')
/** The metrics printed for every worker; GET /metrics serves them all. */
const SHOWN_METRICS = ['prisma_pool_connections_open', 'prisma_pool_connections_opened_total', 'prisma_datasource_queries_total']

type Ready = Extract<FromWorker, { type: 'ready' }>

export async function primary(): Promise<void> {
  console.log(`prisma-pool cluster example: ${WORKERS} node:cluster workers, each with its own pool, one connection budget\n`)
  const cleanup = new Cleanup()
  onInterrupt(() => cleanup.run())
  try {
    const database = await openDatabase(MAX_CONNECTIONS)
    cleanup.add('stop the embedded PostgreSQL', () => database.close())
    const schema = `cluster_${randomBytes(4).toString('hex')}`
    const connectionString = withoutSchemaParam(database.connectionString)
    console.log(`Database: ${database.description}`)
    console.log(`          ${database.target}, schema ${schema}\n`)
    await runScript(connectionString, schema, `CREATE SCHEMA "${schema}";\n${TABLES_SQL}`)
    if (!database.embedded) cleanup.add('drop the schema', () => runScript(connectionString, schema, `DROP SCHEMA "${schema}" CASCADE`))

    // Each worker is told how many workers share the server: a cluster worker cannot know it otherwise.
    const fleet = new Fleet({ DATABASE_URL: connectionString, CLUSTER_SCHEMA: schema, PRISMA_POOL_WORKERS: String(WORKERS) })
    cleanup.add('stop the workers', () => fleet.stop())
    const { port, ready } = await fleet.start()
    report(ready)

    await traffic(port)
    await accounting(port, fleet)

    if (!(await cleanup.run())) throw new Error('could not clean up everything (see above)')
    console.log(
      `\nCleaned up: ${WORKERS} workers stopped (each closed its server and disconnected Prisma), ` +
        `${database.embedded ? 'embedded PostgreSQL stopped and removed' : `schema ${schema} dropped`}.`,
    )
  } catch (error) {
    await cleanup.run()
    throw error
  }
}

/** The workers: forked with the same environment, each reporting once it is connected and listening. */
class Fleet {
  readonly #workers: Worker[] = []
  constructor(private readonly env: Record<string, string>) {}

  async start(): Promise<{ port: number; ready: Ready[] }> {
    // Every worker listens on port 0 (or PORT): node:cluster gives them one port, and spreads the connections.
    const listening = once(cluster, 'listening') as Promise<[Worker, Address]>
    for (let i = 0; i < WORKERS; i++) this.#workers.push(cluster.fork(this.env))
    const ready = await Promise.all(
      this.#workers.map(
        (worker) =>
          new Promise<Ready>((resolve, reject) => {
            worker.on('message', (message: FromWorker) => {
              if (message.type === 'ready') resolve(message)
              if (message.type === 'failed') reject(new Error(`worker ${message.id} could not start: ${message.message}`))
            })
            worker.once('exit', (code) => reject(new Error(`worker ${worker.id} exited (${code}) before it was ready`)))
          }),
      ),
    )
    const [, address] = await listening
    return { port: address.port, ready: ready.sort((a, b) => a.id - b.id) }
  }

  /** Every worker's Prometheus text, asked over IPC: a scrape of GET /metrics reaches whichever worker accepts it. */
  async metrics(): Promise<Extract<FromWorker, { type: 'metrics' }>[]> {
    return Promise.all(
      this.#workers.map(async (worker) => {
        const reply = new Promise<Extract<FromWorker, { type: 'metrics' }>>((resolve) => {
          const listener = (message: FromWorker) => {
            if (message.type !== 'metrics') return
            worker.off('message', listener)
            resolve(message)
          }
          worker.on('message', listener)
        })
        send(worker, { type: 'metrics' })
        return reply
      }),
    )
  }

  /** Asks each worker to close its server and disconnect, and waits until all have exited. */
  async stop(): Promise<void> {
    await Promise.all(
      this.#workers.map(async (worker) => {
        if (worker.isDead()) return
        const exited = once(worker, 'exit')
        if (worker.isConnected()) send(worker, { type: 'shutdown' })
        else worker.kill()
        const [code] = (await exited) as [number | null]
        if (code !== 0) throw new Error(`worker ${worker.id} exited with ${code}`)
      }),
    )
  }
}

const send = (worker: Worker, message: FromPrimary) => worker.send(message)

/** The start-up budget check's arithmetic (the same in every worker), then what each worker's pool became. */
function report(ready: Ready[]): void {
  console.log(`Every worker asked for size ${POOL.size} + maxOverflow ${POOL.maxOverflow}, budgetPolicy '${POOL.budgetPolicy}'. At start-up:`)
  const budget = ready[0]?.budget
  if (!budget) console.log(`   ${POOL.budgetPolicy === 'off' ? "no check (budgetPolicy 'off')" : 'no check: the server reported no connection limit'}`)
  else if (budget.limit) {
    const { workers, size, maxOverflow, fleet, fits, limit } = budget
    console.log(`   ${workers.count} workers × (size ${size} + maxOverflow ${maxOverflow}) = ${fleet} ${fits ? '≤' : '>'} ${limit.limit} (${limit.what}); workers from ${workers.source}`)
    console.log(
      fits
        ? '   The fleet fits: every pool keeps its settings.'
        : `   The fleet does not fit: each worker's share is ${limit.limit} ÷ ${workers.count} = ${Math.floor(limit.limit / workers.count)} connections.`,
    )
  }
  for (const w of ready) console.log(`   worker ${w.id} (${w.tag}): pool size ${w.size}, maxOverflow ${w.maxOverflow}`)
}

/** Many requests at once, each on a new TCP connection, so that node:cluster spreads them over the workers. */
async function traffic(port: number): Promise<void> {
  const answered = new Map<string, number>()
  const failures: string[] = []
  await Promise.all(
    Array.from({ length: REQUESTS }, async () => {
      const response = await get(port, '/query').catch((error: Error) => ({ status: 0, worker: '?', body: error.message }))
      if (response.status === 200) answered.set(response.worker, (answered.get(response.worker) ?? 0) + 1)
      else failures.push(`worker ${response.worker}: ${response.status} ${response.body.trim()}`)
    }),
  )
  const perWorker = [...answered].sort(([a], [b]) => Number(a) - Number(b)).map(([worker, n]) => `worker ${worker} ${n}`)
  console.log(`\n${REQUESTS} concurrent requests to GET /query (a write and 50 ms of database work each): ${REQUESTS - failures.length} answered (${perWorker.join(', ')}), ${failures.length} failed.`)
  console.log(
    "   The workers' shares differ: node:cluster's primary hands each new connection to a worker that is free to take it, and a\n" +
      "   worker busy with its requests takes the next one later. Whatever its share, a worker's pool holds at most its size + maxOverflow.",
  )
  if (failures.length > 0) throw new Error(`${failures.length} requests failed, the first: ${failures[0]}`)
}

/** The fleet's accounting: who holds the server's connections (asked of any one worker), and every worker's metrics. */
async function accounting(port: number, fleet: Fleet): Promise<void> {
  const view = await get(port, '/fleet')
  if (view.status !== 200) throw new Error(`GET /fleet failed: ${view.status} ${view.body}`)
  console.log(`\nGET /fleet, answered by worker ${view.worker}: formatFleet(await adapter.connections())`)
  console.log(view.body.trimEnd().replace(/^/gm, '   '))

  const scrape = await get(port, '/metrics')
  if (scrape.status !== 200) throw new Error(`GET /metrics failed: ${scrape.status} ${scrape.body}`)
  const lines = scrape.body.split('\n').filter((line) => line && !line.startsWith('#')).length
  const metrics = await fleet.metrics()
  console.log(`\nGET /metrics, answered by worker ${scrape.worker}: adapter.prometheus({ worker }), ${lines} samples. Some of them, from every worker:`)
  const samples = metrics.flatMap(({ text }) => text.split('\n').filter((line) => SHOWN_METRICS.some((name) => line.startsWith(`${name}{`))))
  // Grouped by metric, one line per worker, as Prometheus would list the scrapes side by side.
  samples.sort((a, b) => a.split('{')[0]!.localeCompare(b.split('{')[0]!))
  for (const line of samples) console.log(`   ${line}`)

  // The wait histogram (prisma_client_queries_wait_histogram_ms, in Prisma 6's buckets), as a person reads it.
  console.log("\nHow long each worker's queries waited for a connection of its pool (adapter.stats().acquireWait), by Prisma 6's buckets:")
  for (const { id, waits } of metrics.sort((a, b) => a.id - b.id)) {
    console.log(`   worker ${id}: ${waits.count} queries: ${buckets(waits)}; the longest ${Math.round(waits.maxMs)} ms, mean ${Math.round(waits.meanMs)} ms`)
  }
}

/** The non-empty buckets of a histogram: "12 up to 1 ms, 146 from 100 to 500 ms". */
function buckets(waits: Extract<FromWorker, { type: 'metrics' }>['waits']): string {
  const parts: string[] = []
  waits.buckets.forEach(([le, n], i) => {
    if (n === 0) return
    const from = i === 0 ? undefined : waits.buckets[i - 1]![0]
    parts.push(from === undefined ? `${n} up to ${le} ms` : `${n} from ${from} to ${le} ms`)
  })
  const over = waits.count - waits.buckets.reduce((sum, [, n]) => sum + n, 0)
  if (over > 0) parts.push(`${over} over ${waits.buckets.at(-1)![0]} ms`)
  return parts.join(', ')
}

interface Response {
  status: number
  /** The worker that answered (the x-worker header). */
  worker: string
  body: string
}

/** A GET on a connection of its own (no keep-alive: a kept connection would stay with one worker). */
function get(port: number, path: string): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false, headers: { connection: 'close' } }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, worker: String(res.headers['x-worker'] ?? '?'), body }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

/** Runs a SQL script on a short-lived adapter of its own, whose connection has search_path set to `schema`. */
async function runScript(connectionString: string, schema: string, sql: string): Promise<void> {
  const connection = await new PrismaPoolPg({ connectionString, schema, pool: { size: 1, maxOverflow: 0, budgetPolicy: 'off' } }).connect()
  try {
    await connection.executeScript(sql)
  } finally {
    await connection.dispose()
  }
}

/** The example picks its own schema, so a `?schema=` in DATABASE_URL is set aside. */
function withoutSchemaParam(connectionString: string): string {
  const url = new URL(connectionString)
  url.searchParams.delete('schema')
  return url.toString()
}

/** Clean-up steps, run once, last added first; each runs even if another fails. */
class Cleanup {
  #steps: [what: string, step: () => Promise<unknown>][] = []
  #running: Promise<boolean> | undefined

  add(what: string, step: () => Promise<unknown>): void {
    this.#steps.unshift([what, step])
  }

  /** Resolves to false if a step failed (it says which). */
  run(): Promise<boolean> {
    this.#running ??= (async () => {
      let ok = true
      for (const [what, step] of this.#steps) {
        await step().catch((error: unknown) => {
          console.error(`Could not ${what}: ${describeError(error)}`)
          ok = false
        })
      }
      return ok
    })()
    return this.#running
  }
}

export let interrupted = false

/** Ctrl-C or SIGTERM: clean up all the same (the workers are shut down by the primary), then stop. */
function onInterrupt(cleanup: () => Promise<unknown>): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      interrupted = true
      console.error(`\n${signal}: cleaning up and stopping.`)
      void cleanup().finally(() => process.exit(128 + constants.signals[signal]))
    })
  }
}

/** One readable line; a driver adapter error (what Prisma would report as a P10xx error) by its kind and cause. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  const cause = error.cause as { kind?: string; originalMessage?: string } | undefined
  if (error.name === 'DriverAdapterError' && cause?.kind) {
    return `${cause.kind}${cause.originalMessage ? ` (${cause.originalMessage})` : ''}`
  }
  return `${error.name}: ${error.message.trim()}`
}
