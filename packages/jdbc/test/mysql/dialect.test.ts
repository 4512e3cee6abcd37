// What is particular to PrismaPoolJdbc's MySQL dialect (MariaDB Connector/J 2.7), beyond the Prisma-level scenarios
// of packages/mysql that the other files here run on the JDBC route: how arguments are bound and cells read, the
// properties every connection gets, lastInsertId through generated keys, the worker tag in the connection attributes,
// and the errors of a real server in Prisma's codes.
import { PrismaPoolJdbc, type PrismaPoolJdbcOptions } from '@prisma-pool/jdbc'
import { splitStatements } from '@prisma-pool/mysql/dialect'
import { ColumnTypeEnum as C, type SqlDriverAdapter } from '@prisma/driver-adapter-utils'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { knownError } from '../../../../test-support/compare.js'
import { jdbcOptionsFromMySql } from '../../../../test-support/jdbc/mysql.js'
import { closedPort } from '../../../../test-support/net.js'
import { PrismaClient } from '../../../mysql/test/generated/prisma/client.js'
import { createTestDatabase, sql, uniqueName, urlOf } from '../../../mysql/test/helpers.js'
import type { JdbcError } from '../../src/dialect.js'
import { mysqlDialect, plainDecimal, serverMessage } from '../../src/dialects/mysql.js'

const PASSWORD = 'sekret-pw'
const arg = (scalarType: string, dbType?: string) => ({ scalarType, dbType, arity: 'scalar' }) as never
const jdbcError = (vendorCode: number, message: string, sqlState = 'HY000', causes: string[] = []): JdbcError => ({
  className: 'java.sql.SQLException',
  sqlState,
  vendorCode,
  message,
  fields: {},
  causes,
})

describe('arguments', () => {
  const bind = mysqlDialect.bind!
  test.each([
    ['a raw query’s number that fits an INT', 42, arg('decimal'), ['I', '42']],
    ['a raw query’s safe integer past INT', 2 ** 40, arg('decimal'), ['L', '1099511627776']],
    ['a raw query’s fraction', 1.5, arg('decimal'), ['D', '1.5']],
    ['a raw query’s integer past 2^53 (a double)', 2 ** 60, arg('decimal'), ['D', '1152921504606847000']],
    ['a BigInt', '9007199254740993', arg('bigint'), ['L', '9007199254740993']],
    ['an unsigned BIGINT past 2^63, as a DECIMAL', '18446744073709551615', arg('bigint'), ['M', '18446744073709551615']],
    ['a Decimal, exact', '-0.000000000000000000000000000001', arg('decimal'), ['M', '-0.000000000000000000000000000001']],
    ['a Float field (a decimal typed DOUBLE)', '1.5', arg('decimal', 'DOUBLE'), ['D', '1.5']],
    ['a boolean', true, arg('boolean'), ['B', '1']],
    ['a DATE, in UTC', new Date('2024-02-29T23:30:00.000Z'), arg('datetime', 'DATE'), ['S', '2024-02-29']],
    ['a TIME', '1970-01-01T13:14:15.678Z', arg('datetime', 'TIME'), ['S', '13:14:15.678']],
    ['a DATETIME', new Date('2024-02-29T23:59:59.123Z'), arg('datetime'), ['S', '2024-02-29 23:59:59.123']],
    ['bytes (base64)', 'AP8=', arg('bytes'), ['Y', 'AP8=']],
    ['a Uint8Array', Uint8Array.from([0, 255]), arg('unknown'), ['Y', 'AP8=']],
    ['JSON', { a: [1] }, arg('unknown'), ['S', '{"a":[1]}']],
    ['null', null, arg('string'), null],
  ])('%s', (_, value, type, bound) => {
    expect(bind(value, type)).toEqual(bound)
  })

  test('numbers MySQL cannot take and integers past BIGINT are InvalidInputValue, as with mysql2', () => {
    expect(() => bind(Number.POSITIVE_INFINITY, arg('decimal'))).toThrow(expect.objectContaining({ cause: expect.objectContaining({ kind: 'InvalidInputValue' }) }))
    expect(() => bind('18446744073709551616', arg('bigint'))).toThrow(expect.objectContaining({ cause: expect.objectContaining({ kind: 'InvalidInputValue' }) }))
  })
})

