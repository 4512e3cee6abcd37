// The process a JDBC adapter lives in: it exits by itself after $disconnect() (node-java would keep it alive), Ctrl-C
// ends it while a statement runs (the JVM, started with -Xrs, leaves the signals to Node), and a worker thread is
// refused with one clear error (node-java loads in one thread per process).
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { expect, test } from 'vitest'
import { testServer } from '../../../test-support/servers/index.js'

const ROOT = fileURLToPath(new URL('../../..', import.meta.url))
const PROGRAM = fileURLToPath(new URL('./fixtures/lifecycle.ts', import.meta.url))

/** The program in a process of its own; resolves with its exit, and gives its output as it comes. */
function run(mode: 'disconnect' | 'hold') {
  const child = spawn(process.execPath, ['--import', 'tsx', PROGRAM, testServer('pg').url, mode], {
    cwd: ROOT,
    env: { ...process.env, TSX_TSCONFIG_PATH: `${ROOT}/tsconfig.json` },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const lines: ((text: string) => void)[] = []
  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding('utf8')
    stream.on('data', (text: string) => {
      output += text
      for (const listener of lines) listener(output)
    })
  }
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>
  const printed = (text: string) =>
    new Promise<void>((resolve, reject) => {
      if (output.includes(text)) return resolve()
      lines.push((all) => all.includes(text) && resolve())
      exited.then(() => reject(new Error(`the program ended without printing ${JSON.stringify(text)}:\n${output}`)))
    })
  return { child, exited, printed, output: () => output }
}

test('the process exits by itself after $disconnect()', async () => {
  const program = run('disconnect')
  const [code, signal] = await program.exited
  expect({ code, signal, output: program.output() }).toEqual({ code: 0, signal: null, output: 'queried 1\ndisconnected\n' })
})

test('Ctrl-C (SIGINT) ends the process while a statement runs in the JVM', async () => {
  const program = run('hold')
  await program.printed('sleeping')
  program.child.kill('SIGINT')
  const [code, signal] = await program.exited
  // Node's default SIGINT handling: the process ends by the signal.
  expect({ code, signal }).toEqual({ code: null, signal: 'SIGINT' })
})

test('a pool in a worker thread is refused with one clear error', async () => {
  // The built package, as a user's worker would load it (pnpm test builds it first).
  const worker = new Worker(
    `
    const { parentPort } = require('node:worker_threads')
    import(${JSON.stringify(new URL('../dist/index.mjs', import.meta.url).href)})
      .then(({ PrismaPoolJdbc }) => new PrismaPoolJdbc({ url: 'jdbc:postgresql://127.0.0.1:1/x', classpath: [] }).connect())
      .then(() => parentPort.postMessage('connected'), (error) => parentPort.postMessage(error.message))
    `,
    { eval: true },
  )
  const [message] = (await once(worker, 'message')) as [string]
  await worker.terminate()
  expect(message).toContain('@prisma-pool/jdbc runs in the main thread only')
})
