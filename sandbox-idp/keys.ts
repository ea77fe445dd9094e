/**
 * The IdP's signing key (RS256, what every real IdP and client defaults to) and cookie keys:
 * generated at first start and kept in the data directory; in memory when it is null (tests).
 */
import { generateKeyPairSync, randomBytes, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

export interface IdpKeys {
  jwks: { keys: Record<string, unknown>[] };
  cookieKeys: string[];
}

function generate(): IdpKeys {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: "jwk" }), kid: randomUUID(), alg: "RS256", use: "sig" };
  return { jwks: { keys: [jwk] }, cookieKeys: [randomBytes(32).toString("base64url")] };
}

export function loadIdpKeys(dataDir: string | null): IdpKeys {
  if (!dataDir) return generate();
  const file = path.join(dataDir, "keys.json");
  // eslint-disable-next-line security/detect-non-literal-fs-filename -- our own data directory
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")) as IdpKeys;
  const keys = generate();
  // eslint-disable-next-line security/detect-non-literal-fs-filename -- our own data directory
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // eslint-disable-next-line security/detect-non-literal-fs-filename -- our own data directory
  writeFileSync(file, JSON.stringify(keys), { mode: 0o600 });
  return keys;
}