describe('cells', () => {
  const read = (typeName: string, jdbcType: number, cell: string, name = 'c') => {
    const reader = mysqlDialect.column({ name, typeName, jdbcType, typeId: -1 })
    return { type: reader.type, value: reader.read(cell) }
  }

  test('Connector/J’s DECIMAL text with an exponent is the server’s plain text', () => {
    expect(['-1E-30', '0E-30', '1.5E+3', '12.5E-1', '12345.678'].map(plainDecimal)).toEqual([
      '-0.000000000000000000000000000001',
      '0.000000000000000000000000000000',
      '1500',
      '1.25',
      '12345.678',
    ])
  })

  test('by type name, whatever the JDBC type the driver options make of it', () => {
    // TINYINT(1) is a BIT with tinyInt1isBit, YEAR a DATE with yearIsDateType: both are numbers.
    expect(read('TINYINT', -7, '5')).toEqual({ type: C.Int32, value: 5 })
    expect(read('YEAR', 91, '2024-01-01')).toEqual({ type: C.Int32, value: 2024 })
    expect(read('INTEGER UNSIGNED', 4, '4294967295')).toEqual({ type: C.Int64, value: '4294967295' })
    // BIT(1) is the one BIT read as a number: its one byte, as mysql2 gives it.
    expect(read('BIT', -7, '1').value).toEqual(Uint8Array.of(1))
    expect(read('DATETIME', 93, '2024-02-29 23:59:59.123')).toEqual({ type: C.DateTime, value: '2024-02-29T23:59:59.123+00:00' })
  })

  test('a zero date is refused with P2020, naming the column (the Java helper passes the server’s text on)', () => {
    expect(() => read('DATE', 91, '2024-00-10', 'born')).toThrow(
      expect.objectContaining({ cause: expect.objectContaining({ kind: 'ValueOutOfRange', cause: expect.stringContaining('The column `born` contained an invalid datetime value') }) }),
    )
  })

  test('a type Prisma cannot read is UnsupportedNativeDataType, by its name', () => {
    expect(() => read('VECTOR', 1111, 'x')).toThrow(expect.objectContaining({ cause: { kind: 'UnsupportedNativeDataType', type: 'VECTOR' } }))
  })
})

