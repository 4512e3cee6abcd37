// Run in a child process under a given TZ (conversion.test.ts): node-oracledb Thin's own decoding of DATE, TIMESTAMP and
// TIMESTAMP WITH TIME ZONE bytes — its real read buffer (lib/thin/protocol/packet.js ReadPacket) and its real column
// decoder (lib/thin/protocol/messages/withData.js processColumnData, which picks the decoding by the column's type) —
// on a connection as Thin leaves it and on one set up by the engine (decodeDatesExactly), read as the engine reads
// them. Prints one JSON object: { zone, cases: [{ name, engine, localFields? }] }.
import { createRequire } from 'node:module'
import oracledb, { type Connection, type DbType } from 'oracledb'
import { fetchedColumn, returningColumn } from '../../src/conversion.js'
import { decodeDatesExactly } from '../../src/thin.js'

const require = createRequire(import.meta.url)
const { ReadPacket } = require('oracledb/lib/thin/protocol/packet.js') as { ReadPacket: new (nsi: unknown, caps: unknown) => ReadBuffer }
const MessageWithData = require('oracledb/lib/thin/protocol/messages/withData.js') as {
  prototype: { processColumnData(this: object, buf: ReadBuffer, variable: { type: DbType; maxSize: number }): unknown }
}

interface ReadBuffer {
  buf: Buffer
  pos: number
  size: number
}

/** Oracle's DATE bytes (and TIMESTAMP's, with nanoseconds): century + 100, year + 100, month, day, hour + 1, minute + 1, second + 1. */
function oracleDate(year: number, month: number, day: number, hour: number, minute: number, second = 0, nanos?: number): Buffer {
  const bytes = [Math.trunc(year / 100) + 100, (year % 100) + 100, month, day, hour + 1, minute + 1, second + 1]
  if (nanos === undefined) return Buffer.from(bytes)
  const fraction = Buffer.alloc(4)
  fraction.writeUInt32BE(nanos)
  return Buffer.concat([Buffer.from(bytes), fraction])
}

/** TIMESTAMP WITH TIME ZONE bytes as the server sends them: the UTC fields, then the zone (UTC: hour 20, minute 60). */
const oracleTimestampTz = (...fields: Parameters<typeof oracleDate>) => Buffer.concat([oracleDate(...fields), Buffer.from([20, 60])])

/** One value through Thin's column decoder: a query column (inFetch), or an out-bind (followed by its length check). */
function decode(readBuf: ReadBuffer, type: DbType, bytes: Buffer, outBind: boolean): unknown {
  const wire = Buffer.concat([Buffer.from([bytes.length]), bytes, outBind ? Buffer.from([0]) : Buffer.alloc(0)])
  readBuf.buf = wire
  readBuf.size = wire.length
  readBuf.pos = 0
  const message = { inFetch: !outBind, saveDeferredErr: () => {} }
  return MessageWithData.prototype.processColumnData.call(message, readBuf, { type, maxSize: bytes.length })
}

const asConnection = (readBuf: ReadBuffer) => ({ _impl: { _protocol: { readBuf } } }) as unknown as Connection

const thin = new ReadPacket(undefined, {})
const engine = new ReadPacket(undefined, {})
decodeDatesExactly(asConnection(engine))

const query = (type: DbType) => fetchedColumn({ name: 'c', dbType: type })
const pad = (n: number, width = 2) => String(n).padStart(width, '0')
/** What reading Thin's own Date back by its local fields gives (the engine's former way): the fields Thin passed to new Date(). */
const localFields = (value: unknown) => {
  const d = value as Date
  return `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}+00:00`
}
const cases = [
  { name: 'DATE 0050-06-15 12:00:00', type: oracledb.DB_TYPE_DATE, bytes: oracleDate(50, 6, 15, 12, 0) },
  { name: 'DATE 1999-12-31 23:59:59', type: oracledb.DB_TYPE_DATE, bytes: oracleDate(1999, 12, 31, 23, 59, 59) },
  { name: 'TIMESTAMP 2024-03-10 02:30:00.123', type: oracledb.DB_TYPE_TIMESTAMP, bytes: oracleDate(2024, 3, 10, 2, 30, 0, 123_000_000) },
  { name: 'DATE 2018-11-04 00:30:00', type: oracledb.DB_TYPE_DATE, bytes: oracleDate(2018, 11, 4, 0, 30) },
  { name: 'TIMESTAMP 0001-01-01 00:00:00.000', type: oracledb.DB_TYPE_TIMESTAMP, bytes: oracleDate(1, 1, 1, 0, 0, 0, 0) },
].map(({ name, type, bytes }): { name: string; engine: unknown; localFields?: string } => ({
  name,
  localFields: localFields(decode(thin, type, bytes, false)),
  engine: query(type).read(decode(engine, type, bytes, false)),
}))

// A RETURNING's out-bind of a DATE or TIMESTAMP column: TIMESTAMP WITH TIME ZONE, which Thin decodes as the instant.
const outBind = returningColumn({ name: 'c', dataType: 'DATE', dataLength: 7, charLength: 0, precision: null, scale: null }, false)
for (const [name, bytes] of [
  ['out-bind 0050-06-15 12:00:00', oracleTimestampTz(50, 6, 15, 12, 0, 0, 0)],
  ['out-bind 2024-03-10 02:30:00.123', oracleTimestampTz(2024, 3, 10, 2, 30, 0, 123_000_000)],
] as const) {
  // Thin decodes TIMESTAMP WITH TIME ZONE without the local time zone: the connection's decoder changes nothing there.
  const plain = outBind.read(decode(thin, outBind.outBind.type!, bytes, true))
  const engineRead = outBind.read(decode(engine, outBind.outBind.type!, bytes, true))
  cases.push({ name, engine: plain === engineRead ? engineRead : { plain, engine: engineRead } })
}

process.stdout.write(JSON.stringify({ zone: Intl.DateTimeFormat().resolvedOptions().timeZone, cases }))
