// TLS, for every engine, through a generated Prisma Client, against a private server with TLS on and a certificate
// authority made by the test (../tls.ts): what each connection-string setting does (as the server reports the
// session), and what a certificate failure says (P1011, with the fix). The settings are the engine's: its test file
// gives them (TlsCases).
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { PrismaClientKnownRequestError } from '@prisma/client/runtime/client'
import { makeCertificates, type Certificates } from '../tls.js'
import { captureWarnings } from '../warnings.js'
import type { EngineFixture, PrivateServer, TestDatabase, TestPrisma } from './fixture.js'

export interface TlsCases {
  /** Connection-string parameters ('' for none), and whether the session they open is encrypted. */
  modes: [title: string, params: (certs: Certificates) => string, encrypted: boolean][]
  /** Parameters with which the client must refuse the server's certificate (not signed by an authority it trusts). */
  untrusted: [title: string, params: (certs: Certificates) => string][]
  /** What the refusal's message says to do: trusting the authority, or encrypting unchecked. */
  fixes: string[]
  /**
   * A client that trusts the authority but reaches a server whose certificate names another host: its URL (from the
   * database's URL on that server) and what the message says.
   */
  otherHost(url: string, certs: Certificates): { url: string; message: string }
  /** Said after the other-host test's name: how the engine's driver checks names. */
  otherHostNote?: string
  /** Whether the server sees the client's session as encrypted. */
  encrypted(prisma: TestPrisma): Promise<boolean>
}

const UNTRUSTED = "unable to verify the first certificate: the server's certificate is not signed by a certificate authority this process trusts"

/** `url` with more parameters, written as given (paths unencoded, as a user writes them). */
const withParams = (url: string, params: string) => (params ? `${url}${url.includes('?') ? '&' : '?'}${params}` : url)

/** Registers the scenarios; the getter gives the TLS server and its database, for the engine's own tests. */
export function registerTlsScenarios(fixture: EngineFixture, cases: TlsCases): () => { server: PrivateServer; db: TestDatabase } {
  let certs: Certificates
  let server: PrivateServer
  let db: TestDatabase
  const clients: TestPrisma[] = []

  beforeAll(async () => {
    certs = await makeCertificates()
    server = await fixture.startServer({ tls: { cert: certs.serverCert, key: certs.serverKey } })
    db = await fixture.createDatabase('tls', server.url)
  })
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.$disconnect()))
    await server?.stop()
    await certs?.remove()
  })

  function client(params: string) {
    const adapter = fixture.adapter(withParams(db.url, params), { size: 1, maxOverflow: 0 })
    const prisma = fixture.client(adapter)
    clients.push(prisma)
    return { adapter, prisma }
  }

  describe(`TLS (${fixture.name})`, () => {
    // The parameters are made when the tests run: the certificates are made in beforeAll.
    test.each(cases.modes)('%s', async (_, params, expected) => {
      const warnings = captureWarnings()
      const { prisma } = client(params(certs))
      expect(await prisma.user.count()).toBe(0)
      expect(await cases.encrypted(prisma)).toBe(expected)
      // No driver notice (pg's multi-line one about sslmode aliases, a process warning) is printed.
      expect(warnings.warnings).toEqual([])
    })

    test.each(cases.untrusted)(
      '%s: P1011, saying what is wrong and how to fix it, and no connection is left open',
      async (_, params) => {
        const { adapter, prisma } = client(params(certs))
        const error = await prisma.user.count().catch((e: unknown) => e)
        expect(error).toBeInstanceOf(PrismaClientKnownRequestError)
        expect(error).toMatchObject({ code: 'P1011' })
        const message = (error as Error).message
        expect(message).toContain(`Error opening a TLS connection: ${UNTRUSTED}`)
        for (const fix of cases.fixes) expect(message).toContain(fix)
        // Prisma reports every driver error of a raw query as P2010; the text is the same.
        await expect(prisma.$queryRaw`SELECT 1`).rejects.toMatchObject({ code: 'P2010', message: expect.stringContaining(UNTRUSTED) })
        expect(adapter.stats()).toMatchObject({ open: 0, connecting: 0 })
      },
    )

    test(`a certificate of the right CA for another host name: P1011 saying so${cases.otherHostNote ? ` (${cases.otherHostNote})` : ''}`, async () => {
      const other = await fixture.startServer({ tls: { cert: certs.otherHostCert, key: certs.otherHostKey } })
      try {
        const otherDb = await fixture.createDatabase('tls_host', other.url)
        const { url, message } = cases.otherHost(otherDb.url, certs)
        const prisma = fixture.client(fixture.adapter(url))
        clients.push(prisma)
        const error = await prisma.user.count().catch((e: unknown) => e)
        expect(error).toMatchObject({ code: 'P1011' })
        expect((error as Error).message).toContain(message)
        await prisma.$disconnect()
      } finally {
        await other.stop()
      }
    })
  })

  return () => ({ server, db })
}
