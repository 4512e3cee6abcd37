// TLS, through a generated Prisma Client, against a private PostgreSQL with ssl on and a certificate authority made by
// the test: what each sslmode does (checked in pg_stat_ssl), and what a certificate failure says (P1011, with the fix).
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { PoolOptionError, PrismaPoolPg } from '@prisma-pool/pg'
import { PostgresServer } from '../../../test-support/servers/postgres.js'
import { makeCertificates, type Certificates } from '../../../test-support/tls.js'
import { captureWarnings } from '../../../test-support/warnings.js'
import { Prisma, PrismaClient } from './generated/prisma/client.js'
import { createTestSchema } from './helpers.js'

let certs: Certificates
let server: PostgresServer
let schema: Awaited<ReturnType<typeof createTestSchema>>
const clients: PrismaClient[] = []

beforeAll(async () => {
  certs = await makeCertificates()
  server = await PostgresServer.start({ tls: { cert: certs.serverCert, key: certs.serverKey } })
  schema = await createTestSchema('tls', server.url)
})

afterAll(async () => {
  await Promise.all(clients.map((client) => client.$disconnect()))
  await server?.stop()
  await certs?.remove()
})

function client(params: string) {
  const adapter = new PrismaPoolPg({ connectionString: `${server.url}?${params}`, schema: schema.name, pool: { size: 1, maxOverflow: 0 } })
  const prisma = new PrismaClient({ adapter })
  clients.push(prisma)
  return { adapter, prisma }
}

/** Whether the server sees this client's session as encrypted. */
async function encrypted(prisma: PrismaClient): Promise<boolean> {
  const [row] = await prisma.$queryRaw<{ ssl: boolean }[]>`SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()`
  return row!.ssl
}

const UNTRUSTED = "unable to verify the first certificate: the server's certificate is not signed by a certificate authority this process trusts"

describe('sslmode', () => {
  test.each([
    ['sslmode=verify-full with the CA: encrypted, the certificate and host name checked', () => `sslmode=verify-full&sslrootcert=${certs.ca}`, true],
    ['sslmode=require with the CA: the same', () => `sslmode=require&sslrootcert=${certs.ca}`, true],
    ['sslmode=no-verify: encrypted, nothing checked', () => 'sslmode=no-verify', true],
    ["uselibpqcompat=true&sslmode=require: libpq's require, encrypted and unchecked", () => 'uselibpqcompat=true&sslmode=require', true],
    ['sslmode=disable: not encrypted', () => 'sslmode=disable', false],
  ])('%s', async (_, params, expected) => {
    const warnings = captureWarnings()
    const { prisma } = client(params())
    expect(await prisma.user.count()).toBe(0)
    expect(await encrypted(prisma)).toBe(expected)
    // pg's multi-line notice about sslmode aliases (a process warning) is not printed: the adapter passes verify-full.
    expect(warnings.warnings).toEqual([])
  })

  test.each([
    ['sslmode=require without the CA', () => 'sslmode=require'],
    ['sslmode=verify-full with another CA', () => `sslmode=verify-full&sslrootcert=${certs.otherCa}`],
  ])('%s: P1011, saying what is wrong and how to fix it, and no connection is left open', async (_, params) => {
    const { adapter, prisma } = client(params())
    const error = await prisma.user.count().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(Prisma.PrismaClientKnownRequestError)
    expect(error).toMatchObject({ code: 'P1011' })
    const message = (error as Error).message
    expect(message).toContain(`Error opening a TLS connection: ${UNTRUSTED}`)
    expect(message).toContain("Give the authority's certificate with sslrootcert=/path/to/ca.pem in the connection string (or, with no TLS parameter in it, the ssl option { ca })")
    expect(message).toContain('or sslmode=no-verify encrypts without checking the certificate, which gives up knowing that the server is the one you meant')
    // Prisma reports every driver error of a raw query as P2010; the text is the same.
    await expect(prisma.$queryRaw`SELECT 1`).rejects.toMatchObject({ code: 'P2010', message: expect.stringContaining(UNTRUSTED) })
    expect(adapter.stats()).toMatchObject({ open: 0, connecting: 0 })
  })

  test('a certificate of the right CA for another host name: P1011 saying so', async () => {
    const other = await PostgresServer.start({ tls: { cert: certs.otherHostCert, key: certs.otherHostKey } })
    try {
      const otherSchema = await createTestSchema('tls_host', other.url)
      const prisma = new PrismaClient({
        adapter: new PrismaPoolPg({ connectionString: `${other.url}?sslmode=verify-full&sslrootcert=${certs.ca}`, schema: otherSchema.name }),
      })
      clients.push(prisma)
      const error = await prisma.user.count().catch((e: unknown) => e)
      expect(error).toMatchObject({ code: 'P1011' })
      expect((error as Error).message).toContain(
        "Hostname/IP does not match certificate's altnames: IP: 127.0.0.1 is not in the cert's list: the certificate is for another host name. " +
          'Connect with a host name the certificate lists; or sslmode=no-verify encrypts without checking the certificate',
      )
      await prisma.$disconnect()
    } finally {
      await other.stop()
    }
  })

  test('a misspelt sslmode is refused when the adapter is created', () => {
    expect(() => new PrismaPoolPg(`${server.url}?sslmode=requre`)).toThrow(PoolOptionError)
    expect(() => new PrismaPoolPg(`${server.url}?sslmode=requre`)).toThrow(
      'sslmode=requre is not a TLS mode: use one of disable, allow, prefer, require, verify-ca, verify-full, no-verify.',
    )
  })
})
