import type { MappedError } from '@prisma/driver-adapter-utils'
import type { ConnectionLoss } from './engine.js'

/** What Node puts on a socket error. */
export interface SocketError {
  code: string
  message: string
  syscall: string
  address?: string
  hostname?: string
  port?: number
}

export const isObject = (e: unknown): e is Record<string, unknown> => typeof e === 'object' && e !== null

/**
 * A Node socket error. When a host name resolves to several addresses, Node 20 tries each and reports an
 * AggregateError that carries the code but no syscall: its first error has the details.
 */
export function socketError(e: unknown): SocketError | undefined {
  if (!isObject(e) || typeof e.code !== 'string') return undefined
  if (typeof e.syscall === 'string') return e as unknown as SocketError
  const [first] = Array.isArray(e.errors) ? e.errors : []
  return isObject(first) && typeof first.syscall === 'string' ? (first as unknown as SocketError) : undefined
}

/** Prisma's kind for a socket error: unreachable, closed, or timed out. */
export function mapSocketError(e: SocketError): MappedError | undefined {
  switch (e.code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'ECONNREFUSED':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return { kind: 'DatabaseNotReachable', host: e.address ?? e.hostname, port: e.port }
    case 'ECONNRESET':
    case 'EPIPE':
      return { kind: 'ConnectionClosed' }
    case 'ETIMEDOUT':
      return { kind: 'SocketTimeout' }
    default:
      return undefined
  }
}

/** Node's codes for certificate and TLS failures. */
export const TLS_CODES = new Set([
  'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_CRL', 'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECRYPT_CRL_SIGNATURE', 'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY', 'CERT_SIGNATURE_FAILURE',
  'CRL_SIGNATURE_FAILURE', 'CERT_NOT_YET_VALID', 'CERT_HAS_EXPIRED', 'CRL_NOT_YET_VALID', 'CRL_HAS_EXPIRED',
  'ERROR_IN_CERT_NOT_BEFORE_FIELD', 'ERROR_IN_CERT_NOT_AFTER_FIELD', 'ERROR_IN_CRL_LAST_UPDATE_FIELD',
  'ERROR_IN_CRL_NEXT_UPDATE_FIELD', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'CERT_CHAIN_TOO_LONG', 'CERT_REVOKED',
  'INVALID_CA', 'INVALID_PURPOSE', 'CERT_UNTRUSTED', 'CERT_REJECTED', 'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_FORMAT', 'ERR_TLS_CERT_ALTNAME_INVALID', 'ERR_SSL_WRONG_VERSION_NUMBER',
])

/** Certificate failures users meet, by Node's code or, where a driver replaced the code with its own, by Node's message. */
const CERTIFICATE_TROUBLE = [
  {
    what: 'untrusted',
    codes: ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_UNTRUSTED'],
    message: /unable to verify the first certificate|self[- ]signed certificate|unable to get (local )?issuer certificate|certificate not trusted/,
  },
  { what: 'host', codes: ['ERR_TLS_CERT_ALTNAME_INVALID', 'HOSTNAME_MISMATCH'], message: /does not match certificate's altnames/ },
  { what: 'validity', codes: ['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID'], message: /certificate has expired|certificate is not yet valid/ },
] as const

/**
 * A TLS failure's message, with what it means and how to fix it in the engine's own words: `trustCa` names the
 * setting that gives the certificate authority to trust, `skipVerify` the one that encrypts without checking.
 */
export function describeTlsFailure(error: { code?: unknown; message: string }, { trustCa, skipVerify }: { trustCa: string; skipVerify: string }): string {
  const trouble = CERTIFICATE_TROUBLE.find(
    ({ codes, message }) => (codes as readonly unknown[]).includes(error.code) || message.test(error.message),
  )?.what
  const unverified = `${skipVerify} encrypts without checking the certificate, which gives up knowing that the server is the one you meant (anyone on the network path could pose as it)`
  // Node ends some of these with ': ' and an empty list (a host name mismatch for an IP address).
  const said = error.message.replace(/[:\s]+$/, '')
  switch (trouble) {
    case 'untrusted':
      return (
        `${said}: the server's certificate is not signed by a certificate authority this process trusts (managed ` +
        `databases often use their own, such as Amazon RDS's or Azure's). Give the authority's certificate with ${trustCa}; or ${unverified}.`
      )
    case 'host':
      return `${said}: the certificate is for another host name. Connect with a host name the certificate lists; or ${unverified}.`
    case 'validity':
      return `${said}: the server's certificate is outside its validity period. Renew it on the server (or check this machine's clock).`
    default:
      return error.message
  }
}

/**
 * The loss a driver-side error means, from the kind it maps to: a closed or unreachable socket may mean
 * the server dropped every connection; a socket timeout concerns this connection alone.
 */
export function lossOfKind(kind: MappedError['kind'] | undefined): ConnectionLoss | undefined {
  switch (kind) {
    case 'ConnectionClosed':
    case 'DatabaseNotReachable':
      return 'server'
    case 'SocketTimeout':
      return 'connection'
    default:
      return undefined
  }
}
