// MySQL 8 refuses to prepare some statements (CREATE TRIGGER, CREATE PROCEDURE …) with error 1295; MariaDB
// prepares them all, so a stand-in for the mysql2 connection forces the refusal here.
import { EventEmitter } from 'node:events'
import { expect, test } from 'vitest'
import type mysql from 'mysql2'
import { MySqlConnection, MySqlDriver } from '../src/driver.js'
import { resolveMySqlOptions } from '../src/options.js'

type Callback = (error: unknown, result?: unknown, fields?: unknown) => void

class RefusingConnection extends EventEmitter {
  readonly sent: string[] = []
  execute(options: { sql: string }, done: Callback) {
    this.sent.push(`prepare ${options.sql}`)
    done(Object.assign(new Error('This command is not supported in the prepared statement protocol yet'), { errno: 1295, sqlMessage: 'not supported', code: 'ER_UNSUPPORTED_PS' }))
  }
  query(options: { sql: string }, done: Callback) {
    this.sent.push(`query ${options.sql}`)
    done(null, { affectedRows: 0, insertId: 0, serverStatus: 2 })
  }
}

test('a statement the server will not prepare is sent again through the text protocol, with its values inlined', async () => {
  const options = resolveMySqlOptions({ connectionString: 'mysql://root@127.0.0.1/test', preparedStatements: true })
  const fake = new RefusingConnection()
  const conn = new MySqlConnection(fake as unknown as mysql.Connection, new MySqlDriver(options), options, { status: 2, idleTimeoutMs: undefined, sessionId: undefined, server: undefined }, { tag: 'test@host/1', timeoutMs: 5000 })
  const sql = "CREATE TRIGGER t BEFORE INSERT ON x FOR EACH ROW SET NEW.note = ?"
  await expect(conn.execute({ sql, args: ["it's"], argTypes: [{ scalarType: 'string', arity: 'scalar' }] })).resolves.toBe(0)
  expect(fake.sent).toEqual([`prepare ${sql}`, "query CREATE TRIGGER t BEFORE INSERT ON x FOR EACH ROW SET NEW.note = 'it''s'"])
})
