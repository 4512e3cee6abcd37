// The translator of Prisma's PostgreSQL SQL into Oracle's (src/translate.ts): every statement of the corpus
// (test/corpus.json, what Prisma sent for the scenarios) for both targets, through the Oracle lint; each rewrite with
// its exact SQL and binds; what is refused and why, at translation and per call (argument types and values); the cache.
import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { isDeferred, UntranslatableError, type ArgTypes, type OraclePlan, type OracleStep, type TranslateOptions, type Translation, type TranslationTarget } from '../src/plan.js'
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

const optionsFor = (target: TranslationTarget): TranslateOptions => (target === 'oracle' ? ORACLE : H2)
const args = (...indexes: number[]) => indexes.map((arg) => ({ arg }))
const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i)

/** Prisma's argTypes of a call: each of the scalar type given, with the dbType Prisma gives a column of it. */
const DB_TYPES: Record<string, string> = { string: 'TEXT', int: 'INTEGER', bigint: 'BIGINT', bytes: 'BYTEA', json: 'JSONB', decimal: 'DECIMAL', float: 'DOUBLEPRECISION' }
const types = (...scalars: string[]): ArgTypes => scalars.map((scalarType) => ({ scalarType, dbType: DB_TYPES[scalarType], arity: 'scalar' }) as ArgTypes[number])

/** The plan a translation gives one call: its usual plan, or the one its argument values call for. */
function callPlan(translation: Translation, callArgs: readonly unknown[]): OraclePlan {
  if (!isDeferred(translation)) return translation
  return translation.variant(callArgs) === '' ? translation.usual : translation.render(callArgs)
}

/** The plan of one call, each of its steps through the lint. */
function planOf(sql: string, callArgs: readonly unknown[] = [], options: TranslateOptions = ORACLE, argTypes?: ArgTypes): OraclePlan {
  const plan = callPlan(translate(sql, options, argTypes), callArgs)
  for (const step of plan.steps) expect(lintStep(step, options.target), step.sql).toEqual([])
  return plan
}

/** The one step of a statement's plan. */
function stepOf(sql: string, callArgs: readonly unknown[] = [], options: TranslateOptions = ORACLE, argTypes?: ArgTypes): OracleStep {
  const { steps } = planOf(sql, callArgs, options, argTypes)
  expect(steps).toHaveLength(1)
  return steps[0]!
}

/** The message of the UntranslatableError translating (and planning the call of) `sql` throws. */
function refusal(sql: string, callArgs: readonly unknown[] = [], options: TranslateOptions = ORACLE, argTypes?: ArgTypes): string {
  try {
    planOf(sql, callArgs, options, argTypes)
  } catch (error) {
    expect(error).toBeInstanceOf(UntranslatableError)
    return (error as Error).message
  }
  throw new Error(`translated: ${sql}`)
}

const JSON_PATHS =
  "JSON filters with a path (path: […], and string_contains / string_starts_with / string_ends_with, array_contains / array_starts_with / array_ends_with, gt / gte / lt / lte, which need one) are not supported on Oracle: its SQL/JSON paths are lax (arrays are unwrapped, types converted) and would not match as PostgreSQL's do; filter on the whole value (equals), in application code, or with $queryRaw written for Oracle"
const EMPTY_STRING =
  "Oracle stores '' as NULL, so a filter equal to '' cannot find the rows PostgreSQL would; on Oracle an empty string reads back as null: filter with null (`{ equals: null }` / `{ not: null }`)"

/**
 * Corpus statements refused on purpose, each by a fragment of its SQL, and why: the JSON filters with a path (and those
 * that need one), since Oracle's SQL/JSON paths are lax.
 */
const INTENTIONALLY_REFUSED: readonly { readonly sql: string; readonly why: string }[] = [
  // json: { path: ['s'], equals: 'x' }
  { sql: '("public"."AllTypes"."json"#>ARRAY[$1]::text[])::jsonb::jsonb = $2 ORDER BY', why: JSON_PATHS },
  // json: { path: ['a', '2', 'b'], equals: Prisma.AnyNull }
  { sql: '("public"."AllTypes"."json"#>ARRAY[$5, $6, $7]::text[])::jsonb IS NULL', why: JSON_PATHS },
  // json: { path: ['n'], gt: 1 }
  { sql: '("public"."AllTypes"."json"#>ARRAY[$1]::text[])::jsonb > $2', why: JSON_PATHS },
  // json: { path: ['s'], string_contains: 'x' }
  { sql: `("public"."AllTypes"."json"#>>ARRAY[$1]::text[]) LIKE ('%' || $2 || '%')`, why: JSON_PATHS },
  // json: { path: ['a'], array_contains: [1] }
  { sql: '("public"."AllTypes"."json"#>ARRAY[$1]::text[])::jsonb @> $2', why: JSON_PATHS },
]
const refusedOnPurpose = (sql: string) => INTENTIONALLY_REFUSED.find((refused) => sql.includes(refused.sql))

describe.each(TARGETS)('every corpus statement, for %s', (target) => {
  test.each(corpus.map((statement, i) => [i, statement.sql.slice(0, 80), statement] as const))('#%i %s', (_i, _sql, statement) => {
    const expected = refusedOnPurpose(statement.sql)
    if (expected !== undefined) {
      expect(() => translate(statement.sql, optionsFor(target), statement.argTypes)).toThrow(new UntranslatableError(expected.why))
      return
    }
    const plan = callPlan(translate(statement.sql, optionsFor(target), statement.argTypes), statement.args)
    expect(plan.steps.length).toBeGreaterThan(0)
    const used = new Set<number>()
    for (const step of plan.steps) {
      expect(lintStep(step, target), step.sql).toEqual([])
      for (const bind of step.binds) {
        if (!('arg' in bind)) continue
        expect(bind.arg).toBeGreaterThanOrEqual(0)
        expect(bind.arg).toBeLessThan(statement.args.length)
        used.add(bind.arg)
      }
    }
    // Each of Prisma's arguments is bound: none is lost on the way.
    expect([...used].sort((a, b) => a - b)).toEqual(range(0, statement.args.length))
  })
})

