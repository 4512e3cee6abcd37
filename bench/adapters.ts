// Parts 2 and 3: our adapters against Prisma's official ones, through a generated Prisma Client on the real
// servers, with the same pool size; and the floor, the same SQL through the raw driver on one open connection.
//
//   pnpm bench:adapters                 (BENCH_ENGINE=pg or =mysql for one engine only; see run.ts)
import { PrismaPoolMySql } from '@prisma-pool/mysql'
import { PrismaPoolPg } from '@prisma-pool/pg'
import { PrismaMariaDb } from '@prisma/adapter-mariadb'
import { PrismaPg } from '@prisma/adapter-pg'
import mysql from 'mysql2/promise'
import pg from 'pg'
import { PrismaClient as MySqlClient } from '../packages/mysql/test/generated/prisma/client.js'
import { createTestDatabase } from '../packages/mysql/test/helpers.js'
import { PrismaClient as PgClient } from '../packages/pg/test/generated/prisma/client.js'
import { createTestSchema, PG_URL } from '../packages/pg/test/helpers.js'
import { interleave, measure, printTable, settings, type Row, type Subject } from './harness.js'

const POOL_SIZE = 10
const CONCURRENCY = [1, 16, 64]
const USERS = 100

/** What the operations use of a Prisma client: the same for both engines' generated clients. */
interface Users {
  findUnique(args: { where: { id: number } }): Promise<unknown>
  findUniqueOrThrow(args: { where: { id: number } }): Promise<{ id: number; name: string }>
  update(args: { where: { id: number }; data: { name: string } }): Promise<unknown>
  create(args: { data: { email: string; name: string } }): Promise<unknown>
}
interface Client {
  user: Users
  $transaction<T>(work: (tx: { user: Users }) => Promise<T>): Promise<T>
  $disconnect(): Promise<void>
}

/** The three operations, as a Prisma user writes them. */
function operations(client: Client) {
  let next = 0
  const id = () => 1 + (next++ % USERS)
  return {
    findUnique: () => client.user.findUnique({ where: { id: id() } }),
    create: () => client.user.create({ data: { email: `b${process.pid}-${next++}@bench`, name: 'bench' } }),
    transaction: () =>
      client.$transaction(async (tx) => {
        const user = await tx.user.findUniqueOrThrow({ where: { id: id() } })
        await tx.user.update({ where: { id: user.id }, data: { name: user.name } })
      }),
  }
}
type Operation = keyof ReturnType<typeof operations>

/** One engine: our client, the official one, and the raw driver's version of each operation. */
interface Engine {
  name: string
  ours: Client
  official: Client
  floor: Record<Operation, () => Promise<unknown>>
  close(): Promise<void>
}

const seed = (client: Client) =>
  Promise.all(Array.from({ length: USERS }, (_, i) => client.user.create({ data: { email: `seed${i}@bench`, name: `user ${i}` } })))

async function postgres(): Promise<Engine> {
  const [oursSchema, officialSchema] = await Promise.all([createTestSchema('bench_ours'), createTestSchema('bench_off')])
  const ours = new PgClient({ adapter: new PrismaPoolPg({ connectionString: PG_URL, schema: oursSchema.name, pool: { size: POOL_SIZE, maxOverflow: 0 } }) })
  const official = new PgClient({ adapter: new PrismaPg({ connectionString: PG_URL, max: POOL_SIZE }, { schema: officialSchema.name }) })
  await Promise.all([seed(ours), seed(official)])
  const raw = new pg.Client({ connectionString: PG_URL })
  await raw.connect()
  await raw.query(`SET search_path TO "${oursSchema.name}"`)
  let next = 0
  const id = () => 1 + (next++ % USERS)
  return {
    name: 'PostgreSQL',
    ours,
    official,
    floor: {
      findUnique: () => raw.query({ text: 'SELECT id, email, name, role FROM "User" WHERE id = $1 LIMIT 1', values: [id()] }),
      create: () => raw.query({ text: 'INSERT INTO "User" (email, name) VALUES ($1, $2) RETURNING id, email, name, role', values: [`f${process.pid}-${next++}@bench`, 'bench'] }),
      transaction: async () => {
        await raw.query('BEGIN')
        const { rows } = await raw.query({ text: 'SELECT id, name FROM "User" WHERE id = $1', values: [id()] })
        await raw.query({ text: 'UPDATE "User" SET name = $1 WHERE id = $2', values: [rows[0].name, rows[0].id] })
        await raw.query('COMMIT')
      },
    },
    async close() {
      await Promise.all([ours.$disconnect(), official.$disconnect(), raw.end()])
      await Promise.all([oursSchema.drop(), officialSchema.drop()])
    },
  }
}

