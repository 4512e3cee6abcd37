// Oracle's errors in Prisma's kinds: the driver-free table (src/oracle-errors.ts, shared with @prisma-pool/jdbc) with
// the messages Oracle 19c and 23ai write, and node-oracledb's error objects (src/errors.ts).
import { describe, expect, test } from 'vitest'
import { codeOf, convertOracleDbError, oracleDbConnectionLoss } from '../src/errors.js'
import { convertOracleError, oracleCode, oracleConnectionLoss, oraNumber } from '../src/oracle-errors.js'
import { UntranslatableError } from '../src/plan.js'
import { batchError, njsError, oraError } from './fake-oracledb.js'

const convert = (num: number, text: string) => convertOracleDbError(oraError(num, text))

describe('server errors (ORA-)', () => {
  test('unique violation: the constraint, or 23ai\'s table and columns', () => {
    expect(convert(1, 'unique constraint (APP.User_email_key) violated')).toMatchObject({
      kind: 'UniqueConstraintViolation',
      constraint: { index: 'User_email_key' },
      originalCode: 'ORA-00001',
      originalMessage: expect.stringContaining('ORA-00001: unique constraint (APP.User_email_key) violated'),
    })
    expect(convert(1, 'unique constraint (APP.Membership_pkey) violated on table APP.Membership columns ("userId", "groupId")')).toMatchObject({
      kind: 'UniqueConstraintViolation',
      constraint: { fields: ['userId', 'groupId'] },
      table: 'Membership',
    })
  })

  test('foreign keys, both ways', () => {
    expect(convert(2291, 'integrity constraint (APP.Post_authorId_fkey) violated - parent key not found')).toMatchObject({
      kind: 'ForeignKeyConstraintViolation',
      constraint: { index: 'Post_authorId_fkey' },
    })
    expect(convert(2292, 'integrity constraint (APP.Post_authorId_fkey) violated - child record found')).toMatchObject({
      kind: 'ForeignKeyConstraintViolation',
      constraint: { index: 'Post_authorId_fkey' },
    })
  })

  test('NULL into NOT NULL, too long, out of range, not a number', () => {
    expect(convert(1400, 'cannot insert NULL into ("APP"."User"."name")')).toMatchObject({ kind: 'NullConstraintViolation', constraint: { fields: ['name'] } })
    expect(convert(1407, 'cannot update ("APP"."User"."name") to NULL')).toMatchObject({ kind: 'NullConstraintViolation', constraint: { fields: ['name'] } })
    expect(convert(12899, 'value too large for column "APP"."User"."email" (actual: 41, maximum: 40)')).toMatchObject({ kind: 'LengthMismatch', column: 'email' })
    expect(convert(1438, 'value larger than specified precision allowed for this column')).toMatchObject({ kind: 'ValueOutOfRange' })
    expect(convert(1722, 'invalid number')).toMatchObject({ kind: 'InvalidInputValue' })
  })

  test('missing tables and columns (19c writes no name for a table, 23ai does)', () => {
    expect(convert(942, 'table or view does not exist')).toEqual(expect.objectContaining({ kind: 'TableDoesNotExist' }))
    expect(convert(942, 'table or view "APP"."Nope" does not exist')).toMatchObject({ kind: 'TableDoesNotExist', table: 'Nope' })
    expect(convert(904, '"NOPE": invalid identifier')).toMatchObject({ kind: 'ColumnNotFound', column: 'NOPE' })
    expect(convert(904, '"User"."nope": invalid identifier')).toMatchObject({ kind: 'ColumnNotFound', column: 'nope' })
  })

  test('deadlock and serialization failure are write conflicts (P2034)', () => {
    expect(convert(60, 'deadlock detected while waiting for resource')).toMatchObject({ kind: 'TransactionWriteConflict' })
    expect(convert(8177, "can't serialize access for this transaction")).toMatchObject({ kind: 'TransactionWriteConflict' })
  })

  test('credentials: AuthenticationFailed, never a password in it', () => {
    const mapped = convert(1017, 'invalid credential or not authorized; logon denied')
    expect(mapped).toMatchObject({ kind: 'AuthenticationFailed', originalCode: 'ORA-01017' })
    expect(convert(28000, 'The account is locked.')).toMatchObject({ kind: 'AuthenticationFailed' })
    expect(convert(1045, 'user APP lacks CREATE SESSION privilege; logon denied')).toMatchObject({ kind: 'DatabaseAccessDenied' })
  })

  test('a full server: too many sessions or processes, or a profile\'s SESSIONS_PER_USER (the core\'s server-full handling)', () => {
    expect(convert(18, 'maximum number of sessions exceeded')).toMatchObject({ kind: 'TooManyConnections', cause: expect.stringContaining('ORA-00018') })
    expect(convert(20, 'maximum number of processes (300) exceeded')).toMatchObject({ kind: 'TooManyConnections' })
    expect(convert(2391, 'exceeded simultaneous SESSIONS_PER_USER limit')).toMatchObject({ kind: 'TooManyConnections' })
  })

  test('a lost session: ConnectionClosed, and whether every session is suspect', () => {
    for (const [num, text, loss] of [
      [3113, 'end-of-file on communication channel', 'server'],
      [3114, 'not connected to ORACLE', 'server'],
      [3135, 'connection lost contact', 'server'],
      [1092, 'ORACLE instance terminated. Disconnection forced', 'server'],
      [28, 'your session has been killed', 'connection'],
      [2396, 'exceeded maximum idle time, please connect again', 'connection'],
    ] as const) {
      expect(convert(num, text)).toMatchObject({ kind: 'ConnectionClosed' })
      expect(oracleDbConnectionLoss(oraError(num, text))).toBe(loss)
    }
    expect(convert(1033, 'ORACLE initialization or shutdown in progress')).toMatchObject({ kind: 'DatabaseNotReachable' })
  })

  test("server errors Thin rewrites to NJS-500 (keeping errorNum) are classified by their ORA number: Thin closed this connection", () => {
    // As node-oracledb Thin makes them (lib/errors.js transformErr, adjustErrorXref): code NJS-500, errorNum kept.
    const closed = (num: number, text: string) =>
      Object.assign(new Error(`NJS-500: connection to Oracle Database was closed or broken\nORA-${String(num).padStart(5, '0')}: ${text}`), { code: 'NJS-500', errorNum: num })
    for (const [num, text] of [
      [28, 'your session has been killed'],
      [31, 'session marked for kill'],
      [1012, 'not logged on'],
      [2396, 'exceeded maximum idle time, please connect again'],
      [603, 'ORACLE server session terminated by fatal error'],
      [600, 'internal error code, arguments: [kghfrf1], [], [], [], [], [], [], []'],
    ] as const) {
      const error = closed(num, text)
      expect(codeOf(error)).toBe(oracleCode(num))
      expect(convertOracleDbError(error)).toMatchObject({ kind: 'ConnectionClosed', originalCode: oracleCode(num) })
      // This session alone: the pool must not drop the others.
      expect(oracleDbConnectionLoss(error)).toBe('connection')
    }
    // Those that say the server went away still do.
    expect(oracleDbConnectionLoss(closed(3113, 'end-of-file on communication channel'))).toBe('server')
    expect(oracleDbConnectionLoss(closed(1092, 'ORACLE instance terminated. Disconnection forced'))).toBe('server')
    // Thin's own NJS-500 (no server number): the path to the server broke.
    expect(oracleDbConnectionLoss(njsError(500, 'connection to Oracle Database was closed or broken'))).toBe('server')
  })

  test('a cancelled statement (ORA-01013) is the statement\'s failure, not the connection\'s', () => {
    const error = oraError(1013, 'user requested cancel of current operation')
    expect(convertOracleDbError(error)).toMatchObject({ kind: 'postgres', code: 'ORA-01013', severity: 'ERROR', message: expect.stringContaining('cancel') })
    expect(oracleDbConnectionLoss(error)).toBeUndefined()
  })

  test('other server errors keep their code and message for Prisma\'s P2010 / P2039', () => {
    expect(convert(1476, 'divisor is equal to zero')).toMatchObject({ kind: 'postgres', code: 'ORA-01476', originalCode: 'ORA-01476' })
    expect(oracleDbConnectionLoss(oraError(1476, 'divisor is equal to zero'))).toBeUndefined()
    expect(oracleDbConnectionLoss(oraError(1, 'unique constraint (A.B) violated'))).toBeUndefined()
  })
})

