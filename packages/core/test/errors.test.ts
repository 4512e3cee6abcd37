// The pool's errors: stable codes, their facts as fields, their messages, and recognition across two copies of
// the package (two engine packages each with its own core, or ESM beside CJS).
import { describe, expect, test } from 'vitest'
import { assessBudget, summarizeFleet } from '../src/accounting.js'
import {
  ConnectTimeoutError,
  isPrismaPoolError,
  PoolBudgetError,
  PoolClosedError,
  PoolOptionError,
  PoolTimeoutError,
  PrismaPoolError,
  ServerFullError,
  type PrismaPoolErrorCode,
  type ServerFullFacts,
} from '../src/errors.js'

const timeoutDetails = { timeout: 0.2, size: 1, maxOverflow: 0, checkedOut: 1, connecting: 0, waiting: 1, lastConnectError: undefined }
const tooBig = () => assessBudget([{ limit: 6, what: 'max_connections 6' }], { count: 3, source: 'PRISMA_POOL_WORKERS=3' }, 3, 1)

/** One error of each class, as the pool raises them. */
const samples = () => ({
  PRISMA_POOL_ERROR: new PrismaPoolError('base'),
  PRISMA_POOL_INVALID_OPTION: new PoolOptionError('invalid pool option "sise"', { option: 'sise' }),
  PRISMA_POOL_TIMEOUT: new PoolTimeoutError(timeoutDetails, 'fake://db'),
  PRISMA_POOL_CLOSED: new PoolClosedError('the pool for fake://db has been disposed.'),
  PRISMA_POOL_CONNECT_TIMEOUT: new ConnectTimeoutError(0.5, 'fake://db'),
  PRISMA_POOL_OVER_BUDGET: new PoolBudgetError(tooBig(), 'fake://db', 'error'),
  PRISMA_POOL_SERVER_FULL: new ServerFullError({
    target: 'fake://db', tag: 'api@web-1/7', size: 1, maxOverflow: 1, budgetPolicy: 'warn', serverMessage: 'FULL',
  }),
})

describe('codes', () => {
  test('every class has its own stable poolCode, on the class and on its errors', () => {
    const errors = samples()
    for (const [code, error] of Object.entries(errors)) {
      expect(error.poolCode, error.name).toBe(code)
      expect((error.constructor as typeof PrismaPoolError).poolCode, error.name).toBe(code)
    }
    expect(new Set(Object.values(errors).map((e) => e.poolCode)).size).toBe(7)
    expect(PoolBudgetError.poolCode).toBe('PRISMA_POOL_OVER_BUDGET')
  })

  test("Prisma 6's codes stay in code; the others have none, so that Prisma passes them on as they are", () => {
    const errors = samples()
    expect(errors.PRISMA_POOL_TIMEOUT.code).toBe('P2024')
    expect(errors.PRISMA_POOL_CONNECT_TIMEOUT.code).toBe('P1001')
    // A Prisma Client makes any error with a `code` a PrismaClientKnownRequestError, dropping the class and its fields.
    for (const code of ['PRISMA_POOL_ERROR', 'PRISMA_POOL_INVALID_OPTION', 'PRISMA_POOL_CLOSED', 'PRISMA_POOL_OVER_BUDGET', 'PRISMA_POOL_SERVER_FULL'] as const) {
      expect(errors[code], code).not.toHaveProperty('code')
    }
  })

  test('the code is in what JSON.stringify writes for a log; the brand is not', () => {
    const error = new PoolClosedError('closed')
    expect(JSON.parse(JSON.stringify(error))).toEqual({ name: 'PoolClosedError', poolCode: 'PRISMA_POOL_CLOSED' })
    expect(Object.getOwnPropertySymbols(error)).toEqual([])
  })
})

