// What the primary and its workers share: the pool settings, and what they say to each other over IPC.

import type { BudgetReport, PoolOptions, PoolStats } from '@prisma-pool/pg'

/**
 * What every worker asks for. With budgetPolicy 'fit', a worker whose fleet would not fit the server's limit
 * lowers its own pool to its share: limit ÷ workers. CLUSTER_BUDGET_POLICY=off shows what happens without.
 */
export const POOL = {
  size: 5,
  maxOverflow: 5,
  budgetPolicy: (process.env.CLUSTER_BUDGET_POLICY ?? 'fit') as PoolOptions['budgetPolicy'],
  applicationName: 'cluster-demo',
}

export type FromWorker =
  /**
   * Connected and listening. `budget` is the start-up check (the pool's 'budget' event), `size` and
   * `maxOverflow` what the pool runs with after it.
   */
  | { type: 'ready'; id: number; tag: string; size: number; maxOverflow: number; budget: BudgetReport | undefined }
  | { type: 'failed'; id: number; message: string }
  /** `text`: adapter.prometheus(); `waits`: how long this worker's queries waited for a connection (adapter.stats()). */
  | { type: 'metrics'; id: number; text: string; waits: PoolStats['acquireWait'] }

export type FromPrimary = { type: 'metrics' } | { type: 'shutdown' }
