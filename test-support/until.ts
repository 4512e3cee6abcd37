/**
 * Polls a condition only the server can report (a connection gone from its process list …: no event
 * exists for it), every `intervalMs`, failing after a deadline.
 */
export async function until(condition: () => Promise<boolean>, what: string, { intervalMs = 20 } = {}): Promise<void> {
  const deadline = Date.now() + 10_000
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`)
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
}
