// The Oracle dialect's stand-in server: H2 2.1 in Oracle mode, in the test process's JVM, through PrismaPoolJdbc (whose
// Oracle dialect runs the same translator as the oracledb adapter, for target 'h2'). Each database is a private
// in-memory one, its tables made by the package's DDL generator from the test schema.
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { PrismaPoolJdbc } from '@prisma-pool/jdbc'
import { oracleDdl } from '@prisma-pool/oracle/ddl'
import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils'
import { TEST_CLASSPATH } from '../../../../test-support/jdbc/classpath.js'
import { PrismaClient } from '../generated/prisma/client.js'

const SCHEMA = readFileSync(new URL('../prisma/schema.prisma', import.meta.url), 'utf8')

export interface H2Side {
  prisma: PrismaClient
  url: string
  /** Runs a query of the test's own on the database, outside Prisma's pool (through the translator, as raw SQL is). */
  query<T = Record<string, unknown>>(sql: string): Promise<T[]>
  close(): Promise<void>
}

/** A fresh in-memory H2 database in Oracle mode with the test schema's tables; `wrap` gets the adapter first (the recorder). */
export async function openH2Side(prefix: string, wrap: (factory: SqlDriverAdapterFactory) => SqlDriverAdapterFactory = (f) => f): Promise<H2Side> {
  // DB_CLOSE_DELAY=-1: the database lives as long as the JVM, not as long as its last connection. NULLs sort as in
  // Oracle (and PostgreSQL): last ascending, first descending; H2's Oracle mode alone sorts them first ascending.
  const url = `jdbc:h2:mem:pp_${prefix}_${randomBytes(4).toString('hex')};MODE=Oracle;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1`
  const adapter = new PrismaPoolJdbc({ url, classpath: TEST_CLASSPATH, pool: { size: 3 } })
  const admin = await adapter.connect()
  try {
    for (const statement of oracleDdl(SCHEMA, { target: 'h2' }).statements) await admin.executeScript(statement)
  } catch (error) {
    await admin.dispose()
    throw error
  }
  const prisma = new PrismaClient({ adapter: wrap(adapter) })
  return {
    prisma,
    url,
    async query<T>(sql: string) {
      const result = await admin.queryRaw({ sql, args: [], argTypes: [] })
      return result.rows.map((row) => Object.fromEntries(result.columnNames.map((name, i) => [name, row[i]]))) as T[]
    },
    async close() {
      await prisma.$disconnect()
      await admin.executeScript('DROP ALL OBJECTS')
      await admin.dispose()
    },
  }
}
