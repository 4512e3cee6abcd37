// How many worker processes share the server's connection budget, as the environment says.
import cluster from 'node:cluster'
import { availableParallelism } from 'node:os'
import { PoolOptionError } from './errors.js'

/** How many workers share the server, and where that figure came from. */
export interface WorkerCount {
  count: number
  source: string
}

/**
 * The number of worker processes of this application, from the environment: `PRISMA_POOL_WORKERS`, PM2's
 * `instances` (in a PM2 process), `WEB_CONCURRENCY` (in a cluster worker); otherwise 1 for a process that is
 * not a cluster worker.
 * Undefined for a cluster worker with none of these: the primary knows the count, the worker does not.
 */
export function detectWorkers(env: NodeJS.ProcessEnv = process.env): WorkerCount | undefined {
  const declared = (name: string): WorkerCount | undefined => {
    const raw = env[name]?.trim()
    if (!raw) return undefined
    // PM2 writes 'max', 0 or -1 for "one per CPU".
    if (name === 'instances' && (raw === 'max' || raw === '0' || raw === '-1')) return { count: availableParallelism(), source: `PM2 instances=${raw}` }
    const count = Number(raw)
    if (Number.isInteger(count) && count > 0) return { count, source: `${name}=${raw}` }
    // Ours must be right; a platform's odd value is passed over, as the platform's own tools would.
    if (name === 'PRISMA_POOL_WORKERS') throw new PoolOptionError(`invalid PRISMA_POOL_WORKERS=${JSON.stringify(raw)}: expected a whole number of worker processes, 1 or more.`)
    return undefined
  }
  return (
    declared('PRISMA_POOL_WORKERS') ??
    (env.pm_id !== undefined ? declared('instances') : undefined) ??
    // Platforms set WEB_CONCURRENCY whether or not the app forks (Heroku's Node.js buildpack does): it counts
    // only in a process that is a cluster worker.
    (cluster.isWorker ? declared('WEB_CONCURRENCY') : undefined) ??
    (cluster.isWorker || env.pm_id !== undefined ? undefined : { count: 1, source: 'a single process' })
  )
}
