// A Prisma load for the fault tests, of any engine: callers in a loop, each on rows of its own, every result checked,
// every call recorded (start, end, outcome) so that a test can say which calls were in flight when a fault struck
// and hold each call to what the pool promises: no wrong result ever, errors only for calls the fault caught in
// flight (and only the codes of a lost connection), no wait past the caller's deadline, recovery afterwards.

/** A row of the Counter model, which both engines' test schemas have. */
export interface CounterRow {
  id: string
  name: string
  value: number
}

/** What the load needs of a generated Prisma Client (both engines' clients have it). */
export interface LoadPrisma {
  counter: {
    createMany(args: { data: { name: string; value: number }[] }): PromiseLike<unknown>
    findMany(args: { where: { name: { in: string[] } } }): PromiseLike<CounterRow[]>
    update(args: { where: { name: string }; data: { value: number } }): PromiseLike<CounterRow>
    findUnique(args: { where: { name: string } }): PromiseLike<CounterRow | null>
  }
  $queryRawUnsafe(query: string): PromiseLike<unknown>
}

/** A statement that takes a while on the server (`$queryRawUnsafe`), and what it must return. */
export interface SlowStatement {
  sql: string
  /** Whether the rows it returned are right. */
  check(result: unknown): boolean
}

export type CallKind = 'update' | 'find' | 'sleep'

/** What a caller knows of one of its rows: the last value it wrote (or read) for sure, and writes of unknown outcome. */
interface RowState {
  id: string
  name: string
  confirmed: number
  /** Values of updates that failed in flight: each may or may not have been applied. */
  unknown: Set<number>
}

/** Rows for the callers of one load, created through the Prisma Client (see prepareRows). */
export interface LoadRows {
  /** Rows of each caller; a caller moves to its next row after an update of unknown outcome (see startLoad). */
  byCaller: RowState[][]
}

/** Creates `perCaller` rows for each of `callers` callers, named `prefix_c<caller>_<n>`, with value 0. */
export async function prepareRows(prisma: LoadPrisma, prefix: string, callers = 16, perCaller = 6): Promise<LoadRows> {
  const names = Array.from({ length: callers }, (_, c) => Array.from({ length: perCaller }, (_, n) => `${prefix}_c${c}_${n}`))
  await prisma.counter.createMany({ data: names.flat().map((name) => ({ name, value: 0 })) })
  const rows = await prisma.counter.findMany({ where: { name: { in: names.flat() } } })
  const byName = new Map(rows.map((row) => [row.name, row]))
  return {
    byCaller: names.map((list) =>
      list.map((name) => {
        const row = byName.get(name)
        if (!row) throw new Error(`prepareRows: row ${name} was not created`)
        return { id: String(row.id), name, confirmed: 0, unknown: new Set<number>() }
      }),
    ),
  }
}

export interface CallError {
  /** Prisma's code (P1017, P2010, P2024 …), when the error has one. */
  code?: string
  name: string
  message: string
  /** `meta.driverAdapterError.cause.kind` (a raw query's P2010 carries the adapter's kind there). */
  causeKind?: string
}

export interface CallRecord {
  caller: number
  /** The caller's n-th call. */
  n: number
  kind: CallKind
  row: string
  /** ms since the load started. */
  start: number
  /** ms since the load started; undefined: it had not returned when the load was stopped. */
  end?: number
  outcome: 'ok' | 'error' | 'wrong' | 'pending'
  error?: CallError
  /** What was wrong with the result. */
  wrong?: string
}

/** A fault's time span, ms since the load started: calls running at any moment of it were caught in flight. */
export interface FaultWindow {
  label: string
  start: number
  end: number
  /** Whether calls caught in flight may fail (with a lost connection's codes only); false: every call must succeed. */
  tolerate: boolean
}

export interface LoadReport {
  calls: CallRecord[]
  faults: FaultWindow[]
  marks: Record<string, number>
  /** ms since the load started, when stop() was called. */
  stoppedAt: number
  rows: LoadRows
}

export interface LoadOptions {
  prisma: LoadPrisma
  rows: LoadRows
  /** Default 16. */
  callers?: number
  /** Calls each caller makes before it stops by itself; default: until stop(). */
  calls?: number
  /**
   * A slow statement each caller runs between its row calls (update, sleep, find, sleep …): connections are busy
   * on the server, with statements in flight, most of the time.
   */
  slow?: SlowStatement
  /** The time base (a `performance.now()` value) to share with another load's records; default: now. */
  origin?: number
}

