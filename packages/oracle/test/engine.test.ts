// The Oracle engine against a fake node-oracledb connection (test/fake-oracledb.ts): no Oracle Database runs here, so
// this is where the binds, out-binds, commits, conversions and transaction statements the engine sends are checked,
// for plans of the real translator (Prisma's own SQL) and hand-made ones (the shapes it can make).
import { ColumnTypeEnum as C, type ArgType, type SqlQuery } from '@prisma/driver-adapter-utils'
import type { BindParameter, ExecuteOptions } from 'oracledb'
import { describe, expect, test } from 'vitest'
import { engineContext } from '../../../test-support/engine-context.js'
import type { EngineConnection } from '@prisma-pool/core/engine'
import type { OracleConnection } from '../src/connection.js'
import { fetchTypeHandler } from '../src/conversion.js'
import { MAX_BIND_VALUES, OracleDriver } from '../src/driver.js'
import { resolveOracleOptions, type PrismaPoolOracleOptions } from '../src/options.js'
import type { OraclePlan } from '../src/plan.js'
import {
  batchError,
  column,
  FakeOracleConnection,
  lob,
  njsError,
  oraError,
  oracledb,
  rowsResult,
  SESSION_FACTS,
  sessionSetup,
  tableColumns,
  type FakeCall,
} from './fake-oracledb.js'

const TAG = 'api@web-1/4123/w2'
const PASSWORD = 'pw-Secret-123'

const t = (scalarType: ArgType['scalarType'], dbType?: string): ArgType => ({ scalarType, arity: 'scalar', ...(dbType ? { dbType } : {}) })
const q = (sql: string, args: unknown[] = [], argTypes: ArgType[] = []): SqlQuery => ({ sql, args, argTypes })

/** A driver whose connections are `fake`, connected once; `plans` replace the translator for their SQL. */
async function connect(options: Partial<PrismaPoolOracleOptions> = {}, facts?: Record<string, unknown>) {
  const fake = new FakeOracleConnection().answer(sessionSetup(facts))
  const opened: Record<string, unknown>[] = []
  const driver = new OracleDriver(
    resolveOracleOptions({ connectString: 'db.example:1521/FREEPDB1', user: 'app', password: PASSWORD, ...options }),
    async (attributes) => {
      opened.push(attributes as Record<string, unknown>)
      return fake.asConnection()
    },
  )
  const conn = (await driver.connect(engineContext(TAG, 4000), new AbortController().signal)) as OracleConnection
  const setup = fake.calls.splice(0)
  return { fake, driver, conn, opened, setup }
}

/** Replaces the driver's translator: `plans` by SQL text. */
function withPlans(driver: OracleDriver, plans: Record<string, OraclePlan>) {
  Object.assign(driver, { plan: (sql: string) => plans[sql] ?? assert.fail(`no plan for ${sql}`) })
}
const assert = { fail: (message: string): never => { throw new Error(message) } }

const executes = (fake: FakeOracleConnection) => fake.calls.filter((call): call is FakeCall & { method: 'execute' } => call.method === 'execute')
const bindsOf = (call: FakeCall) => (call.method === 'execute' ? (call.binds as BindParameter[]) : [])
const optionsOf = (call: FakeCall) => (call.method === 'execute' ? call.options : {}) as ExecuteOptions

