// Certificates for the TLS tests, made by openssl in a temporary directory: a certificate authority, a server
// certificate it signed for 127.0.0.1 and localhost, and a second authority that signed nothing (the wrong CA).
import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

export interface Certificates {
  /** PEM file of the authority that signed the server's certificate. */
  ca: string
  /** PEM file of another authority: a client that trusts only this one must refuse the server. */
  otherCa: string
  /** The server's certificate and key (PEM files). */
  serverCert: string
  serverKey: string
  remove(): Promise<void>
}

async function openssl(args: string[]): Promise<void> {
  try {
    await run('openssl', args)
  } catch (error) {
    const { code, stderr } = error as { code?: string; stderr?: string }
    throw new Error(code === 'ENOENT' ? "the TLS tests need openssl: install Debian's openssl" : `openssl ${args[0]} failed: ${stderr}`)
  }
}

export async function makeCertificates(): Promise<Certificates> {
  const dir = await mkdtemp(join(tmpdir(), 'prisma-pool-tls-'))
  const file = (name: string) => join(dir, name)
  const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
  for (const ca of ['ca', 'other-ca']) {
    await openssl(['req', '-x509', ...key, '-keyout', file(`${ca}.key`), '-out', file(`${ca}.crt`), '-days', '2', '-subj', `/CN=prisma-pool test ${ca}`])
  }
  await openssl(['req', ...key, '-keyout', file('server.key'), '-out', file('server.csr'), '-subj', '/CN=127.0.0.1'])
  await writeFile(file('server.ext'), 'subjectAltName = IP:127.0.0.1, DNS:localhost\n')
  await openssl([
    'x509', '-req', '-in', file('server.csr'), '-CA', file('ca.crt'), '-CAkey', file('ca.key'), '-CAcreateserial',
    '-out', file('server.crt'), '-days', '2', '-extfile', file('server.ext'),
  ])
  return {
    ca: file('ca.crt'),
    otherCa: file('other-ca.crt'),
    serverCert: file('server.crt'),
    serverKey: file('server.key'),
    remove: () => rm(dir, { recursive: true, force: true }),
  }
}
