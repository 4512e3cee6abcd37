// The published builds of every package: the ESM and CommonJS entry points load and export the same API.
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { expect, test } from 'vitest'
import { testServer } from '../../../test-support/servers/index.js'

const require = createRequire(import.meta.url)
const packageDir = (name: string) => fileURLToPath(new URL(`../../${name}/`, import.meta.url))

test.each(['core', 'pg', 'mysql', 'jdbc'])('@prisma-pool/%s loads as ESM and as CommonJS with the same exports', async (name) => {
  const esm = await import(`${packageDir(name)}dist/index.mjs`)
  const cjs = require(`${packageDir(name)}dist/index.cjs`)
  expect(Object.keys(esm).sort()).toEqual(Object.keys(cjs).sort())
  expect(Object.keys(esm).length).toBeGreaterThan(5)
})

test("@prisma-pool/core/engine, the engine authors' entry point, loads as ESM and as CommonJS with the same exports", async () => {
  const esm = await import(`${packageDir('core')}dist/engine.mjs`)
  const cjs = require(`${packageDir('core')}dist/engine.cjs`)
  expect(Object.keys(esm).sort()).toEqual(Object.keys(cjs).sort())
  expect(Object.keys(esm)).toEqual(expect.arrayContaining(['PoolAdapterFactory', 'STANDARD_ISOLATION_LEVELS', 'checkOptions']))
  // The package's exports map leads there, as an engine package resolves it.
  expect(createRequire(`${packageDir('pg')}package.json`).resolve('@prisma-pool/core/engine')).toBe(`${packageDir('core')}dist/engine.cjs`)
})

test('the CommonJS build of PrismaPoolPg runs a query', async () => {
  const { PrismaPoolPg } = require(`${packageDir('pg')}dist/index.cjs`)
  const adapter = await new PrismaPoolPg(testServer('pg').url).connect()
  try {
    const result = await adapter.queryRaw({ sql: 'SELECT 1::int AS one', args: [], argTypes: [] })
    expect(result).toMatchObject({ columnNames: ['one'], rows: [[1]] })
  } finally {
    await adapter.dispose()
  }
})

test('the CommonJS build of PrismaPoolMySql runs a query', async () => {
  const { PrismaPoolMySql } = require(`${packageDir('mysql')}dist/index.cjs`)
  const adapter = await new PrismaPoolMySql(testServer('mysql').url).connect()
  try {
    const result = await adapter.queryRaw({ sql: 'SELECT 1 AS one', args: [], argTypes: [] })
    expect(result).toMatchObject({ columnNames: ['one'], rows: [[1]] })
  } finally {
    await adapter.dispose()
  }
})

test('the CommonJS build of PrismaPoolJdbc finds its Java helper and runs a query', async () => {
  const { PrismaPoolJdbc } = require(`${packageDir('jdbc')}dist/index.cjs`)
  const { jdbcPostgresUrl } = await import('../../../test-support/jdbc/pg.js')
  const { TEST_CLASSPATH } = await import('../../../test-support/jdbc/classpath.js')
  const adapter = await new PrismaPoolJdbc({ ...jdbcPostgresUrl(testServer('pg').url), classpath: TEST_CLASSPATH }).connect()
  try {
    const result = await adapter.queryRaw({ sql: 'SELECT 1::int AS one', args: [], argTypes: [] })
    expect(result).toMatchObject({ columnNames: ['one'], rows: [[1]] })
  } finally {
    await adapter.dispose()
  }
})
