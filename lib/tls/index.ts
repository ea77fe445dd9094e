/** The HTTPS server's TLS policy: TLS 1.2+ with AEAD ciphers only (scripts/server.ts). */
export { tlsServerOptions, TLS12_CIPHERS } from "./options";
