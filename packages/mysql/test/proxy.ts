// A TCP proxy in front of the test server, to play the network faults a real server cannot produce on demand.
import { EventEmitter } from 'node:events'
import { connect as connectSocket, createServer, type Socket } from 'node:net'
import { MYSQL_URL } from './helpers.js'

export interface ProxyOptions {
  /** Connections after this many are refused (closed at once). Default: no limit. */
  accept?: number
  /** Lets the login through, then goes silent both ways at the client's first query (a path that dies there). */
  stallAtFirstQuery?: boolean
}

/**
 * Forwards connections to the server, hiding their end from the client as a firewall that drops idle flows
 * does: the client learns of it only when it next writes, and then gets a reset. `drop()` ends every
 * connection that way. Emits 'client-closed' when a client closes its socket.
 */
export async function startProxy(options: ProxyOptions = {}) {
  const target = new URL(MYSQL_URL)
  const events = new EventEmitter()
  const clients = new Set<Socket>()
  const upstreams = new Set<Socket>()
  let accepted = 0
  let silent = false
  const server = createServer((client) => {
    clients.add(client)
    client.on('error', () => {})
    client.on('close', () => events.emit('client-closed'))
    if (options.accept !== undefined && ++accepted > options.accept) return client.destroy()
    const upstream = connectSocket(Number(target.port || 3306), target.hostname)
    upstreams.add(upstream)
    let stalled = false
    upstream.on('data', (chunk: Buffer) => {
      if (!silent && !stalled) client.write(chunk)
    })
    client.on('data', (chunk: Buffer) => {
      // A packet with sequence id 0 carrying COM_QUERY (0x03): the first command after the login.
      if (options.stallAtFirstQuery && chunk[3] === 0 && chunk[4] === 0x03) stalled = true
      if (upstream.destroyed) client.resetAndDestroy()
      else if (!silent && !stalled) upstream.write(chunk)
    })
    client.on('close', () => upstream.destroy())
    upstream.on('error', () => {})
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return {
    port,
    events,
    /** The test server's URL for `database`, through this proxy. */
    url(databaseUrl: string) {
      const url = new URL(databaseUrl)
      url.host = `127.0.0.1:${port}`
      return url.toString()
    },
    /** From now on, forwards nothing either way and closes nothing: every path is dead. */
    silence() {
      silent = true
    },
    /** Ends every connection to the server without telling the clients. */
    drop() {
      for (const socket of upstreams) socket.destroy()
    },
    close() {
      for (const socket of [...clients, ...upstreams]) socket.destroy()
      server.close()
    },
  }
}
