// A TCP proxy in front of a test server, of any engine, to play the network faults a real server cannot produce on
// demand: a firewall that drops flows without telling the client, a NAT that forgets them, a path that goes dead.
import { EventEmitter } from 'node:events'
import { connect as connectSocket, createServer, type Socket } from 'node:net'

export interface ProxyOptions {
  /** Connections after this many are refused (closed at once). Default: no limit. */
  accept?: number
  /**
   * Called with each chunk a client sends until it returns true: that chunk and everything after it, either way, is
   * then lost, and the connection is never closed (a path that dies there). E.g. the MySQL test's "first COM_QUERY".
   */
  stallWhen?: (chunkFromClient: Buffer) => boolean
}

/** One client's connection and the proxy's own to the server. */
interface Link {
  client: Socket
  upstream: Socket
  /** Forgotten (silenceExisting) or stalled (stallWhen): nothing passes, nothing is closed, ever again. */
  dead: boolean
  /** What arrived while the proxy was silent, delivered on resume(); `null`: the client closed. */
  heldForServer: (Buffer | null)[]
  heldForClient: Buffer[]
}

export type TestProxy = Awaited<ReturnType<typeof startProxy>>

/** The default port of a URL's scheme, for URLs that name none. */
const DEFAULT_PORT: Record<string, number> = { 'postgres:': 5432, 'postgresql:': 5432, 'mysql:': 3306, 'mariadb:': 3306 }

/**
 * Forwards connections to the server of `targetUrl` (its host and port). Ends of connections are hidden from the
 * client as a firewall that drops flows does: when the server side closes, the client learns of it only when it
 * next writes, and then gets a reset. Emits 'client-closed' whenever a client connection closes (either side).
 */
export async function startProxy(targetUrl: string, options: ProxyOptions = {}) {
  const target = new URL(targetUrl)
  const targetPort = Number(target.port) || DEFAULT_PORT[target.protocol]
  if (!targetPort) throw new Error(`startProxy: no port in ${target.protocol}//${target.host}, and no default port for ${target.protocol}`)
  const events = new EventEmitter()
  const links = new Set<Link>()
  let accepted = 0
  let silent = false

  const toServer = (link: Link, chunk: Buffer | null) => {
    if (chunk === null) link.upstream.destroy()
    else if (link.upstream.destroyed) link.client.resetAndDestroy()
    else link.upstream.write(chunk)
  }

  const server = createServer((client) => {
    client.on('error', () => {})
    client.on('close', () => events.emit('client-closed'))
    if (options.accept !== undefined && ++accepted > options.accept) return client.destroy()
    const upstream = connectSocket(targetPort, target.hostname.replace(/^\[(.*)\]$/, '$1'))
    upstream.on('error', () => {})
    const link: Link = { client, upstream, dead: false, heldForServer: [], heldForClient: [] }
    // Kept until both sides are closed: a dead link's server side stays open until drop() or close().
    links.add(link)
    const forget = () => {
      if (client.destroyed && upstream.destroyed) links.delete(link)
    }
    client.on('data', (chunk: Buffer) => {
      if (!link.dead && options.stallWhen?.(chunk)) link.dead = true
      if (link.dead) return
      if (silent) link.heldForServer.push(chunk)
      else toServer(link, chunk)
    })
    client.on('close', () => {
      // The client's FIN is forwarding too: a dead path never delivers it, a silent one once it comes back.
      if (link.dead) {
        // nothing reaches the server
      } else if (silent) link.heldForServer.push(null)
      else upstream.destroy()
      forget()
    })
    upstream.on('data', (chunk: Buffer) => {
      if (link.dead) return
      if (silent) link.heldForClient.push(chunk)
      else client.write(chunk)
    })
    upstream.on('close', forget)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }

  return {
    port,
    events,
    /** `databaseUrl` (by default the target's) through this proxy: the same URL, on 127.0.0.1 and the proxy's port. */
    url(databaseUrl: string = targetUrl): string {
      const url = new URL(databaseUrl)
      url.host = `127.0.0.1:${port}`
      return url.toString()
    },
    /**
     * The connections open now stop forwarding either way, for good, and are never closed by the proxy (a NAT or
     * firewall that forgot them: no FIN, no RST; the client's writes vanish, and so does its close). Connections
     * opened later pass normally.
     */
    silenceExisting(): void {
      for (const link of links) {
        if (link.client.destroyed) continue
        link.dead = true
        link.heldForServer = []
        link.heldForClient = []
      }
    },
    /**
     * Every connection, existing and new, stops forwarding (new ones are accepted and hear nothing). What arrives
     * meanwhile is held, as TCP would retransmit it, and delivered on resume().
     */
    silence(): void {
      silent = true
    },
    /** Undoes silence() for the connections silenceExisting() did not kill: what was held is delivered, in order. */
    resume(): void {
      silent = false
      for (const link of links) {
        for (const chunk of link.heldForClient.splice(0)) if (!link.client.destroyed) link.client.write(chunk)
        for (const chunk of link.heldForServer.splice(0)) toServer(link, chunk)
      }
    },
    /** Ends every connection to the server without telling the clients (they get a reset when they next write). */
    drop(): void {
      for (const link of links) link.upstream.destroy()
    },
    /** How many client connections are open: accepted, and closed by neither the client nor the proxy. */
    openConnections(): number {
      return [...links].filter((link) => !link.client.destroyed).length
    },
    /** Closes every connection, both sides, and stops listening. */
    close(): Promise<void> {
      for (const link of links) {
        link.client.destroy()
        link.upstream.destroy()
      }
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}
