// The translator of Prisma's PostgreSQL SQL into Oracle's (src/translate.ts): every statement of the corpus
// (test/corpus.json, what Prisma sent for the scenarios) for both targets, through the Oracle lint; each rewrite with
// its exact SQL and binds; what is refused and why; the cache.
import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { isDeferred, UntranslatableError, type OraclePlan, type OracleStep, type TranslateOptions, type Translation, type TranslationTarget } from '../src/plan.js'
import { translate, TranslationCache } from '../src/translate.js'
import { lintStep, oracleLint } from './support/oracle-lint.js'
import type { RecordedStatement } from './support/recording.js'

const corpus = JSON.parse(readFileSync(new URL('./corpus.json', import.meta.url), 'utf8')) as RecordedStatement[]
const ORACLE: TranslateOptions = { target: 'oracle', schema: 'public' }
const H2: TranslateOptions = { target: 'h2', schema: 'public' }
const TARGETS = ['oracle', 'h2'] as const satisfies readonly TranslationTarget[]

/**
 * The one corpus statement `match` picks, so that a test names the statement it means rather than where it happens to
 * be in corpus.json (which moves whenever the corpus is regenerated): a fragment of its SQL as Prisma sent it for
 * PostgreSQL, `{ sql }` for the statement of exactly that SQL (where a fragment would also match longer ones), or a
 * test of the statement. Throws unless exactly one statement matches.
 */
function corpusStatement(match: string | { readonly sql: string } | ((statement: RecordedStatement) => boolean)): RecordedStatement {
  const picks: (statement: RecordedStatement) => boolean =
    typeof match === 'string' ? ({ sql }) => sql.includes(match) : typeof match === 'function' ? match : ({ sql }) => sql === match.sql
  const what = typeof match === 'string' ? `the SQL fragment ${JSON.stringify(match)}` : typeof match === 'function' ? `the test ${match.toString()}` : `the SQL ${JSON.stringify(match.sql)}`
  const matches = corpus.filter(picks)
  if (matches.length === 1) return matches[0]!
  const found = matches.map((statement) => `\n  #${corpus.indexOf(statement)} ${statement.sql.slice(0, 160)}`).join('')
  throw new Error(`${matches.length} corpus statements match ${what}, where the test means exactly one${found}`)
}

// Corpus statements more than one test takes, by a fragment of their SQL.
/** A User found by id: `… WHERE "User"."id" = $1 LIMIT $2 OFFSET $3`. */
const USER_BY_ID = '"public"."User"."role"::text FROM "public"."User" WHERE "public"."User"."id" = $1 LIMIT $2 OFFSET $3'
/** A JSON path filter, `json: { path: ['s'], equals: 'x' }`: the path and the value are arguments. */
const PATH_EQUALS = '("public"."AllTypes"."json"#>ARRAY[$1]::text[])::jsonb::jsonb = $2'

const optionsFor = (target: TranslationTarget): TranslateOptions => (target === 'oracle' ? ORACLE : H2)
const args = (...indexes: number[]) => indexes.map((arg) => ({ arg }))
const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i)

/** The plan of one call, each of its steps through the lint. */
function planOf(sql: string, callArgs: readonly unknown[] = [], options: TranslateOptions = ORACLE): OraclePlan {
  const translation = translate(sql, options)
  const plan = isDeferred(translation) ? translation.render(callArgs) : translation
  for (const step of plan.steps) expect(lintStep(step, options.target), step.sql).toEqual([])
  return plan
}

/** The one step of a statement's plan. */
function stepOf(sql: string, callArgs: readonly unknown[] = [], options: TranslateOptions = ORACLE): OracleStep {
  const { steps } = planOf(sql, callArgs, options)
  expect(steps).toHaveLength(1)
  return steps[0]!
}

/** The message of the UntranslatableError translating (and rendering) `sql` throws. */
function refusal(sql: string, callArgs: readonly unknown[] = [], options: TranslateOptions = ORACLE): string {
  try {
    planOf(sql, callArgs, options)
  } catch (error) {
    expect(error).toBeInstanceOf(UntranslatableError)
    return (error as Error).message
  }
  throw new Error(`translated: ${sql}`)
}

/** Corpus statements refused on purpose, and why. None: every shape Prisma sent for the test schema translates. */
const INTENTIONALLY_REFUSED: readonly { readonly pattern: RegExp; readonly why: string }[] = []

describe.each(TARGETS)('every corpus statement, for %s', (target) => {
  test.each(corpus.map((statement, i) => [i, statement.sql.slice(0, 80), statement] as const))('#%i %s', (_i, _sql, statement) => {
    let translation: Translation
    try {
      translation = translate(statement.sql, optionsFor(target))
    } catch (error) {
      expect(error).toBeInstanceOf(UntranslatableError)
      expect(INTENTIONALLY_REFUSED.filter(({ pattern }) => pattern.test(statement.sql))).not.toEqual([])
      return
    }
    const plan = isDeferred(translation) ? translation.render(statement.args) : translation
    expect(plan.steps.length).toBeGreaterThan(0)
    const used = new Set(isDeferred(translation) ? translation.inlined : [])
    for (const step of plan.steps) {
      expect(lintStep(step, target), step.sql).toEqual([])
      for (const bind of step.binds) {
        if (!('arg' in bind)) continue
        expect(bind.arg).toBeGreaterThanOrEqual(0)
        expect(bind.arg).toBeLessThan(statement.args.length)
        used.add(bind.arg)
      }
    }
    // Each of Prisma's arguments is bound or rendered into the SQL: none is lost on the way.
    expect([...used].sort((a, b) => a - b)).toEqual(range(0, statement.args.length))
  })
})

test('the corpus: all 153 statements translate for both targets, 5 of them as deferred plans (JSON paths)', () => {
  expect(corpus).toHaveLength(153)
  for (const options of [ORACLE, H2]) {
    const translations = corpus.map((statement) => translate(statement.sql, options))
    expect(translations.filter(isDeferred)).toHaveLength(5)
  }
})

describe('placeholders', () => {
  test('a $n used twice binds its argument twice (user raw SQL, unqualified names)', () => {
    const step = stepOf(corpusStatement('"views" < $1 + 100').sql, [5])
    expect(step.sql).toBe('SELECT COUNT(*) AS "n" FROM "Post" WHERE "views" >= :1 AND "views" < :2 + 100')
    expect(step.binds).toEqual(args(0, 0))
    expect(step.yields).toBe('rows')
  })

  test('a $n in a string literal, a quoted name or a comment is not a placeholder', () => {
    const step = stepOf(`SELECT '$1 and '' $2' AS "$3", "a" FROM "T" WHERE "b" = $1 -- $2\n AND "c" = /* $3 /* nested */ */ $2`)
    expect(step.sql).toBe(`SELECT '$1 and '' $2' AS "$3", "a" FROM "T" WHERE "b" = :1 AND "c" = :2`)
    expect(step.binds).toEqual(args(0, 1))
  })

  test("Oracle's q'…' and N'…' literals of raw SQL stay whole", () => {
    const step = stepOf(`SELECT q'[it's $1]' AS "a", N'$2' AS "b" FROM DUAL WHERE 1 = $1`)
    expect(step.sql).toBe(`SELECT q'[it's $1]' AS "a", N'$2' AS "b" FROM DUAL WHERE 1 = :1`)
    expect(step.binds).toEqual(args(0))
  })

  test("PostgreSQL's dollar-quoted and E'…' literals are refused", () => {
    expect(refusal('SELECT $$text$$ AS "a"')).toMatch(/dollar-quoted/)
    expect(refusal(`SELECT E'a\\'b' AS "a"`)).toMatch(/E'…'/)
    expect(refusal('SELECT "a" FROM "T" WHERE "b" = $0')).toMatch(/count from \$1/)
  })
})

