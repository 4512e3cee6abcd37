// Parts 2 and 3: our adapters against Prisma's official ones, through a generated Prisma Client on the real
// servers, with the same pool size; and the floor, the same SQL through the raw driver on one open connection.
//
//   pnpm bench:adapters                 (BENCH_ENGINE=pg or =mysql for one engine only; see run.ts)
//
// The engines, their servers, adapters and clients come from the tests' fixtures (test-support/engines); an engine
// without an official adapter is measured against the raw driver alone.
import { ENGINES, type EngineId } from '../test-support/engines/index.js'
import { interleave, measure, printTable, settings, type Row, type Subject } from './harness.js'

export const POOL_SIZE = 10
export const CONCURRENCY = [1, 16, 64]
const USERS = 100

/** What the operations use of a Prisma client: the same for both engines' generated clients. */
interface Users {
  findUnique(args: { where: { id: number } }): Promise<unknown>
  findUniqueOrThrow(args: { where: { id: number } }): Promise<{ id: number; name: string }>
  update(args: { where: { id: number }; data: { name: string } }): Promise<unknown>
  create(args: { data: { email: string; name: string } }): Promise<unknown>
}
export interface Client {
  user: Users
  $transaction<T>(work: (tx: { user: Users }) => Promise<T>): Promise<T>
  $disconnect(): Promise<void>
}

/** The three operations, as a Prisma user writes them. */
export function operations(client: Client) {
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
export type Operation = keyof ReturnType<typeof operations>

/** One engine: our client, the official one (if it has one), and the raw driver's version of each operation. */
interface Engine {
  name: string
  ours: Client
  official?: Client
  floor: Record<Operation, () => Promise<unknown>>
  close(): Promise<void>
}

export const seed = (client: Client) =>
  Promise.all(Array.from({ length: USERS }, (_, i) => client.user.create({ data: { email: `seed${i}@bench`, name: `user ${i}` } })))

/** The engine of fixture `id`, on its server (bench/servers.ts set its variable), each client on a database of its own. */
async function openEngine(engine: EngineId): Promise<Engine> {
  const fixture = await ENGINES[engine].fixture()
  const { official: officialAdapter, dialect } = fixture
  const [oursDb, officialDb] = await Promise.all([fixture.createDatabase('bench_ours'), officialAdapter && fixture.createDatabase('bench_off')])
  const ours = fixture.client(fixture.adapter(oursDb.url, { size: POOL_SIZE, maxOverflow: 0 }))
  // As its documentation shows it, with the same pool size.
  const official = officialAdapter && officialDb && fixture.client(officialAdapter.adapter(officialDb.url, { max: POOL_SIZE }))
  await Promise.all([seed(ours), official && seed(official)])
  const raw = await fixture.connect(oursDb.url)
  let next = 0
  const id = () => 1 + (next++ % USERS)
  const [user, p] = [dialect.quote('User'), dialect.param]
  // What Prisma sends for each operation: a create reads its row back with RETURNING where the engine has it.
  const returning = dialect.returning ? ' RETURNING id, email, name, role' : ''
  return {
    name: fixture.name,
    ours,
    official,
    floor: {
      findUnique: () => raw.query(`SELECT id, email, name, role FROM ${user} WHERE id = ${p(1)} LIMIT 1`, [id()]),
      create: () => raw.query(`INSERT INTO ${user} (email, name) VALUES (${p(1)}, ${p(2)})${returning}`, [`f${process.pid}-${next++}@bench`, 'bench']),
      transaction: async () => {
        await raw.query('BEGIN')
        const [row] = await raw.query<{ id: number; name: string }>(`SELECT id, name FROM ${user} WHERE id = ${p(1)}`, [id()])
        await raw.query(`UPDATE ${user} SET name = ${p(1)} WHERE id = ${p(2)}`, [row!.name, row!.id])
        await raw.query('COMMIT')
      },
    },
    async close() {
      await Promise.all([ours.$disconnect(), official?.$disconnect(), raw.end()])
      await Promise.all([oursDb.drop(), officialDb?.drop()])
    },
  }
}

async function benchEngine(engine: Engine): Promise<Row[]> {
  const part = `adapters ${engine.name}`
  const ours = operations(engine.ours)
  const official = engine.official && operations(engine.official)
  const seconds = settings.seconds(1)
  const rows: Row[] = []
  for (const op of (Object.keys(ours) as Operation[]).filter((name) => settings.includes(name))) {
    // Warm both clients up (connections, query plans, the JIT) before anything is measured.
    await measure(ours[op], 16, seconds * 300)
    if (official) await measure(official[op], 16, seconds * 300)
    for (const concurrency of CONCURRENCY) {
      const subjects: Subject[] = [
        ...(official ? [{ name: 'official', run: () => measure(official[op], concurrency, seconds * 1000, true) }] : []),
        { name: 'prisma-pool', peer: official ? 'official' : undefined, run: () => measure(ours[op], concurrency, seconds * 1000, true) },
      ]
      // The floor: one connection, so one caller; the raw driver does no more than the query itself.
      if (concurrency === 1) subjects.push({ name: 'raw driver', peer: 'prisma-pool', run: () => measure(engine.floor[op], 1, seconds * 1000, true) })
      rows.push(...(await interleave(part, op, concurrency, settings.rounds, subjects)))
    }
  }
  return rows
}

/** The engines asked (run.ts: BENCH_ENGINE, every engine by default), one after the other; prints each table and returns the rows. */
export async function runAdapterBench(engines: EngineId[]): Promise<Row[]> {
  const rows: Row[] = []
  for (const id of engines) {
    const engine = await openEngine(id)
    try {
      const engineRows = await benchEngine(engine)
      printTable(`${engine.name} through Prisma Client, pool of ${POOL_SIZE} (${engine.official ? 'prisma-pool ÷ official; ' : ''}raw driver ÷ prisma-pool)`, engineRows)
      rows.push(...engineRows)
    } finally {
      await engine.close()
    }
  }
  return rows
}