describe('connecting', () => {
  test('a session is tagged (MODULE, CLIENT_IDENTIFIER) and set up in one round trip: UTC, "." decimals, who it is', async () => {
    const { fake, conn, opened, setup, driver } = await connect()
    expect(fake.module).toBe(TAG)
    expect(fake.clientId).toBe(TAG)
    expect(setup).toHaveLength(1)
    const [call] = setup
    expect(call).toMatchObject({ method: 'execute', options: { autoCommit: false } })
    const sql = (call as { sql: string }).sql
    expect(sql).toContain("ALTER SESSION SET TIME_ZONE = ''UTC'' NLS_NUMERIC_CHARACTERS = ''.,''")
    expect(sql).not.toContain('CURRENT_SCHEMA =')
    // node-oracledb's own timers a little after the pool's 4 s, in whole seconds, and Thin mode's attributes only.
    expect(opened).toEqual([
      { user: 'app', password: PASSWORD, connectString: 'db.example:1521/FREEPDB1', connectTimeout: 5, transportConnectTimeout: 5 },
    ])
    expect(conn.sessionId).toBe('101,4711')
    expect(conn.facts).toMatchObject({ user: 'APP', schema: 'APP', session: { sid: 101, serial: 4711, audsid: '990001', server: 'FREE/FREE' } })
    expect(driver).toMatchObject({ provider: 'postgres', adapterName: '@prisma-pool/oracle', tagLength: 48, target: 'oracle://db.example:1521/FREEPDB1' })
    expect(driver.isolationLevels).toEqual(['READ COMMITTED', 'SERIALIZABLE'])
    expect(driver.connectionInfo()).toEqual({ schemaName: undefined, maxBindValues: MAX_BIND_VALUES, supportsRelationJoins: false })
    expect(MAX_BIND_VALUES * 2).toBeLessThanOrEqual(65_535)
  })

  test('a schema is each session\'s CURRENT_SCHEMA and the schema Prisma qualifies its names with', async () => {
    const { setup, driver } = await connect({ schema: 'APP_DATA' })
    expect((setup[0] as { sql: string }).sql).toContain(`EXECUTE IMMEDIATE 'ALTER SESSION SET CURRENT_SCHEMA = "APP_DATA"'`)
    expect(driver.connectionInfo().schemaName).toBe('APP_DATA')
    // The translator keeps a schema other than "public".
    expect(driver.plan('SELECT "APP_DATA"."User"."id" FROM "APP_DATA"."User"', [], []).steps[0]!.sql).toBe('SELECT "APP_DATA"."User"."id" FROM "APP_DATA"."User"')
    expect(driver.plan('SELECT "public"."User"."id" FROM "public"."User"', [], []).steps[0]!.sql).not.toContain('APP_DATA')
  })

  test("the profile's IDLE_TIME is the connection's idle timeout (the pool closes it first); UNLIMITED is none", async () => {
    expect((await connect()).conn.idleTimeoutMs).toBeUndefined()
    expect((await connect({}, { ...SESSION_FACTS, o_idle: '30' })).conn.idleTimeoutMs).toBe(30 * 60_000)
  })

  test('without the grant on V$SESSION the SERIAL# is unknown: no session id, so no server-side check', async () => {
    const { conn, driver } = await connect({}, { ...SESSION_FACTS, o_serial: null })
    expect(conn.sessionId).toBeUndefined()
    expect(await driver.checkSession(conn, 1000)).toBe('unknown')
  })

  test('a set-up that fails destroys the session and reports the server error', async () => {
    const fake = new FakeOracleConnection().answer(() => oraError(1045, 'user APP lacks CREATE SESSION privilege; logon denied'))
    const driver = new OracleDriver(resolveOracleOptions({ connectString: 'h:1521/s', user: 'app', password: PASSWORD }), async () => fake.asConnection())
    const error = await driver.connect(engineContext(TAG), new AbortController().signal).catch((e: unknown) => e)
    expect(driver.convertError(error)).toMatchObject({ kind: 'DatabaseAccessDenied', originalCode: 'ORA-01045' })
    expect(fake.disconnectedWith).toBe(0x40)
  })

  test('the database character set is read in the set-up; not Unicode, text outside ASCII binds in the national one', async () => {
    const logged: string[] = []
    const fake = new FakeOracleConnection().answer(sessionSetup({ ...SESSION_FACTS, o_charset: 'WE8MSWIN1252' }))
    const driver = new OracleDriver(resolveOracleOptions({ connectString: 'h:1521/s', user: 'app', password: PASSWORD }), async () => fake.asConnection())
    const conn = (await driver.connect({ ...engineContext(TAG), log: (line) => logged.push(line) }, new AbortController().signal)) as OracleConnection
    expect((fake.calls[0] as { sql: string }).sql).toContain("NLS_DATABASE_PARAMETERS WHERE PARAMETER = ''NLS_CHARACTERSET''")
    expect(conn.facts.charset).toBe('WE8MSWIN1252')
    expect(logged).toEqual([expect.stringContaining('the database character set is WE8MSWIN1252, not Unicode')])
    fake.calls.length = 0
    fake.answer(() => ({ rowsAffected: 1 }))
    await conn.execute(q('UPDATE "public"."Tag" SET "name" = $1 WHERE "public"."Tag"."name" = $2', ['✓ ok', 'plain'], [t('string', 'TEXT'), t('string', 'TEXT')]))
    // NVARCHAR2 columns get '✓', and VARCHAR2 ones compare exactly (Oracle converts them to the national set to compare).
    expect(bindsOf(executes(fake)[0]!)).toEqual([
      { val: '✓ ok', type: oracledb.DB_TYPE_NVARCHAR },
      { val: 'plain', type: oracledb.DB_TYPE_VARCHAR },
    ])
    // A Unicode database binds VARCHAR as before.
    const unicode = await connect()
    unicode.fake.answer(() => ({ rowsAffected: 1 }))
    await unicode.conn.execute(q('UPDATE "public"."Tag" SET "name" = $1', ['✓ ok'], [t('string', 'TEXT')]))
    expect(bindsOf(executes(unicode.fake)[0]!)).toEqual([{ val: '✓ ok', type: oracledb.DB_TYPE_VARCHAR }])
  })

  test('a schema that does not exist (ORA-01435): the error names it, where it came from, and that Oracle upper-cases names', async () => {
    for (const [options, from] of [
      [{ schema: 'app_data' }, 'the schema option'],
      [{ connectString: undefined, url: `oracle://app:${PASSWORD}@h:1521/s?schema=app_data` }, "the url's schema parameter"],
    ] as const) {
      const fake = new FakeOracleConnection().answer(() => oraError(1435, 'user does not exist'))
      const driver = new OracleDriver(resolveOracleOptions({ connectString: 'h:1521/s', user: 'app', password: PASSWORD, ...options }), async () => fake.asConnection())
      const error = (await driver.connect(engineContext(TAG), new AbortController().signal).catch((e: unknown) => e)) as Error
      expect(error.message).toContain('ORA-01435: user does not exist')
      expect(error.message).toContain(`The schema "app_data" (${from}) does not exist, or user app may not see it.`)
      expect(error.message).toContain('Oracle names are upper case unless created quoted: a schema created as app_data is named APP_DATA')
      expect(error.message).not.toContain(PASSWORD)
      expect(error.stack).toContain('Oracle names are upper case')
      expect(fake.disconnectedWith).toBe(0x40)
    }
  })

  test('?schema=public (any case) is the session\'s own schema, as the translator reads "public"', async () => {
    const { setup, driver } = await connect({ connectString: undefined, url: `oracle://app:${PASSWORD}@db:1521/FREEPDB1?schema=PUBLIC` })
    expect((setup[0] as { sql: string }).sql).not.toContain('CURRENT_SCHEMA =')
    expect(driver.connectionInfo().schemaName).toBeUndefined()
  })

  test('a connection whose Thin internals are not those verified is refused with what to install (DATE values could not be read exactly)', async () => {
    const fake = new FakeOracleConnection().answer(sessionSetup())
    Object.assign(fake._impl, { _protocol: {} })
    const driver = new OracleDriver(resolveOracleOptions({ connectString: 'h:1521/s', user: 'app', password: PASSWORD }), async () => fake.asConnection())
    const error = (await driver.connect(engineContext(TAG), new AbortController().signal).catch((e: unknown) => e)) as Error
    expect(error.message).toMatch(/cannot read DATE and TIMESTAMP values exactly on this connection: .*node-oracledb 26\.0\.0 in Thin mode/)
    expect(driver.convertError(error)).toBeUndefined()
    expect(fake.calls).toEqual([])
    expect(fake.disconnectedWith).toBe(0x40)
  })

  test('a connect given up by the pool rejects at once with its reason; the late connection is closed', async () => {
    const fake = new FakeOracleConnection().answer(sessionSetup())
    let arrive!: () => void
    const driver = new OracleDriver(
      resolveOracleOptions({ connectString: 'h:1521/s', user: 'app', password: PASSWORD }),
      () => new Promise((resolve) => (arrive = () => resolve(fake.asConnection()))),
    )
    const abort = new AbortController()
    const connecting = driver.connect(engineContext(TAG), abort.signal)
    const reason = new Error('connect timed out')
    abort.abort(reason)
    await expect(connecting).rejects.toBe(reason)
    arrive()
    await fake.calledTimes(1)
    expect(fake.calls).toEqual([{ method: 'close' }])
    expect(fake.closed).toBe(true)
  })

  test('a session that stops answering during its set-up is cut off at the signal', async () => {
    const fake = new FakeOracleConnection()
    fake.answer(() => fake.waitsForBreak())
    const driver = new OracleDriver(resolveOracleOptions({ connectString: 'h:1521/s', user: 'app', password: PASSWORD }), async () => fake.asConnection())
    const abort = new AbortController()
    const connecting = driver.connect(engineContext(TAG), abort.signal)
    await fake.calledTimes(1)
    abort.abort(new Error('gave up'))
    const error = await connecting.catch((e: unknown) => e)
    expect(driver.convertError(error)).toMatchObject({ kind: 'ConnectionClosed', originalCode: 'NJS-500' })
    expect(fake.disconnectedWith).toBe(0x40)
  })
})

