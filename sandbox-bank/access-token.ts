/**
 * Verifies the API's Bearer JWTs against the bank's own signing keys: signature, issuer,
 * audience, expiry, scope; then that the grant named in the token is still live, because a JWT
 * alone cannot be revoked.
 */
import { createPublicKey, verify, type KeyObject } from "node:crypto";
import type { Consent } from "./consents";
import type { InstitutionState } from "./institution-state";
import { READ_SCOPE } from "./provider";

export type TokenCheck = { ok: true; consent: Consent } | { ok: false; status: 401 | 403; error: string; description: string };

const keyCache = new WeakMap<object, Map<string, KeyObject>>();

function publicKeys(bank: InstitutionState): Map<string, KeyObject> {
  let keys = keyCache.get(bank.keys);
  if (!keys) {
    keys = new Map();
    for (const jwk of bank.keys.jwks.keys) {
      // createPublicKey derives the public half from the private JWK.
      keys.set(String(jwk.kid), createPublicKey({ key: jwk as never, format: "jwk" }));
    }
    keyCache.set(bank.keys, keys);
  }
  return keys;
}

function decodePart(part: string | undefined): Record<string, unknown> | undefined {
  if (!part) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const invalid = (description: string): TokenCheck => ({ ok: false, status: 401, error: "invalid_token", description });

export async function checkAccessToken(bank: InstitutionState, authorization: string | undefined): Promise<TokenCheck> {
  const match = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/.exec(authorization ?? "");
  if (!match?.[1]) return invalid("A Bearer access token is required.");
  const [h, p, s] = match[1].split(".");
  const header = decodePart(h);
  const claims = decodePart(p);
  if (!header || !claims || !s) return invalid("Malformed token.");
  // Only what the provider signs with: no "none", no HMAC with the public key, no foreign kid.
  if (header.alg !== "ES256" || header.typ !== "at+jwt") return invalid("Unexpected token type.");
  const key = publicKeys(bank).get(String(header.kid));
  if (!key) return invalid("Unknown signing key.");
  const signed = verify("sha256", Buffer.from(`${h}.${p}`), { key, dsaEncoding: "ieee-p1363" }, Buffer.from(s, "base64url"));
  if (!signed) return invalid("Bad signature.");
  const nowSec = Math.floor(Date.now() / 1000);
  if (claims.iss !== bank.issuer) return invalid("Wrong issuer.");
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!aud.includes(bank.apiAudience)) return invalid("Wrong audience.");
  if (typeof claims.exp !== "number" || claims.exp <= nowSec) return invalid("Token expired.");
  if (typeof claims.scope !== "string" || !claims.scope.split(" ").includes(READ_SCOPE)) {
    return { ok: false, status: 403, error: "insufficient_scope", description: `The ${READ_SCOPE} scope is required.` };
  }
  if (typeof claims.grant_id !== "string") return invalid("Token names no grant.");

  const consent = bank.consents.get(claims.grant_id);
  if (!consent) return invalid("Unknown grant.");
  if (consent.state === "expired" || consent.expiresMs <= bank.now()) return invalid("Consent expired: ask the user to authorize again.");
  if (consent.state === "revoked") return invalid("Access was revoked.");
  const grant = await bank.provider.Grant.find(claims.grant_id);
  if (!grant) return invalid("Access was revoked.");
  return { ok: true, consent };
}
