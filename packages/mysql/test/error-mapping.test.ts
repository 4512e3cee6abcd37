// Which driver errors become which Prisma kinds, and which of them end the connection (and how widely).
import { describe, expect, test } from 'vitest'
import { convertMySqlError, mySqlConnectionLoss } from '../src/errors.js'

const server = (errno: number, sqlMessage: string, fatal = false) =>
  Object.assign(new Error(sqlMessage), { errno, code: 'ER', sqlState: 'HY000', sqlMessage, fatal })
const socket = (code: string) => Object.assign(new Error(`connect ${code} 10.0.0.1:3306`), { code, errno: -111, syscall: 'connect', address: '10.0.0.1', port: 3306, fatal: true })

describe('convertMySqlError', () => {
  test.each([
    [server(1045, "Access denied for user 'app'@'10.0.0.2' (using password: YES)"), { kind: 'AuthenticationFailed', user: 'app' }],
    [server(1698, "Access denied for user 'app'@'10.0.0.2'"), { kind: 'AuthenticationFailed', user: 'app' }],
    [server(1044, "Access denied for user 'app'@'%' to database 'shop'"), { kind: 'DatabaseAccessDenied', db: 'shop' }],
    [server(1062, "Duplicate entry 'a@b' for key 'User.User_email_key'"), { kind: 'UniqueConstraintViolation', constraint: { index: 'User_email_key' }, table: 'User' }],
    [
      server(1452, 'Cannot add or update a child row: a foreign key constraint fails (`t`.`Post`, CONSTRAINT `fk` FOREIGN KEY (`authorId`, `tenant`) REFERENCES `User` (`id`, `tenant`))'),
      { kind: 'ForeignKeyConstraintViolation', constraint: { fields: ['authorId', 'tenant'] } },
    ],
    // The duplicate value itself may contain "for key '…'": the index is the last one.
    [server(1062, "Duplicate entry 'x' for key 'other' for key 'User_email_key'"), { kind: 'UniqueConstraintViolation', constraint: { index: 'User_email_key' } }],
    [server(1969, 'Query execution was interrupted (max_statement_time exceeded)'), { kind: 'SocketTimeout' }],
    [server(3024, 'Query execution was interrupted, maximum statement execution time exceeded'), { kind: 'SocketTimeout' }],
    [server(1040, 'Too many connections'), { kind: 'TooManyConnections', cause: 'Too many connections' }],
    [server(1226, "User 'app' has exceeded the 'max_user_connections' resource (current value: 2)"), { kind: 'TooManyConnections' }],
    [server(4031, 'The client was disconnected by the server because of inactivity.'), { kind: 'ConnectionClosed' }],
    [server(2013, 'Lost connection to MySQL server during query'), { kind: 'ConnectionClosed' }],
    [server(1317, 'Query execution was interrupted'), { kind: 'mysql', code: 1317 }],
    [socket('ECONNREFUSED'), { kind: 'DatabaseNotReachable', host: '10.0.0.1', port: 3306 }],
    [Object.assign(new Error('Connection lost: The server closed the connection.'), { code: 'PROTOCOL_CONNECTION_LOST', fatal: true }), { kind: 'ConnectionClosed' }],
    [Object.assign(new Error("Can't add new command when connection is in closed state"), { fatal: true }), { kind: 'ConnectionClosed' }],
    [Object.assign(new Error('Query inactivity timeout'), { code: 'PROTOCOL_SEQUENCE_TIMEOUT' }), { kind: 'SocketTimeout' }],
    [Object.assign(new Error('Server does not support secure connection'), { code: 'HANDSHAKE_NO_SSL_SUPPORT' }), { kind: 'TlsConnectionError' }],
  ])('%s', (error, kind) => {
    expect(convertMySqlError(error)).toMatchObject(kind)
  })

  test('errors that are not the driver’s pass unchanged', () => {
    expect(convertMySqlError(new TypeError('x'))).toBeUndefined()
  })
})

describe('mySqlConnectionLoss', () => {
  test.each([
    [server(1927, 'Connection was killed', true), 'connection'],
    [server(4031, 'The client was disconnected by the server because of inactivity.', true), 'connection'],
    [server(2006, 'MySQL server has gone away'), 'server'],
    [server(1053, 'Server shutdown in progress', true), 'server'],
    [socket('ECONNRESET'), 'server'],
    [Object.assign(new Error('Query inactivity timeout'), { code: 'PROTOCOL_SEQUENCE_TIMEOUT' }), 'connection'],
    [server(1062, "Duplicate entry 'x' for key 'k'"), undefined],
    [server(1213, 'Deadlock found when trying to get lock'), undefined],
  ])('%s: %s', (error, loss) => {
    expect(mySqlConnectionLoss(error)).toBe(loss)
  })
})
