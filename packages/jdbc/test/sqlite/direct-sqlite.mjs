// A child process that reads and writes SQLite files with better-sqlite3, for the tests that check what a file holds
// while PrismaPoolJdbc has it open. Not in the test's own process: two SQLite libraries in one process (better-sqlite3's
// bundled SQLite, and the system's that xerial's driver loads) break each other's POSIX locks on a shared file (closing
// one's file descriptor drops the other's locks: https://www.sqlite.org/howtocorrupt.html#multiple_copies_of_sqlite_linked_into_the_same_application).
// Each request opens the file, runs one statement and closes it. Messages use the 'advanced' serialization (bigint,
// Uint8Array). Integers come back as bigint: exact past 2^53.
import Database from 'better-sqlite3'

/** Uint8Array arguments as the Buffers better-sqlite3 binds (the IPC channel turns Buffers into Uint8Arrays). */
const bindable = (value) => (value instanceof Uint8Array && !Buffer.isBuffer(value) ? Buffer.from(value) : value)

process.on('message', ({ id, file, sql, params, write }) => {
  let db
  try {
    db = new Database(file, { readonly: !write, fileMustExist: true })
    db.defaultSafeIntegers(true)
    const statement = db.prepare(sql)
    const args = params.map(bindable)
    const result = statement.reader ? statement.all(...args) : statement.run(...args)
    process.send({ id, result })
  } catch (error) {
    process.send({ id, error: String(error?.message ?? error) })
  } finally {
    db?.close()
  }
})
