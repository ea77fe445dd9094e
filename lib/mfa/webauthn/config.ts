import "server-only";
import { env } from "@/lib/env";

export type RelyingParty = { id: string; name: string; origins: string[] };

/**
 * Who we are to authenticators. The RP ID is the domain keys are bound to (a key made for
 * chargekeep.example never signs for evil.example); the origins are the exact pages a response
 * may come from. Both come from configuration, never from the request.
 */
export function relyingParty(): RelyingParty {
  const e = env();
  const app = new URL(e.APP_URL);
  const origins = e.WEBAUTHN_ORIGINS
    ? e.WEBAUTHN_ORIGINS.split(",")
        .map((o) => o.trim())
        .filter(Boolean)
        .map(originOf)
    : [app.origin];
  return { id: e.WEBAUTHN_RP_ID ?? app.hostname, name: e.WEBAUTHN_RP_NAME, origins };
}

function originOf(value: string): string {
  try {
    return new URL(value).origin;
  } catch {
    throw new Error(`ChargeKeep configuration is invalid:\n  WEBAUTHN_ORIGINS: "${value}" is not an origin such as https://app.example.com`);
  }
}

/**
 * The WebAuthn user handle: the account's id as bytes. Stable per account (so an authenticator
 * keeps one passkey per person), not personal data, and checked against the credential's owner at
 * passkey sign-in.
 */
export function userHandleOf(userId: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(userId);
}
