import { onTestFinished, vi } from 'vitest'

export interface CapturedWarning {
  name: string
  message: string
}

/**
 * Keeps the process warnings of the current test (the ones it provokes on purpose, and checks) instead of letting
 * Node print them among the test output; printing resumes when the test ends.
 */
export function captureWarnings() {
  const warnings: CapturedWarning[] = []
  const waiting: (() => void)[] = []
  const spy = vi.spyOn(process, 'emitWarning').mockImplementation(((warning: string | Error, type?: string | { type?: string }) => {
    const name = typeof warning !== 'string' ? warning.name : typeof type === 'string' ? type : (type?.type ?? 'Warning')
    warnings.push({ name, message: typeof warning === 'string' ? warning : warning.message })
    for (const wake of waiting.splice(0)) wake()
  }) as typeof process.emitWarning)
  onTestFinished(() => spy.mockRestore())
  return {
    warnings,
    /** The first warning, once there is one. */
    async first(): Promise<CapturedWarning> {
      while (warnings.length === 0) await new Promise<void>((resolve) => waiting.push(resolve))
      return warnings[0]!
    },
  }
}