async function mariadb(): Promise<Engine> {
  const [oursDb, officialDb] = await Promise.all([createTestDatabase('bench_ours'), createTestDatabase('bench_off')])
  const ours = new MySqlClient({ adapter: new PrismaPoolMySql({ connectionString: oursDb.url, pool: { size: POOL_SIZE, maxOverflow: 0 } }) })
  const { hostname, port, username } = new URL(officialDb.url)
  const official = new MySqlClient({
    adapter: new PrismaMariaDb({ host: hostname, port: Number(port || 3306), user: username, database: officialDb.name, connectionLimit: POOL_SIZE }),
  })
  await Promise.all([seed(ours), seed(official)])
  const raw = await mysql.createConnection({ uri: oursDb.url })
  let next = 0
  const id = () => 1 + (next++ % USERS)
  return {
    name: 'MariaDB',
    ours,
    official,
    floor: {
      findUnique: () => raw.query('SELECT id, email, name, role FROM User WHERE id = ? LIMIT 1', [id()]),
      create: () => raw.query('INSERT INTO User (email, name) VALUES (?, ?)', [`f${process.pid}-${next++}@bench`, 'bench']),
      transaction: async () => {
        await raw.query('BEGIN')
        const [rows] = await raw.query<mysql.RowDataPacket[]>('SELECT id, name FROM User WHERE id = ?', [id()])
        await raw.query('UPDATE User SET name = ? WHERE id = ?', [rows[0]!.name, rows[0]!.id])
        await raw.query('COMMIT')
      },
    },
    async close() {
      await Promise.all([ours.$disconnect(), official.$disconnect(), raw.end()])
      await Promise.all([oursDb.drop(), officialDb.drop()])
    },
  }
}

async function benchEngine(engine: Engine): Promise<Row[]> {
  const part = `adapters ${engine.name}`
  const ours = operations(engine.ours)
  const official = operations(engine.official)
  const seconds = settings.seconds(1)
  const rows: Row[] = []
  for (const op of (Object.keys(ours) as Operation[]).filter((name) => settings.includes(name))) {
    // Warm both clients up (connections, query plans, the JIT) before anything is measured.
    await measure(ours[op], 16, seconds * 300)
    await measure(official[op], 16, seconds * 300)
    for (const concurrency of CONCURRENCY) {
      const subjects: Subject[] = [
        { name: 'official', run: () => measure(official[op], concurrency, seconds * 1000, true) },
        { name: 'prisma-pool', peer: 'official', run: () => measure(ours[op], concurrency, seconds * 1000, true) },
      ]
      // The floor: one connection, so one caller; the raw driver does no more than the query itself.
      if (concurrency === 1) subjects.push({ name: 'raw driver', peer: 'prisma-pool', run: () => measure(engine.floor[op], 1, seconds * 1000, true) })
      rows.push(...(await interleave(part, op, concurrency, settings.rounds, subjects)))
    }
  }
  return rows
}

/** Both engines, one after the other; prints the table and returns its rows. */
export async function runAdapterBench(): Promise<Row[]> {
  const rows: Row[] = []
  for (const open of process.env.BENCH_ENGINE === "pg" ? [postgres] : process.env.BENCH_ENGINE === "mysql" ? [mariadb] : [postgres, mariadb]) {
    const engine = await open()
    try {
      const engineRows = await benchEngine(engine)
      printTable(`${engine.name} through Prisma Client, pool of ${POOL_SIZE} (prisma-pool ÷ official; raw driver ÷ prisma-pool)`, engineRows)
      rows.push(...engineRows)
    } finally {
      await engine.close()
    }
  }
  return rows
}