describe('facts as fields', () => {
  test('PoolBudgetError carries the report, the target, the policy and the figures of the refusal', () => {
    const report = tooBig()
    const error = new PoolBudgetError(report, 'fake://db', 'error')
    expect(error).toMatchObject({
      report,
      target: 'fake://db',
      budgetPolicy: 'error',
      limit: 6,
      workers: 3,
      needed: 12,
      fitting: { size: 2, maxOverflow: 0 },
    })
  })

  test('PoolBudgetError writes the arithmetic and the policy, as the pool did', () => {
    const error = new PoolBudgetError(tooBig(), 'fake://db', 'error')
    expect(error.message).toBe(
      'prisma-pool: the fleet may open more connections than fake://db allows: ' +
        '3 workers × (size 3 + maxOverflow 1) = 12 > 6 (max_connections 6); workers from PRISMA_POOL_WORKERS=3. ' +
        "Settings that fit: size 2, maxOverflow 0 per worker (6 ÷ 3 workers = 2 each), or budgetPolicy 'fit' to use them " +
        "automatically; or raise the server's limit. (budgetPolicy 'error')",
    )
    const noFit = assessBudget([{ limit: 2, what: 'CONNECTION LIMIT 2 of role "app"' }], { count: 3, source: 's' }, 3, 1)
    const fit = new PoolBudgetError(noFit, 'fake://db', 'fit')
    expect(fit.message).toContain('Even one connection per worker does not fit (2 ÷ 3 workers = 0 each)')
    expect(fit.message).toContain("(budgetPolicy 'fit')")
    expect(fit.fitting).toBeUndefined()
  })

  test('PoolBudgetError with an unlimited overflow needs Infinity', () => {
    const report = assessBudget([{ limit: 6, what: 'max_connections 6' }], { count: 1, source: 's' }, 3, -1)
    const error = new PoolBudgetError(report, 'fake://db', 'error')
    expect(error.needed).toBe(Infinity)
    expect(error.message).toContain('1 worker × (size 3 + unlimited maxOverflow) = unlimited > 6')
  })

  const fleet = summarizeFleet(
    {
      connections: [
        { id: 1, application: 'api@web-2/9', state: 'active' },
        { id: 2, application: 'report-job', state: 'active', user: 'etl' },
      ],
    },
    'api@web-1/7',
    'fake://db',
    { limit: 2, what: 'max_connections 2' },
  )
  const full: ServerFullFacts = {
    target: 'fake://db',
    tag: 'api@web-1/7',
    size: 1,
    maxOverflow: 1,
    budgetPolicy: 'warn',
    serverMessage: 'fake server error FULL',
  }

  test('ServerFullError carries the refusal, this worker, the fleet last read and the budget, and the cause', () => {
    const cause = new Error('fake server error FULL')
    const budget = assessBudget([{ limit: 50, what: 'max_connections 50' }], { count: 1, source: 's' }, 1, 1)
    const error = new ServerFullError({ ...full, fleet, budget }, { cause })
    expect(error).toMatchObject({ ...full, fleet, budget })
    expect(error.cause).toBe(cause)
    const bare = new ServerFullError(full)
    expect(bare.fleet).toBeUndefined()
    expect(bare.budget).toBeUndefined()
  })

  test('ServerFullError says who held the server, what this worker holds and what to do, naming no product', () => {
    const budget = assessBudget([{ limit: 50, what: 'max_connections 50' }], { count: 1, source: 'default' }, 1, 1)
    const error = new ServerFullError({ ...full, fleet, budget })
    expect(error.message).toBe(
      'prisma-pool: fake://db refused a new connection because it is full (fake server error FULL), and this worker ' +
        '(api@web-1/7) holds none of its connections (size 1 + maxOverflow 1): other clients hold them all.\n' +
        `Who held the server's connections when last read: connections to fake://db at ${fleet.readAt.toISOString()}: 2 of 2 allowed (max_connections 2)\n` +
        '  api@web-2/9: 1 (1 active, 0 idle)\n' +
        '  report-job [etl]: 1\n' +
        'At start-up: the fleet fits fake://db: 1 worker × (size 1 + maxOverflow 1) = 2 ≤ 50 (max_connections 50); workers from default\n' +
        "Free connections in those clients (or lower their pools), raise the server's connection limit, or put a connection " +
        'pooler in front of the server. If the other clients are workers of this application, lower size and maxOverflow ' +
        "so that workers × (size + maxOverflow) fits (budgetPolicy 'fit' does it for you).",
    )
  })

  test('ServerFullError without a list read before says how to get one', () => {
    const error = new ServerFullError({ ...full, maxOverflow: -1 })
    expect(error.message).toContain('holds none of its connections (size 1 + unlimited maxOverflow): other clients hold them all.\n')
    expect(error.message).toContain("\nCall connections() on a worker that has a connection to see who holds the server's connections.\n")
    expect(error.message).not.toContain('At start-up')
  })

  test('PoolTimeoutError keeps details and meta, and names its target', () => {
    const error = new PoolTimeoutError(timeoutDetails, 'fake://db', new Error('refused'))
    expect(error).toMatchObject({
      details: timeoutDetails,
      target: 'fake://db',
      meta: { connection_limit: 1, timeout: 0.2, checked_out: 1, connecting: 0, waiting: 1 },
    })
    expect(error.cause).toEqual(new Error('refused'))
  })

  test('ConnectTimeoutError has its target and timeout as fields, and in meta', () => {
    const error = new ConnectTimeoutError(0.5, 'fake://db')
    expect(error).toMatchObject({ target: 'fake://db', timeout: 0.5, meta: { target: 'fake://db', connect_timeout: 0.5 } })
    expect(error.message).toBe(
      'prisma-pool: could not connect to fake://db within 0.5 s. Check that the server is running and reachable, ' +
        'or raise pool.connectTimeout (URL parameter connect_timeout).',
    )
  })

  test('PoolOptionError names the option when its thrower did, and takes a cause', () => {
    expect(new PoolOptionError('bad', { option: 'size' }).option).toBe('size')
    expect(new PoolOptionError('bad').option).toBeUndefined()
    const cause = new Error('parse')
    expect(new PoolOptionError('bad', { cause }).cause).toBe(cause)
    expect(new PoolOptionError('bad').message).toBe('prisma-pool: bad')
  })
})