describe("node-oracledb's own errors (NJS-)", () => {
  test('no listener: DatabaseNotReachable at its host and port', () => {
    const error = njsError(503, 'connection to host 10.0.0.5 port 1522 could not be established. (CONNECTION_ID=x)\nconnect ECONNREFUSED 10.0.0.5:1522')
    expect(convertOracleDbError(error)).toMatchObject({ kind: 'DatabaseNotReachable', host: '10.0.0.5', port: 1522, originalCode: 'NJS-503' })
    expect(oracleDbConnectionLoss(error)).toBe('server')
    expect(convertOracleDbError(njsError(510, 'connection to host db port 1521 timed out. Request exceeded "connectTimeout" of 5 seconds.'))).toMatchObject({
      kind: 'DatabaseNotReachable',
      host: 'db',
      port: 1521,
    })
    expect(convertOracleDbError(njsError(530, 'The host addresses or URLs provided by the connect string are incorrect or unresolvable in your network.'))).toMatchObject({
      kind: 'DatabaseNotReachable',
    })
  })

  test('the listener refusing: a full instance (ORA-12516/12519/12520) or one not taking sessions now', () => {
    for (const cause of [12516, 12519, 12520]) {
      const error = njsError(511, `connection to listener at host db port 1521 was refused. (CONNECTION_ID=x)\nCause: ORA-${cause}`)
      expect(convertOracleDbError(error)).toMatchObject({ kind: 'TooManyConnections', cause: expect.stringContaining(`ORA-${cause}`) })
    }
    expect(convertOracleDbError(njsError(511, 'connection to listener at host db port 1521 was refused. (CONNECTION_ID=x)\nCause: ORA-12528'))).toMatchObject({
      kind: 'DatabaseNotReachable',
      host: 'db',
    })
  })

  test('an unknown service or SID: DatabaseDoesNotExist, naming it', () => {
    expect(convertOracleDbError(njsError(518, 'cannot connect to Oracle Database. Service "NOPE" is not registered with the listener at host db port 1521. (CONNECTION_ID=x)'))).toMatchObject({
      kind: 'DatabaseDoesNotExist',
      db: 'NOPE',
    })
    expect(convertOracleDbError(njsError(519, 'cannot connect to Oracle Database. SID "ORCL" is not registered with the listener at host db port 1521. (CONNECTION_ID=x)'))).toMatchObject({
      kind: 'DatabaseDoesNotExist',
      db: 'ORCL',
    })
  })

  test('a closed or broken connection: ConnectionClosed; closed here, only this connection is lost', () => {
    const broken = njsError(500, 'connection to Oracle Database was closed or broken\nNJS-521: connection to host db port 1521 received end-of-file on communication channel.')
    expect(convertOracleDbError(broken)).toMatchObject({ kind: 'ConnectionClosed' })
    expect(oracleDbConnectionLoss(broken)).toBe('server')
    expect(convertOracleDbError(njsError(501, 'connection to host db port 1521 terminated unexpectedly.'))).toMatchObject({ kind: 'ConnectionClosed' })
    const closed = njsError(3, 'invalid or closed connection')
    expect(convertOracleDbError(closed)).toMatchObject({ kind: 'ConnectionClosed' })
    expect(oracleDbConnectionLoss(closed)).toBe('connection')
  })

  test('TLS failures say what to set', () => {
    expect(convertOracleDbError(njsError(507, 'TLS detected an invalid certificate. Server DN in certificate does not match the specified DN'))).toMatchObject({
      kind: 'TlsConnectionError',
      reason: expect.stringContaining('sslServerCertDN'),
    })
  })

  test('a usage error of the driver is left as it is', () => {
    expect(convertOracleDbError(njsError(4, 'invalid value for property "x"'))).toBeUndefined()
    expect(convertOracleDbError(new Error('something else'))).toBeUndefined()
  })
})

