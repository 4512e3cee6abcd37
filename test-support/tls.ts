// Certificates for the TLS tests, made by openssl in a directory of their own: a certificate authority, a server
// certificate it signed for 127.0.0.1 and localhost, one it signed for another host only, and a second authority that
// signed nothing (the wrong CA). The directory holds private keys: removed at the end, or by the next run if this dies.
import { execFile } from 'node:child_process'
import { rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { serverDirectory } from './servers/process.js'

const run = promisify(execFile)

export interface Certificates {
  /** PEM file of the authority that signed the server's certificate. */
  ca: string
  /** PEM file of another authority: a client that trusts only this one must refuse the server. */
  otherCa: string
  /** The server's certificate and key (PEM files). */
  serverCert: string
  serverKey: string
  /** A certificate (and its key) the CA signed for other.example only: right CA, wrong host. */
  otherHostCert: string
  otherHostKey: string
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
  const dir = await serverDirectory('tls', undefined)
  const file = (name: string) => join(dir, name)
  const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
  for (const ca of ['ca', 'other-ca']) {
    await openssl(['req', '-x509', ...key, '-keyout', file(`${ca}.key`), '-out', file(`${ca}.crt`), '-days', '2', '-subj', `/CN=prisma-pool test ${ca}`])
  }
  for (const [name, host, names] of [
    ['server', '127.0.0.1', 'IP:127.0.0.1, DNS:localhost'],
    ['other-host', 'other.example', 'DNS:other.example'],
  ] as const) {
    await openssl(['req', ...key, '-keyout', file(`${name}.key`), '-out', file(`${name}.csr`), '-subj', `/CN=${host}`])
    await writeFile(file(`${name}.ext`), `subjectAltName = ${names}\n`)
    await openssl([
      'x509', '-req', '-in', file(`${name}.csr`), '-CA', file('ca.crt'), '-CAkey', file('ca.key'), '-CAcreateserial',
      '-out', file(`${name}.crt`), '-days', '2', '-extfile', file(`${name}.ext`),
    ])
  }
  return {
    ca: file('ca.crt'),
    otherCa: file('other-ca.crt'),
    serverCert: file('server.crt'),
    serverKey: file('server.key'),
    otherHostCert: file('other-host.crt'),
    otherHostKey: file('other-host.key'),
    remove: () => rm(dir, { recursive: true, force: true }),
  }
}
