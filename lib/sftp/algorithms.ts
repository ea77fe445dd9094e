import type { Algorithms } from "ssh2";

/**
 * The only algorithms the server offers. No SHA-1 anywhere: no diffie-hellman-group1/14-sha1, no
 * ssh-rsa host signatures (the host key is ed25519), no CBC ciphers, no hmac-sha1 or md5.
 */
export const SFTP_ALGORITHMS: Algorithms = {
  kex: [
    "curve25519-sha256",
    "curve25519-sha256@libssh.org",
    "ecdh-sha2-nistp256",
    "ecdh-sha2-nistp384",
    "ecdh-sha2-nistp521",
    "diffie-hellman-group16-sha512",
    "diffie-hellman-group18-sha512",
  ],
  cipher: ["aes256-gcm@openssh.com", "aes128-gcm@openssh.com", "aes256-ctr", "aes192-ctr", "aes128-ctr"],
  hmac: ["hmac-sha2-256-etm@openssh.com", "hmac-sha2-512-etm@openssh.com", "hmac-sha2-256", "hmac-sha2-512"],
  serverHostKey: ["ssh-ed25519"],
  compress: ["none"],
};