describe('the shapes errors come in', () => {
  test('a batch error carries only its message (and offset): its code is read from the message', () => {
    const error = batchError(3, 1, 'unique constraint (APP.Tag_name_key) violated')
    expect(codeOf(error)).toBe('ORA-00001')
    expect(convertOracleDbError(error)).toMatchObject({ kind: 'UniqueConstraintViolation' })
  })

  test('ojdbc\'s form for @prisma-pool/jdbc: the error code as a number, the message as ojdbc writes it', () => {
    expect(convertOracleError(1, 'ORA-00001: unique constraint (APP.User_email_key) violated')).toMatchObject({ kind: 'UniqueConstraintViolation', originalCode: 'ORA-00001' })
    expect(convertOracleError(12514, 'Listener refused the connection with the following error:\nORA-12514, TNS:listener does not currently know of service requested')).toEqual(
      expect.objectContaining({ kind: 'DatabaseDoesNotExist', db: undefined }),
    )
    expect(convertOracleError(12514, 'ORA-12514: Cannot connect to database. Service FREEPDB2 is not registered with the listener at host 10.0.0.5 port 1521.')).toMatchObject({
      kind: 'DatabaseDoesNotExist',
      db: 'FREEPDB2',
    })
    expect(oracleConnectionLoss(3113)).toBe('server')
    expect(oracleCode(942)).toBe('ORA-00942')
    expect(oraNumber('NJS-511', 'Cause: ORA-12516')).toBe(12516)
  })

  test('a Node socket error, should one come through', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1521'), { code: 'ECONNREFUSED', syscall: 'connect', address: '127.0.0.1', port: 1521 })
    expect(convertOracleDbError(refused)).toMatchObject({ kind: 'DatabaseNotReachable', host: '127.0.0.1', port: 1521 })
  })

  test('a statement the translator refuses is feature_not_supported (0A000) with its reason', () => {
    const refused = new UntranslatableError('DISTINCT ON is not supported on Oracle: …')
    expect(convertOracleDbError(refused)).toMatchObject({ kind: 'postgres', code: '0A000', message: refused.message, originalCode: '0A000' })
    expect(oracleDbConnectionLoss(refused)).toBeUndefined()
  })
})
