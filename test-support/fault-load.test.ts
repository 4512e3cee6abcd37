// The fault-load harness itself, on an in-memory stand-in for a Prisma Client: it must see a wrong result, an error
// no fault explains, an error of the wrong kind, and accept an update whose outcome is unknown either way.
import { expect, test } from 'vitest'
import { loadProblems, prepareRows, rowProblems, startLoad, type CounterRow, type LoadPrisma } from './fault-load.js'

const lostConnection = () => Object.assign(new Error('Server has closed the connection.'), { code: 'P1017' })
const poolTimeout = () => Object.assign(new Error('timed out waiting for a connection'), { code: 'P2024' })

/** Rows in memory; `fault()` decides, per call, to fail it (before or after applying an update) or to lie. */
function fakePrisma(fault: (kind: 'update' | 'find') => 'fail' | 'fail-after-applying' | 'lie' | undefined = () => undefined) {
  const rows = new Map<string, CounterRow>()
  const tick = () => new Promise((resolve) => setImmediate(resolve))
  const prisma: LoadPrisma = {
    counter: {
      async createMany({ data }) {
        for (const { name, value } of data) rows.set(name, { id: `id-${name}`, name, value })
      },
      findMany: async ({ where }) => where.name.in.map((name) => ({ ...rows.get(name)! })),
      async update({ where, data }) {
        await tick()
        const what = fault('update')
        if (what === 'fail') throw lostConnection()
        rows.get(where.name)!.value = data.value
        if (what === 'fail-after-applying') throw lostConnection()
        return { ...rows.get(where.name)!, ...(what === 'lie' ? { value: data.value + 1 } : {}) }
      },
      async findUnique({ where }) {
        await tick()
        const what = fault('find')
        if (what === 'fail' || what === 'fail-after-applying') throw lostConnection()
        const row = rows.get(where.name)!
        return { ...row, ...(what === 'lie' ? { value: row.value + 1 } : {}) }
      },
    },
    $queryRawUnsafe: async () => [],
  }
  return { prisma, rows }
}

const EXPECT = { timeout: 5, marginMs: 1_000 }

test('a correct load has no problems, and the rows on the "server" match', async () => {
  const { prisma, rows } = fakePrisma()
  const loadRows = await prepareRows(prisma, 'ok', 4)
  const load = startLoad({ prisma, rows: loadRows, callers: 4 })
  await load.succeeded(200)
  const report = await load.stop()
  expect(loadProblems(report, EXPECT)).toEqual([])
  expect(rowProblems(loadRows, [...rows.values()])).toEqual([])
})

test('a wrong result is reported, whatever else happens', async () => {
  let n = 0
  const { prisma } = fakePrisma((kind) => (kind === 'find' && ++n === 20 ? 'lie' : undefined))
  const load = startLoad({ prisma, rows: await prepareRows(prisma, 'wrong', 2), callers: 2 })
  await load.succeeded(100)
  const problems = loadProblems(await load.stop(), EXPECT)
  expect(problems).toHaveLength(1)
  expect(problems[0]).toMatch(/^WRONG RESULT: findUnique of wrong_c\d_0 returned value \d+, expected \d+/)
})

test('errors: a lost connection in flight at a fault is allowed; outside a fault, or of another kind, it is not', async () => {
  let failing: (() => Error) | undefined
  const { prisma, rows } = fakePrisma(() => (failing ? 'fail-after-applying' : undefined))
  const loadRows = await prepareRows(prisma, 'err', 2)
  const load = startLoad({ prisma, rows: loadRows, callers: 2 })
  await load.succeeded(20)
  const fault = load.fault('drop')
  failing = lostConnection
  await new Promise((resolve) => setTimeout(resolve, 20)) // the fault lasts 20 ms
  failing = undefined
  fault.end()
  await load.succeeded(20, { after: fault.window.end })
  const report = await load.stop()
  expect(report.calls.some((c) => c.outcome === 'error')).toBe(true)
  // Updates that failed after being applied: their values are allowed, on reads and on the server.
  expect(loadProblems(report, EXPECT)).toEqual([])
  expect(rowProblems(loadRows, [...rows.values()])).toEqual([])

  // The same errors with no fault declared: each one is a problem.
  const untold = loadProblems({ ...report, faults: [] }, EXPECT)
  expect(untold.length).toBe(report.calls.filter((c) => c.outcome === 'error').length)
  expect(untold[0]).toMatch(/^failed though no fault caught it in flight: caller \d call \d+ \(\w+ err_c\d_\d, .*\): P1017/)

  // A pool timeout in flight at a fault is not a lost connection.
  const asTimeouts = report.calls.map((c) => (c.outcome === 'error' ? { ...c, error: { code: 'P2024', name: 'PrismaClientKnownRequestError', message: poolTimeout().message } } : c))
  expect(loadProblems({ ...report, calls: asTimeouts }, EXPECT)[0]).toMatch(/^in flight at "drop", failed with an error other than a lost connection's/)
})

test('a call past its deadline, and one that never returned, are reported', async () => {
  const { prisma } = fakePrisma()
  const load = startLoad({ prisma, rows: await prepareRows(prisma, 'slow', 1), callers: 1, calls: 1 })
  const report = await load.stop()
  const late = { ...report.calls[0]!, start: 0, end: 6_500 }
  const running = { ...report.calls[0]!, end: undefined, outcome: 'pending' as const }
  const problems = loadProblems({ ...report, calls: [late, running] }, EXPECT)
  expect(problems[0]).toMatch(/^took 6500 ms, past the deadline of 6000 ms/)
  expect(problems[1]).toMatch(/^never returned/)
})
