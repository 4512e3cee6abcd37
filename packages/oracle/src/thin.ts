/// <reference path="./oracledb.d.ts" />
// What this adapter needs of node-oracledb Thin that its public API does not give, each verified against oracledb
// 26.0.0's sources (the version package.json pins) and refused clearly where it is not what was verified:
//
// - DATE and TIMESTAMP read exactly. Thin decodes them (lib/impl/datahandlers/buffer.js parseOracleDate, with
//   useLocalTime) as `new Date(y, m - 1, d, h, mi, s, ms)` in the process's local time zone (lib/util.js makeDate): a
//   wall clock that does not exist locally (a DST gap: 2024-03-10 02:30 in New York) comes back an hour off, and years
//   0–99 come back as 1900–1999, in every zone. No fetchTypeHandler can help (Thin fetches DATE natively whatever the
//   fetch type asks, and converts on the client), so each connection's own read buffer decodes them with
//   useLocalTime false: makeUTCDate's fields, exact in any zone and any year. The session runs in UTC, so those fields
//   are the instant Prisma means.
// - A connect that stalls after the network handshake (authentication, a logon trigger that waits) has no timeout in
//   Thin: connectTimeout covers the transport and the NS connect only, and the protocol's callTimeout is 0 during
//   connect. getConnection keeps its connection object to itself until connect() resolves, so the connect is watched
//   from the start (ThinConnectionImpl.prototype.connect, wrapped once, tells a watcher which connection it is making)
//   and, when the pool gives up, its socket is destroyed and no further address is tried.
// - Destroying a connection's socket at once (destroyConnection), which Thin does itself on a fatal error.
import { AsyncLocalStorage } from 'node:async_hooks'
import oracledb, { type Connection } from 'oracledb'
import ThinConnectionImpl from 'oracledb/lib/thin/connection.js'

/** node-oracledb's immediate close of the network session (sqlnet constants: NSFIMM). */
export const NSFIMM = 0x40

/** The parts of Thin's network session (lib/thin/sqlnet/networkSession.js) used here. */
interface NetworkSession {
  connected?: boolean
  ntAdapter?: { stream?: { destroy(error?: Error): void } | null; disconnect?(type: number): void } | null
  disconnect?(type: number): void
  transportConnect?(address: unknown): Promise<void>
}

/** Thin's connection implementation (conn._impl): its network session, and its protocol's read buffer. */
interface ThinImpl {
  nscon?: NetworkSession
  _protocol?: { readBuf?: DateReader }
}

/** The read buffer's date decoding (lib/impl/datahandlers/buffer.js). */
interface DateReader {
  readOracleDate(useLocalTime: boolean, useDbTz?: boolean): Date | null
  parseOracleDate(buf: Buffer, useLocalTime?: boolean, useDbTz?: boolean): Date
}

/** The node-oracledb version loaded, for messages. */
const driverVersion = () => (oracledb as unknown as { versionString?: string }).versionString ?? 'an unknown version'

const implOf = (conn: Connection) => (conn as unknown as { _impl?: ThinImpl })._impl

/**
 * Closes the socket at once, with no goodbye (the path may be dead): the network session's disconnect(NSFIMM), which
 * Thin runs itself on a fatal error; calls waiting on the connection then fail with NJS-500. Without it (another mode,
 * another version), the connection is closed politely in the background.
 */
export function destroyConnection(conn: Connection): void {
  const nscon = implOf(conn)?.nscon
  if (typeof nscon?.disconnect === 'function') {
    try {
      nscon.disconnect(NSFIMM)
      return
    } catch {
      // Already gone: nothing to close.
    }
  }
  conn.close().catch(() => {})
}

/** Why a connection cannot be used: Thin's internals are not those this adapter was verified against. */
export class UnsupportedDriverError extends Error {
  override readonly name = 'UnsupportedDriverError'
}

/** 0050-03-10 02:30:00 in Oracle's DATE bytes: century + 100, year + 100, month, day, hour + 1, minute + 1, second + 1. */
const PROBE = Buffer.from([100, 150, 3, 10, 3, 31, 1])
const PROBE_ISO = '0050-03-10T02:30:00.000Z'

/** Connections whose read buffer already decodes dates exactly (decodeDatesExactly is idempotent). */
const exact = new WeakSet<object>()

/**
 * Makes the connection decode DATE and TIMESTAMP values (query columns and out-binds alike) as Dates whose UTC fields
 * are the stored wall clock, exactly, whatever the process's time zone and whatever the year. TIMESTAMP WITH TIME ZONE
 * and WITH LOCAL TIME ZONE keep Thin's own decoding (they already are instants). Only this connection's read buffer
 * changes; other users of node-oracledb in the process are not affected. Throws UnsupportedDriverError when the
 * connection is not a node-oracledb 26 Thin connection whose decoder behaves as verified.
 */
