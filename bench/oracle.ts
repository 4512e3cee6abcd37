// What the Oracle dialect's translator costs per statement, over the corpus of Prisma's own SQL
// (packages/oracle/test/corpus.json): cold (translate(), what the first call of a statement pays) and cached (every
// later call, the one that matters: goal under 20 µs), for each target. Cached is measured twice: the plan alone
// (TranslationCache.plan) and the whole per-call work the adapter adds before the driver sees the statement — the plan
// and its binds (oracledb's bind values from Prisma's arguments; on the JDBC route, the dialect's statements with `?`).
// Pure computation, no server: µs per statement, not operations per second.
import { readFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { h2OracleDialect } from '../packages/jdbc/src/dialects/oracle.js'
import { stepBinds } from '../packages/oracle/src/binds.js'
import { translate, TranslationCache, type TranslationTarget } from '../packages/oracle/src/dialect.js'

/** The dialect's query type (Prisma's SqlQuery), as its plan() takes it. */
type SqlQuery = Parameters<NonNullable<ReturnType<typeof h2OracleDialect>['plan']>>[0]

interface CorpusStatement {
  sql: string
  args: unknown[]
  argTypes: SqlQuery['argTypes']
}

export interface TranslatorFigure {
  target: TranslationTarget
  /** Median over the rounds of the median statement's µs (a few huge IN lists would make a mean of little use). */
  coldMicros: number
  /** Median over the rounds of the mean µs per statement. */
  cachedMicros: number
  /** Median over the rounds of the mean µs per statement of the plan and its binds (see above). */
  perCallMicros: number
  /** The slowest statement's cached µs (median over rounds), and its first characters. */
  worstCachedMicros: number
  worstSql: string
  statements: number
}

const ROUNDS = Number(process.env.BENCH_QUICK ? 3 : 9)
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

function timeEach(statements: CorpusStatement[], repeat: number, work: (statement: CorpusStatement, index: number) => unknown): number[] {
  return statements.map((statement, index) => {
    const start = performance.now()
    for (let i = 0; i < repeat; i++) work(statement, index)
    return ((performance.now() - start) * 1000) / repeat
  })
}

export function runOracleBench(): TranslatorFigure[] {
  const corpus = JSON.parse(readFileSync(new URL('../packages/oracle/test/corpus.json', import.meta.url), 'utf8')) as CorpusStatement[]
  const figures: TranslatorFigure[] = []
  for (const target of ['oracle', 'h2'] as const) {
    const options = { target, schema: 'public' }
    // Statements refused (PostgreSQL-only forms, an empty string written) cost a cached error, not a plan: left out.
    const statements = corpus.filter((statement) => {
      try {
        const plan = new TranslationCache(options).plan(statement.sql, statement.args, statement.argTypes)
        for (const step of plan.steps) stepBinds(step.binds, statement.args, statement.argTypes)
        return true
      } catch {
        return false
      }
    })
    const cold: number[] = []
    const cached: number[] = []
    const perCall: number[] = []
    // The corpus keeps bytes as { base64 } (JSON has none): back to bytes, as Prisma passes them.
    const queries: SqlQuery[] = statements.map(({ sql, args, argTypes }) => ({
      sql,
      args: args.map((arg) => (arg && typeof arg === 'object' && 'base64' in arg ? Buffer.from(String(arg.base64), 'base64') : arg)),
      argTypes,
    }))
    const mean = (values: number[]) => values.reduce((sum, micros) => sum + micros, 0) / values.length
    const perStatement: number[][] = statements.map(() => [])
    for (let round = 0; round < ROUNDS; round++) {
      cold.push(median(timeEach(statements, 20, (statement) => translate(statement.sql, options, statement.argTypes))))
      const cache = new TranslationCache(options)
      for (const statement of statements) cache.plan(statement.sql, statement.args, statement.argTypes)
      const each = timeEach(statements, 2000, (statement) => cache.plan(statement.sql, statement.args, statement.argTypes))
      each.forEach((micros, i) => perStatement[i]!.push(micros))
      cached.push(mean(each))
      if (target === 'oracle') {
        perCall.push(mean(timeEach(statements, 500, (_, i) => cache.plan(queries[i]!.sql, queries[i]!.args, queries[i]!.argTypes).steps.map((step) => stepBinds(step.binds, queries[i]!.args, queries[i]!.argTypes)))))
      } else {
        const dialect = h2OracleDialect()
        for (const query of queries) dialect.plan!(query)
        perCall.push(mean(timeEach(statements, 500, (_, i) => dialect.plan!(queries[i]!))))
      }
    }
    const worst = perStatement.map(median).reduce((best, micros, i, all) => (micros > all[best]! ? i : best), 0)
    figures.push({
      target,
      coldMicros: median(cold),
      cachedMicros: median(cached),
      perCallMicros: median(perCall),
      worstCachedMicros: median(perStatement[worst]!),
      worstSql: statements[worst]!.sql.slice(0, 80),
      statements: statements.length,
    })
  }
  console.log(`\nOracle translator, µs per statement over ${figures[0]?.statements} corpus statements (median of ${ROUNDS} rounds)`)
  console.log('target   cold: translate(), median statement   cached, mean per statement: plan   plan + binds   slowest plan')
  for (const f of figures) {
    console.log(
      `${f.target.padEnd(8)} ${f.coldMicros.toFixed(1).padStart(33)} µs ${f.cachedMicros.toFixed(2).padStart(34)} µs ${f.perCallMicros.toFixed(2).padStart(11)} µs ${f.worstCachedMicros.toFixed(2).padStart(10)} µs  (${f.worstSql}…)`,
    )
  }
  return figures
}