const errorOf = (e: unknown): CallError => {
  const error = e as { code?: unknown; name?: unknown; message?: unknown; meta?: { driverAdapterError?: { cause?: { kind?: unknown } } } }
  const kind = error?.meta?.driverAdapterError?.cause?.kind
  return {
    ...(typeof error?.code === 'string' ? { code: error.code } : {}),
    name: typeof error?.name === 'string' ? error.name : typeof e,
    message: typeof error?.message === 'string' ? error.message : String(e),
    ...(typeof kind === 'string' ? { causeKind: kind } : {}),
  }
}

/** The errors of a lost connection: P1017, or a raw query's P2010 whose cause is the closed connection. */
export function isConnectionLoss(error: CallError | undefined): boolean {
  return error?.code === 'P1017' || (error?.code === 'P2010' && error.causeKind === 'ConnectionClosed')
}

export type Load = ReturnType<typeof startLoad>

/**
 * Starts `callers` callers (16), each calling in a loop until stop() (or `calls` times): update its row to a value
 * of its own and check that the returned row is that row with that value; read its row back and check it holds the
 * last value the caller knows it wrote, or one of the updates whose outcome is unknown (they failed in flight). After
 * such an update the caller moves to its next row: a statement lost on a dead path may still hold that row's lock
 * on the server.
 */
export function startLoad(options: LoadOptions) {
  const { prisma, rows, slow } = options
  const callers = options.callers ?? 16
  if (rows.byCaller.length < callers) throw new Error(`startLoad: rows for ${rows.byCaller.length} callers, not ${callers}`)
  const t0 = options.origin ?? performance.now()
  const at = () => performance.now() - t0
  const calls: CallRecord[] = []
  const faults: FaultWindow[] = []
  const marks: Record<string, number> = {}
  const watchers = new Set<() => void>()
  let stopping = false
  const notify = () => {
    for (const watcher of [...watchers]) watcher()
  }

  const cycle: CallKind[] = slow ? ['update', 'sleep', 'find', 'sleep'] : ['update', 'find']

  async function call(caller: number, n: number, current: { index: number }): Promise<void> {
    const list = rows.byCaller[caller]!
    const row = list[current.index % list.length]!
    const kind = cycle[n % cycle.length]!
    const value = caller * 1_000_000 + n
    const record: CallRecord = { caller, n, kind, row: row.name, start: at(), outcome: 'pending' }
    calls.push(record)
    try {
      if (kind === 'update') {
        let result: CounterRow
        try {
          result = await prisma.counter.update({ where: { name: row.name }, data: { value } })
        } catch (error) {
          row.unknown.add(value)
          current.index++
          throw error
        }
        if (result.name !== row.name || String(result.id) !== row.id || result.value !== value) {
          record.wrong = `update of ${row.name} (id ${row.id}) to ${value} returned ${JSON.stringify(result)}`
        } else {
          row.confirmed = value
          row.unknown.clear()
        }
      } else if (kind === 'find') {
        const result = await prisma.counter.findUnique({ where: { name: row.name } })
        if (!result || result.name !== row.name || String(result.id) !== row.id) {
          record.wrong = `findUnique of ${row.name} (id ${row.id}) returned ${JSON.stringify(result)}`
        } else if (result.value === row.confirmed || row.unknown.has(result.value)) {
          row.confirmed = result.value
          row.unknown.clear()
        } else {
          const unknown = row.unknown.size ? ` or one of ${[...row.unknown].join(', ')}` : ''
          record.wrong = `findUnique of ${row.name} returned value ${result.value}, expected ${row.confirmed}${unknown}`
        }
      } else {
        const result = await prisma.$queryRawUnsafe(slow!.sql)
        if (!slow!.check(result)) record.wrong = `${slow!.sql} returned ${JSON.stringify(result, (_, v) => (typeof v === 'bigint' ? `${v}n` : v))}`
      }
      record.outcome = record.wrong ? 'wrong' : 'ok'
    } catch (error) {
      record.outcome = 'error'
      record.error = errorOf(error)
    } finally {
      record.end = at()
      notify()
    }
  }

  const loops = Array.from({ length: callers }, async (_, caller) => {
    const current = { index: 0 }
    for (let n = 0; !stopping && (options.calls === undefined || n < options.calls); n++) await call(caller, n, current)
  })
  const finished = Promise.all(loops)

  /** Resolves when `condition()` holds, checked after every call; rejects after `withinMs` with what the calls did. */
  function when(condition: () => boolean, what: string, withinMs: number): Promise<void> {
    if (condition()) return Promise.resolve()
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!condition()) return
        cleanup()
        resolve()
      }
      const timer = setTimeout(() => {
        cleanup()
        reject(new Error(`timed out after ${withinMs / 1000} s waiting until ${what}\n${describeCalls(calls)}`))
      }, withinMs)
      const cleanup = () => {
        clearTimeout(timer)
        watchers.delete(check)
      }
      watchers.add(check)
    })
  }

  return {
    /** ms since the load started. */
    at,
    /** The load's time base: `performance.now()` when it started. */
    origin: t0,
    records: calls,
    /**
     * A fault begins now; end() marks the moment it has fully struck (the server stopped, the sessions gone).
     * `tolerate: false`: the fault must cost no call at all (a full server, say).
     */
    fault(label: string, { tolerate = true } = {}) {
      const window: FaultWindow = { label, start: at(), end: Number.NaN, tolerate }
      faults.push(window)
      return {
        window,
        end() {
          window.end = at()
          return window
        },
      }
    },
    /** A moment worth naming (the server back …), ms since the load started. */
    mark(label: string): number {
      return (marks[label] = at())
    },
    /** Resolves once `count` calls that started at or after `after` (ms) have succeeded. */
    succeeded(count: number, { after = 0, withinMs = 30_000 } = {}): Promise<void> {
      const done = () => calls.filter((c) => c.start >= after && c.outcome === 'ok').length >= count
      return when(done, `${count} calls started after ${after.toFixed(0)} ms have succeeded`, withinMs)
    },
    /** Resolves once every call that was running at some moment of `window` has returned. */
    returned(window: FaultWindow, { withinMs = 30_000 } = {}): Promise<void> {
      const done = () => calls.every((c) => c.end !== undefined || c.start > window.end)
      return when(done, `the calls in flight at "${window.label}" have returned`, withinMs)
    },
    /**
     * Stops the callers after their current call and waits for them, at most `withinMs`: calls still running then
     * are reported as never having returned (outcome 'pending'), and left to their fate.
     */
    async stop({ withinMs = 40_000 } = {}): Promise<LoadReport> {
      stopping = true
      const stoppedAt = at()
      let timer: NodeJS.Timeout | undefined
      await Promise.race([finished, new Promise((resolve) => (timer = setTimeout(resolve, withinMs)))])
      clearTimeout(timer)
      return { calls: [...calls], faults: faults.map((f) => ({ ...f })), marks: { ...marks }, stoppedAt, rows }
    },
  }
}