export function decodeDatesExactly(conn: Connection): void {
  const readBuf = implOf(conn)?._protocol?.readBuf
  if (readBuf && exact.has(readBuf)) return
  const refuse = (why: string) =>
    new UnsupportedDriverError(
      `@prisma-pool/oracle cannot read DATE and TIMESTAMP values exactly on this connection: ${why}. It is built for ` +
        `node-oracledb 26.0.0 in Thin mode (the version its package.json names; this process has ${driverVersion()}): install that version, and do not call ` +
        'oracledb.initOracleClient() (Thick mode) in this process.',
    )
  if (!readBuf || typeof readBuf.readOracleDate !== 'function' || typeof readBuf.parseOracleDate !== 'function') {
    throw refuse("node-oracledb's Thin read buffer (conn._impl._protocol.readBuf) is not there")
  }
  let probe: unknown
  try {
    probe = readBuf.parseOracleDate(PROBE, false, false)
  } catch (error) {
    throw refuse(`its decoder failed on a test value (${String(error)})`)
  }
  if (!(probe instanceof Date) || Number.isNaN(probe.getTime()) || probe.toISOString() !== PROBE_ISO) {
    throw refuse('its decoder does not read a test value as verified')
  }
  const decode = readBuf.readOracleDate
  // Thin calls readOracleDate(true) for DATE and TIMESTAMP (lib/thin/protocol/messages/withData.js processColumnData),
  // (false, true) for WITH LOCAL TIME ZONE and (false) for WITH TIME ZONE: only the first changes.
  readBuf.readOracleDate = function (this: DateReader, _useLocalTime: boolean, useDbTz = false) {
    return decode.call(this, false, useDbTz)
  }
  exact.add(readBuf)
}

/** A connect being watched: the Thin connection it makes, once known, and whether it was given up. */
interface WatchedConnect {
  impl: ThinImpl | undefined
  givenUp: Error | undefined
}

const watched = new AsyncLocalStorage<WatchedConnect>()
let wrapped = false

/**
 * Wraps ThinConnectionImpl.prototype.connect, once, so that a connect started inside `watched.run` tells its watcher
 * which connection it is. Connects of other code in the process (no watcher) run exactly as before.
 */
function wrapThinConnect(): void {
  if (wrapped) return
  wrapped = true
  const proto = (ThinConnectionImpl as unknown as { prototype?: { connect?: (params: unknown) => Promise<void> } } | undefined)?.prototype
  const connect = proto?.connect
  if (!proto || typeof connect !== 'function') return
  proto.connect = function (this: ThinImpl, params: unknown) {
    const watch = watched.getStore()
    if (!watch) return connect.call(this, params)
    if (watch.givenUp) return Promise.reject(watch.givenUp)
    watch.impl = this
    const connecting = connect.call(this, params)
    // Given up while connect() was starting (it creates its network session before its first await): cut it off now.
    if (watch.givenUp) cutOff(this, watch.givenUp)
    return connecting
  }
}

/** Ends a connect under way: its socket destroyed, whatever stage it is at, and no other address tried after it. */
function cutOff(impl: ThinImpl, reason: Error): void {
  const nscon = impl.nscon
  if (!nscon) return
  // connect1 tries the connect string's next address (or retries) after a failure: there must be none.
  nscon.transportConnect = () => Promise.reject(reason)
  try {
    if (nscon.connected && typeof nscon.disconnect === 'function') {
      // Past the NS handshake (authenticating): the network session's own immediate close.
      nscon.disconnect(NSFIMM)
    } else {
      // Still connecting: the transport's socket, destroyed with an error so that the waiting connect ends now.
      const adapter = nscon.ntAdapter
      adapter?.stream?.destroy(reason)
      adapter?.disconnect?.(NSFIMM)
    }
  } catch {
    // Already closed.
  }
}

/**
 * Starts a connect (`start`, which calls oracledb.getConnection) watched from its first step. `giveUp()` ends it: the
 * socket it has opened, if any, is destroyed at once and it opens no other. A connect that does not go through Thin's
 * ThinConnectionImpl (a test's fake, Thick mode) is simply not cut off: its late connection is the caller's to close.
 */
export function watchedConnect<T>(start: () => Promise<T>): { attempt: Promise<T>; giveUp(reason: Error): void } {
  wrapThinConnect()
  const watch: WatchedConnect = { impl: undefined, givenUp: undefined }
  const attempt = watched.run(watch, start)
  return {
    attempt,
    giveUp(reason) {
      if (watch.givenUp) return
      watch.givenUp = reason
      if (watch.impl) cutOff(watch.impl, reason)
    },
  }
}

