// How executeScript splits a script (src/script.ts): `;` ends a SQL statement, a `/` line a PL/SQL one.
import { describe, expect, test } from 'vitest'
import { splitStatements } from '../src/script.js'

describe('splitStatements', () => {
  test('SQL statements end at ;, which is left out', () => {
    expect(splitStatements('CREATE TABLE "A" ("x" NUMBER);\nCREATE INDEX "A_x" ON "A" ("x") ;  \n')).toEqual(['CREATE TABLE "A" ("x" NUMBER)', 'CREATE INDEX "A_x" ON "A" ("x")'])
    expect(splitStatements('SELECT 1 FROM DUAL')).toEqual(['SELECT 1 FROM DUAL'])
  })

  test('; inside literals, q-quotes, identifiers and comments does not count', () => {
    expect(
      splitStatements(`INSERT INTO "a;b" VALUES ('x;''y', q'[z;]', Q'{w;}');
/* a ; comment */ -- another ;
DELETE FROM "a;b"`),
    ).toEqual([`INSERT INTO "a;b" VALUES ('x;''y', q'[z;]', Q'{w;}')`, '/* a ; comment */ -- another ;\nDELETE FROM "a;b"'])
  })

  test('PL/SQL blocks and stored units keep their ;s and end at a / line', () => {
    const script = `CREATE OR REPLACE TRIGGER "T_bi" BEFORE INSERT ON "T" FOR EACH ROW
BEGIN
  :new."id" := 1;
END;
/
DECLARE
  n NUMBER;
BEGIN
  SELECT COUNT(*) INTO n FROM "T";
END;
/
CREATE OR REPLACE EDITIONABLE PACKAGE BODY "P" AS
  PROCEDURE p IS BEGIN NULL; END;
END;
/
UPDATE "T" SET "x" = 1 / 2;
BEGIN NULL; END;`
    expect(splitStatements(script)).toEqual([
      'CREATE OR REPLACE TRIGGER "T_bi" BEFORE INSERT ON "T" FOR EACH ROW\nBEGIN\n  :new."id" := 1;\nEND;',
      'DECLARE\n  n NUMBER;\nBEGIN\n  SELECT COUNT(*) INTO n FROM "T";\nEND;',
      'CREATE OR REPLACE EDITIONABLE PACKAGE BODY "P" AS\n  PROCEDURE p IS BEGIN NULL; END;\nEND;',
      'UPDATE "T" SET "x" = 1 / 2',
      'BEGIN NULL; END;',
    ])
  })

  test('a / line also ends a SQL statement; blanks and comments alone are no statement', () => {
    expect(splitStatements('CREATE TABLE "B" ("y" NUMBER)\n/\n\n-- done\n/\n')).toEqual(['CREATE TABLE "B" ("y" NUMBER)'])
    expect(splitStatements('  \n-- nothing\n/* at all */;')).toEqual([])
  })
})