describe('plans: binds and out-binds', () => {
  test('a SELECT: typed binds in the translated order, rows fetched with the type handler, autoCommit outside a transaction', async () => {
    const { fake, conn } = await connect()
    fake.answer(() =>
      rowsResult(
        [column('id', oracledb.DB_TYPE_NUMBER, { precision: 10, scale: 0 }), column('email', oracledb.DB_TYPE_NVARCHAR)],
        [['7', 'a@x'], ['8', null]],
      ),
    )
    const result = await conn.query(
      q(
        'SELECT "public"."User"."id", "public"."User"."email" FROM "public"."User" WHERE "public"."User"."email" LIKE $1 ORDER BY "public"."User"."id" ASC LIMIT $2 OFFSET $3',
        ['%@x', '10', '0'],
        [t('string'), t('bigint'), t('bigint')],
      ),
    )
    expect(result).toEqual({ columnNames: ['id', 'email'], columnTypes: [C.Int32, C.Text], rows: [[7, 'a@x'], [8, null]] })
    const [call] = executes(fake)
    expect(call!.sql).toBe('SELECT "User"."id", "User"."email" FROM "User" WHERE "User"."email" LIKE :1 ORDER BY "User"."id" ASC OFFSET :2 ROWS FETCH NEXT :3 ROWS ONLY')
    // OFFSET's bind comes before FETCH's: Prisma's $3, then $2.
    expect(bindsOf(call!)).toEqual([
      { val: '%@x', type: oracledb.DB_TYPE_VARCHAR },
      { val: 0n, type: oracledb.DB_TYPE_NUMBER },
      { val: 10n, type: oracledb.DB_TYPE_NUMBER },
    ])
    expect(optionsOf(call!)).toMatchObject({ autoCommit: true, outFormat: oracledb.OUT_FORMAT_ARRAY, fetchTypeHandler })
  })

  test('a plan that needs JSON scalars (whole-value JSON equality) runs on Oracle 21c and later, and is refused before it', async () => {
    const sql = 'SELECT "id" FROM "public"."AllTypes" WHERE "json"::jsonb = $1'
    const plan: OraclePlan = { steps: [{ sql: 'SELECT "id" FROM "AllTypes" WHERE JSON_EQUAL("json", :1)', binds: [{ arg: 0 }], yields: 'rows' }], requires: { jsonScalars: true } }
    for (const [version, runs] of [[1903000000, false], [2100000000, true]] as const) {
      const { fake, driver, conn } = await connect()
      withPlans(driver, { [sql]: plan })
      Object.assign(fake, { oracleServerVersion: version })
      fake.answer(() => rowsResult([column('id', oracledb.DB_TYPE_NUMBER, { precision: 10, scale: 0 })], [['1']]))
      const outcome = conn.query(q(sql, ['null'], [t('json')]))
      if (runs) await expect(outcome).resolves.toMatchObject({ rows: [[1]] })
      else await expect(outcome).rejects.toMatchObject({ cause: { message: expect.stringContaining('JSON equality filters need Oracle Database 21c or later') } })
      expect(executes(fake)).toHaveLength(runs ? 1 : 0)
    }
  })

  test('INSERT … RETURNING INTO: out-binds typed from the table\'s columns, read once per table for the driver; committed once read', async () => {
    const { fake, conn } = await connect()
    fake
      .answer(tableColumns('User', [['id', 'NUMBER', 22, 0, 10, 0], ['email', 'VARCHAR2', 160, 40, null, null], ['role', 'VARCHAR2', 20, 5, null, null]]))
      .answer((call) => (call.sql.startsWith('INSERT') ? { rowsAffected: 1, outBinds: [['41'], ['USER']] } : undefined))
    const insert = q(
      'INSERT INTO "public"."User" ("email","name","role") VALUES ($1,$2,CAST($3::text AS "public"."Role")) RETURNING "public"."User"."id", "public"."User"."role"::text',
      ['a@x', 'A', 'USER'],
      [t('string', 'VARCHAR'), t('string', 'TEXT'), t('string')],
    )
    expect(await conn.query(insert)).toEqual({ columnNames: ['id', 'role'], columnTypes: [C.Int32, C.Text], rows: [[41, 'USER']] })
    await conn.query(insert)
    const calls = executes(fake)
    // The data dictionary once (of the session's schema), then the two INSERTs.
    expect(calls.map((call) => call.sql.slice(0, 30))).toEqual([expect.stringContaining('SELECT COLUMN_NAME'), expect.stringContaining('INSERT'), expect.stringContaining('INSERT')])
    expect(calls[0]!.binds).toEqual(['APP', 'User'])
    expect(calls[1]!.sql).toBe('INSERT INTO "User" ("email", "name", "role") VALUES (:1, :2, :3) RETURNING "id", "role" INTO :4, :5')
    expect(bindsOf(calls[1]!)).toEqual([
      { val: 'a@x', type: oracledb.DB_TYPE_VARCHAR },
      { val: 'A', type: oracledb.DB_TYPE_VARCHAR },
      { val: 'USER', type: oracledb.DB_TYPE_VARCHAR },
      // NUMBER, whatever its precision: as text, exact. "role"::text: VARCHAR2(5 CHAR), 4 bytes a character in UTF-8.
      { dir: oracledb.BIND_OUT, type: oracledb.DB_TYPE_VARCHAR, maxSize: 64 },
      { dir: oracledb.BIND_OUT, type: oracledb.DB_TYPE_VARCHAR, maxSize: 20 },
    ])
    // Never autoCommit: what it returned is read first, then the plan commits (an error after the change leaves none).
    expect(optionsOf(calls[1]!)).toEqual({ autoCommit: false })
    expect(fake.sql.filter((sql) => !sql.includes('ALL_TAB_COLUMNS'))).toEqual([calls[1]!.sql, '<commit>', calls[2]!.sql, '<commit>'])
  })

  test('a RETURNING whose LOB cannot be read is rolled back, not committed (outside a transaction)', async () => {
    const { fake, conn, driver } = await connect()
    const broken = { getData: async () => Promise.reject(oraError(22922, 'nonexistent LOB value')) }
    fake.answer(tableColumns('Doc', [['id', 'NUMBER', 22, 0, 10, 0], ['body', 'NCLOB', 4000, 0, null, null]]))
    fake.answer((call) => (call.sql.startsWith('INSERT') ? { rowsAffected: 1, outBinds: [['1'], [broken]] } : undefined))
    withPlans(driver, {
      doc: {
        steps: [
          {
            sql: 'INSERT INTO "Doc" ("body") VALUES (:1) RETURNING "id", "body" INTO :2, :3',
            binds: [{ value: 'x' }],
            yields: 'rows',
            returning: { table: 'Doc', columns: [{ column: 'id', name: 'id', asText: false }, { column: 'body', name: 'body', asText: false }] },
          },
        ],
      },
    })
    await expect(conn.query(q('doc'))).rejects.toThrow(/ORA-22922/)
    expect(fake.sql.filter((sql) => !sql.includes('ALL_TAB_COLUMNS'))).toEqual([expect.stringMatching(/^INSERT/), '<rollback>'])
  })

  test('a multi-row UPDATE … RETURNING: an array per out-bind, a row per changed row, every type read as Prisma reads it', async () => {
    const { fake, conn } = await connect()
    fake
      .answer(
        tableColumns('AllTypes', [
          ['id', 'NUMBER', 22, 0, 10, 0],
          ['bigInt', 'NUMBER', 22, 0, 19, 0],
          ['decimal', 'NUMBER', 22, 0, 30, 10],
          ['json', 'CLOB', 4000, 0, null, null],
          ['bytes', 'BLOB', 4000, 0, null, null],
          ['dateTime', 'TIMESTAMP(3)', 11, 0, null, 3],
          ['timestamptz', 'TIMESTAMP(6) WITH TIME ZONE', 13, 0, null, 6],
          ['bool', 'NUMBER', 22, 0, 1, 0],
        ]),
      )
      .answer((call) =>
        call.sql.startsWith('UPDATE')
          ? {
              rowsAffected: 2,
              outBinds: [
                ['1', '2'],
                ['9007199254740993', '-1'],
                ['12345678901234567890.0123456789', '-.5'],
                [lob('{"a":1}'), null],
                [lob(Buffer.from([0, 255])), lob(Buffer.alloc(0))],
                // The TIMESTAMP's wall clock (UTC), as a TIMESTAMP WITH TIME ZONE in the session's UTC.
                [new Date('2024-02-29T23:59:59.123Z'), new Date('1999-12-31T00:00:00.000Z')],
                [new Date('2030-06-15T08:30:00.123Z'), new Date('2030-06-15T10:30:00.000+02:00')],
                ['1', '0'],
              ],
            }
          : undefined,
      )
    const result = await conn.query(
      q(
        'UPDATE "public"."AllTypes" SET "str" = $1 WHERE "public"."AllTypes"."int" > $2 RETURNING "public"."AllTypes"."id", "public"."AllTypes"."bigInt", "public"."AllTypes"."decimal", "public"."AllTypes"."json", "public"."AllTypes"."bytes", "public"."AllTypes"."dateTime", "public"."AllTypes"."timestamptz", "public"."AllTypes"."bool"',
        ['x', 0],
        [t('string', 'TEXT'), t('int', 'INTEGER')],
      ),
    )
    const update = executes(fake).find((call) => call.sql.startsWith('UPDATE'))!
    const text = { dir: oracledb.BIND_OUT, type: oracledb.DB_TYPE_VARCHAR, maxSize: 64 }
    expect(bindsOf(update).slice(2)).toEqual([
      // Every NUMBER as text, exact whatever its precision.
      text,
      text,
      text,
      { dir: oracledb.BIND_OUT, type: oracledb.DB_TYPE_CLOB },
      { dir: oracledb.BIND_OUT, type: oracledb.DB_TYPE_BLOB },
      // TIMESTAMP as TIMESTAMP WITH TIME ZONE: the server converts in the session's UTC, Thin decodes the instant.
      { dir: oracledb.BIND_OUT, type: oracledb.DB_TYPE_TIMESTAMP_TZ },
      { dir: oracledb.BIND_OUT, type: oracledb.DB_TYPE_TIMESTAMP_TZ },
      text,
    ])
    expect(result.columnTypes).toEqual([C.Int32, C.Int64, C.Numeric, C.Text, C.Bytes, C.DateTime, C.DateTime, C.Int32])
    expect(result.rows).toEqual([
      [1, '9007199254740993', '12345678901234567890.0123456789', '{"a":1}', Buffer.from([0, 255]), '2024-02-29T23:59:59.123+00:00', '2030-06-15T08:30:00.123+00:00', 1],
      [2, '-1', '-0.5', null, Buffer.alloc(0), '1999-12-31T00:00:00.000+00:00', '2030-06-15T08:30:00.000+00:00', 0],
    ])
  })

  test('a RETURNING column the cached table lacks (added since) makes the table be read again, once', async () => {
    const { fake, conn, driver } = await connect()
    let reads = 0
    fake
      .answer((call) => {
        if (!call.sql.includes('ALL_TAB_COLUMNS')) return undefined
        reads++
        const base = [{ COLUMN_NAME: 'id', DATA_TYPE: 'NUMBER', DATA_LENGTH: 22, CHAR_LENGTH: 0, DATA_PRECISION: 10, DATA_SCALE: 0 }]
        return { rows: reads === 1 ? base : [...base, { COLUMN_NAME: 'note', DATA_TYPE: 'NVARCHAR2', DATA_LENGTH: 4000, CHAR_LENGTH: 2000, DATA_PRECISION: null, DATA_SCALE: null }] }
      })
      .answer(() => ({ rowsAffected: 1, outBinds: [[1], ['n']] }))
    const step = (columns: string[]): OraclePlan => ({
      steps: [
        {
          sql: `DELETE FROM "Tag" RETURNING ${columns.join(', ')} INTO …`,
          binds: [],
          yields: 'rows',
          returning: { table: 'Tag', columns: columns.map((name) => ({ column: name, name, asText: false })) },
        },
      ],
    })
    withPlans(driver, { one: step(['id']), two: step(['id', 'note']) })
    await conn.query(q('one'))
    expect((await conn.query(q('two'))).columnTypes).toEqual([C.Int32, C.Text])
    expect(reads).toBe(2)
    const last = executes(fake).at(-1)!
    // NVARCHAR2(2000): node-oracledb's maxSize counts its characters.
    expect(bindsOf(last).at(-1)).toEqual({ dir: oracledb.BIND_OUT, type: oracledb.DB_TYPE_NVARCHAR, maxSize: 2000 })
    withPlans(driver, { three: step(['id', 'nope']) })
    await expect(conn.query(q('three'))).rejects.toMatchObject({ cause: { kind: 'ColumnNotFound', column: 'Tag.nope' } })
  })

  test('createMany skipDuplicates: one executeMany with batchErrors; a duplicate row counts 0, and the rest is committed', async () => {
    const { fake, conn } = await connect()
    fake.answer((call) =>
      call.method === 'executeMany'
        ? { rowsAffected: 2, dmlRowCounts: [1, 0, 1], batchErrors: [batchError(1, 1, 'unique constraint (APP.Tag_name_key) violated')] }
        : undefined,
    )
    const count = await conn.execute(
      q('INSERT INTO "public"."Tag" ("name") VALUES ($1), ($2), ($3) ON CONFLICT DO NOTHING', ['ts', 'sql', 'go'], [t('string', 'TEXT'), t('string', 'TEXT'), t('string', 'TEXT')]),
    )
    expect(count).toBe(2)
    expect(fake.calls).toEqual([
      {
        method: 'executeMany',
        sql: 'INSERT INTO "Tag" ("name") VALUES (:1)',
        rows: [['ts'], ['sql'], ['go']],
        options: { autoCommit: true, bindDefs: [{ type: oracledb.DB_TYPE_VARCHAR, maxSize: 3 }], batchErrors: true, dmlRowCounts: true },
      },
      // With a row error, node-oracledb does not commit even with autoCommit: the plan does.
      { method: 'commit' },
    ])
    expect(conn.inTransaction()).toBe(false)
  })

  test('skipDuplicates inside a transaction: a savepoint first, nothing committed', async () => {
    const { fake, conn } = await connect()
    fake.answer((call) => (call.method === 'executeMany' ? { rowsAffected: 3, dmlRowCounts: [1, 1, 1], batchErrors: [] } : undefined))
    await conn.begin()
    expect(await conn.execute(q('INSERT INTO "public"."Tag" ("name") VALUES ($1), ($2), ($3) ON CONFLICT DO NOTHING', ['a', 'bb', null], []))).toBe(3)
    expect(fake.sql).toEqual(['SAVEPOINT PRISMA_POOL_PLAN', 'INSERT INTO "Tag" ("name") VALUES (:1)'])
    expect(fake.calls[1]).toMatchObject({ options: { autoCommit: false, bindDefs: [{ type: oracledb.DB_TYPE_VARCHAR, maxSize: 2 }] } })
    expect(conn.inTransaction()).toBe(true)
  })

  test('a row error other than a duplicate fails the whole createMany: its own transaction is rolled back', async () => {
    const { fake, conn, driver } = await connect()
    fake.answer(() => ({ rowsAffected: 1, dmlRowCounts: [1, 0], batchErrors: [batchError(1, 2291, 'integrity constraint (APP.Post_authorId_fkey) violated - parent key not found')] }))
    const error = await conn.execute(q('INSERT INTO "public"."Tag" ("name") VALUES ($1), ($2) ON CONFLICT DO NOTHING', ['a', 'b'], [])).catch((e: unknown) => e)
    expect(driver.convertError(error)).toMatchObject({ kind: 'ForeignKeyConstraintViolation', constraint: { index: 'Post_authorId_fkey' }, originalCode: 'ORA-02291' })
    expect(fake.calls.map((call) => call.method)).toEqual(['executeMany', 'rollback'])
  })

  test('… and inside a transaction, only the plan is undone: ROLLBACK TO its savepoint', async () => {
    const { fake, conn } = await connect()
    fake.answer((call) => (call.method === 'executeMany' ? { rowsAffected: 0, dmlRowCounts: [0, 0], batchErrors: [batchError(0, 1400, 'cannot insert NULL into ("APP"."Tag"."name")')] } : undefined))
    await conn.begin()
    await expect(conn.execute(q('INSERT INTO "public"."Tag" ("name") VALUES ($1), ($2) ON CONFLICT DO NOTHING', ['a', 'b'], []))).rejects.toThrow(/ORA-01400/)
    expect(fake.sql).toEqual(['SAVEPOINT PRISMA_POOL_PLAN', 'INSERT INTO "Tag" ("name") VALUES (:1)', 'ROLLBACK TO SAVEPOINT PRISMA_POOL_PLAN'])
    expect(conn.inTransaction()).toBe(true)
  })

  test('a single skipDuplicate row that is a duplicate counts 0 rows, without an error', async () => {
    const { fake, conn } = await connect()
    fake.answer(() => oraError(1, 'unique constraint (APP.Tag_name_key) violated on table APP.Tag columns (name)'))
    expect(await conn.execute(q('INSERT INTO "public"."Tag" ("name") VALUES ($1) ON CONFLICT DO NOTHING', ['a'], []))).toBe(0)
    expect(fake.calls).toHaveLength(1)
  })

  test('createMany without skipDuplicates: one executeMany, all or nothing; rows of differing types run one by one', async () => {
    const { fake, conn, driver } = await connect()
    fake.answer((call) => (call.method === 'executeMany' ? { rowsAffected: 3 } : { rowsAffected: 1 }))
    expect(await conn.execute(q('INSERT INTO "public"."Tag" ("name") VALUES ($1), ($2), ($3)', ['a', 'b', 'c'], []))).toBe(3)
    expect(fake.calls).toEqual([
      { method: 'executeMany', sql: 'INSERT INTO "Tag" ("name") VALUES (:1)', rows: [['a'], ['b'], ['c']], options: { autoCommit: true, bindDefs: [{ type: oracledb.DB_TYPE_VARCHAR, maxSize: 1 }] } },
    ])
    fake.calls.length = 0
    const sql = 'INSERT INTO "T" ("v") VALUES (:1)'
    withPlans(driver, { mixed: { steps: [0, 1].map((arg) => ({ sql, binds: [{ arg }], yields: 'count' as const })) } })
    expect(await conn.execute(q('mixed', [1, 'one'], [t('unknown'), t('unknown')]))).toBe(2)
    // Its own transaction: the first row waits for the last, which commits both.
    expect(fake.calls.map((call) => [call.method, optionsOf(call).autoCommit])).toEqual([
      ['execute', false],
      ['execute', true],
    ])
  })

  test('an upsert (MERGE, then a SELECT of its row): the MERGE commits, the SELECT reads; no row when the MERGE left it alone', async () => {
    const { fake, conn } = await connect()
    let merged = 1
    fake.answer((call) =>
      call.sql.startsWith('MERGE')
        ? { rowsAffected: merged }
        : rowsResult([column('id', oracledb.DB_TYPE_VARCHAR), column('value', oracledb.DB_TYPE_NUMBER, { precision: 10, scale: 0 })], [['u1', '5']]),
    )
    const upsert = q(
      'INSERT INTO "public"."Counter" ("id","name","value") VALUES ($1,$2,$3) ON CONFLICT ("name") DO UPDATE SET "value" = $4 WHERE "public"."Counter"."value" < $5 RETURNING "public"."Counter"."id", "public"."Counter"."value"',
      ['u1', 'c', 1, 5, 9],
      [t('string', 'UUID'), t('string', 'TEXT'), t('int', 'INTEGER'), t('int', 'INTEGER'), t('int')],
    )
    expect(await conn.query(upsert)).toEqual({ columnNames: ['id', 'value'], columnTypes: [C.Text, C.Int32], rows: [['u1', 5]] })
    const [merge, select] = executes(fake)
    expect(bindsOf(merge!).map((bind) => bind.val)).toEqual(['c', 5, 9, 'u1', 'c', 1])
    // The MERGE does not commit: the re-read comes first, then the plan's COMMIT (a failed re-read leaves no change).
    expect([optionsOf(merge!).autoCommit, optionsOf(select!).autoCommit]).toEqual([false, false])
    expect(fake.calls.map((call) => call.method)).toEqual(['execute', 'execute', 'commit'])
    fake.calls.length = 0
    merged = 0
    expect((await conn.query(upsert)).rows).toEqual([])
    expect(fake.sql).toEqual([expect.stringMatching(/^MERGE/), '<commit>'])
    // In a transaction: a step follows the change, so a savepoint comes first; nothing committed.
    fake.calls.length = 0
    merged = 1
    await conn.begin()
    await conn.query(upsert)
    expect(fake.calls.map((call) => [call.method, optionsOf(call).autoCommit])).toEqual([
      ['execute', false],
      ['execute', false],
      ['execute', false],
    ])
    expect(fake.sql[0]).toBe('SAVEPOINT PRISMA_POOL_PLAN')
  })

  test('an upsert whose re-read fails is rolled back, not left committed', async () => {
    const { fake, conn } = await connect()
    fake.answer((call) => (call.sql.startsWith('SELECT') ? oraError(1652, 'unable to extend temp segment by 128 in tablespace TEMP') : { rowsAffected: 1 }))
    const upsert = q(
      'INSERT INTO "public"."Counter" ("id","name","value") VALUES ($1,$2,$3) ON CONFLICT ("name") DO UPDATE SET "value" = $4 RETURNING "public"."Counter"."id"',
      ['u1', 'c', 1, 5],
      [t('string', 'UUID'), t('string', 'TEXT'), t('int', 'INTEGER'), t('int', 'INTEGER')],
    )
    await expect(conn.query(upsert)).rejects.toThrow(/ORA-01652/)
    expect(fake.calls.map((call) => [call.method, optionsOf(call).autoCommit])).toEqual([
      ['execute', false],
      ['execute', false],
      ['rollback', undefined],
    ])
    // Inside a transaction: back to the plan's savepoint, the caller's transaction goes on.
    fake.calls.length = 0
    await conn.begin()
    await expect(conn.query(upsert)).rejects.toThrow(/ORA-01652/)
    expect(fake.sql).toEqual(['SAVEPOINT PRISMA_POOL_PLAN', expect.stringMatching(/^MERGE/), expect.stringMatching(/^SELECT/), 'ROLLBACK TO SAVEPOINT PRISMA_POOL_PLAN'])
  })

  test('a plan of several steps that fails half-way is rolled back outside a transaction; the error is the failing step\'s', async () => {
    const { fake, conn, driver } = await connect()
    withPlans(driver, {
      two: {
        steps: [
          { sql: 'UPDATE "A" SET "x" = :1', binds: [{ value: 1 }], yields: 'count' },
          { sql: 'UPDATE "B" SET "y" = :1', binds: [{ value: 'z' }], yields: 'count' },
        ],
      },
    })
    fake.answer((call) => (call.sql.includes('"B"') ? oraError(12899, 'value too large for column "APP"."B"."y" (actual: 3, maximum: 1)') : { rowsAffected: 2 }))
    const error = await conn.execute(q('two')).catch((e: unknown) => e)
    expect(driver.convertError(error)).toMatchObject({ kind: 'LengthMismatch', column: 'y' })
    expect(fake.calls.map((call) => [call.method, optionsOf(call).autoCommit])).toEqual([
      ['execute', false],
      ['execute', true],
      ['rollback', undefined],
    ])
    // Fixed values bind as what they are.
    expect(bindsOf(executes(fake)[0]!)).toEqual([{ val: 1, type: oracledb.DB_TYPE_NUMBER }])
  })

  test('autoCommit: on outside a transaction, off inside, on again after COMMIT', async () => {
    const { fake, conn } = await connect()
    fake.answer(() => ({ rowsAffected: 1 }))
    const update = q('UPDATE "public"."Post" SET "published" = $1 WHERE "public"."Post"."id" = $2', [true, 3], [t('boolean', 'BOOLEAN'), t('int', 'INTEGER')])
    await conn.execute(update)
    await conn.begin()
    await conn.execute(update)
    expect(conn.inTransaction()).toBe(true)
    await conn.commit()
    await conn.execute(update)
    expect(fake.calls.map((call) => (call.method === 'execute' ? call.options.autoCommit : call.method))).toEqual([true, false, 'commit', true])
    expect(bindsOf(executes(fake)[0]!)).toEqual([
      { val: 1, type: oracledb.DB_TYPE_NUMBER },
      { val: 3, type: oracledb.DB_TYPE_NUMBER },
    ])
  })

  test('an argument that cannot be bound is refused before anything runs', async () => {
    const { fake, conn } = await connect()
    await expect(conn.execute(q('DELETE FROM "public"."Tag" WHERE "public"."Tag"."id" = $1', ['x'], [t('int')]))).rejects.toMatchObject({
      cause: { kind: 'InvalidInputValue' },
    })
    await expect(conn.query(q('SELECT 1 FROM "public"."Tag" WHERE "public"."Tag"."id" = $1', ['2024-13-45T00:00:00Z'], [t('datetime')]))).rejects.toMatchObject({
      cause: { kind: 'InvalidInputValue' },
    })
    expect(fake.calls).toEqual([])
  })

  test("an empty string argument is refused before anything runs (Oracle stores '' as NULL), unless emptyStrings: 'null'", async () => {
    const insert = q('INSERT INTO "public"."Tag" ("name") VALUES ($1)', [''], [t('string', 'TEXT')])
    const { fake, conn } = await connect()
    await expect(conn.execute(insert)).rejects.toMatchObject({
      cause: { kind: 'InvalidInputValue', message: expect.stringMatching(/^Oracle stores '' as NULL: .*set emptyStrings: 'null' on PrismaPoolOracle/i) },
    })
    expect(fake.calls).toEqual([])
    const lenient = await connect({ emptyStrings: 'null' })
    lenient.fake.answer(() => ({ rowsAffected: 1 }))
    expect(await lenient.conn.execute(insert)).toBe(1)
    expect(bindsOf(executes(lenient.fake)[0]!)).toEqual([{ val: '', type: oracledb.DB_TYPE_VARCHAR }])
  })

  test('createManyAndReturn with skipDuplicates: a duplicate row returns no row instead of failing the plan', async () => {
    const { fake, conn, driver } = await connect()
    fake.answer(tableColumns('Tag', [['id', 'NUMBER', 22, 0, 10, 0], ['name', 'NVARCHAR2', 4000, 2000, null, null]]))
    fake.answer((call) => {
      if (call.method !== 'execute' || !call.sql.startsWith('INSERT')) return undefined
      const name = (call.binds as BindParameter[])[0]!.val
      return name === 'dup' ? oraError(1, 'unique constraint (APP.Tag_name_key) violated') : { rowsAffected: 1, outBinds: [[name === 'a' ? '1' : '2'], [name]] }
    })
    const row = (arg: number) => ({
      sql: 'INSERT INTO "Tag" ("name") VALUES (:1) RETURNING "id", "name" INTO :2, :3',
      binds: [{ arg }],
      yields: 'rows' as const,
      skipDuplicate: true,
      returning: { table: 'Tag', columns: [{ column: 'id', name: 'id', asText: false }, { column: 'name', name: 'name', asText: false }] },
    })
    withPlans(driver, { many: { steps: [row(0), row(1), row(2)] } })
    expect(await conn.query(q('many', ['a', 'dup', 'b'], [t('string'), t('string'), t('string')]))).toEqual({
      columnNames: ['id', 'name'],
      columnTypes: [C.Int32, C.Text],
      rows: [
        [1, 'a'],
        [2, 'b'],
      ],
    })
    expect(fake.sql.filter((sql) => !sql.includes('ALL_TAB_COLUMNS'))).toEqual([...Array(3).fill(expect.stringMatching(/^INSERT/)), '<commit>'])
    // One row, a duplicate: no row, and the columns still.
    withPlans(driver, { one: { steps: [row(0)] } })
    expect(await conn.query(q('one', ['dup'], [t('string')]))).toEqual({ columnNames: ['id', 'name'], columnTypes: [C.Int32, C.Text], rows: [] })
  })

  test('a RETURNING that fails as stale cached columns would (NJS-016 …): undone, the table read again, run once more', async () => {
    const { fake, conn, driver } = await connect()
    let reads = 0
    let runs = 0
    fake.answer((call) => {
      if (call.sql.includes('ALL_TAB_COLUMNS')) {
        reads++
        return { rows: [{ COLUMN_NAME: 'code', DATA_TYPE: 'VARCHAR2', DATA_LENGTH: reads === 1 ? 2 : 400, CHAR_LENGTH: reads === 1 ? 2 : 100, DATA_PRECISION: null, DATA_SCALE: null }] }
      }
      if (call.method !== 'execute' || !call.sql.startsWith('UPDATE')) return undefined
      runs++
      // The column was widened since it was read: its value no longer fits the out-bind sized from the cache.
      const size = (call.binds as BindParameter[]).at(-1)!.maxSize!
      return size < 40 ? njsError(16, 'buffer is too small for OUT binds') : { rowsAffected: 1, outBinds: [['a long code']] }
    })
    const plan: OraclePlan = {
      steps: [{ sql: 'UPDATE "T" SET "x" = 1 RETURNING "code" INTO :1', binds: [], yields: 'rows', returning: { table: 'T', columns: [{ column: 'code', name: 'code', asText: false }] } }],
    }
    withPlans(driver, { update: plan })
    expect((await conn.query(q('update'))).rows).toEqual([['a long code']])
    expect([reads, runs]).toEqual([2, 2])
    // The failed attempt's change was rolled back before the second one: never committed, never made twice.
    expect(fake.sql.filter((sql) => !sql.includes('ALL_TAB_COLUMNS'))).toEqual([plan.steps[0]!.sql, '<rollback>', plan.steps[0]!.sql, '<commit>'])
    // Once only: a second failure is the statement's.
    fake.responders.unshift((call) => (call.sql.startsWith('UPDATE') ? oraError(932, 'inconsistent datatypes: expected CHAR got NUMBER') : undefined))
    fake.calls.length = 0
    await expect(conn.query(q('update'))).rejects.toThrow(/ORA-00932/)
    expect(fake.sql.filter((sql) => !sql.includes('ALL_TAB_COLUMNS'))).toEqual([plan.steps[0]!.sql, '<rollback>', plan.steps[0]!.sql, '<rollback>'])
  })

  test('in a transaction, a one-step RETURNING that changed rows it could not read leaves the transaction only to roll back', async () => {
    const { fake, conn, driver } = await connect()
    fake.answer(tableColumns('T', [['code', 'VARCHAR2', 2, 2, null, null]]))
    fake.answer((call) => (call.sql.startsWith('UPDATE') ? njsError(16, 'buffer is too small for OUT binds') : { rowsAffected: 0 }))
    withPlans(driver, {
      update: {
        steps: [{ sql: 'UPDATE "T" SET "x" = 1 RETURNING "code" INTO :1', binds: [], yields: 'rows', returning: { table: 'T', columns: [{ column: 'code', name: 'code', asText: false }] } }],
      },
      other: { steps: [{ sql: 'DELETE FROM "T"', binds: [], yields: 'count' }] },
    })
    await conn.begin()
    await conn.createSavepoint('prisma_sp_0')
    const error = (await conn.query(q('update')).catch((e: unknown) => e)) as Error
    expect(error.message).toMatch(/^NJS-016: buffer is too small for OUT binds\nThe change was made in this transaction and cannot be undone alone/)
    // Not run again (its change would be made twice), and nothing else may run but a rollback.
    expect(fake.sql.filter((sql) => sql.startsWith('UPDATE'))).toHaveLength(1)
    await expect(conn.execute(q('other'))).rejects.toMatchObject({ cause: { kind: 'postgres', code: '25P02', message: expect.stringContaining('can only be rolled back') } })
    await expect(conn.executeScript('DELETE FROM "T"')).rejects.toMatchObject({ cause: { code: '25P02' } })
    // Back to a savepoint set before it: usable again.
    await conn.rollbackToSavepoint('prisma_sp_0')
    expect(await conn.execute(q('other'))).toBe(0)
    // A commit of such a transaction rolls it back, and says so.
    await conn.query(q('update')).catch(() => {})
    fake.calls.length = 0
    await expect(conn.commit()).rejects.toMatchObject({ cause: { code: '25P02', message: expect.stringContaining('rolled back, not committed') } })
    expect(fake.calls).toEqual([{ method: 'rollback' }])
    expect(conn.inTransaction()).toBe(false)
    expect(await conn.execute(q('other'))).toBe(0)
  })

  test('in a transaction, a server error of a one-step RETURNING (rolled back by Oracle) is run again with the table read anew', async () => {
    const { fake, conn, driver } = await connect()
    let runs = 0
    fake.answer(tableColumns('T', [['code', 'VARCHAR2', 2, 2, null, null]]))
    fake.answer((call) => (call.sql.startsWith('UPDATE') ? (++runs === 1 ? oraError(6502, 'PL/SQL: numeric or value error') : { rowsAffected: 1, outBinds: [['ab']] }) : undefined))
    withPlans(driver, {
      update: {
        steps: [{ sql: 'UPDATE "T" SET "x" = 1 RETURNING "code" INTO :1', binds: [], yields: 'rows', returning: { table: 'T', columns: [{ column: 'code', name: 'code', asText: false }] } }],
      },
    })
    await conn.begin()
    expect((await conn.query(q('update'))).rows).toEqual([['ab']])
    expect(fake.sql.filter((sql) => !sql.includes('ALL_TAB_COLUMNS'))).toEqual(['UPDATE "T" SET "x" = 1 RETURNING "code" INTO :1', 'UPDATE "T" SET "x" = 1 RETURNING "code" INTO :1'])
  })

  test('createMany rows with a text past 4000 bytes are bound as LOBs and run one by one, not batched as VARCHAR', async () => {
    const { fake, conn } = await connect()
    fake.answer(() => ({ rowsAffected: 1 }))
    const long = 'x'.repeat(5000)
    expect(await conn.execute(q('INSERT INTO "public"."Tag" ("name") VALUES ($1), ($2)', ['short', long], [t('string', 'TEXT'), t('string', 'TEXT')]))).toBe(2)
    expect(fake.calls.map((call) => call.method)).toEqual(['execute', 'execute'])
    expect(bindsOf(fake.calls[1]!)).toEqual([{ val: long, type: oracledb.DB_TYPE_NCLOB }])
  })

  test('a statement the translator refuses is PostgreSQL\'s feature_not_supported, with its reason', async () => {
    const { fake, conn, driver } = await connect()
    const error = await conn.query(q('SELECT 1; SELECT 2')).catch((e: unknown) => e)
    expect(driver.convertError(error)).toMatchObject({ kind: 'postgres', code: '0A000', message: expect.stringContaining('Several statements') })
    expect(fake.calls).toEqual([])
  })
})

