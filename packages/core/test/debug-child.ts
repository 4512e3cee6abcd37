// Run by observability.test.ts in a child process, so that DEBUG is read at start as in a real application.
import { resolvePoolOptions } from '../src/options.js'
import { QueuePool } from '../src/pool.js'
import { FakeDriver } from './fake-driver.js'

const driver = new FakeDriver()
const pool = new QueuePool(driver, resolvePoolOptions({ size: 1, applicationName: 'debug-demo' }))
// A failed attempt first, whose message quotes a URL with its password (as some drivers' messages do).
driver.connectError = new Error('could not reach postgres://app:sekret-pw@db.internal:5432/app')
await pool.acquire().then(
  () => Promise.reject(new Error('the connect should have failed')),
  () => undefined,
)
driver.connectError = undefined
const checkout = await pool.acquire()
await pool.release(checkout)
await pool.dispose()
