// What users see when no Oracle answers: real node-oracledb Thin connects (no Oracle Database can run here) to a closed
// port, to servers that are not Oracle's, and to names that do not resolve. Prisma's error kinds, at once or within the
// pool's timeout, with what to check, never the password, and no socket or timer left behind.
import { createHook } from 'node:async_hooks'
import { createServer, type Server, type Socket } from 'node:net'
import { afterAll, describe, expect, test } from 'vitest'
import { closedPort } from '../../../test-support/net.js'
import { engineContext } from '../../../test-support/engine-context.js'
import { ConnectTimeoutError, PoolTimeoutError, PrismaPoolOracle } from '../src/index.js'
import { OracleDriver } from '../src/driver.js'
import { resolveOracleOptions } from '../src/options.js'
import { PrismaClient } from './generated/prisma/client.js'

// Prisma quotes the calling source lines in its messages: the password must not be on those lines.
const PASSWORD = 'sekret-pw-0'
const clients: PrismaClient[] = []
afterAll(() => Promise.all(clients.map((client) => client.$disconnect())))

function client(url: string, pool = {}) {
  const adapter = new PrismaPoolOracle({ url, pool })
  const prisma = new PrismaClient({ adapter })
  clients.push(prisma)
  return { adapter, prisma }
}

const driverFor = (connectString: string) => new OracleDriver(resolveOracleOptions({ connectString, user: 'app', password: PASSWORD }))

/** A TCP server that is not Oracle's: `onConnection` does what it does; it knows when every socket it accepted has closed. */
async function fakeServer(onConnection: (socket: Socket) => void) {
  const sockets = new Set<Socket>()
  let allClosed: (() => void) | undefined
  const server: Server = createServer((socket) => {
    sockets.add(socket)
    // Read (and drop) what the client sends: a socket that is never read never sees the client's FIN, nor closes.
    socket.resume()
    socket.on('error', () => {})
    socket.on('close', () => {
      sockets.delete(socket)
      if (sockets.size === 0) allClosed?.()
    })
    onConnection(socket)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as { port: number }).port,
    accepted: () => sockets.size,
    /** Resolves once the client side has closed every connection it opened (the driver leaves none open). */
    clientsGone: () => (sockets.size === 0 ? Promise.resolve() : new Promise<void>((resolve) => (allClosed = resolve))),
    close: () => {
      for (const socket of sockets) socket.destroy()
      return new Promise((resolve) => server.close(resolve))
    },
  }
}

/** The timers and sockets created from now on; `left()` lists those not destroyed since (and stops watching). */
function watchResources() {
  const live = new Map<number, string>()
  const hook = createHook({
    init: (id, type) => void (['Timeout', 'TCPWRAP'].includes(type) && live.set(id, type)),
    destroy: (id) => void live.delete(id),
  }).enable()
  return {
    async left(): Promise<string[]> {
      // Destroy hooks are emitted after the current turn of the event loop.
      await new Promise((resolve) => setImmediate(resolve))
      hook.disable()
      return [...live.values()]
    },
  }
}