test('the corpus: every statement translated for both targets but the 5 JSON path filters, refused', () => {
  expect(corpus.length).toBeGreaterThan(150)
  expect(INTENTIONALLY_REFUSED.map(({ sql }) => corpus.filter((statement) => statement.sql.includes(sql)).length)).toEqual([1, 1, 1, 1, 1])
  for (const options of [ORACLE, H2]) {
    const refused = corpus.filter((statement) => {
      try {
        translate(statement.sql, options, statement.argTypes)
        return false
      } catch {
        return true
      }
    })
    expect(refused.map(({ sql }) => refusedOnPurpose(sql)?.sql)).toEqual(INTENTIONALLY_REFUSED.map(({ sql }) => sql))
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
  /** JSON_EQUAL of the whole value, UNKNOWN where the column or the value is NULL. */
  const jsonEqual = (column: string, bind: string, truth: 0 | 1) => `(CASE WHEN ${column} IS NULL OR ${bind} IS NULL THEN NULL WHEN JSON_EQUAL(${column}, ${bind}) THEN 1 ELSE 0 END) = ${truth}`

  test('whole-value equals: JSON_EQUAL of the column and the value, the plan marked as needing JSON scalars (21c)', () => {
    const { sql, args: callArgs } = corpusStatement('WHERE "public"."AllTypes"."json"::jsonb = $1')
    const translation = translate(sql, ORACLE, corpusStatement('WHERE "public"."AllTypes"."json"::jsonb = $1').argTypes)
    expect(isDeferred(translation)).toBe(false)
    const plan = planOf(sql, callArgs)
    expect(plan.requires).toEqual({ jsonScalars: true })
    expect(plan.steps[0]).toEqual({
      sql: `SELECT "AllTypes"."id", "AllTypes"."str" FROM "AllTypes" WHERE ${jsonEqual('"AllTypes"."json"', ':1', 1).replace(/:1\)/, ':2)')} ORDER BY "AllTypes"."id" ASC OFFSET :3 ROWS`,
      binds: args(0, 0, 1),
      yields: 'rows',
    })
    // The same for H2 (which has no JSON_EQUAL: the scenario fails there, with H2's error).
    expect(planOf(sql, callArgs, H2).requires).toEqual({ jsonScalars: true })
  })

  test('JsonNull (the document null), not, NOT, AnyNull and its negation; DbNull is plain SQL, no JSON function', () => {
    expect(stepOf(corpusStatement('WHERE "public"."AllTypes"."jsonNull"::jsonb = $1').sql).sql).toBe(
      'SELECT "AllTypes"."id", "AllTypes"."str" FROM "AllTypes" WHERE (CASE WHEN "AllTypes"."jsonNull" IS NULL OR :1 IS NULL THEN NULL WHEN JSON_EQUAL("AllTypes"."jsonNull", :2) THEN 1 ELSE 0 END) = 1 ORDER BY "AllTypes"."id" ASC OFFSET :3 ROWS',
    )
    expect(whereOf(stepOf(where('"public"."AllTypes"."json"::jsonb <> $1 OFFSET $2')).sql)).toBe(`${jsonEqual('"AllTypes"."json"', ':1', 0).replace(/:1\)/, ':2)')} OFFSET :3 ROWS`)
    expect(whereOf(stepOf(where('(NOT "public"."AllTypes"."json"::jsonb = $1) OFFSET $2')).sql)).toBe(
      '(NOT (CASE WHEN "AllTypes"."json" IS NULL OR :1 IS NULL THEN NULL WHEN JSON_EQUAL("AllTypes"."json", :2) THEN 1 ELSE 0 END) = 1) OFFSET :3 ROWS',
    )
    expect(whereOf(stepOf(where('("public"."AllTypes"."jsonNull"::jsonb = $1 OR "public"."AllTypes"."jsonNull" IS NULL) OFFSET $2')).sql)).toBe(
      '((CASE WHEN "AllTypes"."jsonNull" IS NULL OR :1 IS NULL THEN NULL WHEN JSON_EQUAL("AllTypes"."jsonNull", :2) THEN 1 ELSE 0 END) = 1 OR "AllTypes"."jsonNull" IS NULL) OFFSET :3 ROWS',
    )
    expect(whereOf(stepOf(where('("public"."AllTypes"."jsonNull"::jsonb <> $1 AND "public"."AllTypes"."jsonNull" IS NOT NULL) OFFSET $2')).sql)).toBe(
      '((CASE WHEN "AllTypes"."jsonNull" IS NULL OR :1 IS NULL THEN NULL WHEN JSON_EQUAL("AllTypes"."jsonNull", :2) THEN 1 ELSE 0 END) = 0 AND "AllTypes"."jsonNull" IS NOT NULL) OFFSET :3 ROWS',
    )
    const dbNull = planOf(corpusStatement('WHERE "public"."AllTypes"."jsonNull" IS NULL').sql)
    expect(dbNull.steps[0]!.sql).toContain('WHERE "AllTypes"."jsonNull" IS NULL ORDER BY')
    expect(dbNull.requires).toBeUndefined()
    // A literal value needs no NULL test of its own.
    expect(whereOf(stepOf(where(`"public"."AllTypes"."json"::jsonb = 'null'`)).sql)).toBe(`(CASE WHEN "AllTypes"."json" IS NULL THEN NULL WHEN JSON_EQUAL("AllTypes"."json", 'null') THEN 1 ELSE 0 END) = 1`)
  })

  // What Prisma 7.10 sent for each filter (captured on PostgreSQL), every one refused with the same reason.
  test.each([
    ['path equals', '("public"."AllTypes"."json"#>ARRAY[$1]::text[])::jsonb::jsonb = $2 OFFSET $3'],
    ['path not', '("public"."AllTypes"."json"#>ARRAY[$1]::text[])::jsonb::jsonb <> $2 OFFSET $3'],
    ['path JsonNull', '("public"."AllTypes"."json"#>ARRAY[$1]::text[])::jsonb::jsonb = $2 OFFSET $3'],
    ['path AnyNull', '(("public"."AllTypes"."json"#>ARRAY[$1, $2, $3]::text[])::jsonb::jsonb = $4 OR ("public"."AllTypes"."json"#>ARRAY[$5, $6, $7]::text[])::jsonb IS NULL) OFFSET $8'],
    ['path DbNull (missing)', '("public"."AllTypes"."json"#>ARRAY[$1]::text[])::jsonb IS NULL OFFSET $2'],
    ['path gt', '(("public"."AllTypes"."json"#>ARRAY[$1]::text[])::jsonb > $2 AND JSONB_TYPEOF(("public"."AllTypes"."json"#>ARRAY[$3]::text[])::jsonb) = $4) OFFSET $5'],
    ['path string_ends_with', `(("public"."AllTypes"."json"#>>ARRAY[$1]::text[]) LIKE ('%' || $2) AND JSONB_TYPEOF(("public"."AllTypes"."json"#>ARRAY[$3]::text[])::jsonb) = $4) OFFSET $5`],
    ['path string_starts_with, insensitive', `(LOWER(("public"."AllTypes"."json"#>>ARRAY[$1]::text[])) LIKE LOWER(($2 || '%')) AND JSONB_TYPEOF(("public"."AllTypes"."json"#>ARRAY[$3]::text[])::jsonb) = $4) OFFSET $5`],
    ['path array_contains', '(("public"."AllTypes"."json"#>ARRAY[$1]::text[])::jsonb @> $2 AND JSONB_TYPEOF(("public"."AllTypes"."json"#>ARRAY[$3]::text[])::jsonb) = $4) OFFSET $5'],
    ['path array_starts_with', '((("public"."AllTypes"."json"#>ARRAY[$1]::text[])::jsonb->0)::jsonb = $2 AND JSONB_TYPEOF(("public"."AllTypes"."json"#>ARRAY[$3]::text[])::jsonb) = $4) OFFSET $5'],
    ['path array_ends_with', '((("public"."AllTypes"."json"#>ARRAY[$1]::text[])::jsonb->-1)::jsonb = $2 AND JSONB_TYPEOF(("public"."AllTypes"."json"#>ARRAY[$3]::text[])::jsonb) = $4) OFFSET $5'],
    ['whole-value string_contains', `("public"."AllTypes"."json"::text LIKE ('%' || $1 || '%') AND JSONB_TYPEOF("public"."AllTypes"."json") = $2) OFFSET $3`],
    ['whole-value array_contains', '("public"."AllTypes"."json" @> $1 AND JSONB_TYPEOF("public"."AllTypes"."json") = $2) OFFSET $3'],
    ['whole-value array_starts_with', '(("public"."AllTypes"."json"->0)::jsonb = $1 AND JSONB_TYPEOF("public"."AllTypes"."json") = $2) OFFSET $3'],
    ['whole-value gt', '("public"."AllTypes"."json" > $1 AND JSONB_TYPEOF("public"."AllTypes"."json") = $2) OFFSET $3'],
    ['NOT array_contains', '(NOT (("public"."AllTypes"."json"#>ARRAY[$1]::text[])::jsonb @> $2 OR JSONB_TYPEOF(("public"."AllTypes"."json"#>ARRAY[$3]::text[])::jsonb) != $4)) OFFSET $5'],
  ])('%s is refused: SQL/JSON paths are lax', (_name, condition) => {
    for (const options of [ORACLE, H2]) expect(refusal(where(condition), [], options)).toBe(JSON_PATHS)
  })

  test('raw SQL with ->> or #> is refused the same way; a path key is never looked at, let alone written into the SQL', () => {
    expect(refusal(`SELECT "j"->>'a' AS "a" FROM "T"`)).toBe(JSON_PATHS)
    const injection = where(`("public"."AllTypes"."json"#>ARRAY[$1, $2]::text[])::jsonb::jsonb = $3`)
    expect(refusal(injection, ['a"); DROP TABLE x; --', 'b', '1'])).toBe(JSON_PATHS)
    expect(() => new TranslationCache(ORACLE).plan(injection, ['a"); DROP TABLE x; --', 'b', '1'], types('string', 'string', 'json'))).toThrow(JSON_PATHS)
  })

  test('other ::jsonb casts are refused by the cast rule', () => {
    expect(refusal(where('"public"."AllTypes"."json"::jsonb > $1'))).toMatch(/^PostgreSQL's cast ::jsonb is not supported on Oracle/)
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

describe('integer division (Prisma divide on Int / BigInt)', () => {
  /** What Prisma 7.10 sent for `update({ data: { int: { divide: 2 }, bigInt: { divide: 2n }, float: { divide: 2 }, decimal: { divide: 2 } } })`. */
  const divide =
    'UPDATE "public"."AllTypes" SET "int" = ("public"."AllTypes"."int" / $1), "bigInt" = ("public"."AllTypes"."bigInt" / $2), "float" = ("public"."AllTypes"."float" / $3), "decimal" = ("public"."AllTypes"."decimal" / $4) WHERE ("public"."AllTypes"."id" = $5 AND 1=1)'
  const divideTypes: ArgTypes = [
    { scalarType: 'int', dbType: 'INTEGER', arity: 'scalar' },
    { scalarType: 'bigint', dbType: 'BIGINT', arity: 'scalar' },
    { scalarType: 'decimal', dbType: 'DOUBLEPRECISION', arity: 'scalar' },
    { scalarType: 'decimal', dbType: 'DECIMAL', arity: 'scalar' },
    { scalarType: 'int', dbType: 'INTEGER', arity: 'scalar' },
  ]

  test('an integer divisor truncates (TRUNC) as PostgreSQL does; Float and Decimal divide exactly, as they are', () => {
    for (const options of [ORACLE, H2]) {
      expect(stepOf(divide, [2, '2', 2, '2', 1], options, divideTypes)).toEqual({
        sql: 'UPDATE "AllTypes" SET "int" = (TRUNC("AllTypes"."int" / :1)), "bigInt" = (TRUNC("AllTypes"."bigInt" / :2)), "float" = ("AllTypes"."float" / :3), "decimal" = ("AllTypes"."decimal" / :4) WHERE ("AllTypes"."id" = :5 AND 1=1)',
        binds: args(0, 1, 2, 3, 4),
        yields: 'count',
      })
    }
    // The translation depends on the divisors' types (and, for Oracle, on the compared argument's: bytes or not).
    expect(translate(divide, ORACLE, divideTypes).typedBy).toEqual([0, 1, 2, 3, 4])
    expect(translate(divide, H2, divideTypes).typedBy).toEqual([0, 1, 2, 3])
  })

  test('by scalarType (int, bigint) or by dbType alone (SMALLINT, INT8 …); a raw BigInt argument too', () => {
    const sql = 'SELECT "a" / $1 AS "q" FROM "T"'
    expect(stepOf(sql, [2], ORACLE, [{ scalarType: 'unknown', dbType: 'SMALLINT', arity: 'scalar' }]).sql).toBe('SELECT TRUNC("a" / :1) AS "q" FROM "T"')
    expect(stepOf(sql, [2], ORACLE, [{ scalarType: 'decimal', dbType: 'INT8', arity: 'scalar' }]).sql).toBe('SELECT TRUNC("a" / :1) AS "q" FROM "T"')
    // $queryRaw`… / ${2n}`: Prisma types a raw BigInt as bigint, a raw number as decimal.
    expect(stepOf(sql, ['2'], ORACLE, [{ scalarType: 'bigint', arity: 'scalar' }]).sql).toBe('SELECT TRUNC("a" / :1) AS "q" FROM "T"')
    expect(stepOf(sql, [2], ORACLE, [{ scalarType: 'decimal', arity: 'scalar' }]).sql).toBe('SELECT "a" / :1 AS "q" FROM "T"')
    // Without argTypes a type is unknown: Oracle's exact division.
    expect(stepOf(sql, [2]).sql).toBe('SELECT "a" / :1 AS "q" FROM "T"')
  })

  test('the dividend is the terms before joined by * / %; a sum divides its last term only; chains nest left to right', () => {
    const ints = types('int', 'int', 'int')
    expect(stepOf('SELECT "b" - "a" * "c" / $1 AS "q" FROM "T"', [2], ORACLE, ints).sql).toBe('SELECT "b" - TRUNC("a" * "c" / :1) AS "q" FROM "T"')
    expect(stepOf('SELECT "a" / $1 * $2 / $3 AS "q" FROM "T"', [2, 3, 4], ORACLE, ints).sql).toBe('SELECT TRUNC(TRUNC("a" / :1) * :2 / :3) AS "q" FROM "T"')
    expect(stepOf('SELECT ("a" + 1) / -$1 AS "q", COUNT(*) / ($2) AS "r" FROM "T"', [2, 3], ORACLE, ints).sql).toBe('SELECT TRUNC(("a" + 1) / -:1) AS "q", TRUNC(COUNT(*) / (:2)) AS "r" FROM "T"')
  })

  test('a division by a column, a literal or an expression stays Oracle\'s exact one (raw SQL semantics)', () => {
    expect(stepOf('SELECT "a" / "b" AS "q", "a" / 2 AS "r", "a" / ($1 + 1) AS "s" FROM "T"', [2], ORACLE, types('int')).sql).toBe('SELECT "a" / "b" AS "q", "a" / 2 AS "r", "a" / (:1 + 1) AS "s" FROM "T"')
    expect(translate('SELECT "a" / "b" AS "q" FROM "T"', ORACLE, []).typedBy).toBeUndefined()
  })
})

describe("empty strings (Oracle stores '' as NULL)", () => {
  const select = (condition: string) => `SELECT "public"."AllTypes"."id" FROM "public"."AllTypes" WHERE ${condition} OFFSET $9`
  const whereOf = (sql: string) => sql.replace('SELECT "AllTypes"."id" FROM "AllTypes" WHERE ', '').replace(/ OFFSET :\d+ ROWS$/, '')
  /** The WHERE of the plan of `condition` for a call with these arguments. */
  const planned = (condition: string, ...callArgs: unknown[]) => whereOf(stepOf(select(condition), callArgs, ORACLE, types(...callArgs.map(() => 'string'))).sql)
  const refused = (condition: string, ...callArgs: unknown[]) => refusal(select(condition), callArgs, ORACLE, types(...callArgs.map(() => 'string')))
  const emptyRefusal = (what: string) => `${EMPTY_STRING} (${what})`
  const str = '"public"."AllTypes"."str"'

  // Each as Prisma 7.10 sent it (captured on PostgreSQL) for a filter with ''.
  test.each([
    ["str: { not: '' }", `${str} <> $1`, '"AllTypes"."str" IS NOT NULL'],
    ["str: { gt: '' }", `${str} > $1`, '"AllTypes"."str" IS NOT NULL'],
    ["str: { lt: '' }", `${str} < $1`, '1=0'],
    ["str: { notIn: ['', 'a'] }", `${str} NOT IN ($1,$2)`, '("AllTypes"."str" IS NOT NULL AND "AllTypes"."str" NOT IN (:1))'],
    ["str: { notIn: [''] }", `${str} NOT IN ($1)`, '"AllTypes"."str" IS NOT NULL'],
    ["NOT: { str: '' }", `(NOT ${str} = $1)`, '(NOT "AllTypes"."str" IS NULL)'],
    ["NOT: { str: { lte: '' } }", `(NOT ${str} <= $1)`, '(NOT "AllTypes"."str" IS NULL)'],
    ["NOT: { str: { gte: '' } }", `(NOT ${str} >= $1)`, '(NOT 1=1)'],
    ["NOT: { str: { in: ['', 'a'] } }", `(NOT ${str} IN ($1,$2))`, '(NOT ("AllTypes"."str" IS NULL OR "AllTypes"."str" IN (:1)))'],
    ["str: { not: '', mode: 'insensitive' }", `${str} NOT ILIKE $1`, 'UPPER("AllTypes"."str") IS NOT NULL'],
    ["str: { gt: '', mode: 'insensitive' }", `LOWER(${str}) > LOWER($1)`, 'LOWER("AllTypes"."str") IS NOT NULL'],
    ["OR: [{ str: { not: '' } }, { id: 1 }]", `(${str} <> $1 OR "public"."AllTypes"."id" = $2)`, '("AllTypes"."str" IS NOT NULL OR "AllTypes"."id" = :1)'],
  ])("%s: rewritten, exactly", (_filter, condition, expected) => {
    const callArgs = condition.includes('$2') ? ['', 'a'] : ['']
    expect(planned(condition, ...callArgs)).toBe(expected)
  })

  test.each([
    ["str: ''", `${str} = $1`, `"AllTypes"."str" = ''`],
    ["str: { gte: '' }", `${str} >= $1`, `"AllTypes"."str" >= ''`],
    ["str: { lte: '' }", `${str} <= $1`, `"AllTypes"."str" <= ''`],
    ["str: { in: ['', 'a'] }", `${str} IN ($1,$2)`, `"AllTypes"."str" IN ('', …)`],
    ["str: { equals: '', mode: 'insensitive' }", `${str} ILIKE $1`, `UPPER("AllTypes"."str") LIKE ''`],
    ["str: { in: ['', 'a'], mode: 'insensitive' }", `LOWER(${str}) IN (LOWER($1),LOWER($2))`, `LOWER("AllTypes"."str") IN ('', …)`],
    ["NOT: { str: { not: '' } }", `(NOT ${str} <> $1)`, `"AllTypes"."str" <> ''`],
    ["NOT: { strNull: { lt: '' } }", `(NOT "public"."AllTypes"."strNull" < $1)`, `"AllTypes"."strNull" < ''`],
    ["NOT: { str: { notIn: [''] } }", `(NOT ${str} NOT IN ($1))`, `"AllTypes"."str" NOT IN ('', …)`],
    ["OR: [{ str: { not: '' } }, { str: { lte: '' } }]", `(${str} <> $1 OR ${str} <= $2)`, `"AllTypes"."str" <= ''`],
  ])('%s: refused (PostgreSQL finds the rows holding \'\', which Oracle cannot tell from NULL)', (_filter, condition, what) => {
    const callArgs = condition.includes('$2') ? ['', ''] : ['']
    expect(refused(condition, ...callArgs)).toBe(emptyRefusal(what))
  })

  test('the same statements with values other than \'\' keep their usual plan; the plan lists the arguments it looks at', () => {
    const translation = translate(select(`(${str} = $1 AND ${str} NOT IN ($2,$3) AND ${str}::text LIKE ('%' || $4 || '%'))`), ORACLE, types('string', 'string', 'string', 'string', 'bigint'))
    expect(isDeferred(translation) && translation.valueArgs).toEqual([0, 1, 2])
    expect(planned(`${str} = $1`, 'a')).toBe('"AllTypes"."str" = :1')
    expect(planned(`${str} NOT IN ($1,$2)`, 'a', 'b')).toBe('"AllTypes"."str" NOT IN (:1,:2)')
  })

  test("a LIKE pattern that concatenates is not a comparison with '' (contains '' matches every string on both)", () => {
    expect(planned(`(${str}::text LIKE ('%' || $1 || '%') AND ${str} LIKE ($2 || '%'))`, '', '')).toBe(`("AllTypes"."str" LIKE ('%' || :1 || '%') AND "AllTypes"."str" LIKE (:2 || '%'))`)
  })

  test("binds of a LIKE pattern concatenated with a literal are marked likePattern (there '' is exact); others are not", () => {
    const contains = stepOf(corpusStatement(`"public"."User"."name" ILIKE ('%' || $1 || '%')`).sql)
    expect(contains.sql).toContain(`UPPER("User"."name") LIKE UPPER(('%' || :1 || '%')) AND "User"."email" LIKE ('%' || :2)`)
    expect(contains.binds).toEqual([
      { arg: 0, likePattern: true },
      { arg: 1, likePattern: true },
      { arg: 2 },
    ])
    const startsWith = stepOf(select(`LOWER(${str}) LIKE LOWER(($1 || '%'))`), ['', '0'], ORACLE, types('string', 'bigint'))
    expect(startsWith.binds).toEqual([{ arg: 0, likePattern: true }, { arg: 8 }])
    // A bare pattern is a comparison (equals, insensitive); a pattern of binds alone may be NULL on Oracle.
    expect(stepOf(select(`${str} LIKE $1 AND ${str} LIKE ($2 || $3) AND ${str} LIKE ('' || $4)`), ['a', 'b', 'c', 'd'], ORACLE, types('string', 'string', 'string', 'string')).binds).toEqual(args(0, 1, 2, 3, 8))
  })

  test('NOT of a group flips what counts; a sub-select, a CASE WHEN, a JOIN … ON count on their own', () => {
    expect(planned(`(NOT (${str} = $1 OR "public"."AllTypes"."id" = $2))`, '', 'x')).toBe('(NOT ("AllTypes"."str" IS NULL OR "AllTypes"."id" = :1))')
    expect(refused(`(NOT (${str} <> $1 AND "public"."AllTypes"."id" = $2))`, '', 'x')).toBe(emptyRefusal(`"AllTypes"."str" <> ''`))
    // The sub-select's WHERE is positive whatever is around the EXISTS: NOT EXISTS (… = '') is refused.
    expect(refused(`NOT EXISTS (SELECT 1 FROM "public"."T" WHERE "T"."s" = $1)`, '')).toBe(emptyRefusal(`"T"."s" = ''`))
    expect(planned(`NOT EXISTS (SELECT 1 FROM "public"."T" WHERE "T"."s" <> $1)`, '')).toBe('NOT EXISTS (SELECT 1 FROM "T" WHERE "T"."s" IS NOT NULL)')
    const caseWhen = stepOf(`SELECT CASE WHEN "s" <> $1 THEN 1 ELSE 0 END AS "x" FROM "T" LEFT JOIN "U" ON "U"."s" <> $1`, [''], ORACLE, types('string'))
    expect(caseWhen.sql).toBe('SELECT CASE WHEN "s" IS NOT NULL THEN 1 ELSE 0 END AS "x" FROM "T" LEFT JOIN "U" ON "U"."s" IS NOT NULL')
    expect(caseWhen.binds).toEqual([])
  })

  test("where it is neither a filter nor an assignment, a comparison with '' is refused; an assignment of '' is not looked at", () => {
    expect(refusal('SELECT COALESCE("s" = $1, 0) AS "x" FROM "T"', [''], ORACLE, types('string'))).toBe(emptyRefusal(`"s" = ''`))
    expect(refusal('SELECT "id" FROM "T" WHERE "s" BETWEEN $1 AND $2', ['', 'm'], ORACLE, types('string', 'string'))).toBe(emptyRefusal("BETWEEN ''"))
    expect(refusal('SELECT CASE "s" WHEN $1 THEN 1 ELSE 0 END AS "x" FROM "T"', [''], ORACLE, types('string'))).toBe(emptyRefusal("CASE … WHEN ''"))
    expect(stepOf('SELECT CASE "s" WHEN $1 THEN 1 ELSE 0 END AS "x" FROM "T"', ['a'], ORACLE, types('string')).sql).toBe('SELECT CASE "s" WHEN :1 THEN 1 ELSE 0 END AS "x" FROM "T"')
    expect(refusal('SELECT "id" FROM "T" WHERE COALESCE("s", \'x\') <> $1', [''], ORACLE, types('string'))).toBe(emptyRefusal(`COALESCE("s", 'x') <> ''`))
    const update = translate('UPDATE "T" SET "s" = $1, "t" = $2 WHERE "id" = $3', ORACLE, types('string', 'string', 'int'))
    expect(isDeferred(update) && update.valueArgs).toEqual([2])
    expect(stepOf('UPDATE "T" SET "s" = $1 WHERE "id" = $2', ['', 1], ORACLE, types('string', 'int')).sql).toBe('UPDATE "T" SET "s" = :1 WHERE "id" = :2')
    expect(translate('INSERT INTO "T" ("s") VALUES ($1)', ORACLE, types('string'))).toEqual({ steps: [{ sql: 'INSERT INTO "T" ("s") VALUES (:1)', binds: args(0), yields: 'count' }] })
  })

  test("an upsert by a key of '' is refused (its MERGE and re-read compare the key)", () => {
    const upsert = corpusStatement('INSERT INTO "public"."Tag" ("name") VALUES ($1) ON CONFLICT ("name") DO UPDATE SET "name" = $2')
    expect(refusal(upsert.sql, ['', 'b', ''], ORACLE, upsert.argTypes)).toBe(emptyRefusal(`"name" = ''`))
  })

  test("a '' literal of raw SQL is rewritten (or refused) by the same rules, at translation", () => {
    expect(translate(`SELECT "id" FROM "T" WHERE "s" <> '' AND "t" NOT IN ('a', '') AND "u" < ''`, ORACLE, [])).toEqual({
      steps: [{ sql: `SELECT "id" FROM "T" WHERE "s" IS NOT NULL AND ("t" IS NOT NULL AND "t" NOT IN ('a')) AND 1=0`, binds: [], yields: 'rows' }],
    })
    expect(() => translate(`SELECT "id" FROM "T" WHERE "s" = ''`, ORACLE, [])).toThrow(new UntranslatableError(emptyRefusal(`"s" = ''`)))
    // An upsert that sets its key to '' (Oracle's NULL) finds its row no more: its re-read compares the key with ''.
    expect(() => translate(`INSERT INTO "Tag" ("name") VALUES ($1) ON CONFLICT ("name") DO UPDATE SET "name" = '' RETURNING "id"`, ORACLE, types('string'))).toThrow(
      new UntranslatableError(emptyRefusal(`"Tag"."name" = ''`)),
    )
    // A '' that is no operand of a comparison is not looked at.
    expect(stepOf(`SELECT COALESCE("s", '') AS "s" FROM "T" WHERE "s" LIKE '%' || ''`).sql).toBe(`SELECT COALESCE("s", '') AS "s" FROM "T" WHERE "s" LIKE '%' || ''`)
  })

  test('empty bytes in a comparison are refused, for both targets', () => {
    const { sql, argTypes } = corpusStatement('WHERE ("public"."AllTypes"."bytes" = $1 AND "public"."AllTypes"."str" = $2)')
    const message =
      'Oracle stores empty bytes as NULL, so a filter comparing with empty bytes cannot find the rows PostgreSQL would; on Oracle empty bytes read back as null: filter with null (`{ equals: null }` / `{ not: null }`)'
    for (const options of [ORACLE, H2]) {
      expect(refusal(sql, [new Uint8Array(0), 'a', '0'], options, argTypes)).toBe(message)
      expect(planOf(sql, [new Uint8Array([1]), 'a', '0'], options, argTypes).steps).toHaveLength(1)
    }
  })
})

describe('upsert of a NULL key', () => {
  const setsKey = corpusStatement('INSERT INTO "public"."Tag" ("name") VALUES ($1) ON CONFLICT ("name") DO UPDATE SET "name" = $2')
  const refusedSet =
    'An upsert that sets its conflict key "name" to NULL is not supported on Oracle: the row it returns is read again by its key, which finds no row with a NULL key (PostgreSQL\'s RETURNING gives the row); update the row, then set the key to null in a separate update'

  test('a NULL argument assigned to the key is refused per call; another value is planned as usual', () => {
    const translation = translate(setsKey.sql, ORACLE, setsKey.argTypes)
    expect(isDeferred(translation) && translation.valueArgs).toEqual([0, 1, 2])
    expect(refusal(setsKey.sql, ['a', null, 'a'], ORACLE, setsKey.argTypes)).toBe(refusedSet)
    expect(refusal(setsKey.sql, ['a', null, 'a'], H2, setsKey.argTypes)).toBe(refusedSet)
    expect(planOf(setsKey.sql, ['a', 'b', 'a'], ORACLE, setsKey.argTypes).steps).toHaveLength(2)
  })

  test('a NULL inserted key, a NULL literal, a key set from an expression: refused; without RETURNING, no re-read, no refusal', () => {
    expect(refusal(setsKey.sql, [null, 'b', null], ORACLE, setsKey.argTypes)).toBe(
      'An upsert that inserts its conflict key "name" to NULL is not supported on Oracle: the row it returns is read again by its key, which finds no row with a NULL key (PostgreSQL\'s RETURNING gives the row); create the row with create(), not upsert()',
    )
    expect(refusal('INSERT INTO "Tag" ("name") VALUES ($1) ON CONFLICT ("name") DO UPDATE SET "name" = NULL RETURNING "id"')).toBe(refusedSet)
    expect(refusal('INSERT INTO "Tag" ("name") VALUES ($1) ON CONFLICT ("name") DO UPDATE SET "name" = $2 || $3 RETURNING "id"')).toBe(
      'An upsert that sets its conflict key "name" from an expression is not supported on Oracle: set it to a value, or update the row in a separate update',
    )
    expect(planOf('INSERT INTO "Tag" ("name") VALUES ($1) ON CONFLICT ("name") DO UPDATE SET "name" = $2', ['a', null], ORACLE, types('string', 'string')).steps).toHaveLength(1)
  })
})

describe('row-value comparisons (compound-key cursors)', () => {
  test('(a, b) = ($1, $2) → (a = :1 AND b = :2), as Prisma 7.10 writes a cursor on a compound key', () => {
    const cursor =
      'SELECT "public"."Membership"."userId" FROM "public"."Membership" WHERE ("public"."Membership"."userId" > (SELECT "public"."Membership"."userId" FROM "public"."Membership" WHERE ("public"."Membership"."userId","public"."Membership"."groupId") = ($1,$2))) ORDER BY "public"."Membership"."userId" ASC OFFSET $3'
    expect(stepOf(cursor, [1, 2, '0'], ORACLE, types('int', 'int', 'bigint'))).toEqual({
      sql: 'SELECT "Membership"."userId" FROM "Membership" WHERE ("Membership"."userId" > (SELECT "Membership"."userId" FROM "Membership" WHERE ("Membership"."userId" = :1 AND "Membership"."groupId" = :2))) ORDER BY "Membership"."userId" ASC OFFSET :3 ROWS',
      binds: args(0, 1, 2),
      yields: 'rows',
    })
  })

  test('<> and != → NOT (… AND …); < <= > >= → lexicographic, binds repeated where their element is', () => {
    expect(stepOf('SELECT 1 FROM "T" WHERE ("a", "b") <> ($1, $2)').sql).toBe('SELECT 1 FROM "T" WHERE (NOT ("a" = :1 AND "b" = :2))')
    expect(stepOf('SELECT 1 FROM "T" WHERE NOT ("a", "b") != ($1, $2)').sql).toBe('SELECT 1 FROM "T" WHERE NOT (NOT ("a" = :1 AND "b" = :2))')
    const less = stepOf('SELECT 1 FROM "T" WHERE ("a", "b") < ($1, $2)')
    expect(less.sql).toBe('SELECT 1 FROM "T" WHERE ("a" < :1 OR ("a" = :2 AND "b" < :3))')
    expect(less.binds).toEqual(args(0, 0, 1))
    expect(stepOf('SELECT 1 FROM "T" WHERE ("a", "b", "c") >= ($1, $2, $3)').sql).toBe('SELECT 1 FROM "T" WHERE ("a" > :1 OR ("a" = :2 AND ("b" > :3 OR ("b" = :4 AND "c" >= :5))))')
  })

  test('what Oracle takes stays: a row with a sub-select, tuples IN, a call, a bracketed scalar', () => {
    expect(stepOf('SELECT 1 FROM "T" WHERE ("a", "b") = (SELECT "x", "y" FROM "U")').sql).toBe('SELECT 1 FROM "T" WHERE ("a", "b") = (SELECT "x", "y" FROM "U")')
    expect(stepOf('SELECT 1 FROM "T" WHERE ("a", "b") IN (($1, $2), ($3, $4))').sql).toBe('SELECT 1 FROM "T" WHERE ("a", "b") IN ((:1, :2), (:3, :4))')
    expect(stepOf('SELECT 1 FROM "T" WHERE COALESCE("a", "b") = ($1) AND ("c") = ("d")').sql).toBe('SELECT 1 FROM "T" WHERE COALESCE("a", "b") = (:1) AND ("c") = ("d")')
  })

  test('rows of different lengths, and an ordering against a sub-select, are refused', () => {
    expect(refusal('SELECT 1 FROM "T" WHERE ("a", "b") = ($1)')).toBe('A row comparison of 2 and 1 values (("a", "b") = ($1)) is not supported on Oracle: compare the columns one by one')
    expect(refusal('SELECT 1 FROM "T" WHERE ("a", "b") < (SELECT "x", "y" FROM "U")')).toBe('A row comparison with a sub-select ("a", "b") < (SELECT "x", "y" FROM "U") is not supported on Oracle: compare the columns one by one')
  })
})

describe('Bytes comparisons (BLOB)', () => {
  const select = (condition: string) => `SELECT "public"."AllTypes"."id" FROM "public"."AllTypes" WHERE ${condition} OFFSET $3`
  const bytesTypes = types('bytes', 'bytes', 'bigint')
  const bytes = [new Uint8Array([1]), new Uint8Array([2]), '0']

  // Each as Prisma 7.10 sent it (captured on PostgreSQL): equals, not, in, notIn.
  test.each([
    ['=', '"public"."AllTypes"."bytes" = $1', 'DBMS_LOB.COMPARE("AllTypes"."bytes", :1) = 0', args(0, 2)],
    ['<>', '"public"."AllTypes"."bytes" <> $1', 'DBMS_LOB.COMPARE("AllTypes"."bytes", :1) <> 0', args(0, 2)],
    ['IN', '"public"."AllTypes"."bytes" IN ($1,$2)', '(DBMS_LOB.COMPARE("AllTypes"."bytes", :1) = 0 OR DBMS_LOB.COMPARE("AllTypes"."bytes", :2) = 0)', args(0, 1, 2)],
    ['NOT IN', '"public"."AllTypes"."bytes" NOT IN ($1,$2)', '(DBMS_LOB.COMPARE("AllTypes"."bytes", :1) <> 0 AND DBMS_LOB.COMPARE("AllTypes"."bytes", :2) <> 0)', args(0, 1, 2)],
  ])("oracle: bytes %s → DBMS_LOB.COMPARE (NULL where either is, as the comparison); h2 keeps it", (_op, condition, expected, binds) => {
    const oracle = stepOf(select(condition), bytes, ORACLE, bytesTypes)
    expect(oracle.sql).toBe(`SELECT "AllTypes"."id" FROM "AllTypes" WHERE ${expected} OFFSET :${binds.length} ROWS`)
    expect(oracle.binds).toEqual(binds)
    expect(stepOf(select(condition), bytes, H2, bytesTypes).sql).toBe(`SELECT "AllTypes"."id" FROM "AllTypes" WHERE ${condition.replaceAll('"public".', '').replace('$1', ':1').replace('$2', ':2')} OFFSET :${binds.length} ROWS`)
  })

  test('by the argument type only (a string compared stays); the bind may come first; a SET of bytes is an assignment', () => {
    expect(stepOf(select('"public"."AllTypes"."str" = $1'), ['a', '', '0'], ORACLE, types('string', 'string', 'bigint')).sql).toContain('WHERE "AllTypes"."str" = :1 OFFSET')
    expect(stepOf('SELECT 1 FROM "T" WHERE $1 = "T"."b"', [new Uint8Array([1])], ORACLE, types('bytes')).sql).toBe('SELECT 1 FROM "T" WHERE DBMS_LOB.COMPARE("T"."b", :1) = 0')
    expect(stepOf('UPDATE "T" SET "b" = $1 WHERE "b" = $2', bytes, ORACLE, bytesTypes).sql).toBe('UPDATE "T" SET "b" = :1 WHERE DBMS_LOB.COMPARE("b", :2) = 0')
    expect(translate(select('"public"."AllTypes"."bytes" IN ($1,$2)'), ORACLE, bytesTypes).typedBy).toEqual([0])
    expect(translate(select('"public"."AllTypes"."bytes" IN ($1,$2)'), H2, bytesTypes).typedBy).toBeUndefined()
  })

  test('a bytes IN list of something but parameters, or of something but a column, is refused', () => {
    expect(refusal('SELECT 1 FROM "T" WHERE "b" IN ($1, NULL)', [new Uint8Array([1])], ORACLE, types('bytes'))).toBe(
      'Bytes IN (…) with values that are not parameters ("b" IN ($1, NULL)) is not supported on Oracle: bytes are compared with DBMS_LOB.COMPARE, whose arguments must be parameters',
    )
    expect(refusal('SELECT 1 FROM "T" WHERE "b" || "c" IN ($1)', [new Uint8Array([1])], ORACLE, types('bytes'))).toMatch(/^Bytes IN \(…\) of something but a column/)
  })
})

describe('raw SQL that PostgreSQL means otherwise', () => {
  test('ON CONFLICT (keys) DO NOTHING is refused (the row-by-row skip would take any unique violation)', () => {
    expect(refusal('INSERT INTO "Tag" ("name") VALUES ($1) ON CONFLICT ("name") DO NOTHING')).toBe(
      'ON CONFLICT ("name") DO NOTHING is not supported on Oracle: a row would be skipped on a conflict with any unique constraint, not only this one; write ON CONFLICT DO NOTHING (any conflict), or check for the row first',
    )
    expect(planOf('INSERT INTO "Tag" ("name") VALUES ($1) ON CONFLICT DO NOTHING').steps[0]!.skipDuplicate).toBe(true)
  })

  test('casts with a length or precision are refused, as are the text casts that change a value; ::text / ::varchar are dropped', () => {
    const sized = (cast: string) =>
      `PostgreSQL's cast ::${cast} is not supported on Oracle: PostgreSQL cuts, pads or rounds the value to that length or precision, which Oracle would not do without the cast; write it as Oracle SQL (SUBSTR(x, 1, n), ROUND(x, s), CAST(x AS NUMBER(p, s)) …)`
    expect(refusal('SELECT "a"::varchar(2) AS "x" FROM "T"')).toBe(sized('varchar(2)'))
    expect(refusal('SELECT "a"::char(3) AS "x" FROM "T"')).toBe(sized('char(3)'))
    expect(refusal('SELECT "a"::numeric(5,2) AS "x" FROM "T"')).toBe(sized('numeric(5,2)'))
    expect(refusal('SELECT "a"::character varying(10) AS "x" FROM "T"')).toBe(sized('character varying(10)'))
    expect(refusal('SELECT "a"::char AS "x" FROM "T"')).toBe("PostgreSQL's cast ::char is not supported on Oracle: it changes the value or how it compares (char); write it as Oracle SQL")
    expect(refusal('SELECT "a" FROM "T" WHERE "a"::citext = $1')).toBe("PostgreSQL's cast ::citext is not supported on Oracle: it changes the value or how it compares (citext); write it as Oracle SQL")
    expect(stepOf('SELECT "a"::varchar AS "x", "b"::character varying AS "y", "c"::text AS "z" FROM "T"').sql).toBe('SELECT "a" AS "x", "b" AS "y", "c" AS "z" FROM "T"')
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
    ['SELECT 1 FROM T WHERE (a, b) = (:1, :2)', 'a row-value comparison with a list of values'],
    ['SELECT 1 FROM T WHERE NOT (a, b) <> (1, 2)', 'a row-value comparison with a list of values'],
    ['SELECT 1 FROM T WHERE (a, b) < (SELECT x, y FROM U) AND c = (1, 2)', 'a row-value comparison with a list of values'],
  ])('flags %s', (sql, problem) => {
    expect(oracleLint(sql).join('\n')).toContain(problem)
  })

  test('passes Oracle SQL: strings, quoted names and JSON functions are not rules', () => {
    expect(oracleLint(`SELECT CAST(a AS NUMBER) AS "n" FROM T "t" WHERE "t"."LIMIT" = 'LIMIT $1 :: TRUE' OFFSET :1 ROWS FETCH NEXT :2 ROWS ONLY`, { placeholders: 2 })).toEqual([])
    expect(oracleLint(`SELECT 1 FROM T WHERE JSON_VALUE(j, '$.a' RETURNING NUMBER NULL ON ERROR) > :1`, { placeholders: 1 })).toEqual([])
    expect(oracleLint(`SELECT 1 FROM T WHERE a IN (${oneThousandAndOne.replace(',:1001', '')})`)).toEqual([])
    expect(oracleLint('UPDATE T SET a = :1 RETURNING a INTO :2', { placeholders: 2 })).toEqual([])
    expect(oracleLint('BEGIN UPDATE T SET a = :1; END;')).toEqual([])
    // Row values Oracle takes: against a sub-select, in IN lists; and calls, bracketed scalars.
    expect(oracleLint('SELECT 1 FROM T WHERE (a, b) = (SELECT x, y FROM U) AND (a, b) IN ((1, 2)) AND COALESCE(a, b) = (1) AND (c) = (d)')).toEqual([])
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
    protected override translateStatement(sql: string, argTypes: ArgTypes): Translation {
      this.translations++
      return super.translateStatement(sql, argTypes)
    }
  }

  test('a hit returns the same plan without translating again', () => {
    const cache = new CountingCache(ORACLE)
    const { sql, argTypes } = corpusStatement(USER_BY_ID)
    const plan = cache.plan(sql, [10, '1', '0'], argTypes)
    expect(cache.plan(sql, [11, '1', '5'], argTypes)).toBe(plan)
    expect(cache.translations).toBe(1)
    expect(plan.steps[0]!.sql).toContain('OFFSET :2 ROWS FETCH NEXT :3 ROWS ONLY')
    expect(cache.size).toBe(1)
  })

  test('keeps the most recently used statements, at most maxEntries', () => {
    const cache = new CountingCache(ORACLE, 2)
    const [a, b, c] = ['SELECT 1 AS "a" FROM DUAL', 'SELECT 1 AS "b" FROM DUAL', 'SELECT 1 AS "c" FROM DUAL']
    cache.plan(a, [], [])
    cache.plan(b, [], [])
    cache.plan(a, [], [])
    cache.plan(c, [], [])
    expect(cache.size).toBe(2)
    expect(cache.translations).toBe(3)
    cache.plan(a, [], [])
    expect(cache.translations).toBe(3)
    cache.plan(b, [], [])
    expect(cache.translations).toBe(4)
  })

  test('500 statements by default', () => {
    const cache = new TranslationCache(ORACLE)
    for (let i = 0; i < 501; i++) cache.plan(`SELECT ${i} AS "n" FROM DUAL`, [], [])
    expect(cache.size).toBe(500)
  })

  test('a refusal is kept: thrown again without translating again', () => {
    const cache = new CountingCache(ORACLE)
    const sql = 'SELECT DISTINCT ON ("a") "a" FROM "T"'
    let first: unknown
    try {
      cache.plan(sql, [], [])
    } catch (error) {
      first = error
    }
    expect(first).toBeInstanceOf(UntranslatableError)
    expect(() => cache.plan(sql, [], [])).toThrow(first as Error)
    expect(cache.translations).toBe(1)
  })

  test('a statement that depends on no argument type: one translation for calls of any types', () => {
    const cache = new CountingCache(ORACLE)
    const sql = 'SELECT "id" FROM "T" WHERE "id" < $1 OFFSET $2'
    expect(translate(sql, ORACLE, types('int', 'bigint')).typedBy).toBeUndefined()
    const plan = cache.plan(sql, [1, '0'], types('int', 'bigint'))
    expect(cache.plan(sql, [1, '0'], types('string', 'bigint'))).toBe(plan)
    expect(cache.translations).toBe(1)
  })

  test('a statement that depends on argument types: a variant per set of those types (typedBy), translated once each', () => {
    const cache = new CountingCache(ORACLE)
    const sql = 'UPDATE "T" SET "n" = ("T"."n" / $1) WHERE "id" < $2'
    expect(translate(sql, ORACLE, types('int', 'int')).typedBy).toEqual([0])
    const integer = cache.plan(sql, [2, 5], types('int', 'int'))
    expect(integer.steps[0]!.sql).toBe('UPDATE "T" SET "n" = (TRUNC("T"."n" / :1)) WHERE "id" < :2')
    // The type of the other argument is not part of the signature.
    expect(cache.plan(sql, [2, 'x'], types('int', 'string'))).toBe(integer)
    const decimal = cache.plan(sql, ['2', 5], types('decimal', 'int'))
    expect(decimal.steps[0]!.sql).toBe('UPDATE "T" SET "n" = ("T"."n" / :1) WHERE "id" < :2')
    expect(cache.plan(sql, [2, 5], types('int', 'int'))).toBe(integer)
    expect(cache.plan(sql, ['2', 5], types('decimal', 'int'))).toBe(decimal)
    expect(cache.translations).toBe(2)
    expect(cache.size).toBe(1)
    // A typed statement needs the call's types.
    expect(() => cache.plan(sql, [2, 5], undefined as unknown as ArgTypes)).toThrow(TypeError)
  })

  test('a refusal that depends on argument types is kept for those types only', () => {
    const cache = new CountingCache(ORACLE)
    const sql = 'SELECT "id" FROM "T" WHERE "b" IN ($1, 2)'
    expect(() => cache.plan(sql, ['AQ=='], types('bytes'))).toThrow(/Bytes IN \(…\) with values that are not parameters/)
    expect(cache.plan(sql, [1], types('int')).steps[0]!.sql).toBe('SELECT "id" FROM "T" WHERE "b" IN (:1, 2)')
    expect(() => cache.plan(sql, ['AQ=='], types('bytes'))).toThrow(/Bytes IN/)
    expect(cache.translations).toBe(2)
  })

  test("a value-dependent plan: the usual plan for ordinary values, one rendered per key of special values ('')", () => {
    const cache = new CountingCache(ORACLE)
    const sql = 'SELECT "id" FROM "T" WHERE "a" <> $1 AND "b" <> $2'
    const argTypes = types('string', 'string')
    const translation = translate(sql, ORACLE, argTypes)
    expect(isDeferred(translation) && translation.valueArgs).toEqual([0, 1])
    const usual = cache.plan(sql, ['x', 'y'], argTypes)
    expect(usual.steps[0]!.sql).toBe('SELECT "id" FROM "T" WHERE "a" <> :1 AND "b" <> :2')
    expect(cache.plan(sql, ['z', 'w'], argTypes)).toBe(usual)
    const firstEmpty = cache.plan(sql, ['', 'y'], argTypes)
    expect(firstEmpty.steps[0]).toEqual({ sql: 'SELECT "id" FROM "T" WHERE "a" IS NOT NULL AND "b" <> :1', binds: args(1), yields: 'rows' })
    expect(cache.plan(sql, ['', 'other'], argTypes)).toBe(firstEmpty)
    expect(cache.plan(sql, ['', ''], argTypes).steps[0]!.sql).toBe('SELECT "id" FROM "T" WHERE "a" IS NOT NULL AND "b" IS NOT NULL')
    expect(cache.translations).toBe(1)
  })
})