describe('transactions', () => {
  test('no BEGIN: a transaction at the default level sends nothing; SET TRANSACTION comes first for a level', async () => {
    const { fake, conn } = await connect()
    await conn.begin()
    expect(fake.calls).toEqual([])
    expect(conn.inTransaction()).toBe(true)
    await conn.rollback()
    expect(conn.inTransaction()).toBe(false)
    await conn.begin('SERIALIZABLE')
    await conn.commit()
    await conn.begin('READ COMMITTED')
    expect(fake.calls).toEqual([
      { method: 'rollback' },
      { method: 'execute', sql: 'SET TRANSACTION ISOLATION LEVEL SERIALIZABLE', binds: [], options: { autoCommit: false } },
      { method: 'commit' },
      { method: 'execute', sql: 'SET TRANSACTION ISOLATION LEVEL READ COMMITTED', binds: [], options: { autoCommit: false } },
    ])
  })

  test('the levels Oracle lacks are refused with what to use instead', async () => {
    const { fake, conn } = await connect()
    await expect(conn.begin('REPEATABLE READ')).rejects.toMatchObject({
      cause: { kind: 'InvalidIsolationLevel', level: expect.stringMatching(/^REPEATABLE READ is not an isolation level of Oracle Database.*use SERIALIZABLE/) },
    })
    await expect(conn.begin('READ UNCOMMITTED')).rejects.toMatchObject({
      cause: { kind: 'InvalidIsolationLevel', level: expect.stringContaining('use READ COMMITTED') },
    })
    await expect(conn.begin('SNAPSHOT')).rejects.toMatchObject({ cause: { kind: 'InvalidIsolationLevel' } })
    expect(fake.calls).toEqual([])
    expect(conn.inTransaction()).toBe(false)
  })

  test('savepoints: SAVEPOINT and ROLLBACK TO SAVEPOINT, and no release (Oracle has none)', async () => {
    const { fake, conn } = await connect()
    await conn.begin()
    await conn.createSavepoint('prisma_sp_0')
    await conn.rollbackToSavepoint('prisma_sp_0')
    expect(fake.sql).toEqual(['SAVEPOINT prisma_sp_0', 'ROLLBACK TO SAVEPOINT prisma_sp_0'])
    expect(executes(fake).every((call) => call.options.autoCommit === false)).toBe(true)
    // EngineConnection.releaseSavepoint is optional: absent, the core sends nothing for Prisma's release.
    expect((conn as EngineConnection).releaseSavepoint).toBeUndefined()
    expect('releaseSavepoint' in conn).toBe(false)
  })

  test('inTransaction() also reports what the server said of a raw statement\'s open transaction', async () => {
    const { fake, conn } = await connect()
    expect(conn.inTransaction()).toBe(false)
    fake.transactionInProgress = true
    expect(conn.inTransaction()).toBe(true)
    fake.transactionInProgress = undefined
    expect(conn.inTransaction()).toBeUndefined()
  })

  test('cancel() breaks the running statement, which fails with ORA-01013; the connection stays usable', async () => {
    const { fake, conn, driver } = await connect()
    await conn.cancel()
    expect(fake.calls).toEqual([])
    fake.answer(() => fake.waitsForBreak())
    const running = conn.execute(q('UPDATE "public"."Post" SET "views" = $1', [1], [t('int')])).catch((e: unknown) => e)
    await fake.calledTimes(1)
    await conn.cancel()
    const error = await running
    expect(fake.calls.at(-1)).toEqual({ method: 'break' })
    expect(driver.convertError(error)).toMatchObject({ kind: 'postgres', code: 'ORA-01013' })
    expect(driver.connectionLoss(error)).toBeUndefined()
    expect(conn.isBroken()).toBe(false)
  })
})

