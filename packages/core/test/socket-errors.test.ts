// What a TLS failure's message says: the driver's words, what they mean, and the engine's setting that fixes it.
import { describe, expect, test } from 'vitest'
import { describeTlsFailure } from '../src/socket-errors.js'

const FIXES = { trustCa: 'trustme=/ca.pem', skipVerify: 'insecure=1' }

describe('describeTlsFailure', () => {
  test.each([
    // By Node's code, or by its message where a driver replaced the code (mysql2's HANDSHAKE_SSL_ERROR).
    [{ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', message: 'unable to verify the first certificate' }, "unable to verify the first certificate: the server's certificate is not signed by a certificate authority this process trusts"],
    [{ code: 'HANDSHAKE_SSL_ERROR', message: 'self-signed certificate in certificate chain' }, "self-signed certificate in certificate chain: the server's certificate is not signed"],
    [{ code: 'ERR_TLS_CERT_ALTNAME_INVALID', message: "Hostname/IP does not match certificate's altnames: IP: 10.0.0.1 is not in the cert's list: " }, "Hostname/IP does not match certificate's altnames: IP: 10.0.0.1 is not in the cert's list: the certificate is for another host name"],
    [{ code: 'CERT_HAS_EXPIRED', message: 'certificate has expired' }, "certificate has expired: the server's certificate is outside its validity period. Renew it on the server (or check this machine's clock)."],
    [{ code: 'HANDSHAKE_SSL_ERROR', message: 'certificate is not yet valid' }, "certificate is not yet valid: the server's certificate is outside its validity period."],
  ])('%o', (error, expected) => {
    expect(describeTlsFailure(error, FIXES)).toContain(expected)
  })

  test('the fix names the engine\'s settings, and what skipping verification gives up', () => {
    const text = describeTlsFailure({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT', message: 'self-signed certificate' }, FIXES)
    expect(text).toContain("Give the authority's certificate with trustme=/ca.pem; or insecure=1 encrypts without checking the certificate")
    expect(text).toContain('anyone on the network path could pose as it')
    expect(describeTlsFailure({ code: 'ERR_TLS_CERT_ALTNAME_INVALID', message: 'x' }, FIXES)).toContain('a host name the certificate lists; or insecure=1')
  })

  test('other TLS failures keep the driver\'s words alone', () => {
    expect(describeTlsFailure({ code: 'HANDSHAKE_NO_SSL_SUPPORT', message: 'Server does not support secure connection' }, FIXES)).toBe(
      'Server does not support secure connection',
    )
  })
})
