// What the engine reads of Oracle's sessions: the limits (the budget check), the live view, and the check and end of a
// session whose statement gets no answer. The V$ views need grants; what cannot be read is left out with a note.
import { describe, expect, test } from 'vitest'
import { engineContext } from '../../../test-support/engine-context.js'
import type { OracleConnection } from '../src/connection.js'
import { OracleDriver } from '../src/driver.js'
import { resolveOracleOptions } from '../src/options.js'
import { CHECK_SESSION_SQL, killSessionSql, SESSIONS_SQL } from '../src/server-views.js'
import { FakeOracleConnection, oraError, sessionSetup, type Responder } from './fake-oracledb.js'

const TAG = 'api@web-1/4123'
const notPermitted = () => oraError(942, 'table or view does not exist')

/** A driver, a connection of it, and the side connections it opens after (for the session checks). */
async function setUp(answers: Responder[]) {
  const pool = new FakeOracleConnection().answer(sessionSetup())
  for (const answer of answers) pool.answer(answer)
  const side: FakeOracleConnection[] = []
  let first = true
  const driver = new OracleDriver(resolveOracleOptions({ connectString: 'db:1521/FREE', user: 'app', password: 'pw' }), async () => {
    if (first) {
      first = false
      return pool.asConnection()
    }
    const conn = new FakeOracleConnection()
    for (const answer of answers) conn.answer(answer)
    side.push(conn)
    return conn.asConnection()
  })
  const conn = (await driver.connect(engineContext(TAG), new AbortController().signal)) as OracleConnection
  pool.calls.length = 0
  return { driver, conn, pool, side }
}

const on = (fragment: string, answer: Record<string, unknown> | Error): Responder => (call) => (call.sql.includes(fragment) ? answer : undefined)