describe('cancel, destroy', () => {
  test('after cancel(), a rollback answered with the break\'s ORA-01013 is sent once more', async () => {
    const { fake, conn } = await connect()
    await conn.begin()
    // The statement ends just before the break arrives: Oracle answers the next call, the rollback, with ORA-01013.
    let finish!: () => void
    fake.answer((call) => (call.sql.startsWith('UPDATE') ? new Promise((resolve) => (finish = () => resolve({ rowsAffected: 1 }))) : undefined))
    const running = conn.execute(q('UPDATE "public"."Post" SET "views" = $1', [1], [t('int')]))
    await fake.calledTimes(1)
    finish()
    await conn.cancel()
    await running
    let rollbacks = 0
    const rollback = fake.rollback.bind(fake)
    Object.assign(fake, { rollback: async () => (++rollbacks === 1 ? Promise.reject(oraError(1013, 'user requested cancel of current operation')) : rollback()) })
    await conn.rollback()
    expect(rollbacks).toBe(2)
    expect(conn.inTransaction()).toBe(false)
    // Without a break, ORA-01013 is the rollback's own failure.
    rollbacks = 0
    await conn.begin()
    await expect(conn.rollback()).rejects.toThrow(/ORA-01013/)
    expect(rollbacks).toBe(1)
  })

  test('a call waiting when the pool destroys the connection fails as this connection\'s loss, not the server\'s', async () => {
    const { fake, conn, driver } = await connect()
    fake.answer(() => fake.waitsForBreak())
    const running = conn.execute(q('DELETE FROM "public"."Tag"')).catch((e: unknown) => e)
    await fake.calledTimes(1)
    conn.destroy()
    const error = await running
    expect(driver.convertError(error)).toMatchObject({ kind: 'ConnectionClosed', originalCode: 'NJS-500' })
    expect(driver.connectionLoss(error)).toBe('connection')
    // The same NJS-500, unprompted, means the server may have gone.
    expect(driver.connectionLoss(njsError(500, 'connection to Oracle Database was closed or broken'))).toBe('server')
    const after = await conn.ping().catch((e: unknown) => e)
    expect(driver.connectionLoss(after)).toBe('connection')
  })
})