describe('no listener', () => {
  test('a closed port is NJS-503: DatabaseNotReachable at host:port, with what to check', async () => {
    const port = await closedPort()
    const driver = driverFor(`127.0.0.1:${port}/FREEPDB1`)
    const error = await driver.connect(engineContext('t@h/1', 2000), new AbortController().signal).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'NJS-503' })
    const { message } = error as Error
    expect(message).toContain(`connection to host 127.0.0.1 port ${port} could not be established`)
    expect(message).toContain(`ECONNREFUSED 127.0.0.1:${port}`)
    expect(message).toContain(`Is Oracle's listener running at 127.0.0.1:${port}? Check the host and port of oracle://127.0.0.1:${port}/FREEPDB1`)
    expect(message).not.toContain(PASSWORD)
    expect(driver.convertError(error)).toMatchObject({ kind: 'DatabaseNotReachable', host: '127.0.0.1', port, originalCode: 'NJS-503' })
    expect(driver.connectionLoss(error)).toBe('server')
  })

  test('through the pool, an unreachable server is retried until the caller\'s timeout: P2024 naming the refusal, never the password', async () => {
    const port = await closedPort()
    const { prisma, adapter } = client(`oracle://app:${PASSWORD}@127.0.0.1:${port}/FREEPDB1`, { timeout: 0.5 })
    const error = await prisma.user.count().catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'P2024' })
    const { message } = error as Error
    expect(message).toContain(`timed out after 0.5 s waiting for a connection to oracle://127.0.0.1:${port}/FREEPDB1`)
    expect(message).toContain(`the last attempt failed: NJS-503: connection to host 127.0.0.1 port ${port} could not be established`)
    expect(message).not.toContain(PASSWORD)
    expect(adapter.stats().totals.connectErrors).toBeGreaterThan(1)
  })

  test('adapter.connect() and a query: the pool\'s timeout, whose cause is Prisma\'s DatabaseNotReachable', async () => {
    const port = await closedPort()
    const adapter = new PrismaPoolOracle({ url: `oracle://app:${PASSWORD}@127.0.0.1:${port}/FREEPDB1`, pool: { timeout: 0.3 } })
    const connection = await adapter.connect()
    expect(connection.getConnectionInfo?.()).toEqual({ schemaName: undefined, maxBindValues: 32766, supportsRelationJoins: false })
    const error = await connection.queryRaw({ sql: 'SELECT 1', args: [], argTypes: [] }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(PoolTimeoutError)
    expect((error as PoolTimeoutError).cause).toMatchObject({ code: 'NJS-503' })
    // Prisma's kind of that cause, as a connect that fails outside the retries reports it.
    const driver = driverFor(`127.0.0.1:${port}/FREEPDB1`)
    expect(driver.convertError((error as PoolTimeoutError).cause)).toMatchObject({ kind: 'DatabaseNotReachable', host: '127.0.0.1', port })
    await connection.dispose()
    expect(adapter.stats()).toMatchObject({ open: 0, checkedOut: 0 })
  })

  test('a host name that does not resolve fails at once (P1001), not after the pool\'s timeout', async () => {
    const { prisma, adapter } = client(`oracle://app:${PASSWORD}@no-such-host.invalid:1521/FREEPDB1`, { timeout: 20 })
    const error = await prisma.user.count().catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'P1001' })
    expect((error as Error).message).not.toContain(PASSWORD)
    // Given up at the first attempt: a transient fault would be retried for the caller's 20 s, and end in P2024.
    expect(adapter.stats().totals.connectErrors).toBe(1)
  })
})

describe('a server that is not Oracle', () => {
  test('one that closes the connection: NJS-500 (ConnectionClosed), with what to check; nothing left open', async () => {
    const server = await fakeServer((socket) => socket.end('SSH-2.0-OpenSSH_9.2\r\n'))
    try {
      const driver = driverFor(`127.0.0.1:${server.port}/FREEPDB1`)
      const watch = watchResources()
      const error = await driver.connect(engineContext('t@h/1', 2000), new AbortController().signal).catch((e: unknown) => e)
      expect(error).toMatchObject({ code: 'NJS-500' })
      expect((error as Error).message).toContain(
        `The server at 127.0.0.1:${server.port} closed the connection during the handshake: check that it is an Oracle Database listener`,
      )
      expect(driver.convertError(error)).toMatchObject({ kind: 'ConnectionClosed' })
      await server.clientsGone()
      expect(await watch.left()).toEqual([])
    } finally {
      await server.close()
    }
  })

  test('one that answers garbage and stays open, or says nothing: given up at the connect timeout, its socket closed then', async () => {
    for (const behaviour of [(socket: Socket) => socket.write('HTTP/1.1 400 Bad Request\r\n\r\n'), () => {}]) {
      const server = await fakeServer(behaviour)
      try {
        const driver = driverFor(`127.0.0.1:${server.port}/FREEPDB1`)
        const watch = watchResources()
        const abort = new AbortController()
        // node-oracledb's own timeout is the context's and a second (61 s), past the test's: only the pool's signal can
        // end this attempt in time.
        const connecting = driver.connect(engineContext('t@h/1', 60_000), abort.signal)
        // The pool's signal at its connect timeout: the connect gives up at once, with the pool's reason.
        const reason = new ConnectTimeoutError(0.3, driver.target)
        const timer = setTimeout(() => abort.abort(reason), 300)
        await expect(connecting).rejects.toBe(reason)
        clearTimeout(timer)
        expect(server.accepted()).toBe(1)
        // The attempt is cut off at the pool's signal: its socket destroyed.
        await server.clientsGone()
        expect(await watch.left()).toEqual([])
      } finally {
        await server.close()
      }
    }
  })

  test('through the pool, a silent server hits pool.connectTimeout: P2024 naming the option; every attempt\'s socket is closed', async () => {
    const server = await fakeServer(() => {})
    try {
      const { prisma } = client(`oracle://app:${PASSWORD}@127.0.0.1:${server.port}/FREEPDB1`, { connectTimeout: 0.2, timeout: 0.5 })
      const error = await prisma.user.count().catch((e: unknown) => e)
      expect(error).toMatchObject({ code: 'P2024' })
      expect((error as Error).message).toContain(`could not connect to oracle://127.0.0.1:${server.port}/FREEPDB1 within 0.2 s`)
      expect((error as Error).message).toContain('pool.connectTimeout')
      expect((error as Error).message).not.toContain(PASSWORD)
      await prisma.$disconnect()
      await server.clientsGone()
    } finally {
      await server.close()
    }
  })
})