describe('names', () => {
  test('"public". is dropped from schema.table and schema.table.column, not from strings or after a dot', () => {
    const step = stepOf(`SELECT "public"."User"."id" FROM "public"."User" WHERE "public"."User"."email" = '"public".' AND "x"."public"."y" = 1`)
    expect(step.sql).toBe(`SELECT "User"."id" FROM "User" WHERE "User"."email" = '"public".' AND "x"."public"."y" = 1`)
  })

  test('another schema is kept as written, and named on a RETURNING step', () => {
    const options: TranslateOptions = { target: 'oracle', schema: 'app' }
    expect(stepOf('SELECT "app"."User"."id" FROM "app"."User" LIMIT $1', [], options).sql).toBe('SELECT "app"."User"."id" FROM "app"."User" FETCH NEXT :1 ROWS ONLY')
    const step = stepOf('INSERT INTO "app"."Tag" ("name") VALUES ($1) RETURNING "app"."Tag"."id"', [], options)
    expect(step.sql).toBe('INSERT INTO "app"."Tag" ("name") VALUES (:1) RETURNING "id" INTO :2')
    expect(step.returning).toEqual({ table: 'Tag', schema: 'app', columns: [{ column: 'id', name: 'id', asText: false }] })
  })

  test('"LIMIT" and "OFFSET" as quoted names are names, not keywords', () => {
    expect(stepOf('SELECT "LIMIT", "OFFSET" FROM "T" AS "LIMIT" LIMIT $1').sql).toBe('SELECT "LIMIT", "OFFSET" FROM "T" "LIMIT" FETCH NEXT :1 ROWS ONLY')
  })

  test('AS goes before table aliases (FROM, JOIN, sub-selects), stays before column aliases and in CAST', () => {
    const step = stepOf(
      'SELECT COUNT(*) AS "n" FROM (SELECT CAST("a" AS NUMBER) AS "c" FROM "public"."T" AS "t") AS "sub" LEFT JOIN "public"."U" AS "u" ON "u"."id" = "sub"."c" WHERE EXISTS (SELECT 1 AS "one" FROM "V" AS "v")',
    )
    expect(step.sql).toBe('SELECT COUNT(*) AS "n" FROM (SELECT CAST("a" AS NUMBER) AS "c" FROM "T" "t") "sub" LEFT JOIN "U" "u" ON "u"."id" = "sub"."c" WHERE EXISTS (SELECT 1 AS "one" FROM "V" "v")')
  })

  test("_count's LEFT JOIN (… GROUP BY …) AS alias, COALESCE, ordering and OFFSET survive", () => {
    expect(stepOf(corpusStatement('COALESCE("aggr_selection_0_Post"."_aggr_count_posts", 0)').sql).sql).toBe(
      'SELECT "User"."id", "User"."email", COALESCE("aggr_selection_0_Post"."_aggr_count_posts", 0) AS "_aggr_count_posts" FROM "User" LEFT JOIN (SELECT "Post"."authorId", COUNT(*) AS "_aggr_count_posts" FROM "Post" WHERE 1=1 GROUP BY "Post"."authorId") "aggr_selection_0_Post" ON ("User"."id" = "aggr_selection_0_Post"."authorId") WHERE "User"."email" LIKE (\'%\' || :1) ORDER BY "User"."id" ASC OFFSET :2 ROWS',
    )
  })

  test('"intNull"ASC NULLS LAST keeps its spacing', () => {
    expect(stepOf(corpusStatement('"intNull"ASC NULLS LAST').sql).sql).toBe('SELECT "AllTypes"."id", "AllTypes"."intNull" FROM "AllTypes" WHERE 1=1 ORDER BY "AllTypes"."intNull"ASC NULLS LAST OFFSET :1 ROWS')
  })
})

describe('LIMIT and OFFSET', () => {
  test('LIMIT a OFFSET b → OFFSET b ROWS FETCH NEXT a ROWS ONLY, the binds in the new order', () => {
    const step = stepOf(corpusStatement(USER_BY_ID).sql)
    expect(step.sql).toBe('SELECT "User"."id", "User"."email", "User"."name", "User"."role" FROM "User" WHERE "User"."id" = :1 OFFSET :2 ROWS FETCH NEXT :3 ROWS ONLY')
    expect(step.binds).toEqual(args(0, 2, 1))
  })

  test('OFFSET alone, LIMIT alone, OFFSET before LIMIT, LIMIT ALL, and Oracle syntax as it is', () => {
    expect(stepOf(corpusStatement('SELECT "public"."Tag"."id" FROM "public"."Tag" WHERE ("public"."Tag"."name" = $1 AND 1=1) OFFSET $2').sql).sql).toBe(
      'SELECT "Tag"."id" FROM "Tag" WHERE ("Tag"."name" = :1 AND 1=1) OFFSET :2 ROWS',
    )
    expect(stepOf('SELECT "id" FROM "T" ORDER BY "id" LIMIT $1').sql).toBe('SELECT "id" FROM "T" ORDER BY "id" FETCH NEXT :1 ROWS ONLY')
    const reversed = stepOf('SELECT "id" FROM "T" OFFSET $1 LIMIT $2')
    expect(reversed.sql).toBe('SELECT "id" FROM "T" OFFSET :1 ROWS FETCH NEXT :2 ROWS ONLY')
    expect(reversed.binds).toEqual(args(0, 1))
    expect(stepOf('SELECT "id" FROM "T" LIMIT ALL OFFSET $1').sql).toBe('SELECT "id" FROM "T" OFFSET :1 ROWS')
    expect(stepOf('SELECT "id" FROM "T" OFFSET $1 ROWS FETCH NEXT $2 ROWS ONLY').sql).toBe('SELECT "id" FROM "T" OFFSET :1 ROWS FETCH NEXT :2 ROWS ONLY')
  })

  test('in a sub-select and its query, each at its own level', () => {
    const step = stepOf('SELECT COUNT(*) AS "c" FROM (SELECT "id" FROM "T" WHERE "x" = $1 LIMIT $2 OFFSET $3) AS "s" LIMIT $4')
    expect(step.sql).toBe('SELECT COUNT(*) AS "c" FROM (SELECT "id" FROM "T" WHERE "x" = :1 OFFSET :2 ROWS FETCH NEXT :3 ROWS ONLY) "s" FETCH NEXT :4 ROWS ONLY')
    expect(step.binds).toEqual(args(0, 2, 1, 3))
  })
})

