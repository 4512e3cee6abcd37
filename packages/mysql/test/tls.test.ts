// TLS on MariaDB (the scenarios of test-support/engines/tls.ts), with Prisma 6's parameter names: what each setting
// does (checked in the session's Ssl_version), and what a certificate failure says (P1011, with the fix).
import { mysqlFixture } from '../../../test-support/engines/mysql.js'
import { registerTlsScenarios } from '../../../test-support/engines/tls.js'

registerTlsScenarios(mysqlFixture, {
  modes: [
    ['sslaccept=strict with the CA (sslcert): encrypted, the certificate checked', (certs) => `sslaccept=strict&sslcert=${certs.ca}`, true],
    ['sslaccept=accept_invalid_certs: encrypted, nothing checked', () => 'sslaccept=accept_invalid_certs', true],
    ['no TLS parameter: not encrypted', () => '', false],
  ],
  untrusted: [
    ['ssl=true without the CA', () => 'ssl=true'],
    ['sslcert with another CA', (certs) => `sslcert=${certs.otherCa}`],
  ],
  fixes: [
    "Give the authority's certificate with sslcert=/path/to/ca.pem in the connection string (or, with no TLS parameter in it, the ssl option { ca })",
    'or sslaccept=accept_invalid_certs encrypts without checking the certificate',
  ],
  otherHostNote: 'mysql2 checks names only when asked',
  otherHost: (url, certs) => ({
    // By name: mysql2 can check a name, not an IP address (it would check "localhost" instead).
    url: `${Object.assign(new URL(url), { hostname: 'localhost' })}?sslcert=${certs.ca}`,
    message:
      "Hostname/IP does not match certificate's altnames: Host: localhost. is not in the cert's altnames: DNS:other.example: the certificate is for another host name. " +
      'Connect with a host name the certificate lists; or sslaccept=accept_invalid_certs encrypts without checking the certificate',
  }),
  async encrypted(prisma) {
    // The TLS version of the session, as the server reports it: '' when not encrypted.
    const [row] = await prisma.$queryRaw<{ Value: string }[]>`SHOW SESSION STATUS LIKE 'Ssl_version'`
    if (row!.Value === '') return false
    if (/^TLSv1\.[23]$/.test(row!.Value)) return true
    throw new Error(`the session is encrypted with ${row!.Value}, not TLS 1.2 or 1.3`)
  },
})
