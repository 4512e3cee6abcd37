// A real Oracle Database for the live suite (live.test.ts): the schema of ORACLE_URL (oracle://user:password@host:port/
// service), which must not hold the test schema's tables yet — the suite creates them with the package's DDL
// generator and drops them at the end, and refuses to touch tables it did not create.
import { readFileSync } from 'node:fs'
import { PrismaPoolOracle } from '@prisma-pool/oracle'
import { oracleDdl } from '@prisma-pool/oracle/ddl'
import type { SqlDriverAdapterFactory } from '@prisma/client/runtime/client'
import { PrismaClient } from '../generated/prisma/client.js'
import type { DialectSide } from './dialect-suite.js'

const SCHEMA = readFileSync(new URL('../prisma/schema.prisma', import.meta.url), 'utf8')

export const ORACLE_URL = process.env.ORACLE_URL

export async function openOracleSide(wrap: (factory: SqlDriverAdapterFactory) => SqlDriverAdapterFactory): Promise<DialectSide> {
  if (!ORACLE_URL) throw new Error('set ORACLE_URL to the Oracle Database the live suite runs on')
  const ddl = oracleDdl(SCHEMA, { target: 'oracle' })
  const tables = [...ddl.statements.join('\n').matchAll(/^CREATE TABLE "([^"]+)"/gm)].map((match) => match[1]!)
  const adapter = new PrismaPoolOracle({ url: ORACLE_URL, pool: { size: 3 } })
  const admin = await adapter.connect()
  try {
    const existing = await admin.queryRaw({ sql: `SELECT "TABLE_NAME" FROM "USER_TABLES" WHERE "TABLE_NAME" IN (${tables.map((_, i) => `$${i + 1}`).join(', ')})`, args: tables, argTypes: tables.map(() => ({ scalarType: 'string', arity: 'scalar' }) as const) })
    if (existing.rows.length > 0) {
      throw new Error(`ORACLE_URL's schema already has ${existing.rows.map((row) => `"${String(row[0])}"`).join(', ')}: the live suite creates and drops its own tables; point it at an empty schema`)
    }
    for (const statement of ddl.statements) await admin.executeScript(statement)
  } catch (error) {
    await admin.dispose()
    throw error
  }
  const prisma = new PrismaClient({ adapter: wrap(adapter) })
  return {
    prisma,
    async close() {
      await prisma.$disconnect()
      for (const statement of ddl.dropStatements) await admin.executeScript(statement)
      await admin.dispose()
    },
  }
}
