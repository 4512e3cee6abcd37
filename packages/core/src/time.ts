export const now = () => performance.now()

/** The longest a timer can wait (2^31 - 1 ms, 24.8 days). */
export const MAX_TIMER_MS = 2 ** 31 - 1

/** Rejects with the signal's reason once it aborts (and never settles otherwise): to race work against it. */
export const rejectedOnAbort = (signal: AbortSignal) =>
  new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }))

/** Settles with `work`, or rejects with `onTimeout()` after `timeoutMs`. */
export async function withTimeout<T>(work: Promise<T>, timeoutMs: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), timeoutMs)
  })
  try {
    return await Promise.race([work, expired])
  } finally {
    clearTimeout(timer)
  }
}