describe('connection limits', () => {
  test('sessions and processes less the background sessions, and the profile\'s SESSIONS_PER_USER for this user', async () => {
    const { conn } = await setUp([
      on('V$PARAMETER', { rows: [{ NAME: 'sessions', VALUE: '472' }, { NAME: 'processes', VALUE: '300' }, { NAME: 'resource_limit', VALUE: 'TRUE' }] }),
      on("TYPE = 'BACKGROUND'", { rows: [{ N: 62 }] }),
      on('USER_RESOURCE_LIMITS', { rows: [{ LIMIT: '20' }] }),
    ])
    expect(await conn.connectionLimits()).toEqual([
      { limit: 410, what: 'sessions 472 - 62 background sessions' },
      { limit: 238, what: 'processes 300 - 62 background sessions' },
      { limit: 20, what: "SESSIONS_PER_USER 20 of user APP's profile", scope: { user: 'APP' } },
    ])
  })

  test('without the grant on V$PARAMETER: the profile\'s limit alone, which says the grant that shows the rest', async () => {
    const logged: string[] = []
    const pool = new FakeOracleConnection()
      .answer(sessionSetup())
      .answer(on('V$PARAMETER', notPermitted()))
      .answer(on('USER_RESOURCE_LIMITS', { rows: [{ LIMIT: '5' }] }))
    const driver = new OracleDriver(resolveOracleOptions({ connectString: 'db/FREE', user: 'app', password: 'pw' }), async () => pool.asConnection())
    const conn = (await driver.connect({ ...engineContext(TAG), log: (line) => logged.push(line) }, new AbortController().signal)) as OracleConnection
    const note = 'user APP may not read V$PARAMETER: GRANT SELECT ON V_$PARAMETER TO "APP" (or GRANT SELECT_CATALOG_ROLE TO "APP")'
    expect(await conn.connectionLimits()).toEqual([
      { limit: 5, what: `SESSIONS_PER_USER 5 of user APP's profile (${note}: the instance's sessions and processes limits are not checked)`, scope: { user: 'APP' } },
    ])
    expect(logged).toEqual([expect.stringContaining('GRANT SELECT ON V_$PARAMETER TO "APP"')])
  })

  test('an UNLIMITED profile, or profile limits not enforced (resource_limit = FALSE), is no limit', async () => {
    const unlimited = await setUp([on('V$PARAMETER', { rows: [{ NAME: 'sessions', VALUE: '100' }] }), on('BACKGROUND', notPermitted()), on('USER_RESOURCE_LIMITS', { rows: [{ LIMIT: 'UNLIMITED' }] })])
    expect(await unlimited.conn.connectionLimits()).toEqual([
      { limit: 100, what: expect.stringMatching(/^sessions 100 \(user APP may not read V\$SESSION: GRANT SELECT ON V_\$SESSION .*background sessions are not taken off/) },
    ])
    const off = await setUp([
      on('V$PARAMETER', { rows: [{ NAME: 'sessions', VALUE: '100' }, { NAME: 'resource_limit', VALUE: 'FALSE' }] }),
      on('BACKGROUND', { rows: [{ N: 0 }] }),
      on('USER_RESOURCE_LIMITS', { rows: [{ LIMIT: '3' }] }),
    ])
    expect(await off.conn.connectionLimits()).toEqual([{ limit: 100, what: 'sessions 100' }])
  })

  test('from a PDB, the shared limits say that the other PDBs\' sessions are not counted', async () => {
    const { conn } = await setUp([
      on('V$PARAMETER', { rows: [{ NAME: 'sessions', VALUE: '472' }, { NAME: 'processes', VALUE: '300' }, { NAME: 'con_name', VALUE: 'FREEPDB1' }] }),
      on("TYPE = 'BACKGROUND'", { rows: [{ N: 0 }] }),
      on('USER_RESOURCE_LIMITS', { rows: [{ LIMIT: 'UNLIMITED' }] }),
    ])
    const note = " (seen from PDB FREEPDB1: sessions of the CDB's other PDBs, which share the limit, are not counted)"
    expect(await conn.connectionLimits()).toEqual([
      { limit: 472, what: `sessions 472${note}` },
      { limit: 300, what: `processes 300${note}` },
    ])
    // From the root, or a database without containers: no note.
    const root = await setUp([on('V$PARAMETER', { rows: [{ NAME: 'sessions', VALUE: '10' }, { NAME: 'con_name', VALUE: 'CDB$ROOT' }] }), on('BACKGROUND', { rows: [{ N: 0 }] }), on('USER_RESOURCE_LIMITS', { rows: [] })])
    expect(await root.conn.connectionLimits()).toEqual([{ limit: 10, what: 'sessions 10' }])
  })

  test('an error that is not a missing grant is not taken for one', async () => {
    const { conn } = await setUp([on('V$PARAMETER', oraError(3113, 'end-of-file on communication channel'))])
    await expect(conn.connectionLimits()).rejects.toThrow(/ORA-03113/)
  })
})

describe('the live view', () => {
  test('the instance\'s user sessions, each named by the tag it carries, with its state', async () => {
    const { conn, pool } = await setUp([
      on('FROM V$SESSION WHERE TYPE', {
        rows: [
          { SID: 101, 'SERIAL#': 4711, USERNAME: 'APP', STATUS: 'ACTIVE', MODULE: TAG, CLIENT_IDENTIFIER: TAG, PROGRAM: 'node', IN_TX: 0 },
          { SID: 102, 'SERIAL#': 9, USERNAME: 'APP', STATUS: 'INACTIVE', MODULE: 'changed by the app', CLIENT_IDENTIFIER: 'api@web-2/77', PROGRAM: 'node', IN_TX: 1 },
          { SID: 103, 'SERIAL#': 1, USERNAME: 'SCOTT', STATUS: 'INACTIVE', MODULE: 'SQL*Plus', CLIENT_IDENTIFIER: null, PROGRAM: 'sqlplus', IN_TX: 0 },
          { SID: 104, 'SERIAL#': 2, USERNAME: 'ETL', STATUS: 'KILLED', MODULE: null, CLIENT_IDENTIFIER: null, PROGRAM: 'java', IN_TX: 0 },
        ],
      }),
    ])
    expect(await conn.serverConnections()).toEqual({
      connections: [
        { id: '101,4711', application: TAG, user: 'APP', state: 'active' },
        { id: '102,9', application: 'api@web-2/77', user: 'APP', state: 'idle in transaction' },
        { id: '103,1', application: 'SQL*Plus', user: 'SCOTT', state: 'idle' },
        { id: '104,2', application: 'java', user: 'ETL', state: 'killed' },
      ],
    })
    expect(pool.sql).toEqual([SESSIONS_SQL])
  })

  test('without the grant on V$SESSION: no session, and the grant that shows them', async () => {
    const { conn } = await setUp([on('V$SESSION', notPermitted())])
    expect(await conn.serverConnections()).toEqual({
      connections: [],
      note: 'user APP may not read V$SESSION: GRANT SELECT ON V_$SESSION TO "APP" (or GRANT SELECT_CATALOG_ROLE TO "APP"): no session of the server can be listed, this worker\'s own included.',
    })
  })
})

describe('a statement without an answer: asking the server about its session', () => {
  const server = (state: string | null, instance = 'FREE/FREE'): Responder => on(CHECK_SESSION_SQL.slice(0, 40), { rows: [{ SERVER: instance, STATE: state }] })

  test('on a connection of its own, by SID, SERIAL#, AUDSID and logon time', async () => {
    const { driver, conn, side } = await setUp([server('ACTIVE 12')])
    expect(await driver.checkSession(conn, 2000)).toBe('running')
    expect(side).toHaveLength(1)
    expect(side[0]!.module).toBe('prisma-pool (session check)')
    expect(side[0]!.calls).toEqual([
      { method: 'execute', sql: CHECK_SESSION_SQL, binds: [101, 4711, '990001', '2026-01-02 03:04:05'], options: { outFormat: expect.any(Number) } },
      { method: 'close' },
    ])
  })

  test('idle for 2 s or more: idle; a moment ago: still running; not there: gone; another instance: unknown', async () => {
    expect(await (async () => { const s = await setUp([server('INACTIVE 7')]); return s.driver.checkSession(s.conn, 2000) })()).toBe('idle')
    expect(await (async () => { const s = await setUp([server('INACTIVE 1')]); return s.driver.checkSession(s.conn, 2000) })()).toBe('running')
    expect(await (async () => { const s = await setUp([server(null)]); return s.driver.checkSession(s.conn, 2000) })()).toBe('gone')
    expect(await (async () => { const s = await setUp([server('INACTIVE 9', 'OTHER/OTHER1')]); return s.driver.checkSession(s.conn, 2000) })()).toBe('unknown')
  })

  test('without the grant on V$SESSION the check fails, saying which grant it needs', async () => {
    const { driver, conn } = await setUp([on('V$SESSION', notPermitted())])
    await expect(driver.checkSession(conn, 2000)).rejects.toThrow('cannot check session 101,4711: user APP may not read V$SESSION: GRANT SELECT ON V_$SESSION TO "APP"')
  })

  test('ending it: ALTER SYSTEM KILL SESSION, only when it runs nothing; without ALTER SYSTEM, the error says so', async () => {
    const idle = await setUp([server('INACTIVE 30'), on('ALTER SYSTEM', { rowsAffected: 0 })])
    await idle.driver.endSession(idle.conn, 2000)
    expect(idle.side[0]!.sql).toEqual([CHECK_SESSION_SQL, "ALTER SYSTEM KILL SESSION '101,4711' IMMEDIATE", '<close>'])
    expect(killSessionSql({ sid: 101, serial: 4711 })).toBe("ALTER SYSTEM KILL SESSION '101,4711' IMMEDIATE")

    const busy = await setUp([server('ACTIVE 30')])
    await busy.driver.endSession(busy.conn, 2000)
    expect(busy.side[0]!.sql).toEqual([CHECK_SESSION_SQL, '<close>'])

    const refused = await setUp([server('INACTIVE 30'), on('ALTER SYSTEM', oraError(1031, 'insufficient privileges'))])
    await expect(refused.driver.endSession(refused.conn, 2000)).rejects.toThrow(
      /cannot end session 101,4711 on the server: user APP lacks the ALTER SYSTEM privilege \(GRANT ALTER SYSTEM TO "APP"\)/,
    )
  })
})
