// What the private test servers share: a free port, a temporary directory that names its owner, and a server
// process run as an unprivileged user when we are root, which dies with the process that started it.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { chown, mkdtemp } from 'node:fs/promises'
import { createServer } from 'node:net'
import { hostname, tmpdir, userInfo } from 'node:os'
import { dirname, join } from 'node:path'

/** A port of 127.0.0.1 nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.unref()
    probe.on('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port'))))
    })
  })
}

/** Whether a command is on the PATH (or an absolute path that exists). */
export function findCommand(...names: string[]): string | undefined {
  for (const name of names) {
    if (name.startsWith('/')) {
      if (existsSync(name)) return name
      continue
    }
    for (const dir of (process.env.PATH ?? '').split(':').concat('/usr/sbin', '/sbin')) {
      if (dir && existsSync(join(dir, name))) return join(dir, name)
    }
  }
  return undefined
}

/** The user a server runs as: ourselves, or when we are root (PostgreSQL refuses root) `preferred`, else `nobody`. */
export interface RunAs {
  uid: number
  gid: number
  name: string
}

export function serverUser(preferred: string | undefined): RunAs | undefined {
  if (userInfo().uid !== 0 || preferred === undefined) return undefined
  for (const name of [preferred, 'nobody']) {
    try {
      const id = (flag: string) => Number(execFileSync('id', [flag, name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }))
      return { uid: id('-u'), gid: id('-g'), name }
    } catch {
      // no such user: try the next
    }
  }
  throw new Error(`running as root, and neither the user "${preferred}" nor "nobody" exists to run the test server as`)
}

/** Whether `user` may reach `path`: every directory on the way must let it through (its x bit for that user). */
export function reachableBy(path: string, user: RunAs): boolean {
  const mayEnter = (dir: string) => {
    const { mode, uid, gid } = statSync(dir)
    return (mode & 0o001) !== 0 || (gid === user.gid && (mode & 0o010) !== 0) || (uid === user.uid && (mode & 0o100) !== 0)
  }
  let dir = dirname(realpathSync(path))
  for (;;) {
    if (!mayEnter(dir)) return false
    const parent = dirname(dir)
    if (parent === dir) return true
    dir = parent
  }
}

