import cluster from 'node:cluster'
import { availableParallelism, hostname } from 'node:os'
import { threadId } from 'node:worker_threads'
import { PoolOptionError } from './errors.js'

/** Which process of the fleet a pool belongs to. Every connection carries it to the server as a tag. */
export interface WorkerIdentity {
  /** The `applicationName` pool option. */
  application: string
  host: string
  pid: number
  /** The cluster worker id (`node:cluster`) or the PM2 instance (`NODE_APP_INSTANCE`), if any. */
  worker?: string
  /** The worker thread id, when not on the main thread. */
  thread?: number
}

/** This process, under the given application name. */
export function workerIdentity(application: string, env: NodeJS.ProcessEnv = process.env): WorkerIdentity {
  const worker = cluster.isWorker && cluster.worker ? String(cluster.worker.id) : env.NODE_APP_INSTANCE ?? env.pm_id
  return {
    application,
    host: hostname(),
    pid: process.pid,
    ...(worker !== undefined && worker !== '' ? { worker } : {}),
    ...(threadId !== 0 ? { thread: threadId } : {}),
  }
}

// PostgreSQL keeps 63 bytes of application_name; MySQL connection attributes allow more, but one format serves both.
const TAG_BYTES = 63
const TAG = /^(.*)@([^@/]*)\/(\d+)(?:\/w([^/]+))?(?:\/t(\d+))?$/

/**
 * The tag a connection carries on the server: `application@host/pid[/wWORKER][/tTHREAD]`, at most 63 bytes
 * (the host, then the application name, are shortened to fit). `parseTag` reads it back.
 */
export function identityTag(id: WorkerIdentity): string {
  const worker = id.worker !== undefined ? `/w${ascii(id.worker).slice(0, 16)}` : ''
  const tail = `/${id.pid}${worker}${id.thread !== undefined ? `/t${id.thread}` : ''}`
  let application = ascii(id.application)
  let host = ascii(id.host)
  // All ASCII now: a character is a byte.
  while (application.length + 1 + host.length + tail.length > TAG_BYTES && host.length > 8) host = host.slice(0, -1)
  while (application.length + 1 + host.length + tail.length > TAG_BYTES && application.length > 1) application = application.slice(0, -1)
  return `${application}@${host}${tail}`
}

/**
 * Printable ASCII, with '@' and '/' (the tag's separators) made '_': PostgreSQL stores any other byte of
 * application_name as '?', and the tag must read back as written.
 */
const ascii = (text: string) => text.replace(/[^\x20-\x7e]|[@/]/g, '_')

/** The identity in a tag written by `identityTag`; undefined for any other application name. */
export function parseTag(tag: string): WorkerIdentity | undefined {
  const match = TAG.exec(tag)
  if (!match) return undefined
  const [, application = '', host = '', pid = '', worker, thread] = match
  return {
    application,
    host,
    pid: Number(pid),
    ...(worker !== undefined ? { worker } : {}),
    ...(thread !== undefined ? { thread: Number(thread) } : {}),
  }
}

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
