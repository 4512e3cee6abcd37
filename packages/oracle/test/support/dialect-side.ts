// A database that takes Oracle's SQL, as the dialect suite (dialect-suite.ts) uses it: the test schema's tables made
// by the package's DDL generator on a connection of the suite's own, a Prisma Client on the adapter, and the tables
// dropped again (with the generator's DROP statements) at the end.
import { readFileSync } from 'node:fs'
import { oracleDdl } from '@prisma-pool/oracle/ddl'
import type { TranslationTarget } from '@prisma-pool/oracle/dialect'
import type { SqlDriverAdapterFactory } from '@prisma/client/runtime/client'
import { PrismaClient } from '../generated/prisma/client.js'

const SCHEMA = readFileSync(new URL('../prisma/schema.prisma', import.meta.url), 'utf8')

export type Wrap = (factory: SqlDriverAdapterFactory) => SqlDriverAdapterFactory
/** A connection of the adapter's own, outside the client's pool. */
export type AdminConnection = Awaited<ReturnType<SqlDriverAdapterFactory['connect']>>

export interface DialectSide {
  prisma: PrismaClient
  close(): Promise<void>
}

/**
 * The test schema's tables on `adapter`'s database, and a client on `wrap(adapter)`; `beforeCreate` sees the tables
 * about to be made (the live suite refuses to touch tables it did not make).
 */
export async function openDialectSide(
  adapter: SqlDriverAdapterFactory,
  target: TranslationTarget,
  wrap: Wrap,
  beforeCreate?: (admin: AdminConnection, tables: string[]) => Promise<void>,
): Promise<DialectSide> {
  const ddl = oracleDdl(SCHEMA, { target })
  const admin = await adapter.connect()
  try {
    const tables = [...ddl.statements.join('\n').matchAll(/^CREATE TABLE "([^"]+)"/gm)].map((match) => match[1]!)
    await beforeCreate?.(admin, tables)
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
