// The PostgreSQL side of the Oracle dialect's comparisons: the test schema's tables (test/schema.pg.sql) in a fresh
// schema of the suite's PostgreSQL, and a client on our pg adapter there.
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import pg from 'pg'
import { PrismaPoolPg } from '@prisma-pool/pg'
import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils'
import { testServer } from '../../../../test-support/servers/index.js'
import { PrismaClient } from '../generated/prisma/client.js'

const SCHEMA_SQL = readFileSync(new URL('../schema.pg.sql', import.meta.url), 'utf8')

export interface PgSide {
  prisma: PrismaClient
  /** The schema's name, which Prisma writes where the Oracle side's SQL has "public". */
  schema: string
  close(): Promise<void>
}

async function run(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: testServer('pg').url })
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
}

/** A fresh schema with the test tables, and a client on it; `wrap` gets the adapter first (the recorder). */
export async function openPgSide(prefix: string, wrap: (factory: SqlDriverAdapterFactory, schema: string) => SqlDriverAdapterFactory = (f) => f): Promise<PgSide> {
  const schema = `pp_${prefix}_${randomBytes(4).toString('hex')}`
  await run(`CREATE SCHEMA "${schema}"; SET search_path TO "${schema}"; ${SCHEMA_SQL}`)
  const adapter = new PrismaPoolPg({ connectionString: testServer('pg').url, schema, pool: { size: 3 } })
  const prisma = new PrismaClient({ adapter: wrap(adapter, schema) })
  return {
    prisma,
    schema,
    async close() {
      await prisma.$disconnect()
      await run(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    },
  }
}
