import type { EngineConnection } from './engine.js'

/**
 * Runs `work` on a short-lived connection of an engine's own (a session check, its KILL), all of it within `timeoutMs`:
 * the connection may run into the same dead path as the one it asks about, so by the deadline it is destroyed and the
 * work fails. Its goodbye is not waited for; the deadline still destroys a connection whose goodbye hangs.
 */
export async function onSideConnection<C extends Pick<EngineConnection, 'close' | 'destroy'>, T>(conn: C, timeoutMs: number, work: (conn: C) => Promise<T>): Promise<T> {
  const deadline = setTimeout(() => conn.destroy(), timeoutMs)
  try {
    return await work(conn)
  } finally {
    conn.close().then(
      () => clearTimeout(deadline),
      () => clearTimeout(deadline),
    )
  }
}