/** Whether a call was running at some moment of a fault's window. */
export const inFlightAt = (call: CallRecord, window: FaultWindow) =>
  call.start <= window.end && (call.end === undefined || call.end >= window.start)

export interface LoadExpectations {
  /** The pool's `timeout`, in seconds: no caller may wait longer for a connection. */
  timeout: number
  /** What a call may take beyond `timeout`: its own statements (and, on a dead path, the time to notice it), in ms. */
  marginMs: number
  /**
   * When the server was back after an outage (ms since the load started): a call whose wait ran out before that may
   * fail with the pool's timeout (P2024), and nothing else. Default: no such allowance.
   */
  backAt?: number
}

/**
 * What is wrong with a load, as one line per problem (an empty list: nothing): wrong results, calls that never
 * returned or waited past their deadline, errors of calls no fault caught in flight, errors other than a lost
 * connection's for calls a fault did catch.
 */
export function loadProblems(report: LoadReport, { timeout, marginMs, backAt }: LoadExpectations): string[] {
  const problems: string[] = []
  const deadlineMs = timeout * 1000 + marginMs
  const show = (c: CallRecord) =>
    `caller ${c.caller} call ${c.n} (${c.kind} ${c.row}, ${c.start.toFixed(0)}–${c.end?.toFixed(0) ?? '…'} ms)` +
    (c.error ? `: ${c.error.code ?? c.error.name}${c.error.causeKind ? ` (${c.error.causeKind})` : ''} ${firstLine(c.error.message)}` : '')
  for (const c of report.calls) {
    if (c.outcome === 'pending') {
      problems.push(`never returned (still running when the load was stopped, ${(report.stoppedAt - c.start).toFixed(0)} ms after it started): ${show(c)}`)
      continue
    }
    const duration = c.end! - c.start
    if (duration > deadlineMs) problems.push(`took ${duration.toFixed(0)} ms, past the deadline of ${deadlineMs} ms (timeout ${timeout} s + ${marginMs} ms): ${show(c)}`)
    if (c.outcome === 'wrong') problems.push(`WRONG RESULT: ${c.wrong} — ${show(c)}`)
    if (c.outcome !== 'error') continue
    const caught = report.faults.filter((f) => inFlightAt(c, f))
    if (caught.some((f) => f.tolerate)) {
      if (!isConnectionLoss(c.error)) problems.push(`in flight at "${caught.map((f) => f.label).join('", "')}", failed with an error other than a lost connection's: ${show(c)}`)
    } else if (caught.length > 0) {
      problems.push(`failed, though "${caught.map((f) => f.label).join('", "')}" must cost no call: ${show(c)}`)
    } else if (backAt !== undefined && c.start + timeout * 1000 < backAt) {
      if (c.error?.code !== 'P2024') problems.push(`its wait ran out before the server was back, but it failed with something else than P2024: ${show(c)}`)
    } else {
      const after = report.faults.filter((f) => c.start > f.end).at(-1)
      problems.push(`failed though no fault caught it in flight${after ? ` (it started after "${after.label}" had struck)` : ''}: ${show(c)}`)
    }
  }
  return problems
}

