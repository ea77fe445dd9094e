import { readFileSync } from "node:fs";
import type { SecureContextOptions, TlsOptions } from "node:tls";

/**
 * TLS 1.2 minimum; for 1.2 only ECDHE (forward secret) with AEAD ciphers. TLS 1.3 suites are all
 * AEAD and forward secret already. Mozilla's "intermediate" profile, without the DHE suites.
 */
export const TLS12_CIPHERS = [
  "ECDHE-ECDSA-AES128-GCM-SHA256",
  "ECDHE-RSA-AES128-GCM-SHA256",
  "ECDHE-ECDSA-AES256-GCM-SHA384",
  "ECDHE-RSA-AES256-GCM-SHA384",
  "ECDHE-ECDSA-CHACHA20-POLY1305",
  "ECDHE-RSA-CHACHA20-POLY1305",
].join(":");

export function tlsServerOptions(files: { certFile: string; keyFile: string }): TlsOptions & SecureContextOptions {
  return {
    cert: readFileSync(files.certFile),
    key: readFileSync(files.keyFile),
    minVersion: "TLSv1.2",
    ciphers: TLS12_CIPHERS,
    honorCipherOrder: true,
    ecdhCurve: "X25519:P-256:P-384",
  };
}
