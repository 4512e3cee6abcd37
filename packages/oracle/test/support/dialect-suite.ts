// The Prisma-level scenarios through the Oracle dialect, executed on a database that takes Oracle's SQL (H2 in Oracle
// mode, h2.test.ts; a real Oracle, live.test.ts), each compared with the same scenario through our pg adapter on
// PostgreSQL: the shared relation scenarios, the Oracle scenarios (scenarios.ts) with their listed differences, and,
// at the end, the Oracle lint over the translation of every statement Prisma sent.
import { TranslationCache, UntranslatableError, type TranslationTarget } from '@prisma-pool/oracle/dialect'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { canonical } from '../../../../test-support/compare.js'
import { relationScenarios, seedRelations } from '../../../../test-support/relations.js'
import type { PrismaClient as PgTestClient } from '../../../pg/test/generated/prisma/client.js'
import { SCENARIOS, type Difference } from '../scenarios.js'
import type { DialectSide, Wrap } from './dialect-side.js'
import { lintStep } from './oracle-lint.js'
import { openPgSide, type PgSide } from './pg.js'
import { recording, type RecordedStatement } from './recording.js'

export interface DialectSuite {
  /** What the database is, for the tests' names. */
  name: string
  target: TranslationTarget
  /** Opens the side; `wrap` gets its adapter first (the recorder of what Prisma sends). */
  open(wrap: Wrap): Promise<DialectSide>
  differences: Readonly<Record<string, Difference>>
}

/** `base` with what `over` has in its place, object by object. */
function merged(base: unknown, over: unknown): unknown {
  if (typeof base !== 'object' || base === null || typeof over !== 'object' || over === null || Array.isArray(over)) return over
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) }
  for (const [key, value] of Object.entries(over)) out[key] = merged(out[key], value)
  return out
}

export function dialectSuite({ name, target, open, differences }: DialectSuite): void {
  const sent: RecordedStatement[] = []
  let ours: DialectSide
  let pg: PgSide

  beforeAll(async () => {
    ;[ours, pg] = await Promise.all([open((factory) => recording(factory, sent)), openPgSide(`${target}cmp`)])
    await Promise.all([seedRelations(ours.prisma as unknown as PgTestClient), seedRelations(pg.prisma as unknown as PgTestClient)])
  })
  afterAll(() => Promise.allSettled([ours?.close(), pg?.close()]))

  describe(`the shared relation scenarios: ${name} (Oracle dialect) and PostgreSQL agree`, () => {
    relationScenarios(() => ({ ours: ours.prisma as unknown as PgTestClient, official: pg.prisma as unknown as PgTestClient }), {
      strategies: [undefined],
      nullsFirstInDescending: true,
    })
  })

  describe(`the Oracle scenarios: ${name} (Oracle dialect) and PostgreSQL agree`, () => {
    for (const scenario of SCENARIOS) {
      const difference = differences[scenario.name]
      test(difference ? `${scenario.name} (differs: ${difference.reason})` : scenario.name, async () => {
        const [result, theirs] = await Promise.all([scenario.run(ours.prisma).catch((error: unknown) => ({ failed: String(error) })), scenario.run(pg.prisma)])
        if (scenario.expected !== undefined) expect(canonical(theirs)).toEqual(canonical(scenario.expected))
        if (difference && 'fails' in difference) {
          expect(result).toEqual({ failed: expect.stringMatching(difference.fails) })
        } else if (difference) {
          expect(canonical(result)).toMatchObject(canonical(difference.oracle) as object)
          expect(canonical(theirs)).toMatchObject(canonical(difference.postgres) as object)
          // Apart from the difference, the same.
          expect(merged(canonical(result), canonical(difference.postgres))).toEqual(canonical(theirs))
        } else {
          expect(canonical(result)).toEqual(canonical(theirs))
        }
      })
    }
  })

  describe(`what the Oracle dialect sent to ${name}`, () => {
    test('the translation of every statement passes the Oracle lint, for H2 and for Oracle', () => {
      expect(sent.length).toBeGreaterThan(100)
      // The recorder sees Prisma's SQL: each is translated again, for both targets, and every step of its plan linted.
      const problems = (['h2', 'oracle'] as const).flatMap((lintTarget) => {
        const translations = new TranslationCache({ target: lintTarget, schema: 'public' })
        return sent.flatMap((statement) => {
          let steps
          try {
            steps = translations.plan(statement.sql, statement.args, statement.argTypes).steps
          } catch (error) {
            // A statement the dialect refuses (a JSON path filter, an empty string written) ran nothing: nothing to lint.
            if (error instanceof UntranslatableError) return []
            throw error
          }
          return steps.flatMap((step) => lintStep(step, lintTarget).map((problem) => `${lintTarget}: ${problem}: ${step.sql.slice(0, 200)}`))
        })
      })
      expect(problems).toEqual([])
    })
  })
}
