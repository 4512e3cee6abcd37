// A real Oracle Database for the live suite (live.test.ts): the schema of ORACLE_URL (oracle://user:password@host:port/
// service), which must not hold the test schema's tables yet — the suite creates them with the package's DDL
// generator and drops them at the end, and refuses to touch tables it did not create.
import { PrismaPoolOracle } from '@prisma-pool/oracle'
import { openDialectSide, type DialectSide, type Wrap } from './dialect-side.js'

export function openOracleSide(wrap: Wrap): Promise<DialectSide> {
  const url = process.env.ORACLE_URL
  if (!url) throw new Error('set ORACLE_URL to the Oracle Database the live suite runs on')
  return openDialectSide(new PrismaPoolOracle({ url, pool: { size: 3 } }), 'oracle', wrap, async (admin, tables) => {
    const existing = await admin.queryRaw({
      sql: `SELECT "TABLE_NAME" FROM "USER_TABLES" WHERE "TABLE_NAME" IN (${tables.map((_, i) => `$${i + 1}`).join(', ')})`,
      args: tables,
      argTypes: tables.map(() => ({ scalarType: 'string', arity: 'scalar' }) as const),
    })
    if (existing.rows.length > 0) {
      throw new Error(`ORACLE_URL's schema already has ${existing.rows.map((row) => `"${String(row[0])}"`).join(', ')}: the live suite creates and drops its own tables; point it at an empty schema`)
    }
  })
}
