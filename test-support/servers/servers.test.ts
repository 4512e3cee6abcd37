// The private servers the suite starts for itself: configured as the tests need, gone when stopped (also when the
// process that started them dies), and the check that names a missing setting on a server of MYSQL_TEST_URL.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import mysql from 'mysql2/promise'
import pg from 'pg'
import { expect, test } from 'vitest'
import { requirePerformanceSchema } from '../../packages/mysql/test/helpers.js'
import { until } from '../until.js'
import { MariaDbServer } from './mariadb.js'
import { PostgresServer } from './postgres.js'

/** Whether a server refuses connections (it is not running); a connection that succeeds is closed again. */
const refuses = (connect: () => Promise<{ end(): Promise<unknown> }>) =>
  connect().then(
    (connection) => connection.end().then(() => false),
    () => true,
  )
const mysqlAt = (port: number) => () => mysql.createConnection({ host: '127.0.0.1', port, user: 'root' })
const pgAt = (url: string) => async () => {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  return client
}

test('a private MariaDB keeps connection attributes (performance_schema on), and stop() removes it', async () => {
  const server = await MariaDbServer.start()
  try {
    await requirePerformanceSchema(server.url)
  } finally {
    await server.stop()
  }
  expect(await refuses(mysqlAt(server.port))).toBe(true)
})

test('a server of MYSQL_TEST_URL without performance_schema fails the accounting tests with one message naming it', async () => {
  const server = await MariaDbServer.start({ settings: { performance_schema: 'OFF' } })
  try {
    const error = await requirePerformanceSchema(server.url).catch((e: unknown) => e as Error)
    expect(error).toBeInstanceOf(Error)
    expect((error as Error).message).toMatch(/^performance_schema is OFF on mysql:\/\/root@127\.0\.0\.1:\d+\/test, and these tests read the worker tag/)
    expect((error as Error).message).toContain('Add performance_schema=ON under [mysqld]')
    expect((error as Error).message).toContain('or unset MYSQL_TEST_URL')
  } finally {
    await server.stop()
  }
})

test('a private PostgreSQL takes the settings given, restarts on its data, and stop() removes it', async () => {
  const server = await PostgresServer.start({ settings: { max_connections: 17 } })
  const query = async (sql: string) => {
    const client = new pg.Client({ connectionString: server.url })
    await client.connect()
    try {
      return (await client.query(sql)).rows
    } finally {
      await client.end()
    }
  }
  try {
    expect(await query("SELECT current_setting('max_connections') AS m, current_database() AS db")).toEqual([{ m: '17', db: 'test' }])
    await query('CREATE TABLE kept (n int); INSERT INTO kept VALUES (7)')
    await server.restart()
    expect(await query('SELECT n FROM kept')).toEqual([{ n: 7 }])
  } finally {
    await server.stop()
  }
  expect(existsSync(server.dataDirectory)).toBe(false)
  expect(await refuses(pgAt(server.url))).toBe(true)
})

test('a private server dies with the process that started it', async () => {
  // A child starts one and is killed before it can stop it: the server must not outlive it.
  const script = fileURLToPath(new URL('./start-and-wait.ts', import.meta.url))
  const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'] })
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())))
    child.once('exit', (code) => reject(new Error(`the child exited (${code}) before its server was up`)))
  })
  const connect = mysqlAt(port)
  expect(await refuses(connect)).toBe(false)
  child.kill('SIGKILL')
  // The server's end is not ours to wait for (it is not our child): poll until it refuses connections.
  await until(() => refuses(connect), 'the orphaned server is gone')
})