describe('errors', () => {
  test('the server’s message without what Connector/J puts before it', () => {
    expect(serverMessage("(conn=14) Duplicate entry 'a' for key 'e'")).toBe("Duplicate entry 'a' for key 'e'")
    expect(serverMessage("Could not connect to address=(host=127.0.0.1)(port=3306)(type=master) : (conn=12) Unknown database 'nope'")).toBe("Unknown database 'nope'")
  })

  test.each([
    [1062, "(conn=3) Duplicate entry 'a@b' for key 'User_email_key'", { kind: 'UniqueConstraintViolation', constraint: { index: 'User_email_key' } }],
    [1452, '(conn=3) Cannot add or update a child row: a foreign key constraint fails (`t`.`Post`, CONSTRAINT `fk` FOREIGN KEY (`authorId`) REFERENCES `User` (`id`))', { kind: 'ForeignKeyConstraintViolation', constraint: { fields: ['authorId'] } }],
    [1048, "(conn=3) Column 'name' cannot be null", { kind: 'NullConstraintViolation', constraint: { fields: ['name'] } }],
    [1406, "(conn=3) Data too long for column 'email' at row 1", { kind: 'LengthMismatch', column: 'email' }],
    [1146, "(conn=3) Table 'db.Nope' doesn't exist", { kind: 'TableDoesNotExist', table: 'Nope' }],
    [1054, "(conn=3) Unknown column 'nope' in 'SELECT'", { kind: 'ColumnNotFound', column: 'nope' }],
    [1045, "Could not connect to address=(host=h)(port=1)(type=master) : (conn=3) Access denied for user 'app'@'10.0.0.2' (using password: YES)", { kind: 'AuthenticationFailed', user: 'app' }],
    [1213, '(conn=3) Deadlock found when trying to get lock; try restarting transaction', { kind: 'TransactionWriteConflict', originalCode: '1213' }],
    [1040, 'Could not connect to address=(host=h)(port=1)(type=master) : Too many connections', { kind: 'TooManyConnections' }],
  ])('server error %i', (errno, message, mapped) => {
    expect(mysqlDialect.convertError(jdbcError(errno, message))).toMatchObject({ originalCode: String(errno), originalMessage: serverMessage(message), ...mapped })
  })

  test('a refusal before the greeting (max_connections), which Connector/J 2.7 reads without its errno, by its words', () => {
    const full = jdbcError(-1, "Could not connect to HostAddress{host='127.0.0.1', port=3306, type='master'}. Too many connections", '08000', ['java.sql.SQLException'])
    expect(mysqlDialect.convertError(full)).toMatchObject({ kind: 'TooManyConnections', originalCode: '1040', originalMessage: 'Too many connections' })
  })

  test('a refused or unknown host is DatabaseNotReachable, with the address Connector/J names', () => {
    const refused = jdbcError(-1, 'Could not connect to address=(host=127.0.0.1)(port=1)(type=master) : Socket fail to connect to host:127.0.0.1, port:1. Connection refused', '08000', [
      'java.sql.SQLNonTransientConnectionException',
      'java.net.ConnectException',
    ])
    expect(mysqlDialect.convertError(refused)).toMatchObject({ kind: 'DatabaseNotReachable', host: '127.0.0.1', port: 1 })
  })

  test('which errors end the connection: a KILL of this session, a shutdown; not a constraint, nor a cancelled statement', () => {
    const loss = mysqlDialect.connectionLoss!
    expect(loss(jdbcError(1927, '(conn=3) Connection was killed', '70100'))).toBe('connection')
    expect(loss(jdbcError(1053, '(conn=3) Server shutdown in progress', '08S01'))).toBe('server')
    expect(loss(jdbcError(1053, '(conn=3) Server shutdown in progress'))).toBe('server')
    // Another connection exception of the server's: the generic rule (class 08: server).
    expect(loss(jdbcError(1153, "(conn=3) Got a packet bigger than 'max_allowed_packet' bytes", '08S01'))).toBeUndefined()
    // null: no loss, whatever the generic rule says of the exception's class (Connector/J's SQLTimeoutException for 1317).
    expect(loss(jdbcError(1062, "(conn=3) Duplicate entry 'x' for key 'k'", '23000'))).toBeNull()
    expect(loss({ ...jdbcError(1317, '(conn=3) Query execution was interrupted', '70100'), className: 'java.sql.SQLTimeoutException' })).toBeNull()
  })
})

