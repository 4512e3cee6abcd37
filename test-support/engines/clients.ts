// The clients a scenario compares: ours, and the official adapter's where the engine has one, each on a TestDatabase
// of its own (so that autoincrement ids line up) and with an application name of its own (so that the server's
// sessions of each can be told apart).
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll } from 'vitest'
import type { PoolOptions } from '@prisma-pool/core'
import type { ClientPair } from '../compare.js'
import type { EngineFixture, TestDatabase, TestPrisma } from './fixture.js'

export type SideName = 'ours' | 'official'

/** One client of a comparison. */
export interface TestSide {
  name: SideName
  prisma: TestPrisma
  db: TestDatabase
  /** Its sessions' application name (see EngineFixture.sessions). */
  app: string
}

export interface TestClients extends ClientPair<TestPrisma> {
  sides: TestSide[]
  side(name: SideName): TestSide
  /** Disconnects every client and drops every database. */
  close(): Promise<void>
}

export const uniqueName = (prefix: string) => `${prefix}_${randomBytes(4).toString('hex')}`

/** The sides an engine's scenarios run on: ours, and the official adapter where there is one. */
export function sideNames(fixture: EngineFixture): SideName[] {
  return fixture.official ? ['ours', 'official'] : ['ours']
}

/** Opens the clients; `pool` goes to ours (the official adapter gets a small pool: test files run in parallel). */
export async function openClients(fixture: EngineFixture, prefix: string, pool: PoolOptions = {}): Promise<TestClients> {
  const sides = await Promise.all(
    sideNames(fixture).map(async (name): Promise<TestSide> => {
      const db = await fixture.createDatabase(`${prefix}_${name === 'ours' ? 'ours' : 'off'}`)
      const app = uniqueName(`pp_${prefix}_${name === 'ours' ? 'ours' : 'off'}`)
      const adapter =
        name === 'ours'
          ? fixture.adapter(db.url, { ...pool, applicationName: app })
          : fixture.official!.adapter(db.url, { max: 3, applicationName: app, forComparison: true })
      return { name, db, app, prisma: fixture.client(adapter) }
    }),
  )
  const side = (name: SideName) => {
    const found = sides.find((s) => s.name === name)
    if (!found) throw new Error(`${fixture.name} has no ${name} adapter`)
    return found
  }
  return {
    sides,
    side,
    ours: side('ours').prisma,
    official: sides.find((s) => s.name === 'official')?.prisma,
    async close() {
      await Promise.allSettled(sides.map((s) => s.prisma.$disconnect()))
      await Promise.all(sides.map((s) => s.db.drop()))
    },
  }
}

/** Opens the clients before the file's tests and closes them after; the getter gives them once opened. */
export function useClients(fixture: EngineFixture, prefix: string, pool: PoolOptions = {}): () => TestClients {
  let clients: TestClients | undefined
  beforeAll(async () => {
    clients = await openClients(fixture, prefix, pool)
  })
  afterAll(async () => {
    await clients?.close()
  })
  return () => {
    if (!clients) throw new Error('the clients are opened in beforeAll')
    return clients
  }
}
