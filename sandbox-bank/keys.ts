/**
 * The bank's own signing keys (JWKS) and cookie keys: from env when given, else generated at
 * first start and kept under the data directory so tokens and sessions survive a restart.
 * With no data directory (tests) they are ephemeral.
 */
import { generateKeyPairSync, randomBytes, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

export interface BankKeys {
  jwks: { keys: Record<string, unknown>[] };
  cookieKeys: string[];
}

function generate(): BankKeys {
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const jwk = { ...privateKey.export({ format: "jwk" }), kid: randomUUID(), alg: "ES256", use: "sig" };
  return { jwks: { keys: [jwk] }, cookieKeys: [randomBytes(32).toString("base64url"), randomBytes(32).toString("base64url")] };
}

export function loadKeys(slug: string, opts: { dataDir: string | null; envJwks?: string; envCookieKeys?: string }): BankKeys {
  if (opts.envJwks && opts.envCookieKeys) {
    return { jwks: JSON.parse(opts.envJwks) as BankKeys["jwks"], cookieKeys: opts.envCookieKeys.split(",").map((k) => k.trim()).filter(Boolean) };
  }
  if (!opts.dataDir) return generate();
  const file = path.join(opts.dataDir, `keys-${slug}.json`);
  // eslint-disable-next-line security/detect-non-literal-fs-filename -- path built from our own config and a fixed slug
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")) as BankKeys;
  const keys = generate();
  // eslint-disable-next-line security/detect-non-literal-fs-filename -- our own data directory
  mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  // eslint-disable-next-line security/detect-non-literal-fs-filename -- our own data directory
  writeFileSync(file, JSON.stringify(keys), { mode: 0o600 });
  return keys;
}
