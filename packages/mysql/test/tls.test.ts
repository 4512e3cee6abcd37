// TLS, through a generated Prisma Client, against a private MariaDB with TLS on and a certificate authority made by the
// test: what each setting does (checked in the session's Ssl_version), and what a certificate failure says (P1011).
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { PrismaPoolMySql } from '@prisma-pool/mysql'
import { MariaDbServer } from '../../../test-support/servers/mariadb.js'
import { makeCertificates, type Certificates } from '../../../test-support/tls.js'
import { Prisma, PrismaClient } from './generated/prisma/client.js'
import { createTestDatabase } from './helpers.js'

let certs: Certificates
let server: MariaDbServer
let database: Awaited<ReturnType<typeof createTestDatabase>>
const clients: PrismaClient[] = []

beforeAll(async () => {
  certs = await makeCertificates()
  server = await MariaDbServer.start({ tls: { cert: certs.serverCert, key: certs.serverKey } })
  database = await createTestDatabase('tls', server.url)
})

afterAll(async () => {
  await Promise.all(clients.map((client) => client.$disconnect()))
  await server?.stop()
  await certs?.remove()
})

function client(params: string) {
  const adapter = new PrismaPoolMySql({ connectionString: `${database.url}${params ? `?${params}` : ''}`, pool: { size: 1, maxOverflow: 0 } })
  const prisma = new PrismaClient({ adapter })
  clients.push(prisma)
  return { adapter, prisma }
}

/** The TLS version of this client's session, as the server reports it: '' when not encrypted. */
async function tlsVersion(prisma: PrismaClient): Promise<string> {
  const [row] = await prisma.$queryRaw<{ Value: string }[]>`SHOW SESSION STATUS LIKE 'Ssl_version'`
  return row!.Value
}

const UNTRUSTED = "unable to verify the first certificate: the server's certificate is not signed by a certificate authority this process trusts"

describe('TLS parameters (Prisma 6 names)', () => {
  test.each([
    ['sslaccept=strict with the CA (sslcert): encrypted, the certificate checked', () => `sslaccept=strict&sslcert=${certs.ca}`, true],
    ['sslaccept=accept_invalid_certs: encrypted, nothing checked', () => 'sslaccept=accept_invalid_certs', true],
    ['no TLS parameter: not encrypted', () => '', false],
  ])('%s', async (_, params, expected) => {
    const { prisma } = client(params())
    expect(await prisma.user.count()).toBe(0)
    expect(await tlsVersion(prisma)).toMatch(expected ? /^TLSv1\.[23]$/ : /^$/)
  })

  test.each([
    ['ssl=true without the CA', () => 'ssl=true'],
    ['sslcert with another CA', () => `sslcert=${certs.otherCa}`],
  ])('%s: P1011, saying what is wrong and how to fix it, and no connection is left open', async (_, params) => {
    const { adapter, prisma } = client(params())
    const error = await prisma.user.count().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(Prisma.PrismaClientKnownRequestError)
    expect(error).toMatchObject({ code: 'P1011' })
    const message = (error as Error).message
    expect(message).toContain(`Error opening a TLS connection: ${UNTRUSTED}`)
    expect(message).toContain("Give the authority's certificate with sslcert=/path/to/ca.pem in the connection string (or, with no TLS parameter in it, the ssl option { ca })")
    expect(message).toContain('or sslaccept=accept_invalid_certs encrypts without checking the certificate')
    await expect(prisma.$queryRaw`SELECT 1`).rejects.toMatchObject({ code: 'P2010', message: expect.stringContaining(UNTRUSTED) })
    expect(adapter.stats()).toMatchObject({ open: 0, connecting: 0 })
  })

  test('a certificate of the right CA for another host name: P1011 saying so (mysql2 checks names only when asked)', async () => {
    const other = await MariaDbServer.start({ tls: { cert: certs.otherHostCert, key: certs.otherHostKey } })
    try {
      const otherDatabase = await createTestDatabase('tls_host', other.url)
      // By name: mysql2 can check a name, not an IP address (it would check "localhost" instead).
      const byName = Object.assign(new URL(otherDatabase.url), { hostname: 'localhost' })
      const prisma = new PrismaClient({ adapter: new PrismaPoolMySql({ connectionString: `${byName}?sslcert=${certs.ca}` }) })
      clients.push(prisma)
      const error = await prisma.user.count().catch((e: unknown) => e)
      expect(error).toMatchObject({ code: 'P1011' })
      expect((error as Error).message).toContain(
        "Hostname/IP does not match certificate's altnames: Host: localhost. is not in the cert's altnames: DNS:other.example: the certificate is for another host name. " +
          'Connect with a host name the certificate lists; or sslaccept=accept_invalid_certs encrypts without checking the certificate',
      )
      await prisma.$disconnect()
    } finally {
      await other.stop()
    }
  })
})
