// The one JVM of the process (node-java can start one, once, in one thread, and never another): started by the first
// pool's init with its classpath, shared by every later pool that asks for the same one, never stopped (a JVM cannot
// be started again in the same process). It does not keep the process alive.
import { existsSync, readdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { isMainThread } from 'node:worker_threads'

/** What this package uses of node-java (see JdbcSession.java for the helper's methods). */
export interface NodeJava {
  classpath: string[]
  options: string[]
  asyncOptions: { asyncSuffix?: string; syncSuffix: string; promiseSuffix?: string }
  stop(): void
  ensureJvm(): Promise<void>
  isJvmCreated(): boolean
  callStaticMethodSync(className: string, method: string, ...args: unknown[]): unknown
  callStaticMethodPromise(className: string, method: string, ...args: unknown[]): Promise<unknown>
  newArray(className: string, values: unknown[]): unknown
  newInstanceSync(className: string, ...args: unknown[]): unknown
}

/** The helper's class (compiled into dist/java by the package build). */
export const SESSION_CLASS = 'dev.prismapool.jdbc.JdbcSession'
export const CONNECT_CLASS = 'dev.prismapool.jdbc.Connect'

/** An error that concerns the process's JVM, not one connection: raised once, by init, and never retried. */
export class JvmError extends Error {
  override readonly name = 'JvmError'
}

/** Where the helper's classes are: dist/java beside dist/index.*, and the same folder from src/ when tests run the sources. */
const HELPER_CLASSES = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'java')

/** Options every JVM of ours gets before the user's: -Xrs leaves SIGINT and SIGTERM to Node (Ctrl-C works). */
const JVM_OPTIONS = ['-Xrs', '-Duser.timezone=UTC']

export interface JvmSettings {
  /** The user's classpath entries (jars, folders, `dir/*`), as given. */
  readonly classpath: readonly string[]
  /** JVM options after ours (-Xmx256m …). */
  readonly options: readonly string[]
}

interface Started {
  settings: JvmSettings
  key: string
  java: Promise<NodeJava>
}

/**
 * The process's JVM, kept on globalThis: one process may load two copies of this package (its ESM and CommonJS builds,
 * or two versions), and both must see the one JVM (a second java.stop() would abort the process).
 */
const STARTED = Symbol.for('prisma-pool.jdbc.jvm')
type GlobalWithJvm = typeof globalThis & { [STARTED]?: Started }
const global = globalThis as GlobalWithJvm

/** The classpath as the JVM gets it: paths resolved, `dir/*` expanded to the folder's jars (the JVM does not expand it). */
export function expandClasspath(classpath: readonly string[]): string[] {
  return classpath.flatMap((entry) => {
    if (!entry.endsWith('/*')) return [resolve(entry)]
    const dir = resolve(entry.slice(0, -2))
    return readdirSync(dir)
      .filter((name) => name.endsWith('.jar'))
      .sort()
      .map((name) => join(dir, name))
  })
}

const keyOf = (classpath: readonly string[], settings: JvmSettings) => JSON.stringify([classpath, settings.options])

/** JVM options as messages may show them: the values of -D…password…=, -D…secret…= and the like are hidden. */
const SECRET_OPTION = /^(-D[^=]*(?:pass|secret|token|key)[^=]*=).*$/i
const shownOptions = (options: readonly string[]) => options.map((option) => option.replace(SECRET_OPTION, '$1***'))

/**
 * The process's JVM, started with `settings` if none is: a second start with another classpath or other options
 * fails (a JVM's are fixed when it starts), as does one outside the main thread.
 */
export function startJvm(settings: JvmSettings): Promise<NodeJava> {
  if (!isMainThread) {
    throw new JvmError(
      '@prisma-pool/jdbc runs in the main thread only: node-java can load its JVM in one thread per process, and a second ' +
        'thread that loads it crashes the process. Run the PrismaClient with this adapter in the main thread (worker threads can send it their queries).',
    )
  }
  // A missing jar is said as such, whether or not the JVM runs already.
  checkClasspath(settings.classpath)
  const classpath = expandClasspath(settings.classpath)
  const key = keyOf(classpath, settings)
  const started = global[STARTED]
  if (started) {
    if (started.key !== key) {
      throw new JvmError(
        `The JVM of this process was started with classpath ${describeClasspath(started.settings)}; a pool asks for ${describeClasspath(settings)}. ` +
          'A process has one JVM and its classpath is fixed when it starts: give every PrismaPoolJdbc of the process the same classpath and jvmOptions (all the drivers they need).',
      )
    }
    return started.java
  }
  const java = launch(classpath, settings)
  global[STARTED] = { settings, key, java }
  // A JVM that failed to start cannot be started again in this process either: the error stands for every later pool.
  return java
}

function describeClasspath(settings: JvmSettings): string {
  const options = settings.options.length ? ` and options ${shownOptions(settings.options).join(' ')}` : ''
  return `[${settings.classpath.join(', ')}]${options}`
}

/** Every entry exists (a `dir/*` entry: its folder): a missing jar is said here, not as "no suitable driver" later. */
function checkClasspath(classpath: readonly string[]): void {
  const missing = classpath.filter((entry) => !existsSync(entry.endsWith('/*') ? entry.slice(0, -2) : entry))
  if (missing.length) {
    throw new JvmError(
      `classpath entr${missing.length === 1 ? 'y' : 'ies'} not found: ${missing.join(', ')}. ` +
        'Give the path of each JDBC driver jar (Debian installs them under /usr/share/java: libpostgresql-jdbc-java, libmariadb-java, libxerial-sqlite-jdbc-java).',
    )
  }
}

async function launch(classpath: readonly string[], settings: JvmSettings): Promise<NodeJava> {
  if (!existsSync(HELPER_CLASSES)) {
    throw new JvmError(`@prisma-pool/jdbc's Java helper is missing (${HELPER_CLASSES}): the package was not built (pnpm build compiles it with javac).`)
  }
  let java: NodeJava
  try {
    java = ((await import('java')) as unknown as { default: NodeJava }).default
  } catch (error) {
    throw new JvmError(
      `node-java (the java package) could not be loaded: ${(error as Error).message}. It needs a JDK, found when it was installed ` +
        '(Debian: apt-get install openjdk-17-jdk-headless, then reinstall java so that it builds against it).',
      { cause: error },
    )
  }
  if (java.isJvmCreated()) {
    throw new JvmError(
      "this process's JVM was started by other code (node-java's java module) before the first PrismaPoolJdbc: its classpath " +
        'and options can no longer be set. Let the first PrismaPoolJdbc start it, with every jar the process needs on its classpath.',
    )
  }
  // node-java keeps a handle open for calls from Java back into JavaScript, which this package never makes: closed
  // now, it no longer keeps the process alive after the last pool is gone. Once per process (a second close aborts).
  java.stop()
  java.asyncOptions = { syncSuffix: 'Sync', promiseSuffix: 'Promise' }
  java.classpath.push(HELPER_CLASSES, ...classpath)
  java.options.push(...JVM_OPTIONS, ...settings.options)
  try {
    await java.ensureJvm()
  } catch (error) {
    throw new JvmError(`the JVM did not start (options ${shownOptions([...JVM_OPTIONS, ...settings.options]).join(' ')}): ${(error as Error).message}`, {
      cause: error,
    })
  }
  return java
}