/** The rows as the server holds them, read directly: each must hold its caller's last value, or an unknown write's. */
export function rowProblems(rows: LoadRows, onServer: CounterRow[]): string[] {
  const problems: string[] = []
  const byName = new Map(onServer.map((row) => [row.name, row]))
  for (const row of rows.byCaller.flat()) {
    const found = byName.get(row.name)
    if (!found) problems.push(`row ${row.name} is missing on the server`)
    else if (String(found.id) !== row.id) problems.push(`row ${row.name} has id ${found.id} on the server, expected ${row.id}`)
    else if (Number(found.value) !== row.confirmed && !row.unknown.has(Number(found.value))) {
      const unknown = row.unknown.size ? ` or one of ${[...row.unknown].join(', ')}` : ''
      problems.push(`row ${row.name} holds ${found.value} on the server, expected ${row.confirmed}${unknown}`)
    }
  }
  return problems
}

const firstLine = (text: string) => text.trim().split('\n').filter(Boolean).at(-1)?.slice(0, 300) ?? ''

/** Figures of a load, for the test's output: calls, errors by code, the longest call, calls caught by each fault. */
export function summarize(report: LoadReport): string {
  const lines = [describeCalls(report.calls)]
  for (const f of report.faults) {
    const caught = report.calls.filter((c) => inFlightAt(c, f))
    const failed = caught.filter((c) => c.outcome === 'error')
    const after = report.calls.filter((c) => c.start > f.end)
    const slowestAfter = after.reduce((most, c) => Math.max(most, (c.end ?? report.stoppedAt) - c.start), 0)
    lines.push(
      `  "${f.label}" ${f.start.toFixed(0)}–${f.end.toFixed(0)} ms: ${caught.length} calls in flight, ${failed.length} failed` +
        `${failed.length ? ` (${countBy(failed, errorKey)})` : ''}; longest call started after it: ${slowestAfter.toFixed(0)} ms`,
    )
  }
  for (const [label, t] of Object.entries(report.marks)) lines.push(`  ${label} at ${t.toFixed(0)} ms`)
  return lines.join('\n')
}

const errorKey = (c: CallRecord) => (c.error ? `${c.error.code ?? c.error.name}${c.error.causeKind ? `/${c.error.causeKind}` : ''}` : c.outcome)

function countBy<T>(items: T[], key: (item: T) => string): string {
  const counts = new Map<string, number>()
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1)
  return [...counts].map(([k, n]) => `${k} ×${n}`).join(', ')
}

function describeCalls(calls: CallRecord[]): string {
  const done = calls.filter((c) => c.end !== undefined)
  const errors = calls.filter((c) => c.outcome === 'error')
  const wrong = calls.filter((c) => c.outcome === 'wrong')
  // reduce, not Math.max(...): a run of 100,000 calls and more would overflow the stack.
  const longest = done.reduce((most, c) => Math.max(most, c.end! - c.start), 0)
  const sample = errors.slice(0, 3).map((c) => `\n    e.g. ${c.kind} at ${c.start.toFixed(0)} ms: ${c.error?.code ?? c.error?.name} ${firstLine(c.error?.message ?? '')}`)
  return (
    `${calls.length} calls: ${calls.filter((c) => c.outcome === 'ok').length} ok, ${errors.length} errors` +
    `${errors.length ? ` (${countBy(errors, errorKey)})` : ''}, ${wrong.length} wrong, ${calls.length - done.length} running; ` +
    `longest ${longest.toFixed(0)} ms${sample.join('')}`
  )
}

/** Records crashes the process would otherwise die of, or vitest report late: unhandled rejections, uncaught exceptions. */
export function watchProcess() {
  const seen: string[] = []
  const onRejection = (reason: unknown) => seen.push(`unhandledRejection: ${reason instanceof Error ? reason.stack : String(reason)}`)
  const onException = (error: Error) => seen.push(`uncaughtException: ${error.stack ?? String(error)}`)
  process.on('unhandledRejection', onRejection)
  process.on('uncaughtException', onException)
  return {
    seen,
    stop() {
      process.off('unhandledRejection', onRejection)
      process.off('uncaughtException', onException)
    },
  }
}

/** Settles with `work`, or rejects after `ms` saying that `what` did not return. */
export async function within<T>(work: PromiseLike<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not return within ${ms / 1000} s`)), ms))),
    ])
  } finally {
    clearTimeout(timer)
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