const DIR_PREFIX = 'prisma-pool-test-'
/** `host pid` of the process that owns a directory; the file belongs to that process's user. */
const OWNER_FILE = 'owner'

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * A new temporary directory for one server (or the TLS tests' certificates), recording which process owns it.
 * Directories that earlier runs of this user on this host left behind (a test runner killed before its teardown)
 * are removed once their owner is gone; anything else (another user's, another container's) is left alone.
 */
export async function serverDirectory(what: string, runAs: RunAs | undefined): Promise<string> {
  for (const name of readdirSync(tmpdir())) {
    if (name.startsWith(DIR_PREFIX)) removeIfOrphaned(join(tmpdir(), name))
  }
  const dir = await mkdtemp(join(tmpdir(), `${DIR_PREFIX}${what}-`))
  writeFileSync(join(dir, OWNER_FILE), `${hostname()} ${process.pid}`)
  if (runAs) await chown(dir, runAs.uid, runAs.gid)
  return dir
}

function removeIfOrphaned(dir: string): void {
  try {
    const owner = join(dir, OWNER_FILE)
    if (statSync(owner).uid !== userInfo().uid) return
    const [host, pid] = readFileSync(owner, 'utf8').split(' ')
    if (host === hostname() && Number(pid) > 0 && !alive(Number(pid))) rmSync(dir, { recursive: true, force: true })
  } catch {
    // Not ours to judge (no owner file, unreadable, another user's files inside): left alone.
  }
}

const SETPRIV = findCommand('setpriv')

/** The command line that runs `command` as `runAs`, killed if we die first (setpriv's pdeathsig). */
function asUser(command: string, args: string[], runAs: RunAs | undefined): { file: string; argv: string[]; ids: { uid?: number; gid?: number } } {
  if (!SETPRIV) return { file: command, argv: args, ids: runAs ? { uid: runAs.uid, gid: runAs.gid } : {} }
  const user = runAs ? [`--reuid=${runAs.uid}`, `--regid=${runAs.gid}`, '--clear-groups'] : []
  return { file: SETPRIV, argv: [...user, '--pdeathsig=KILL', command, ...args], ids: {} }
}

/** Spawns `command` as `runAs` (see asUser), its stdout and stderr kept in a log. */
function spawnLogged(command: string, args: string[], runAs: RunAs | undefined, cwd: string) {
  const { file, argv, ids } = asUser(command, args, runAs)
  const child = spawn(file, argv, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' }, ...ids })
  const log = new ServerLog()
  child.stdout!.on('data', (chunk: Buffer) => log.add(chunk))
  child.stderr!.on('data', (chunk: Buffer) => log.add(chunk))
  return { child, log }
}

/** Runs a command to its end (initdb, mariadb-install-db); rejects with its output if it fails. */
export function runCommand(command: string, args: string[], { runAs, cwd, what }: { runAs: RunAs | undefined; cwd: string; what: string }): Promise<void> {
  const { child, log } = spawnLogged(command, args, runAs, cwd)
  return new Promise((resolve, reject) => {
    child.once('error', (error) => reject(new Error(`${what} could not be started: ${error.message}`)))
    // 'close', not 'exit': the output has been read by then.
    child.once('close', (code, signal) => (code === 0 ? resolve() : reject(new Error(`${what} failed (${code ?? signal}):\n${log.tail(40)}`))))
  })
}

/** Longest a server may take to say it is ready before it is killed and its start-up reported as failed. */
const START_TIMEOUT_MS = 60_000

/**
 * Starts a server process and resolves once it prints `ready` (a line of its log: an event, not a poll). It runs
 * as `runAs` when given, and gets SIGKILL if the process that started it dies first (setpriv's pdeathsig), so a
 * crashed test run leaves no server behind. Rejects with the end of its output if it exits before it is ready, or
 * is not ready within a minute.
 */
export async function startProcess(command: string, args: string[], { runAs, cwd, ready, what }: { runAs: RunAs | undefined; cwd: string; ready: RegExp; what: string }) {
  const { child, log } = spawnLogged(command, args, runAs, cwd)
  let timer: NodeJS.Timeout | undefined
  let onClose!: (code: number | null, signal: string | null) => void
  try {
    await new Promise<void>((resolve, reject) => {
      // 'close', not 'exit': by then its last words have been read.
      onClose = (code, signal) => reject(new Error(`${what} exited during start-up (${code ?? signal}):\n${log.tail()}`))
      child.once('close', onClose)
      child.once('error', (error) => reject(new Error(`${what} could not be started: ${error.message}`)))
      timer = setTimeout(() => {
        child.kill('SIGKILL')
        reject(new Error(`${what} was not ready after ${START_TIMEOUT_MS / 1000} s:\n${log.tail()}`))
      }, START_TIMEOUT_MS)
      void log.waitFor(ready).then(resolve)
    })
  } finally {
    clearTimeout(timer)
    child.removeListener('close', onClose)
  }
  return { child, log }
}

/** Stops a server process with `signal` and waits for it to exit; SIGKILL if it has not after `graceMs`. */
export async function stopProcess(child: ChildProcess, signal: NodeJS.Signals, graceMs = 20_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill(signal)
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
  await exited
  clearTimeout(timer)
}

/** How a server process is started, the same way at every (re)start: on the same data directory and port. */
export interface Launch {
  command: string
  args: string[]
  runAs: RunAs | undefined
  /** The line of its log that says it accepts connections. */
  ready: RegExp
  /** Its name, for messages. */
  what: string
  /** The signal of a clean, fast shutdown. */
  stopSignal: NodeJS.Signals
}

/** A private server's process and its directory: (re)started, stopped, and removed with its data. */
export class ServerProcess {
  readonly #launch: Launch
  #child: ChildProcess | undefined
  #log: ServerLog | undefined

  constructor(
    /** The server's own directory (data, configuration, sockets). */
    protected readonly dir: string,
    readonly port: number,
    launch: Launch,
  ) {
    this.#launch = launch
  }

  /** Starts the server, or stops and starts it again on the same port and data. */
  async restart(): Promise<void> {
    if (this.#child) await this.stop({ keepData: true })
    const { command, args, runAs, ready, what } = this.#launch
    const { child, log } = await startProcess(command, args, { runAs, cwd: this.dir, ready, what })
    this.#child = child
    this.#log = log
    child.once('exit', () => {
      if (this.#child === child) this.#child = undefined
    })
  }

  /** Stops the server (a clean shutdown that ends its sessions) and, unless `keepData`, removes its directory. */
  async stop({ keepData = false } = {}): Promise<void> {
    const child = this.#child
    this.#child = undefined
    if (child) await stopProcess(child, this.#launch.stopSignal)
    if (!keepData) rmSync(this.dir, { recursive: true, force: true })
  }

  /** The end of the server's log, for a test's failure message. */
  logTail(): string {
    return this.#log?.tail() ?? ''
  }
}

/** What a server printed, kept for error messages, and watched for the lines that say it is ready. */
export class ServerLog {
  #text = ''
  #watchers: { pattern: RegExp; resolve: () => void; from: number }[] = []

  add(chunk: Buffer): void {
    this.#text += chunk.toString()
    for (const watcher of [...this.#watchers]) {
      if (watcher.pattern.test(this.#text.slice(watcher.from))) {
        this.#watchers.splice(this.#watchers.indexOf(watcher), 1)
        watcher.resolve()
      }
    }
    // Keep the end only: servers can be chatty over a long run.
    if (this.#text.length > 200_000) {
      const cut = this.#text.length - 100_000
      this.#text = this.#text.slice(cut)
      for (const watcher of this.#watchers) watcher.from = Math.max(0, watcher.from - cut)
    }
  }

  /** Resolves when a line matching `pattern` appears after this call. */
  waitFor(pattern: RegExp): Promise<void> {
    return new Promise((resolve) => this.#watchers.push({ pattern, resolve, from: this.#text.length }))
  }

  tail(lines = 15): string {
    return this.#text.trim().split('\n').slice(-lines).join('\n')
  }
}