describe('properties', () => {
  const properties = (given: Record<string, string> = {}, url = 'jdbc:mariadb://h/db') =>
    mysqlDialect.properties({ tag: 'app,x@host/42', connectTimeoutMs: 5000, url, given })

  test('the worker tag and application go first in connectionAttributes, the user’s after; UTC after the user’s sessionVariables', () => {
    expect(properties({ connectionAttributes: 'team:payments', sessionVariables: "sql_mode='ANSI'" }).fixed).toEqual({
      // Connector/J splits its attributes at commas: one in the tag becomes `_`.
      connectionAttributes: 'prisma_pool:app_x@host/42,program_name:app_x,team:payments',
      sessionVariables: "sql_mode='ANSI',time_zone='+00:00'",
      connectTimeout: '6000',
      useAffectedRows: 'false',
    })
    // Connector/J takes a property the URL sets when the properties do not: so do we.
    expect(properties({}, "jdbc:mariadb://h/db?sessionVariables=wait_timeout=60").fixed?.sessionVariables).toBe("wait_timeout=60,time_zone='+00:00'")
  })

  test.each([
    [{ sessionVariables: "time_zone='+01:00'" }, 'the sessionVariables property sets time_zone'],
    [{ connectionAttributes: 'program_name:mine' }, 'the connectionAttributes property sets program_name, which @prisma-pool/jdbc sets itself'],
    [{ useAffectedRows: 'true' }, 'useAffectedRows=true makes UPDATE report the rows it changed'],
  ])('%o is refused: the adapter’s results depend on it', (given, message) => {
    expect(() => properties(given)).toThrow(message)
  })

  test('useAffectedRows is refused in every spelling Connector/J reads as true, and fixed to false', () => {
    for (const value of ['TRUE', '1', '']) expect(() => properties({ useAffectedRows: value })).toThrow('useAffectedRows=true makes UPDATE report')
    for (const url of ['jdbc:mariadb://h/db?useAffectedRows', 'jdbc:mariadb://h/db?a=1&useAffectedRows=1']) {
      expect(() => properties({}, url)).toThrow('useAffectedRows=true makes UPDATE report')
    }
    expect(properties({ useAffectedRows: 'false' }).fixed?.useAffectedRows).toBe('false')
  })

  test('scripts are split at the semicolons that are SQL', () => {
    expect(splitStatements("CREATE TABLE a (s TEXT); INSERT INTO a VALUES ('x;y'), (\"-- ;\");\n-- a comment;\n# another;\n/* and ; */ SELECT `a;b` FROM a;;")).toEqual([
      'CREATE TABLE a (s TEXT)',
      "INSERT INTO a VALUES ('x;y'), (\"-- ;\")",
      '-- a comment;\n# another;\n/* and ; */ SELECT `a;b` FROM a',
    ])
  })
})

