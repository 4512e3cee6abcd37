// What the pool relies on inside tarn (src/tarn-pool.ts), checked against the tarn installed: an upgrade that renames
// or reshapes any of it fails here, by name, before it breaks the pool in a subtler way.
import { expect, test } from 'vitest'
import type { PooledConnection } from '../src/pool-types.js'
import { RetiringTarnPool } from '../src/tarn-pool.js'

type Internals = {
  free: { resource: unknown; settle: unknown; resolve: unknown }[]
  used: { resource: unknown; resolve: unknown }[]
  pendingAcquires: { promise: unknown; resolve: unknown; reject: unknown; abort: unknown }[]
  pendingCreates: { abort: unknown }[]
  destroyed: unknown
  min: unknown
  max: unknown
  _tryAcquireOrCreate: unknown
  _destroy: unknown
  _startReaping: unknown
}

const connection = () => ({ seq: 0, createdAt: 0, returnedAt: undefined, running: 0, waitingSince: 0 }) as unknown as PooledConnection

function tarnPool(create = async () => connection()) {
  return new RetiringTarnPool({ min: 0, max: 1, create, destroy: () => {}, acquireTimeoutMillis: 1000 })
}

test("tarn's internal lists, queues and steps are where the pool expects them", async () => {
  let finishCreate!: (pc: PooledConnection) => void
  const pool = tarnPool(() => new Promise((resolve) => (finishCreate = resolve)))
  const inside = pool as unknown as Internals
  for (const step of ['_tryAcquireOrCreate', '_destroy', '_startReaping'] as const) expect(typeof inside[step], step).toBe('function')
  expect(inside).toMatchObject({ free: [], used: [], pendingAcquires: [], pendingCreates: [], destroyed: false, min: 0, max: 1 })

  // A caller waits while its connection is created: a pending acquire and a pending create, each with its controls.
  const first = pool.acquire()
  expect(inside.pendingAcquires).toHaveLength(1)
  expect(inside.pendingCreates).toHaveLength(1)
  const [acquire] = inside.pendingAcquires
  for (const control of ['resolve', 'reject', 'abort'] as const) expect(typeof acquire![control], control).toBe('function')
  expect(acquire!.promise).toBeInstanceOf(Promise)
  expect(typeof inside.pendingCreates[0]!.abort).toBe('function')
  finishCreate(connection())
  const pc = await first.promise

  // Checked out, it is a Resource in `used`; released, one in `free`.
  expect(inside.used.map((used) => used.resource)).toEqual([pc])
  expect(typeof inside.used[0]!.resolve).toBe('function')
  pool.release(pc)
  expect(inside.free.map((free) => free.resource)).toEqual([pc])
  expect(typeof inside.free[0]!.settle).toBe('function')
  await pool.destroy()
  expect(inside.destroyed).toBe(true)
})

test('the steps the pool overrides and calls still behave as it relies on', async () => {
  const pool = tarnPool()
  let lettingIn = 0
  pool.letIn = () => lettingIn++
  // tarn looks for work through _tryAcquireOrCreate on every acquire and release: where parked callers are let in.
  const pc = await pool.acquire().promise
  expect(lettingIn).toBeGreaterThan(0)
  expect(pool.spare()).toBe(0)
  const before = lettingIn
  pool.release(pc)
  expect(lettingIn).toBeGreaterThan(before)
  expect(pool.spare()).toBe(1)
  // The fast path takes the free connection tarn would hand out next, without a pending acquire.
  expect(pool.takeFree(() => true)).toBe(pc)
  expect(pool.numUsed()).toBe(1)
  pool.destroyUsed(pc)
  expect(pool.numUsed()).toBe(0)
  await pool.destroy()
  expect(pool.isDestroyed).toBe(true)
})
