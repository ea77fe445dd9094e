import "server-only";
import { createHash, generateKeyPairSync, randomBytes } from "node:crypto";

/** SSH wire format: a uint32 length, then the bytes. */
function sshString(value: Buffer | string): Buffer {
  const body = typeof value === "string" ? Buffer.from(value) : value;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length);
  return Buffer.concat([len, body]);
}

/** "SHA256:…" exactly as `ssh-keygen -lf` prints it for a public key blob. */
export function fingerprintOf(blob: Buffer): string {
  return `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
}

export type Ed25519HostKey = { privateKey: string; publicKey: string; fingerprint: string };

/**
 * A new ed25519 key in OpenSSH's own private key format (what ssh2 reads), from node:crypto:
 * the unencrypted "openssh-key-v1" container (it is stored through an encrypted column instead).
 */
export function generateEd25519HostKey(comment = "chargekeep-sftp"): Ed25519HostKey {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const pub = Buffer.from(publicKey.export({ format: "jwk" }).x!, "base64url");
  const seed = Buffer.from(privateKey.export({ format: "jwk" }).d!, "base64url");
  const blob = Buffer.concat([sshString("ssh-ed25519"), sshString(pub)]);
  const check = randomBytes(4);
  let priv = Buffer.concat([check, check, sshString("ssh-ed25519"), sshString(pub), sshString(Buffer.concat([seed, pub])), sshString(comment)]);
  const pad = (8 - (priv.length % 8)) % 8;
  priv = Buffer.concat([priv, Buffer.from(Array.from({ length: pad }, (_, i) => i + 1))]);
  const nkeys = Buffer.alloc(4);
  nkeys.writeUInt32BE(1);
  const body = Buffer.concat([Buffer.from("openssh-key-v1\0"), sshString("none"), sshString("none"), sshString(""), nkeys, sshString(blob), sshString(priv)]);
  const lines = body.toString("base64").match(/.{1,70}/g)!.join("\n");
  return {
    privateKey: `-----BEGIN OPENSSH PRIVATE KEY-----\n${lines}\n-----END OPENSSH PRIVATE KEY-----\n`,
    publicKey: `ssh-ed25519 ${blob.toString("base64")}`,
    fingerprint: fingerprintOf(blob),
  };
}
