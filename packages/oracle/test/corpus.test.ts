// The corpus of Prisma's own SQL (test/corpus.json): every statement the Oracle dialect's scenarios and the shared
// relation scenarios make a generated client send for a postgresql schema, captured through a recording adapter on
// PostgreSQL (where the scenarios' results are checked too). `UPDATE_CORPUS=1` writes what this run saw into
// corpus.json; otherwise the run checks that the committed corpus still holds every shape Prisma sends.
import { readFileSync, writeFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { relationScenarios, seedRelations } from '../../../test-support/relations.js'
import type { PrismaClient as PgTestClient } from '../../pg/test/generated/prisma/client.js'
import { SCENARIOS } from './scenarios.js'
import { openPgSide, type PgSide } from './support/pg.js'
import { recording, type RecordedStatement } from './support/recording.js'

const CORPUS = new URL('./corpus.json', import.meta.url)
const seen: RecordedStatement[] = []
let side: PgSide

beforeAll(async () => {
  side = await openPgSide('corpus', (factory, schema) => recording(factory, seen, (sql) => sql.replaceAll(`"${schema}".`, '"public".')))
  await seedRelations(side.prisma as unknown as PgTestClient)
})
afterAll(() => side?.close())

describe('the shared relation scenarios', () => {
  relationScenarios(() => ({ ours: side.prisma as unknown as PgTestClient }), { strategies: [undefined], nullsFirstInDescending: true })
})

describe('the Oracle scenarios, on PostgreSQL', () => {
  for (const scenario of SCENARIOS) {
    test(scenario.name, async () => {
      const result = await scenario.run(side.prisma)
      if (scenario.expected !== undefined) {
        const { canonical } = await import('../../../test-support/compare.js')
        expect(canonical(result)).toEqual(canonical(scenario.expected))
      }
    })
  }
})

describe('the corpus', () => {
  test('holds every statement shape this run made Prisma send', () => {
    const unique = [...new Map(seen.map((statement) => [statement.sql, statement])).values()]
    // One statement per line: a reviewer's diff shows which shapes came and went.
    if (process.env.UPDATE_CORPUS) writeFileSync(CORPUS, `[\n${unique.map((statement) => JSON.stringify(statement)).join(',\n')}\n]\n`)
    const corpus = new Set((JSON.parse(readFileSync(CORPUS, 'utf8')) as RecordedStatement[]).map((statement) => statement.sql))
    expect(unique.map((statement) => statement.sql).filter((sql) => !corpus.has(sql))).toEqual([])
  })
})