describe('recognition', () => {
  test('isPrismaPoolError tells the pool errors, and with a code one kind, from anything else', () => {
    const errors = samples()
    for (const [code, error] of Object.entries(errors) as [PrismaPoolErrorCode, PrismaPoolError][]) {
      expect(isPrismaPoolError(error), code).toBe(true)
      expect(isPrismaPoolError(error, code), code).toBe(true)
    }
    expect(isPrismaPoolError(errors.PRISMA_POOL_CLOSED, 'PRISMA_POOL_TIMEOUT')).toBe(false)
    for (const other of [new Error('x'), { poolCode: 'PRISMA_POOL_CLOSED', name: 'PoolClosedError' }, null, undefined, 'PoolClosedError']) {
      expect(isPrismaPoolError(other)).toBe(false)
    }
    const unknown: unknown = errors.PRISMA_POOL_OVER_BUDGET
    // The code narrows the type: its fields need no cast.
    if (isPrismaPoolError(unknown, 'PRISMA_POOL_OVER_BUDGET')) expect(unknown.report.fleet).toBe(12)
    else expect.unreachable()
  })

  test('instanceof still works as usual in one copy, subclasses included', () => {
    const { PRISMA_POOL_TIMEOUT: timeout, PRISMA_POOL_CLOSED: closed } = samples()
    expect(timeout).toBeInstanceOf(PoolTimeoutError)
    expect(timeout).toBeInstanceOf(PrismaPoolError)
    expect(timeout).toBeInstanceOf(Error)
    expect(closed).not.toBeInstanceOf(PoolTimeoutError)
    expect(new Error('x')).not.toBeInstanceOf(PrismaPoolError)
    expect(Object.assign(new Error('x'), { name: 'PoolClosedError', poolCode: 'PRISMA_POOL_CLOSED' })).not.toBeInstanceOf(PoolClosedError)
    class AppError extends PoolOptionError {}
    expect(new AppError('x')).toBeInstanceOf(PoolOptionError)
    expect(new PoolOptionError('x')).not.toBeInstanceOf(AppError)
  })

  test('errors of a second copy of the module are instances of this copy’s classes, and isPrismaPoolError knows them', async () => {
    // The query string makes the module loader evaluate errors.ts again: new classes, as another package copy has.
    const specifier = '../src/errors.js?copy=2'
    const copy = (await import(/* @vite-ignore */ specifier)) as typeof import('../src/errors.js')
    expect(copy.PoolTimeoutError).not.toBe(PoolTimeoutError)

    const timeout = new copy.PoolTimeoutError(timeoutDetails, 'fake://db')
    expect(timeout instanceof PoolTimeoutError).toBe(true)
    expect(timeout instanceof PrismaPoolError).toBe(true)
    expect(timeout instanceof PoolClosedError).toBe(false)
    expect(isPrismaPoolError(timeout, 'PRISMA_POOL_TIMEOUT')).toBe(true)
    const budget = new copy.PoolBudgetError(tooBig(), 'fake://db', 'error')
    expect(budget instanceof PoolBudgetError).toBe(true)
    expect(isPrismaPoolError(budget, 'PRISMA_POOL_OVER_BUDGET') && budget.limit).toBe(6)
    // And the other way round.
    expect(new ServerFullError({ target: 't', tag: 'a@h/1', size: 1, maxOverflow: 0, budgetPolicy: 'off', serverMessage: 'FULL' }) instanceof copy.ServerFullError).toBe(true)
    expect(new PoolClosedError('x') instanceof copy.PrismaPoolError).toBe(true)
    expect(new PoolClosedError('x') instanceof copy.PoolOptionError).toBe(false)
    expect(copy.isPrismaPoolError(new PoolOptionError('x'), 'PRISMA_POOL_INVALID_OPTION')).toBe(true)
    // A subclass of the user's own knows only its own instances.
    class AppError extends PoolOptionError {}
    expect(new copy.PoolOptionError('x') instanceof AppError).toBe(false)
  })
})
