// TLS on PostgreSQL (the scenarios of test-support/engines/tls.ts): what each sslmode does (checked in pg_stat_ssl),
// what a certificate failure says (P1011, with the fix); and a misspelt sslmode.
import { expect, test } from 'vitest'
import { PoolOptionError, PrismaPoolPg } from '@prisma-pool/pg'
import { pgFixture } from '../../../test-support/engines/pg.js'
import { registerTlsScenarios } from '../../../test-support/engines/tls.js'

const tls = registerTlsScenarios(pgFixture, {
  modes: [
    ['sslmode=verify-full with the CA: encrypted, the certificate and host name checked', (certs) => `sslmode=verify-full&sslrootcert=${certs.ca}`, true],
    ['sslmode=require with the CA: the same', (certs) => `sslmode=require&sslrootcert=${certs.ca}`, true],
    ['sslmode=no-verify: encrypted, nothing checked', () => 'sslmode=no-verify', true],
    ["uselibpqcompat=true&sslmode=require: libpq's require, encrypted and unchecked", () => 'uselibpqcompat=true&sslmode=require', true],
    ['sslmode=disable: not encrypted', () => 'sslmode=disable', false],
  ],
  untrusted: [
    ['sslmode=require without the CA', () => 'sslmode=require'],
    ['sslmode=verify-full with another CA', (certs) => `sslmode=verify-full&sslrootcert=${certs.otherCa}`],
  ],
  fixes: [
    "Give the authority's certificate with sslrootcert=/path/to/ca.pem in the connection string (or, with no TLS parameter in it, the ssl option { ca })",
    'or sslmode=no-verify encrypts without checking the certificate, which gives up knowing that the server is the one you meant',
  ],
  otherHost: (url, certs) => ({
    url: `${url}&sslmode=verify-full&sslrootcert=${certs.ca}`,
    message:
      "Hostname/IP does not match certificate's altnames: IP: 127.0.0.1 is not in the cert's list: the certificate is for another host name. " +
      'Connect with a host name the certificate lists; or sslmode=no-verify encrypts without checking the certificate',
  }),
  async encrypted(prisma) {
    const [row] = await prisma.$queryRaw<{ ssl: boolean }[]>`SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()`
    return row!.ssl
  },
})

test('a misspelt sslmode is refused when the adapter is created', () => {
  const { url } = tls().server
  expect(() => new PrismaPoolPg(`${url}?sslmode=requre`)).toThrow(PoolOptionError)
  expect(() => new PrismaPoolPg(`${url}?sslmode=requre`)).toThrow(
    'sslmode=requre is not a TLS mode: use one of disable, allow, prefer, require, verify-ca, verify-full, no-verify.',
  )
})
