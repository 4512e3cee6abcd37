// Run by observability.test.ts in a child process, so that DEBUG is read at start as in a real application.
import { QueuePool, resolvePoolOptions } from '../src/index.js'
import { FakeDriver } from './fake-driver.js'

const pool = new QueuePool(new FakeDriver(), resolvePoolOptions({ size: 1, applicationName: 'debug-demo' }))
const checkout = await pool.acquire()
await pool.release(checkout)
await pool.dispose()