describe('against the server', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>
  const clients: PrismaClient[] = []
  const adapters: SqlDriverAdapter[] = []
  beforeAll(async () => {
    db = await createTestDatabase('jdbc_dialect')
  })
  afterAll(async () => {
    await Promise.allSettled([...clients.map((c) => c.$disconnect()), ...adapters.map((a) => a.dispose())])
    await db?.drop()
  })

  const factory = (extra: Partial<PrismaPoolJdbcOptions> = {}, url = db.url) => {
    const options = jdbcOptionsFromMySql({ connectionString: url, pool: { size: 2, maxOverflow: 0 } })
    return new PrismaPoolJdbc({ ...options, ...extra, properties: { ...options.properties, ...extra.properties } })
  }
  const client = (extra: Partial<PrismaPoolJdbcOptions> = {}, url = db.url) => {
    const adapter = factory(extra, url)
    const prisma = new PrismaClient({ adapter })
    clients.push(prisma)
    return { adapter, prisma }
  }
  const connect = async (extra: Partial<PrismaPoolJdbcOptions> = {}) => {
    const adapter = await factory(extra).connect()
    adapters.push(adapter)
    return adapter
  }
  const query = (sqlText: string, args: unknown[] = [], argTypes = args.map(() => arg('unknown'))) => ({ sql: sqlText, args, argTypes })

  test.each([false, true])('lastInsertId comes from the generated keys (useServerPrepStmts: %s); an INSERT that adds no row has none', async (prepared) => {
    const adapter = await connect({ properties: { useServerPrepStmts: String(prepared) } })
    const table = uniqueName('Ids')
    await adapter.executeRaw(query(`CREATE TABLE ${table} (id BIGINT UNSIGNED PRIMARY KEY AUTO_INCREMENT, name VARCHAR(20) UNIQUE)`))
    expect((await adapter.queryRaw(query(`INSERT INTO ${table} (name) VALUES (?)`, ['a']))).lastInsertId).toBe('1')
    // Several rows: the first one's id, as LAST_INSERT_ID() says.
    expect((await adapter.queryRaw(query(`INSERT INTO ${table} (name) VALUES (?), (?)`, ['b', 'c']))).lastInsertId).toBe('2')
    // mysql2 reports 0 here; Connector/J has no key to give.
    expect((await adapter.queryRaw(query(`INSERT IGNORE INTO ${table} (name) VALUES (?)`, ['a']))).lastInsertId).toBeUndefined()
  })

  test.each([false, true])('type surprises of Connector/J are read as mysql2 reads them (useServerPrepStmts: %s)', async (prepared) => {
    // The driver options that change getString() set by the user: the readers go by the type's name.
    const adapter = await connect({ properties: { useServerPrepStmts: String(prepared), tinyInt1isBit: 'true', yearIsDateType: 'true' } })
    const table = uniqueName('Surprises')
    await adapter.executeRaw(query(`CREATE TABLE ${table} (flag TINYINT(1), y YEAR, bit1 BIT(1), d DATE, dt DATETIME(6), tiny DECIMAL(65,30))`))
    await adapter.executeRaw(query(`INSERT INTO ${table} VALUES (1, 2024, b'1', '1582-10-10', '1582-10-10 12:00:00.000001', '-0.000000000000000000000000000001')`))
    const result = await adapter.queryRaw(query(`SELECT flag, y, bit1, d, dt, tiny, ? AS boolArg FROM ${table} WHERE 1 = ?`, [true, 1]))
    // A boolean argument is an integer column (MySQL's TRUE is 1): TINYINT over the binary protocol, INTEGER over the text one.
    expect(result.columnTypes).toEqual([C.Int32, C.Int32, C.Bytes, C.Date, C.DateTime, C.Numeric, C.Int32])
    expect(result.rows).toEqual([
      [
        1,
        2024,
        Uint8Array.of(1),
        // A day of 1582's calendar change is a valid MySQL date: Connector/J's getString() would give 1582-10-20.
        '1582-10-10',
        '1582-10-10T12:00:00.000001+00:00',
        '-0.000000000000000000000000000001',
        1,
      ],
    ])
  })

  test.each([false, true])('a date with a zero month is refused with P2020 (useServerPrepStmts: %s), not read as another day', async (prepared) => {
    const { prisma } = client({ properties: { useServerPrepStmts: String(prepared) } })
    const table = uniqueName('Zero')
    await sql(`SET SESSION sql_mode = ''; CREATE TABLE ${table} (d DATE, dt DATETIME); INSERT INTO ${table} VALUES ('2024-00-10', '0000-00-00 00:00:00')`, [], db.name)
    for (const column of ['d', 'dt']) {
      const error = await knownError(prisma.$queryRawUnsafe(`SELECT ${column} FROM ${table}`))
      expect(error.message).toContain(`The column \`${column}\` contained an invalid datetime value with either day or month set to zero.`)
    }
  })

  test('every connection carries the worker tag as its prisma_pool attribute: the live view finds this worker’s connections', async () => {
    const applicationName = uniqueName('pp_jdbc_tag')
    const { adapter, prisma } = client({ pool: { size: 2, maxOverflow: 0, applicationName }, properties: { connectionAttributes: 'team:payments' } })
    const [{ id }] = (await prisma.$queryRaw<{ id: bigint }[]>`SELECT CONNECTION_ID() AS id`) as [{ id: bigint }]
    const attributes = await sql<{ name: string; value: string }>(
      "SELECT ATTR_NAME AS name, ATTR_VALUE AS value FROM performance_schema.session_connect_attrs WHERE PROCESSLIST_ID = ? AND ATTR_NAME IN ('prisma_pool', 'program_name', 'team') ORDER BY ATTR_NAME",
      [Number(id)],
    )
    expect(attributes.map((a) => a.name)).toEqual(['prisma_pool', 'program_name', 'team'])
    expect(attributes[0]!.value).toMatch(new RegExp(`^${applicationName}@[^/]+/${process.pid}`))
    expect(attributes.slice(1).map((a) => a.value)).toEqual([applicationName, 'payments'])
    const fleet = await adapter.connections()
    const self = fleet.workers.find((worker) => worker.self)
    expect(self).toMatchObject({ tag: attributes[0]!.value, identity: { application: applicationName, pid: process.pid } })
    expect(self!.connections).toBeGreaterThanOrEqual(1)
    // The budget was read: max_connections from the server.
    expect(fleet.limit?.what).toMatch(/^max_connections \d+$/)
  })

  test('a jdbc:mysql: URL is the same route: MariaDB Connector/J 2.x takes it', async () => {
    const options = jdbcOptionsFromMySql({ connectionString: db.url })
    const adapter = new PrismaPoolJdbc({ ...options, url: options.url.replace(/^jdbc:mariadb:/, 'jdbc:mysql:'), pool: { size: 1, maxOverflow: 0 } })
    expect(adapter.provider).toBe('mysql')
    const prisma = new PrismaClient({ adapter })
    clients.push(prisma)
    expect(await prisma.$queryRaw`SELECT DATABASE() AS db`).toEqual([{ db: db.name }])
  })

  test('every session runs in UTC, after the user’s own session variables', async () => {
    const { prisma } = client({ properties: { sessionVariables: "sql_mode='ANSI_QUOTES'" } })
    expect(await prisma.$queryRaw`SELECT @@session.time_zone AS zone, @@session.sql_mode AS mode`).toEqual([{ zone: '+00:00', mode: 'ANSI_QUOTES' }])
  })

  test('a property the adapter cannot take fails the first query with its reason', async () => {
    const { prisma } = client({ properties: { sessionVariables: "time_zone='SYSTEM'" } })
    await expect(prisma.user.count()).rejects.toThrow('the sessionVariables property sets time_zone')
  })

  test('server errors in Prisma’s codes, with the server’s own message (P2002, P2003)', async () => {
    const { prisma } = client()
    await prisma.tag.create({ data: { name: 'taken' } })
    const unique = await knownError(prisma.tag.create({ data: { name: 'taken' } }))
    expect(unique.code).toBe('P2002')
    expect(unique.meta?.driverAdapterError).toMatchObject({
      cause: { kind: 'UniqueConstraintViolation', constraint: { index: 'Tag_name_key' }, originalCode: '1062', originalMessage: "Duplicate entry 'taken' for key 'Tag_name_key'" },
    })
    expect((await knownError(prisma.post.create({ data: { title: 'orphan', authorId: 999 } }))).code).toBe('P2003')
  })

  test('a database that does not exist is P1003', async () => {
    const { prisma } = client({}, urlOf(uniqueName('nodb')))
    await expect(prisma.user.count()).rejects.toMatchObject({ code: 'P1003' })
  })

  test('an unknown user is P1000, naming the user and not the password', async () => {
    const user = uniqueName('nobody')
    const { prisma } = client({ user, password: PASSWORD })
    const error = await prisma.user.count().catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'P1000' })
    expect((error as Error).message).toContain(`credentials for \`${user}\` are not valid`)
    expect((error as Error).message).not.toContain(PASSWORD)
  })

  test('an unreachable server is retried until the caller times out: P2024 naming the refusal, never the password', async () => {
    const port = await closedPort()
    const { prisma } = client({ password: PASSWORD, pool: { size: 1, maxOverflow: 0, timeout: 0.5 } }, `mysql://app@127.0.0.1:${port}/test`)
    const error = await prisma.user.count().catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'P2024' })
    expect((error as Error).message).toContain(`Socket fail to connect to host:127.0.0.1, port:${port}. Connection refused`)
    expect((error as Error).message).not.toContain(PASSWORD)
  })
})