/**
 * Oracle's NS ACCEPT packet (lib/thin/sqlnet/packet.js AcceptPacket): version 3.17, SDU 8192, TDU 65535, and no
 * network services (flag1 NSINANOSERVICES), so that Thin skips ANO and goes on to authenticate at once.
 */
function acceptPacket(): Buffer {
  const packet = Buffer.alloc(48)
  packet.writeUInt16BE(packet.length, 0) // length
  packet[4] = 2 // NSPTAC
  packet.writeUInt16BE(317, 8) // version
  packet.writeUInt16BE(8192, 12) // SDU
  packet.writeUInt16BE(65535, 14) // TDU
  packet.writeUInt16BE(1, 16)
  packet[23] = 0x08 // NSINANOSERVICES
  packet.writeUInt32BE(8192, 32) // large SDU
  packet.writeUInt32BE(65535, 36) // large TDU
  return packet
}

describe('a server that completes the handshake, then stalls (authentication, a logon trigger that waits)', () => {
  test('Thin has no timer there: the pool giving up ends the connect, and its socket is closed at once', async () => {
    let received = 0
    let pastHandshake!: () => void
    const stalled = new Promise<void>((resolve) => (pastHandshake = resolve))
    const server = await fakeServer((socket) => {
      socket.on('data', (data) => {
        // The client's CONNECT packet: accepted. Then its first data packet (the protocol negotiation): no answer, ever.
        if (received++ === 0 && data[4] === 1) socket.write(acceptPacket())
        else pastHandshake()
      })
    })
    try {
      const driver = driverFor(`127.0.0.1:${server.port}/FREEPDB1`)
      const watch = watchResources()
      const abort = new AbortController()
      const connecting = driver.connect(engineContext('t@h/1', 300), abort.signal)
      // Past the handshake: the client has sent its next packet, which the server leaves unanswered.
      await stalled
      const reason = new ConnectTimeoutError(0.3, driver.target)
      abort.abort(reason)
      await expect(connecting).rejects.toBe(reason)
      // Closed by the abort: Thin has no timer after the handshake, so without it the socket would stay open for good
      // (and this wait would outlast the test).
      await server.clientsGone()
      expect(await watch.left()).toEqual([])
    } finally {
      await server.close()
    }
  })

  test('given up before Thin reached the server, no socket is opened after', async () => {
    const server = await fakeServer(() => {})
    try {
      const driver = driverFor(`127.0.0.1:${server.port}/FREEPDB1`)
      const abort = new AbortController()
      const connecting = driver.connect(engineContext('t@h/1', 300), abort.signal)
      abort.abort(new Error('given up'))
      await expect(connecting).rejects.toThrow('given up')
      await new Promise((resolve) => setTimeout(resolve, 200))
      expect(server.accepted()).toBe(0)
    } finally {
      await server.close()
    }
  })
})

describe('connect strings node-oracledb cannot use', () => {
  test('are refused with its message, at once, without the password or the connect string repeated', async () => {
    for (const [connectString, code] of [
      ['a:b:c:d/e f', 'NJS-515'],
      [`a:b:c:d/${PASSWORD}`, 'NJS-515'],
      ['MY_TNS_ALIAS', 'NJS-516'],
    ] as const) {
      const driver = driverFor(connectString)
      const error = await driver.connect(engineContext('t@h/1', 2000), new AbortController().signal).catch((e: unknown) => e)
      expect(error).toMatchObject({ code })
      const { message, stack } = error as Error
      expect(message).not.toContain(PASSWORD)
      expect(stack).not.toContain(PASSWORD)
      // Not a fault that passes: the pool does not retry it (no Prisma kind: it reaches the user as it is).
      expect(driver.convertError(error)).toBeUndefined()
      if (code === 'NJS-515') {
        // node-oracledb writes the connect string whole (blanks removed): replaced by where it goes.
        expect(message).toBe(
          'NJS-515: error in Easy Connect connection string: input string not in easy connect format: the connect string of oracle://a (not repeated here: it may hold a password)',
        )
        expect(stack).not.toContain('a:b:c:d/')
      }
    }
  })
})
