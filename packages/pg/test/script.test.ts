import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { PrismaPoolPg, splitStatements } from '@prisma-pool/pg'
import type { SqlDriverAdapter } from '@prisma/driver-adapter-utils'
import { PG_URL, sql, uniqueName } from './helpers.js'

describe('splitStatements', () => {
  test.each([
    ['SELECT 1; SELECT 2;', ['SELECT 1', 'SELECT 2']],
    ["INSERT INTO t VALUES ('a;b'); SELECT 'it''s; fine'", ["INSERT INTO t VALUES ('a;b')", "SELECT 'it''s; fine'"]],
    [`SELECT E'back\\'slash;'; SELECT 2`, [`SELECT E'back\\'slash;'`, 'SELECT 2']],
    ['SELECT 1 AS "semi;colon"; SELECT 2', ['SELECT 1 AS "semi;colon"', 'SELECT 2']],
    ['SELECT 1; -- a comment; with a semicolon\nSELECT 2', ['SELECT 1', '-- a comment; with a semicolon\nSELECT 2']],
    ['SELECT /* a; /* nested; */ comment; */ 1; SELECT 2', ['SELECT /* a; /* nested; */ comment; */ 1', 'SELECT 2']],
    ['CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql; SELECT f()', ['CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql', 'SELECT f()']],
    ['DO $body$ BEGIN PERFORM 1; PERFORM $$x;$$; END $body$; SELECT 2', ['DO $body$ BEGIN PERFORM 1; PERFORM $$x;$$; END $body$', 'SELECT 2']],
    ['SELECT $1::int; SELECT a$b FROM t', ['SELECT $1::int', 'SELECT a$b FROM t']],
    ['  ;; \n -- only a comment\n ; /* and another */', []],
    ["SELECT name' FROM t; SELECT 2", ["SELECT name' FROM t; SELECT 2"]],
    [
      'CREATE FUNCTION f(x int) RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN x > 0 THEN 1 ELSE 2 END; SELECT 3; END; SELECT f(1)',
      ['CREATE FUNCTION f(x int) RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN x > 0 THEN 1 ELSE 2 END; SELECT 3; END', 'SELECT f(1)'],
    ],
    ['BEGIN; SELECT 1; END; SELECT backend, atomic_end FROM t', ['BEGIN', 'SELECT 1', 'END', 'SELECT backend, atomic_end FROM t']],
  ])('%j', (script, expected) => {
    expect(splitStatements(script)).toEqual(expected)
  })
})

describe('executeScript on the real server', () => {
  const schema = uniqueName('pp_script')
  let adapter: SqlDriverAdapter
  beforeAll(async () => {
    adapter = await new PrismaPoolPg({ connectionString: PG_URL }).connect()
  })
  afterAll(async () => {
    await adapter.dispose()
    await sql(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  })

  test('runs a migration-like script with semicolons in strings, comments and function bodies', async () => {
    await adapter.executeScript(`
      -- a migration; as Prisma Migrate would send it
      CREATE SCHEMA "${schema}";
      CREATE TABLE "${schema}".notes (id int PRIMARY KEY, body text NOT NULL DEFAULT 'a;b');
      /* a trigger function; with a body */
      CREATE FUNCTION "${schema}".touch() RETURNS trigger LANGUAGE plpgsql AS $fn$
        BEGIN
          NEW.body := NEW.body || ';touched';
          RETURN NEW;
        END;
      $fn$;
      CREATE TRIGGER touch BEFORE INSERT ON "${schema}".notes FOR EACH ROW EXECUTE FUNCTION "${schema}".touch();
      INSERT INTO "${schema}".notes (id) VALUES (1);
      INSERT INTO "${schema}".notes VALUES (2, E'it\\'s; "quoted"');
    `)
    const rows = await sql(`SELECT id, body FROM "${schema}".notes ORDER BY id`)
    expect(rows).toEqual([
      { id: 1, body: 'a;b;touched' },
      { id: 2, body: `it's; "quoted";touched` },
    ])
  })

  test('runs statements that may not run inside a transaction block', async () => {
    const database = uniqueName('pp_script_db')
    await adapter.executeScript(`CREATE DATABASE "${database}"; DROP DATABASE "${database}";`)
    expect(await sql('SELECT 1 FROM pg_database WHERE datname = $1', [database])).toEqual([])
  })

  test('a script that fails part-way leaves nothing behind', async () => {
    await expect(
      adapter.executeScript(`CREATE TABLE "${schema}".half (id int); INSERT INTO "${schema}".half VALUES (1); SELECT 1/0`),
    ).rejects.toMatchObject({ cause: { originalCode: '22012' } })
    expect(await sql('SELECT 1 FROM pg_tables WHERE schemaname = $1 AND tablename = $2', [schema, 'half'])).toEqual([])
  })

  test('stops at the first failing statement with the mapped error', async () => {
    await expect(adapter.executeScript(`SELECT 1; SELECT * FROM "${schema}".missing; SELECT 3`)).rejects.toMatchObject({
      name: 'DriverAdapterError',
      cause: { kind: 'TableDoesNotExist', originalCode: '42P01' },
    })
  })
})