describe('casts and enums', () => {
  test('CAST($n::text AS "public"."Role") is the bind, "role"::text the column', () => {
    const insert = stepOf(
      corpusStatement(
        'INSERT INTO "public"."User" ("email","name","role") VALUES ($1,$2,CAST($3::text AS "public"."Role")) RETURNING "public"."User"."id", "public"."User"."email", "public"."User"."name", "public"."User"."role"::text',
      ).sql,
    )
    expect(insert.sql).toBe('INSERT INTO "User" ("email", "name", "role") VALUES (:1, :2, :3) RETURNING "id", "email", "name", "role" INTO :4, :5, :6, :7')
    expect(insert.returning?.columns.map((c) => c.asText)).toEqual([false, false, false, true])
    expect(stepOf(corpusStatement('("public"."User"."name" = $1 OR "public"."User"."role" = CAST($2::text AS "public"."Role"))').sql).sql).toContain('("User"."name" = :1 OR "User"."role" = :2)')
    expect(stepOf(corpusStatement('"public"."AllTypes"."role" IN (CAST($1::text AS "public"."Role"))').sql).sql).toContain('WHERE "AllTypes"."role" IN (:1) ORDER BY')
  })

  test('col::text LIKE (… || $n || …) keeps the LIKE', () => {
    expect(stepOf(corpusStatement(`"public"."User"."name"::text LIKE ('%' || $1 || '%')`).sql).sql).toContain(`WHERE ("User"."name" LIKE ('%' || :1 || '%') AND "User"."email" LIKE ('%' || :2))`)
  })

  test('other casts are refused with what to write instead', () => {
    expect(refusal('SELECT $1::int AS "n" FROM DUAL')).toMatch(/cast ::int .*CAST\(… AS/)
    expect(refusal('SELECT "a"::numeric(10,2) AS "n" FROM "T"')).toMatch(/::numeric/)
    expect(refusal('SELECT "tags"::text[] AS "n" FROM "T"')).toMatch(/arrays/)
  })
})

describe('ILIKE', () => {
  test('a ILIKE b → UPPER(a) LIKE UPPER(b)', () => {
    const step = stepOf(corpusStatement(`"public"."User"."name" ILIKE ('%' || $1 || '%')`).sql)
    expect(step.sql).toBe(
      'SELECT "User"."id", "User"."name" FROM "User" WHERE (UPPER("User"."name") LIKE UPPER((\'%\' || :1 || \'%\')) AND "User"."email" LIKE (\'%\' || :2)) ORDER BY "User"."name" ASC OFFSET :3 ROWS',
    )
  })

  test('NOT ILIKE, with an operand of several terms and an ESCAPE', () => {
    expect(stepOf(`SELECT "id" FROM "T" WHERE "a" || "b" NOT ILIKE $1 ESCAPE '\\'`).sql).toBe(`SELECT "id" FROM "T" WHERE UPPER("a" || "b") NOT LIKE UPPER(:1) ESCAPE '\\'`)
  })
})

describe('boolean literals', () => {
  test('as a condition 1=1 / 1=0, as a value 1 / 0; a quoted "true" is a name', () => {
    expect(stepOf('SELECT "true" FROM "Post" WHERE true AND ("published" = false OR NOT (TRUE))').sql).toBe('SELECT "true" FROM "Post" WHERE 1=1 AND ("published" = 0 OR NOT (1=1))')
    expect(stepOf('UPDATE "Post" SET "published" = TRUE WHERE FALSE').sql).toBe('UPDATE "Post" SET "published" = 1 WHERE 1=0')
    expect(stepOf('INSERT INTO "Post" ("published") VALUES (true)').sql).toBe('INSERT INTO "Post" ("published") VALUES (1)')
    const upsert = planOf('INSERT INTO "Post" ("id","published") VALUES ($1,false) ON CONFLICT ("id") DO UPDATE SET "published" = true WHERE true').steps[0]!.sql
    expect(upsert).toContain('WHEN MATCHED THEN UPDATE SET "published" = 1 WHERE 1=1 WHEN NOT MATCHED THEN INSERT ("id", "published") VALUES (:2, 0)')
  })

  test('IS [NOT] TRUE is refused', () => {
    expect(refusal('SELECT "id" FROM "Post" WHERE "published" IS NOT TRUE')).toMatch(/IS \[NOT\] TRUE/)
  })
})

describe('IN lists past 1,000 elements', () => {
  const placeholders = (from: number, count: number) => range(from, count).map((n) => `$${n}`).join(',')
  const binds = (from: number, count: number) => range(from, count).map((n) => `:${n}`).join(',')

  test('1,000 elements stay one list', () => {
    const step = stepOf(`SELECT "id" FROM "T" WHERE "id" IN (${placeholders(1, 1000)})`)
    expect(step.sql).toBe(`SELECT "id" FROM "T" WHERE "id" IN (${binds(1, 1000)})`)
  })

  test('1,001 elements: two lists ORed', () => {
    const step = stepOf(`SELECT "id" FROM "T" WHERE "id" IN (${placeholders(1, 1001)})`)
    expect(step.sql).toBe(`SELECT "id" FROM "T" WHERE ("id" IN (${binds(1, 1000)}) OR "id" IN (:1001))`)
    expect(step.binds).toEqual(args(...range(0, 1001)))
  })

  test('NOT IN of a parenthesised expression: the lists ANDed', () => {
    const step = stepOf(`SELECT "id" FROM "T" WHERE "x" = 1 AND ("a" || "b") NOT IN (${placeholders(1, 2001)})`)
    expect(step.sql).toBe(`SELECT "id" FROM "T" WHERE "x" = 1 AND (("a" || "b") NOT IN (${binds(1, 1000)}) AND ("a" || "b") NOT IN (${binds(1001, 1000)}) AND ("a" || "b") NOT IN (:2001))`)
  })

  test('an operand holding a placeholder binds it once per list', () => {
    const step = stepOf(`SELECT "id" FROM "T" WHERE COALESCE("x", $1) IN (${placeholders(2, 1001)})`)
    expect(step.sql).toBe(`SELECT "id" FROM "T" WHERE (COALESCE("x", :1) IN (${binds(2, 1000)}) OR COALESCE("x", :1002) IN (:1003))`)
    expect(step.binds).toEqual(args(0, ...range(1, 1000), 0, 1001))
  })

  test('a list of tuples (a compound key) splits by tuples', () => {
    const tuples = range(0, 1001).map((k) => `($${2 * k + 1},$${2 * k + 2})`).join(',')
    const step = stepOf(`SELECT "a" FROM "T" WHERE ("a","b") IN (${tuples})`)
    expect(step.sql).toMatch(/^SELECT "a" FROM "T" WHERE \(\("a","b"\) IN \(\(:1,:2\),.*,\(:1999,:2000\)\) OR \("a","b"\) IN \(\(:2001,:2002\)\)\)$/)
  })

  test('the corpus lists of 1,500 values (count with in, notIn): two lists, of 1,000 and 500', () => {
    const large = (operator: string) => corpusStatement(({ sql, args: callArgs }) => callArgs.length > 1000 && sql.includes(`WHERE "public"."Post"."id" ${operator} (`))
    const within = stepOf(large('IN').sql)
    expect(within.sql.split(' IN (')).toHaveLength(3)
    expect(within.sql).toBe(
      `SELECT COUNT(*) AS "_count$_all" FROM (SELECT "Post"."id" FROM "Post" WHERE ("Post"."id" IN (${binds(1, 1000)}) OR "Post"."id" IN (${binds(1001, 500)})) OFFSET :1501 ROWS) "sub"`,
    )
    expect(within.binds).toEqual(args(...range(0, 1501)))
    const outside = stepOf(large('NOT IN').sql)
    expect(outside.sql.split(' NOT IN (')).toHaveLength(3)
    expect(outside.sql).toBe(
      `SELECT COUNT(*) AS "_count$_all" FROM (SELECT "Post"."id" FROM "Post" WHERE ("Post"."id" NOT IN (${binds(1, 1000)}) AND "Post"."id" NOT IN (${binds(1001, 500)})) OFFSET :1501 ROWS) "sub"`,
    )
    expect(outside.binds).toEqual(args(...range(0, 1501)))
  })
})

describe('INSERT of several rows', () => {
  test('one step per row, the same SQL text for rows of one shape', () => {
    const { sql } = corpusStatement({ sql: 'INSERT INTO "public"."Tag" ("name") VALUES ($1), ($2), ($3)' })
    const { steps } = planOf(sql)
    expect(steps).toEqual([0, 1, 2].map((arg) => ({ sql: 'INSERT INTO "Tag" ("name") VALUES (:1)', binds: args(arg), yields: 'count' })))
    expect(planOf(sql, [], H2).steps).toEqual(steps)
  })

  test('a row with a NULL literal has its own text, its binds where its arguments are', () => {
    const [first, second] = planOf(corpusStatement(({ sql }) => sql.startsWith('INSERT INTO "public"."AllTypes" ') && sql.includes(',null,')).sql).steps
    expect(first!.binds).toEqual(args(...range(0, 16)))
    expect(second!.sql).toContain('VALUES (:1, :2, :3, :4, :5, :6, :7, :8, :9, :10, null, :11, :12, :13, :14, :15)')
    expect(second!.binds).toEqual(args(...range(16, 15)))
  })

  test('createManyAndReturn: one INSERT … RETURNING … INTO per row (oracle), one FINAL TABLE per row (h2)', () => {
    const { sql } = corpusStatement('INSERT INTO "public"."Counter" ("id","name","value") VALUES ($1,$2,$3), ($4,$5,$6) RETURNING')
    const oracle = planOf(sql).steps
    expect(oracle).toHaveLength(2)
    expect(oracle[1]).toEqual({
      sql: 'INSERT INTO "Counter" ("id", "name", "value") VALUES (:1, :2, :3) RETURNING "id", "name", "value" INTO :4, :5, :6',
      binds: args(3, 4, 5),
      yields: 'rows',
      returning: { table: 'Counter', columns: ['id', 'name', 'value'].map((column) => ({ column, name: column, asText: false })) },
    })
    expect(planOf(sql, [], H2).steps.map((step) => step.sql)).toEqual(
      Array(2).fill('SELECT "id", "name", "value" FROM FINAL TABLE (INSERT INTO "Counter" ("id", "name", "value") VALUES (:1, :2, :3))'),
    )
  })
})

describe('ON CONFLICT DO NOTHING', () => {
  test('one step per row that skips a duplicate (the implicit many-to-many connect)', () => {
    expect(planOf(corpusStatement('INSERT INTO "public"."_PostToTag" ("A","B") VALUES ($1,$2),($3,$4) ON CONFLICT DO NOTHING').sql).steps).toEqual([args(0, 1), args(2, 3)].map((binds) => ({ sql: 'INSERT INTO "_PostToTag" ("A", "B") VALUES (:1, :2)', binds, yields: 'count', skipDuplicate: true })))
  })

  test('createManyAndReturn with skipDuplicates: per row, RETURNING INTO and skipDuplicate', () => {
    const sql = 'INSERT INTO "public"."Tag" ("name") VALUES ($1), ($2) ON CONFLICT DO NOTHING RETURNING "public"."Tag"."id", "public"."Tag"."name"'
    const { steps } = planOf(sql)
    expect(steps.map((step) => [step.sql, step.skipDuplicate, step.yields])).toEqual(Array(2).fill(['INSERT INTO "Tag" ("name") VALUES (:1) RETURNING "id", "name" INTO :2, :3', true, 'rows']))
  })
})

describe('upsert (ON CONFLICT … DO UPDATE)', () => {
  /** An upsert of a Counter by its unique name, incrementing its value. */
  const counterUpsert = () => corpusStatement('INSERT INTO "public"."Counter" ("id","name","value") VALUES ($1,$2,$3) ON CONFLICT ("name") DO UPDATE').sql

  test('oracle: a MERGE on the ROWID of the row with the key, then the row read by the key', () => {
    const [merge, select] = planOf(counterUpsert()).steps
    expect(merge).toEqual({
      sql: 'MERGE INTO "Counter" USING (SELECT (SELECT ROWID FROM "Counter" WHERE "name" = :1) "rid" FROM DUAL) "merge_source" ON ("Counter".ROWID = "merge_source"."rid") WHEN MATCHED THEN UPDATE SET "value" = ("Counter"."value" + :2) WHERE ("Counter"."name" = :3 AND 1=1) WHEN NOT MATCHED THEN INSERT ("id", "name", "value") VALUES (:4, :5, :6)',
      binds: args(1, 3, 4, 0, 1, 2),
      yields: 'nothing',
    })
    expect(select).toEqual({ sql: 'SELECT "id", "name", "value" FROM "Counter" WHERE "Counter"."name" = :1', binds: args(1), yields: 'rows', ifPreviousCounted: true })
  })

  test('h2: the MERGE on the key itself', () => {
    const [merge, select] = planOf(counterUpsert(), [], H2).steps
    expect(merge!.sql).toBe(
      'MERGE INTO "Counter" USING (SELECT 1 FROM DUAL) "merge_source" ON ("Counter"."name" = :1) WHEN MATCHED THEN UPDATE SET "value" = ("Counter"."value" + :2) WHERE ("Counter"."name" = :3 AND 1=1) WHEN NOT MATCHED THEN INSERT ("id", "name", "value") VALUES (:4, :5, :6)',
    )
    expect(select!.sql).toBe('SELECT "id", "name", "value" FROM "Counter" WHERE "Counter"."name" = :1')
  })

  test('an update that sets the key: the row read by the inserted key where it exists, else by the assigned one', () => {
    const [merge, select] = planOf(corpusStatement('INSERT INTO "public"."Tag" ("name") VALUES ($1) ON CONFLICT ("name") DO UPDATE SET "name" = $2').sql).steps
    expect(merge!.sql).toBe(
      'MERGE INTO "Tag" USING (SELECT (SELECT ROWID FROM "Tag" WHERE "name" = :1) "rid" FROM DUAL) "merge_source" ON ("Tag".ROWID = "merge_source"."rid") WHEN MATCHED THEN UPDATE SET "name" = :2 WHERE ("Tag"."name" = :3 AND 1=1) WHEN NOT MATCHED THEN INSERT ("name") VALUES (:4)',
    )
    expect(select).toEqual({
      sql: 'SELECT "id", "name" FROM "Tag" WHERE ("Tag"."name" = :1) OR (("Tag"."name" = :2) AND NOT EXISTS (SELECT 1 FROM "Tag" "upserted" WHERE "upserted"."name" = :3))',
      binds: args(0, 1, 0),
      yields: 'rows',
      ifPreviousCounted: true,
    })
  })

  const compound = (set: string) =>
    `INSERT INTO "public"."Membership" ("userId","groupId","note") VALUES ($1,$2,$3) ON CONFLICT ("userId","groupId") DO UPDATE SET ${set} WHERE (("public"."Membership"."userId" = $5 AND "public"."Membership"."groupId" = $6) AND 1=1) RETURNING "public"."Membership"."userId", "public"."Membership"."groupId", "public"."Membership"."note"`

  test('a compound key, for both targets', () => {
    const [merge, select] = planOf(compound('"note" = $4')).steps
    expect(merge).toEqual({
      sql: 'MERGE INTO "Membership" USING (SELECT (SELECT ROWID FROM "Membership" WHERE "userId" = :1 AND "groupId" = :2) "rid" FROM DUAL) "merge_source" ON ("Membership".ROWID = "merge_source"."rid") WHEN MATCHED THEN UPDATE SET "note" = :3 WHERE (("Membership"."userId" = :4 AND "Membership"."groupId" = :5) AND 1=1) WHEN NOT MATCHED THEN INSERT ("userId", "groupId", "note") VALUES (:6, :7, :8)',
      binds: args(0, 1, 3, 4, 5, 0, 1, 2),
      yields: 'nothing',
    })
    expect(select!.sql).toBe('SELECT "userId", "groupId", "note" FROM "Membership" WHERE "Membership"."userId" = :1 AND "Membership"."groupId" = :2')
    expect(select!.binds).toEqual(args(0, 1))
    expect(planOf(compound('"note" = $4'), [], H2).steps[0]!.sql).toContain('USING (SELECT 1 FROM DUAL) "merge_source" ON ("Membership"."userId" = :1 AND "Membership"."groupId" = :2) WHEN MATCHED')
  })

  test('a compound key whose update sets one of its columns', () => {
    const [, select] = planOf(compound('"groupId" = $4')).steps
    expect(select!.sql).toBe(
      'SELECT "userId", "groupId", "note" FROM "Membership" WHERE ("Membership"."userId" = :1 AND "Membership"."groupId" = :2) OR (("Membership"."userId" = :3 AND "Membership"."groupId" = :4) AND NOT EXISTS (SELECT 1 FROM "Membership" "upserted" WHERE "upserted"."userId" = :5 AND "upserted"."groupId" = :6))',
    )
    expect(select!.binds).toEqual(args(0, 1, 0, 3, 0, 1))
  })

  test('without RETURNING, the MERGE alone, counted', () => {
    const { steps } = planOf('INSERT INTO "Tag" ("name") VALUES ($1) ON CONFLICT ("name") DO UPDATE SET "name" = $2')
    expect(steps).toHaveLength(1)
    expect(steps[0]!.yields).toBe('count')
  })

  test('shapes a MERGE cannot do are refused', () => {
    expect(refusal('INSERT INTO "Tag" ("name") VALUES ($1) ON CONFLICT ("id") DO UPDATE SET "name" = $2 RETURNING "id"')).toMatch(/conflict key "id" is not among the inserted values/)
    expect(refusal('INSERT INTO "Tag" ("name") VALUES ($1) ON CONFLICT ("name") DO UPDATE SET "name" = "Tag"."name" || $2 RETURNING "id"')).toMatch(/sets its conflict key/)
    expect(refusal('INSERT INTO "Tag" ("name") VALUES ($1) ON CONFLICT ON CONSTRAINT "k" DO NOTHING')).toMatch(/ON CONSTRAINT/)
    expect(refusal('INSERT INTO "Tag" ("name") VALUES ($1) ON CONFLICT ("name") DO UPDATE SET "name" = EXCLUDED."name"')).toMatch(/EXCLUDED/)
  })
})

describe('RETURNING', () => {
  /** An update of a User by email, returning the User (its role, an enum, as ::text). */
  const userUpdate = () =>
    corpusStatement(
      'UPDATE "public"."User" SET "name" = $1 WHERE ("public"."User"."email" = $2 AND 1=1) RETURNING "public"."User"."id", "public"."User"."email", "public"."User"."name", "public"."User"."role"::text',
    ).sql

  test("oracle: RETURNING … INTO, out-binds after the in-binds, the step's returning naming the columns", () => {
    const step = stepOf(userUpdate())
    expect(step).toEqual({
      sql: 'UPDATE "User" SET "name" = :1 WHERE ("User"."email" = :2 AND 1=1) RETURNING "id", "email", "name", "role" INTO :3, :4, :5, :6',
      binds: args(0, 1),
      yields: 'rows',
      returning: {
        table: 'User',
        columns: [
          { column: 'id', name: 'id', asText: false },
          { column: 'email', name: 'email', asText: false },
          { column: 'name', name: 'name', asText: false },
          { column: 'role', name: 'role', asText: true },
        ],
      },
    })
  })

  test('h2: SELECT … FROM FINAL TABLE (UPDATE …), OLD TABLE (DELETE …)', () => {
    expect(stepOf(userUpdate(), [], H2)).toEqual({
      sql: 'SELECT "id", "email", "name", "role" FROM FINAL TABLE (UPDATE "User" SET "name" = :1 WHERE ("User"."email" = :2 AND 1=1))',
      binds: args(0, 1),
      yields: 'rows',
    })
    const postDelete = corpusStatement({ sql: 'DELETE FROM "public"."Post" WHERE ("public"."Post"."id" = $1 AND 1=1) RETURNING "public"."Post"."id", "public"."Post"."title"' })
    expect(stepOf(postDelete.sql, [], H2).sql).toBe('SELECT "id", "title" FROM OLD TABLE (DELETE FROM "Post" WHERE ("Post"."id" = :1 AND 1=1))')
  })

  test('INSERT … DEFAULT VALUES: DEFAULT into a returned column', () => {
    expect(stepOf('INSERT INTO "public"."Counter" DEFAULT VALUES RETURNING "public"."Counter"."id"').sql).toBe('INSERT INTO "Counter" ("id") VALUES (DEFAULT) RETURNING "id" INTO :1')
  })

  test('RETURNING * and expressions are refused', () => {
    expect(refusal('DELETE FROM "Tag" RETURNING *')).toMatch(/return the table's columns by name/)
    expect(refusal('UPDATE "Tag" SET "name" = $1 RETURNING "id" + 1')).toMatch(/return the table's columns by name/)
  })
})

describe('JSON filters', () => {
  const where = (condition: string) => `SELECT "public"."AllTypes"."id" FROM "public"."AllTypes" WHERE ${condition}`
  const whereOf = (sql: string) => sql.replace('SELECT "AllTypes"."id" FROM "AllTypes" WHERE ', '')

  test('path equals: JSON_EQUAL of the wrapped values, UNKNOWN where the path is missing', () => {
    const { sql, args: callArgs } = corpusStatement(PATH_EQUALS)
    const translation = translate(sql, ORACLE)
    expect(isDeferred(translation) && translation.inlined).toEqual([0])
    const step = stepOf(sql, callArgs)
    expect(step.sql).toBe(
      `SELECT "AllTypes"."id", "AllTypes"."str" FROM "AllTypes" WHERE (CASE WHEN "AllTypes"."json" IS NULL OR NOT JSON_EXISTS("AllTypes"."json", '$."s"') THEN NULL WHEN JSON_EQUAL(JSON_QUERY("AllTypes"."json", '$."s"' RETURNING CLOB WITH ARRAY WRAPPER), '[' || :1 || ']') THEN 1 ELSE 0 END) = 1 ORDER BY "AllTypes"."id" ASC OFFSET :2 ROWS`,
    )
    expect(step.binds).toEqual(args(1, 2))
  })

  test('AnyNull on a nested path: JSON null, or the path missing; a key of digits is an array index', () => {
    const statement = corpusStatement('("public"."AllTypes"."json"#>ARRAY[$5, $6, $7]::text[])::jsonb IS NULL')
    const translation = translate(statement.sql, ORACLE)
    expect(isDeferred(translation) && translation.inlined).toEqual([0, 1, 2, 4, 5, 6])
    const { sql, binds } = stepOf(statement.sql, statement.args)
    expect(sql).toContain(`WHERE ((CASE WHEN "AllTypes"."json" IS NULL OR NOT JSON_EXISTS("AllTypes"."json", '$."a"[2]."b"') THEN NULL WHEN`)
    expect(sql).toContain(`THEN 1 ELSE 0 END) = 1 OR ("AllTypes"."json" IS NULL OR NOT JSON_EXISTS("AllTypes"."json", '$."a"[2]."b"'))) ORDER BY`)
    expect(binds).toEqual(args(3, 7))
  })

  test("gt on a number, and the type check: JSON_VALUE … RETURNING NUMBER, type()", () => {
    const { sql, args: callArgs } = corpusStatement('("public"."AllTypes"."json"#>ARRAY[$1]::text[])::jsonb > $2')
    expect(whereOf(stepOf(sql, callArgs).sql)).toContain(
      `(JSON_VALUE("AllTypes"."json", '$."n"' RETURNING NUMBER NULL ON ERROR) > JSON_VALUE('[' || :1 || ']', '$[0]' RETURNING NUMBER NULL ON ERROR) AND JSON_VALUE("AllTypes"."json", '$."n".type()') = :2)`,
    )
    // The same statement with a string to compare with: PostgreSQL orders JSON strings by its collation.
    expect(refusal(sql, ['n', '"x"', 'n', 'string', '0'])).toMatch(/gt\/gte\/lt\/lte with a value that is not a number/)
  })

  test('string_contains: JSON_VALUE … RETURNING CLOB LIKE; insensitive string_starts_with', () => {
    const { sql, args: callArgs } = corpusStatement(`("public"."AllTypes"."json"#>>ARRAY[$1]::text[]) LIKE ('%' || $2 || '%')`)
    expect(stepOf(sql, callArgs).sql).toContain(`WHERE (JSON_VALUE("AllTypes"."json", '$."s"' RETURNING CLOB NULL ON ERROR) LIKE ('%' || :1 || '%') AND JSON_VALUE("AllTypes"."json", '$."s".type()') = :2)`)
    const insensitive = where(`(LOWER(("public"."AllTypes"."json"#>>ARRAY[$1]::text[])) LIKE LOWER(($2 || '%')) AND JSONB_TYPEOF(("public"."AllTypes"."json"#>ARRAY[$3]::text[])::jsonb) = $4) OFFSET $5`)
    expect(whereOf(stepOf(insensitive, ['s', 'x', 's', 'string', '0']).sql)).toBe(
      `(LOWER(JSON_VALUE("AllTypes"."json", '$."s"' RETURNING CLOB NULL ON ERROR)) LIKE LOWER((:1 || '%')) AND JSON_VALUE("AllTypes"."json", '$."s".type()') = :2) OFFSET :3 ROWS`,
    )
  })

  test('array_contains: one JSON_EXISTS per element, rendered into the path, and NOT array_contains', () => {
    const { sql, args: callArgs } = corpusStatement('("public"."AllTypes"."json"#>ARRAY[$1]::text[])::jsonb @> $2')
    expect(stepOf(sql, callArgs).sql).toContain(
      `WHERE ((CASE WHEN "AllTypes"."json" IS NULL OR NOT JSON_EXISTS("AllTypes"."json", '$."a"') THEN NULL WHEN JSON_EXISTS("AllTypes"."json", '$."a"[*]?(@ == 1)') THEN 1 ELSE 0 END) = 1 AND JSON_VALUE("AllTypes"."json", '$."a".type()') = :1)`,
    )
    const negated = where(`(NOT (("public"."AllTypes"."json"#>ARRAY[$1]::text[])::jsonb @> $2 OR JSONB_TYPEOF(("public"."AllTypes"."json"#>ARRAY[$3]::text[])::jsonb) != $4)) OFFSET $5`)
    expect(whereOf(stepOf(negated, ['a', '["x", 9007199254740993, true, null]', 'a', 'array', '0']).sql)).toBe(
      `(NOT ((CASE WHEN "AllTypes"."json" IS NULL OR NOT JSON_EXISTS("AllTypes"."json", '$."a"') THEN NULL WHEN JSON_EXISTS("AllTypes"."json", '$."a"[*]?(@ == "x")') AND JSON_EXISTS("AllTypes"."json", '$."a"[*]?(@ == 9007199254740993)') AND JSON_EXISTS("AllTypes"."json", '$."a"[*]?(@ == true)') AND JSON_EXISTS("AllTypes"."json", '$."a"[*]?(@ == null)') THEN 1 ELSE 0 END) = 1 OR JSON_VALUE("AllTypes"."json", '$."a".type()') != :1)) OFFSET :2 ROWS`,
    )
    expect(refusal(negated, ['a', '[{"b":1}]', 'a', 'array', '0'])).toMatch(/array_contains with an object or a nested array/)
    expect(refusal(negated, ['a', '["say \\"hi\\""]', 'a', 'array', '0'])).toMatch(/array_contains with a string holding a double quote/)
  })

  test('the whole value: equals, JsonNull, DbNull, and an uncast column compared (lte, array_contains)', () => {
    expect(stepOf(corpusStatement('WHERE "public"."AllTypes"."json"::jsonb = $1').sql).sql).toContain(`WHERE (CASE WHEN "AllTypes"."json" IS NULL THEN NULL WHEN JSON_EQUAL(JSON_QUERY("AllTypes"."json", '$' RETURNING CLOB WITH ARRAY WRAPPER), '[' || :1 || ']') THEN 1 ELSE 0 END) = 1 ORDER BY`)
    expect(isDeferred(translate(corpusStatement('WHERE "public"."AllTypes"."jsonNull"::jsonb = $1').sql, ORACLE))).toBe(false)
    expect(stepOf(corpusStatement('WHERE "public"."AllTypes"."jsonNull" IS NULL').sql).sql).toContain('WHERE "AllTypes"."jsonNull" IS NULL ORDER BY')
    const lte = where('("public"."AllTypes"."json" <= $1 AND JSONB_TYPEOF("public"."AllTypes"."json") = $2) OFFSET $3')
    expect(whereOf(stepOf(lte, ['5', 'number', '0']).sql)).toBe(
      `(JSON_VALUE("AllTypes"."json", '$' RETURNING NUMBER NULL ON ERROR) <= JSON_VALUE('[' || :1 || ']', '$[0]' RETURNING NUMBER NULL ON ERROR) AND JSON_VALUE("AllTypes"."json", '$.type()') = :2) OFFSET :3 ROWS`,
    )
    const contains = where('("public"."AllTypes"."json" @> $1 AND JSONB_TYPEOF("public"."AllTypes"."json") = $2) OFFSET $3')
    expect(whereOf(stepOf(contains, ['["a",2]', 'array', '0']).sql)).toContain(`WHEN JSON_EXISTS("AllTypes"."json", '$[*]?(@ == "a")') AND JSON_EXISTS("AllTypes"."json", '$[*]?(@ == 2)') THEN 1`)
  })

  test('array_starts_with: the element [0]; array_ends_with is refused', () => {
    const startsWith = where(`((("public"."AllTypes"."json"#>ARRAY[$1]::text[])::jsonb->0)::jsonb = $2 AND JSONB_TYPEOF(("public"."AllTypes"."json"#>ARRAY[$3]::text[])::jsonb) = $4) OFFSET $5`)
    expect(whereOf(stepOf(startsWith, ['a', '1', 'a', 'array', '0']).sql)).toContain(`JSON_QUERY("AllTypes"."json", '$."a"[0]' RETURNING CLOB WITH ARRAY WRAPPER)`)
    expect(refusal(startsWith.replace('->0', '->-1'), ['a', '1', 'a', 'array', '0'])).toMatch(/array_ends_with/)
  })

  const pathEquals = where(`("public"."AllTypes"."json"#>ARRAY[$1, $2]::text[])::jsonb::jsonb = $3`)

  test('path keys are quoted; a quote of SQL in a key is doubled', () => {
    expect(stepOf(pathEquals, ["o'clock", '10', '1']).sql).toContain(`'$."o''clock"[10]'`)
    expect(stepOf(where(`("public"."AllTypes"."json"#>ARRAY['k']::text[])::jsonb::jsonb = $1`), ['1']).sql).toContain(`'$."k"'`)
    expect(isDeferred(translate(where(`("public"."AllTypes"."json"#>ARRAY['k']::text[])::jsonb::jsonb = $1`), ORACLE))).toBe(false)
  })

  test('an injection through a path key is refused, as are keys Oracle cannot take', () => {
    expect(refusal(pathEquals, ['a"); DROP TABLE x; --', 'b', '1'])).toMatch(/a key with a double quote/)
    expect(refusal(pathEquals, ['a\\', 'b', '1'])).toMatch(/backslash/)
    expect(refusal(pathEquals, ['a', '', '1'])).toMatch(/an empty key/)
    expect(refusal(pathEquals, ['a', '-1', '1'])).toMatch(/negative or huge array index/)
  })
})

describe('PostgreSQL-only forms are refused with what to do instead', () => {
  test("relationJoins' LATERAL joins (SQL Prisma 7.10 sent for the pg package's schema)", () => {
    const sql =
      'SELECT "t0"."id", "User_profile"."__prisma_data__" AS "profile" FROM "public"."User" AS "t0" LEFT JOIN LATERAL (SELECT JSONB_BUILD_OBJECT(\'id\', "t5"."id", \'bio\', "t5"."bio") AS "__prisma_data__" FROM "public"."Profile" AS "t5" WHERE "t0"."id" = "t5"."userId" LIMIT $1) AS "User_profile" ON true'
    expect(refusal(sql, ['1'])).toBe(
      "Prisma's relationJoins preview feature (relationLoadStrategy: 'join') is not supported on Oracle: remove it from previewFeatures or pass relationLoadStrategy: 'query'",
    )
    expect(refusal('SELECT COALESCE(JSONB_AGG("__prisma_data__"), \'[]\') AS "__prisma_data__" FROM "x"')).toMatch(/relationJoins/)
  })

  test('DISTINCT ON, arrays, JSON operators without an Oracle form, several statements', () => {
    expect(refusal('SELECT DISTINCT ON ("t0"."authorId") "t0"."id" FROM "public"."Post" AS "t0"')).toMatch(/nativeDistinct/)
    expect(refusal('SELECT "id" FROM "T" WHERE "id" = ANY($1)')).toMatch(/arrays/)
    expect(refusal('SELECT ARRAY[$1, $2] AS "a" FROM DUAL')).toMatch(/arrays/)
    expect(refusal(`SELECT "j"->>'a' AS "a" FROM "T"`)).toMatch(/JSON operator ->>/)
    expect(refusal(`SELECT "id" FROM "T" WHERE "j" ? 'a'`)).toMatch(/operator \?/)
    expect(refusal('SELECT 1 FROM DUAL; SELECT 2 FROM DUAL')).toMatch(/Several statements/)
  })
})

describe('raw SQL as a user writes it', () => {
  test('a PL/SQL block keeps its semicolons; only its placeholders are translated', () => {
    const step = stepOf('BEGIN UPDATE "T" SET "a" = $1 WHERE "b" = $1; END;')
    expect(step).toEqual({ sql: 'BEGIN UPDATE "T" SET "a" = :1 WHERE "b" = :2; END;', binds: args(0, 0), yields: 'count' })
  })

  test('a trailing ; is dropped, comments too, optimizer hints kept', () => {
    expect(stepOf('SELECT 1 FROM DUAL;').sql).toBe('SELECT 1 FROM DUAL')
    expect(stepOf('SELECT /*+ INDEX("T") */ "a" /* note */ FROM "T" -- end').sql).toBe('SELECT /*+ INDEX("T") */ "a" FROM "T"')
  })

  test('what a step yields: rows for a query, a count for the others', () => {
    expect(stepOf('WITH "x" AS (SELECT 1 AS "n" FROM DUAL) SELECT "n" FROM "x"').yields).toBe('rows')
    expect(stepOf(corpusStatement({ sql: 'UPDATE "User" SET "name" = $1 WHERE "name" = $2' }).sql).yields).toBe('count')
    expect(stepOf(corpusStatement({ sql: 'DELETE FROM "public"."Post" WHERE "public"."Post"."authorId" = $1' }).sql).yields).toBe('count')
  })
})

describe('the Oracle lint', () => {
  const oneThousandAndOne = range(1, 1001).map((n) => `:${n}`).join(',')
  test.each([
    ['SELECT 1 FROM T LIMIT 1', 'LIMIT'],
    ['SELECT 1 FROM T WHERE a ILIKE b', 'ILIKE'],
    ['SELECT a::text FROM T', 'PostgreSQL operator ::'],
    ['SELECT 1 FROM T AS x', 'AS before a table alias'],
    ['SELECT 1 FROM (SELECT 1 FROM DUAL) AS x', 'AS before a table alias'],
    ['SELECT 1 FROM T WHERE TRUE', 'TRUE'],
    ['SELECT 1 FROM "public"."T"', '"public". qualifier'],
    ['SELECT 1 FROM T WHERE a = $1', 'PostgreSQL placeholder $1'],
    ['UPDATE T SET a = 1 RETURNING a', 'RETURNING without INTO'],
    ['INSERT INTO T (a) VALUES (1) ON CONFLICT DO NOTHING', 'ON CONFLICT'],
    ["SELECT 1 FROM T WHERE j #> '{a}' = '1'", 'PostgreSQL operator #>'],
    ["SELECT 1 FROM T WHERE j @> '[1]'", 'PostgreSQL operator @>'],
    ['SELECT JSONB_TYPEOF(j) FROM T', 'PostgreSQL function JSONB_TYPEOF'],
    ['SELECT 1 FROM T, LATERAL (SELECT 1 FROM DUAL) x', 'LATERAL'],
    [`SELECT 1 FROM T WHERE a IN (${oneThousandAndOne})`, 'an IN list of 1001 elements'],
    ['INSERT INTO T (a) VALUES (1), (2)', 'a multi-row VALUES'],
    ['SELECT 1 FROM T WHERE a = :2', 'placeholder :2 where :1 was due'],
    ['SELECT 1 FROM T WHERE a = :1 AND b = :1', 'placeholder :1 where :2 was due'],
    ['SELECT 1 FROM T OFFSET 5', 'OFFSET without ROWS'],
    ['SELECT 1 FROM T; SELECT 2 FROM T', 'a ;'],
  ])('flags %s', (sql, problem) => {
    expect(oracleLint(sql).join('\n')).toContain(problem)
  })

  test('passes Oracle SQL: strings, quoted names and JSON functions are not rules', () => {
    expect(oracleLint(`SELECT CAST(a AS NUMBER) AS "n" FROM T "t" WHERE "t"."LIMIT" = 'LIMIT $1 :: TRUE' OFFSET :1 ROWS FETCH NEXT :2 ROWS ONLY`, { placeholders: 2 })).toEqual([])
    expect(oracleLint(`SELECT 1 FROM T WHERE JSON_VALUE(j, '$.a' RETURNING NUMBER NULL ON ERROR) > :1`, { placeholders: 1 })).toEqual([])
    expect(oracleLint(`SELECT 1 FROM T WHERE a IN (${oneThousandAndOne.replace(',:1001', '')})`)).toEqual([])
    expect(oracleLint('UPDATE T SET a = :1 RETURNING a INTO :2', { placeholders: 2 })).toEqual([])
    expect(oracleLint('BEGIN UPDATE T SET a = :1; END;')).toEqual([])
  })

  test('counts the placeholders against the binds, and takes RETURNING per target', () => {
    expect(oracleLint('SELECT 1 FROM T WHERE a = :1', { placeholders: 2 })).toEqual(['1 placeholders for 2 binds'])
    expect(oracleLint('UPDATE T SET a = 1 RETURNING a INTO :1', { target: 'h2' })).toEqual(['RETURNING (H2 takes SELECT … FROM FINAL TABLE (…))'])
    expect(oracleLint('SELECT a FROM FINAL TABLE (UPDATE T SET a = 1)', { target: 'h2' })).toEqual([])
    expect(oracleLint('UPDATE T SET a = 1 RETURNING a INTO :1', 'h2')).toEqual(['RETURNING (H2 takes SELECT … FROM FINAL TABLE (…))'])
    const step: OracleStep = { sql: 'UPDATE T SET a = :1 RETURNING a INTO :2', binds: args(0), yields: 'rows' }
    expect(lintStep(step, 'oracle')).toEqual(['2 placeholders for 1 binds', "RETURNING … INTO and the step's returning disagree"])
  })
})

describe('TranslationCache', () => {
  class CountingCache extends TranslationCache {
    translations = 0
    protected override translateStatement(sql: string): Translation {
      this.translations++
      return super.translateStatement(sql)
    }
  }

  test('a hit returns the same plan without translating again', () => {
    const cache = new CountingCache(ORACLE)
    const { sql } = corpusStatement(USER_BY_ID)
    const plan = cache.plan(sql, [10, '1', '0'])
    expect(cache.plan(sql, [11, '1', '5'])).toBe(plan)
    expect(cache.translations).toBe(1)
    expect(plan.steps[0]!.sql).toContain('OFFSET :2 ROWS FETCH NEXT :3 ROWS ONLY')
    expect(cache.size).toBe(1)
  })

  test('keeps the most recently used statements, at most maxEntries', () => {
    const cache = new CountingCache(ORACLE, 2)
    const [a, b, c] = ['SELECT 1 AS "a" FROM DUAL', 'SELECT 1 AS "b" FROM DUAL', 'SELECT 1 AS "c" FROM DUAL']
    cache.plan(a, [])
    cache.plan(b, [])
    cache.plan(a, [])
    cache.plan(c, [])
    expect(cache.size).toBe(2)
    expect(cache.translations).toBe(3)
    cache.plan(a, [])
    expect(cache.translations).toBe(3)
    cache.plan(b, [])
    expect(cache.translations).toBe(4)
  })

  test('500 statements by default', () => {
    const cache = new TranslationCache(ORACLE)
    for (let i = 0; i < 501; i++) cache.plan(`SELECT ${i} AS "n" FROM DUAL`, [])
    expect(cache.size).toBe(500)
  })

  test('a refusal is kept: thrown again without translating again', () => {
    const cache = new CountingCache(ORACLE)
    const sql = 'SELECT DISTINCT ON ("a") "a" FROM "T"'
    let first: unknown
    try {
      cache.plan(sql, [])
    } catch (error) {
      first = error
    }
    expect(first).toBeInstanceOf(UntranslatableError)
    expect(() => cache.plan(sql, [])).toThrow(first as Error)
    expect(cache.translations).toBe(1)
  })

  test("a deferred plan is rendered once per value of its inlined arguments, not of the others'", () => {
    const cache = new CountingCache(ORACLE)
    const { sql, args: callArgs } = corpusStatement(PATH_EQUALS)
    const plan = cache.plan(sql, callArgs)
    expect(cache.plan(sql, ['s', '"other"', '10'])).toBe(plan)
    const other = cache.plan(sql, ['t', '"x"', '0'])
    expect(other).not.toBe(plan)
    expect(other.steps[0]!.sql).toContain(`'$."t"'`)
    expect(cache.plan(sql, ['s', '"x"', '0'])).toBe(plan)
    expect(() => cache.plan(sql, ['a"b', '"x"', '0'])).toThrow(UntranslatableError)
    expect(() => cache.plan(sql, ['a"b', '"x"', '0'])).toThrow(/double quote/)
    expect(cache.translations).toBe(1)
  })
})
