// One worker of the cluster: an HTTP server with its own PrismaPoolPg pool. The primary passes the database
// (DATABASE_URL, CLUSTER_SCHEMA) and the number of workers (PRISMA_POOL_WORKERS) in the environment.
//
//   GET /query    one row written and 50 ms of work in the database: uses a connection of this worker's pool
//   GET /fleet    who holds the server's connections, per worker: formatFleet(await adapter.connections())
//   GET /metrics  this worker's pool in Prometheus text format: adapter.prometheus()
import cluster from 'node:cluster'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { formatFleet, PrismaPoolPg, type BudgetReport } from '@prisma-pool/pg'
import { PrismaClient } from '../generated/prisma/client.js'
import { POOL, type FromPrimary, type FromWorker } from './shared.js'

export async function worker(): Promise<void> {
  const id = cluster.worker!.id
  const connectionString = process.env.DATABASE_URL!
  const adapter = new PrismaPoolPg({ connectionString, schema: process.env.CLUSTER_SCHEMA, pool: POOL })
  // The start-up check's arithmetic, reported once the first connection has read the server's limits.
  let budget: BudgetReport | undefined
  adapter.on('budget', (report) => (budget = report))
  const prisma = new PrismaClient({ adapter })

  const routes: Record<string, () => Promise<[type: string, body: string]>> = {
    '/query': async () => {
      await prisma.hit.create({ data: { worker: id } })
      await prisma.$executeRaw`SELECT pg_sleep(0.05)` // stands in for a slower query
      return ['application/json', JSON.stringify({ worker: id, hits: await prisma.hit.count({ where: { worker: id } }) })]
    },
    '/fleet': async () => ['text/plain', `${formatFleet(await adapter.connections())}\n`],
    '/metrics': async () => ['text/plain; version=0.0.4', metrics()],
  }
  const metrics = () => adapter.prometheus({ worker: String(id) })

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const route = routes[req.url ?? '']
    if (!route) return void res.writeHead(404).end('not found\n')
    route().then(
      ([type, body]) => res.writeHead(200, { 'content-type': type, 'x-worker': String(id) }).end(body),
      (error: unknown) => res.writeHead(500, { 'x-worker': String(id) }).end(`${(error as Error).message}\n`),
    )
  })

  const send = (message: FromWorker) => process.send!(message)
  let stopping: Promise<void> | undefined
  const stop = () =>
    (stopping ??= (async () => {
      await new Promise((resolve) => server.close(resolve).closeAllConnections())
      await prisma.$disconnect()
      process.exit(0)
    })())

  process.on('message', (message: FromPrimary) => {
    if (message.type === 'metrics') send({ type: 'metrics', id, text: metrics(), waits: adapter.stats().acquireWait })
    if (message.type === 'shutdown') void stop()
  })
  // Ctrl-C reaches the whole process group: the primary shuts the workers down, one by one.
  process.on('SIGINT', () => {})
  process.on('SIGTERM', () => void stop())
  // The primary is gone: nobody will send 'shutdown'.
  process.on('disconnect', () => void stop())

  try {
    // With budgetPolicy 'fit' the pool reads the server's limits here, before any request.
    await prisma.$connect()
    await new Promise<void>((resolve) => server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', resolve))
  } catch (error) {
    send({ type: 'failed', id, message: (error as Error).message })
    process.exit(1)
  }
  const { size, maxOverflow } = adapter.stats()
  send({
    type: 'ready',
    id,
    tag: adapter.pool!.tag,
    size,
    maxOverflow,
    budget,
  })
}
