// The fault proxy itself, in front of a plain TCP echo server: what each fault lets through, and what it closes.
import { once } from 'node:events'
import { connect, createServer, type Server, type Socket } from 'node:net'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { startProxy, type TestProxy } from './proxy.js'

/** The echo server's side of each connection, in order of arrival. */
const serverSides: Socket[] = []
let echo: Server
let target: string
const proxies: TestProxy[] = []
const clients: Socket[] = []

beforeAll(async () => {
  echo = createServer((socket) => {
    serverSides.push(socket)
    socket.on('error', () => {})
    socket.on('data', (chunk) => socket.write(`echo:${chunk}`))
  })
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve))
  target = `tcp://user@127.0.0.1:${(echo.address() as { port: number }).port}/db?x=1`
})
afterAll(async () => {
  for (const client of clients) client.destroy()
  await Promise.all(proxies.map((proxy) => proxy.close()))
  await new Promise((resolve) => echo.close(resolve))
})

async function proxy(options?: Parameters<typeof startProxy>[1]) {
  const started = await startProxy(target, options)
  proxies.push(started)
  return started
}

/** A client through `port`, with everything it hears. */
async function client(port: number) {
  const socket = connect(port, '127.0.0.1')
  clients.push(socket)
  socket.on('error', () => {})
  let heard = ''
  socket.on('data', (chunk) => (heard += chunk))
  await once(socket, 'connect')
  return { socket, heard: () => heard }
}

/** Waits long enough for anything in flight on 127.0.0.1 to have arrived. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 100))

/** The echo server's side of the connection made last. */
const newestServerSide = () => serverSides[serverSides.length - 1]!

test('forwards both ways; url() is the same URL on the proxy; openConnections() counts the open clients', async () => {
  const { port, url, openConnections, events } = await proxy()
  expect(url()).toBe(`tcp://user@127.0.0.1:${port}/db?x=1`)
  expect(url('tcp://other@elsewhere:1/other')).toBe(`tcp://other@127.0.0.1:${port}/other`)
  const a = await client(port)
  a.socket.write('hello')
  await expect.poll(a.heard).toBe('echo:hello')
  expect(openConnections()).toBe(1)
  const closed = once(events, 'client-closed')
  a.socket.end()
  await closed
  expect(openConnections()).toBe(0)
})

test('silence(): existing and new connections hear nothing; resume() delivers what was held, in order', async () => {
  const { port, silence, resume } = await proxy()
  const a = await client(port)
  silence()
  a.socket.write('one,')
  a.socket.write('two')
  const b = await client(port)
  b.socket.write('three')
  await settle()
  expect([a.heard(), b.heard()]).toEqual(['', ''])
  resume()
  await expect.poll(a.heard).toMatch(/^echo:one,(echo:)?two$/)
  await expect.poll(b.heard).toBe('echo:three')
})

test('silenceExisting(): the connections open now are forgotten, never closed either way; later ones pass', async () => {
  const { port, silenceExisting, resume, drop, openConnections, events } = await proxy()
  const a = await client(port)
  a.socket.write('before')
  await expect.poll(a.heard).toBe('echo:before')
  const aServerSide = newestServerSide()
  silenceExisting()
  a.socket.write('lost')
  const b = await client(port)
  b.socket.write('new')
  await expect.poll(b.heard).toBe('echo:new')
  // The server closing its side is not told to the client, nor is resume() a cure.
  resume()
  aServerSide.end()
  a.socket.write('still lost')
  await settle()
  expect(a.heard()).toBe('echo:before')
  expect(a.socket.destroyed).toBe(false)
  // The client's close does not reach the server either.
  const c = await client(port)
  const cServerSide = newestServerSide()
  silenceExisting()
  const closed = once(events, 'client-closed')
  c.socket.destroy()
  await closed
  await settle()
  expect(cServerSide.readableEnded).toBe(false)
  expect(openConnections()).toBe(2)
  // drop() ends the server side of every connection, forgotten ones too.
  drop()
  await once(cServerSide, 'close')
})

test('drop(): the server side ends unseen; the client learns of it at its next write, by a reset', async () => {
  const { port, drop } = await proxy()
  const a = await client(port)
  a.socket.write('x')
  await expect.poll(a.heard).toBe('echo:x')
  drop()
  await settle()
  expect(a.socket.destroyed).toBe(false)
  const error = once(a.socket, 'error')
  a.socket.write('y')
  expect(((await error)[0] as NodeJS.ErrnoException).code).toBe('ECONNRESET')
})

test('stallWhen: from the chunk it picks on, nothing passes either way; accept: later connections are refused', async () => {
  const { port } = await proxy({ stallWhen: (chunk) => chunk.toString() === 'stop', accept: 1 })
  const a = await client(port)
  a.socket.write('go')
  await expect.poll(a.heard).toBe('echo:go')
  a.socket.write('stop')
  await settle()
  a.socket.write('go')
  await settle()
  expect(a.heard()).toBe('echo:go')
  const refused = await client(port)
  await once(refused.socket, 'close')
})
