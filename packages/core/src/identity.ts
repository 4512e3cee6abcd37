import cluster from 'node:cluster'
import { hostname } from 'node:os'
import { threadId } from 'node:worker_threads'
import { DEFAULT_TAG_LENGTH } from './engine-defaults.js'

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

const TAG = /^(.*)@([^@/]*)\/(\d+)(?:\/w([^/]+))?(?:\/t(\d+))?$/

/**
 * The tag a connection carries on the server: `application@host/pid[/wWORKER][/tTHREAD]`, at most `maxBytes` bytes
 * (the engine's EngineDriver.tagLength: the host, then the application name, are shortened to fit). `parseTag` reads
 * it back.
 */
export function identityTag(id: WorkerIdentity, maxBytes = DEFAULT_TAG_LENGTH): string {
  const worker = id.worker !== undefined ? `/w${ascii(id.worker).slice(0, 16)}` : ''
  const tail = `/${id.pid}${worker}${id.thread !== undefined ? `/t${id.thread}` : ''}`
  let application = ascii(id.application)
  let host = ascii(id.host)
  // All ASCII now: a character is a byte.
  const tooLong = () => application.length + 1 + host.length + tail.length > maxBytes
  // The host down to 8 characters first, then the application name, then the host to its first character.
  while (tooLong() && host.length > 8) host = host.slice(0, -1)
  while (tooLong() && application.length > 1) application = application.slice(0, -1)
  while (tooLong() && host.length > 1) host = host.slice(0, -1)
  return `${application}@${host}${tail}`
}

/**
 * Printable ASCII, with '@' and '/' (the tag's separators) made '_': a server may store any other byte of a session's
 * name as '?', and the tag must read back as written.
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
