// The pool's own queue of waiting callers: arrival order, one timer for all of them, and nothing left behind.
import { expect, test } from 'vitest'
import { WaitQueue, type Waiter } from '../src/waiters.js'

type TestWaiter = Waiter<string> & { name: string }
const waiter = (name: string, inMs: number): TestWaiter => ({ name, deadline: performance.now() + inMs, resolve() {}, reject() {} })
const timers = () => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length

test('callers leave in arrival order; those whose deadline passed are expired, the next one keeps waiting', async () => {
  let expired!: (name: string) => void
  const firstExpired = new Promise<string>((resolve) => (expired = resolve))
  const queue = new WaitQueue<TestWaiter>((w) => expired(w.name))
  queue.push(waiter('a', 5))
  queue.push(waiter('b', 60_000))
  queue.push(waiter('c', 60_000))
  expect(await firstExpired).toBe('a')
  expect(queue.size).toBe(2)
  expect(queue.shift()?.name).toBe('b')
  expect(queue.takeAll().map((w) => w.name)).toEqual(['c'])
  expect(queue.shift()).toBeUndefined()
})

test('a caller who comes back from its own expiry gets one timer, and takeAll() leaves none behind', async () => {
  const before = timers()
  let requeued!: () => void
  const back = new Promise<void>((resolve) => (requeued = resolve))
  const queue: WaitQueue<TestWaiter> = new WaitQueue((w) => {
    if (w.name !== 'a') return
    queue.push(waiter('a again', 60_000))
    requeued()
  })
  queue.push(waiter('a', 5))
  await back
  await new Promise(setImmediate)
  expect(timers() - before).toBe(1)
  queue.takeAll()
  expect(timers() - before).toBe(0)
})

test("a caller pushed while others expire does not delay the deadline of those still waiting", async () => {
  const expired: string[] = []
  let bExpired!: () => void
  const bGone = new Promise<void>((resolve) => (bExpired = resolve))
  const queue: WaitQueue<TestWaiter> = new WaitQueue((w) => {
    expired.push(w.name)
    // A 'timeout' listener that asks again at once: a caller far behind the ones still waiting.
    if (w.name === 'a') queue.push(waiter('c', 60_000))
    if (w.name === 'b') bExpired()
  })
  queue.push(waiter('a', 5))
  queue.push(waiter('b', 50))
  await bGone
  expect(expired).toEqual(['a', 'b'])
  expect(queue.takeAll().map((w) => w.name)).toEqual(['c'])
})