describe('the connection itself', () => {
  test('ping, close, destroy and isBroken', async () => {
    const { fake, conn } = await connect()
    await conn.ping()
    expect(conn.isBroken()).toBe(false)
    fake.healthy = false
    expect(conn.isBroken()).toBe(true)
    await conn.close()
    expect(fake.calls).toEqual([{ method: 'ping' }, { method: 'close' }])
    const other = await connect()
    other.conn.destroy()
    expect(other.fake.disconnectedWith).toBe(0x40)
    expect(other.conn.isBroken()).toBe(true)
  })

  test('a lost connection (ORA-03113) marks it broken, and says the server may have dropped them all', async () => {
    const { fake, conn, driver } = await connect()
    fake.answer(() => oraError(3113, 'end-of-file on communication channel'))
    const error = await conn.ping().then(() => conn.execute(q('DELETE FROM "public"."Tag"'))).catch((e: unknown) => e)
    expect(driver.convertError(error)).toMatchObject({ kind: 'ConnectionClosed', originalCode: 'ORA-03113' })
    expect(driver.connectionLoss(error)).toBe('server')
    expect(conn.isBroken()).toBe(true)
  })

  test('executeScript runs its statements one by one, PL/SQL blocks whole', async () => {
    const { fake, conn } = await connect()
    await conn.executeScript(`CREATE TABLE "T" ("a" NUMBER(10));
-- a comment; with a semicolon
INSERT INTO "T" VALUES (1);
BEGIN
  INSERT INTO "T" VALUES (2);
END;
/
COMMENT ON TABLE "T" IS 'it''s; done'`)
    expect(fake.sql).toEqual([
      'CREATE TABLE "T" ("a" NUMBER(10))',
      '-- a comment; with a semicolon\nINSERT INTO "T" VALUES (1)',
      'BEGIN\n  INSERT INTO "T" VALUES (2);\nEND;',
      `COMMENT ON TABLE "T" IS 'it''s; done'`,
    ])
    expect(executes(fake).every((call) => call.options.autoCommit === true)).toBe(true)
  })

  test('executeScript stops at an object created with compilation errors (NJS-700), naming it, with its errors', async () => {
    const { fake, conn } = await connect()
    const warning = Object.assign(new Error('NJS-700: creation succeeded with compilation errors'), { code: 'NJS-700' })
    fake.answer((call) => (call.sql.startsWith('CREATE OR REPLACE') ? { rowsAffected: 0, warning } : undefined))
    fake.answer((call) =>
      call.sql.includes('ALL_ERRORS')
        ? { rows: [{ LINE: 3, POSITION: 5, TEXT: 'PLS-00103: Encountered the symbol "END" when expecting one of the following: := . ( @ % ;\n' }] }
        : undefined,
    )
    const script = `CREATE OR REPLACE PACKAGE BODY "Billing" AS
  PROCEDURE charge IS BEGIN
    NULL
  END;
END;
/
CREATE TABLE "After" ("a" NUMBER)`
    const error = await conn.executeScript(script).catch((e: unknown) => e)
    expect((error as { cause?: unknown }).cause).toMatchObject({
      kind: 'postgres',
      code: 'ORA-24344',
      message:
        'PACKAGE BODY APP."Billing" was created with compilation errors, and Oracle leaves it invalid (NJS-700: creation succeeded with compilation errors): ' +
        'line 3, column 5: PLS-00103: Encountered the symbol "END" when expecting one of the following: := . ( @ % ;',
    })
    const errors = executes(fake).find((call) => call.sql.includes('ALL_ERRORS'))!
    expect(errors.binds).toEqual(['APP', 'Billing', 'PACKAGE BODY'])
    // The script stopped there.
    expect(fake.sql.some((sql) => sql.startsWith('CREATE TABLE'))).toBe(false)
    // Qualified and unquoted: the owner given, names upper case.
    fake.calls.length = 0
    await conn.executeScript('CREATE OR REPLACE FUNCTION other.f RETURN NUMBER IS BEGIN RETURN x; END;').catch(() => {})
    expect(executes(fake).find((call) => call.sql.includes('ALL_ERRORS'))!.binds).toEqual(['OTHER', 'F', 'FUNCTION'])
  })
})
