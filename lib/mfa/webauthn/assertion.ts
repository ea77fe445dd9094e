import "server-only";
import { verifyAuthenticationResponse } from "@simplewebauthn/server";
import { isoBase64URL } from "@simplewebauthn/server/helpers";
import { and, eq } from "drizzle-orm";
import type { Database } from "@/db";
import { webauthnCredentials } from "@/db/schema";
import { now } from "@/lib/clock";
import { relyingParty } from "./config";
import { isCounterRegression } from "./counter";
import type { AuthenticationResponse } from "./schemas";

export type StoredCredential = typeof webauthnCredentials.$inferSelect;

export type VerifiedAssertion = { newCounter: number; backedUp: boolean; userVerified: boolean };

/**
 * Checks one assertion against one stored credential: signature over our challenge, our RP ID,
 * one of our origins, user presence, and user verification when asked. Null when any check fails
 * (the reason is logged for operators, never shown: it would help an attacker tune a forgery).
 * The counter is deliberately not left to the library: acceptAssertion() applies our rule after
 * the signature is proven, so a "cloned key" finding is never raised by a forged request.
 */
export async function verifyAssertion(input: {
  credential: StoredCredential;
  response: AuthenticationResponse;
  challenge: string;
  requireUserVerification: boolean;
}): Promise<VerifiedAssertion | null> {
  const rp = relyingParty();
  try {
    const result = await verifyAuthenticationResponse({
      response: input.response,
      expectedChallenge: input.challenge,
      expectedOrigin: rp.origins,
      expectedRPID: rp.id,
      expectedType: "webauthn.get",
      credential: {
        id: input.credential.credentialId,
        publicKey: isoBase64URL.toBuffer(input.credential.publicKey),
        counter: 0,
        transports: input.credential.transports,
      },
      requireUserVerification: input.requireUserVerification,
    });
    if (!result.verified) return null;
    const info = result.authenticationInfo;
    return { newCounter: info.newCounter, backedUp: info.credentialBackedUp, userVerified: info.userVerified };
  } catch (e) {
    console.warn(`[webauthn] assertion refused: ${e instanceof Error ? e.message.slice(0, 200) : String(e)}`);
    return null;
  }
}

/**
 * Records a verified use: the new counter, backup state and time. Compare-and-set on the counter
 * we verified against, so two concurrent uses of one counter value cannot both pass. False when
 * the counter went backwards (or a concurrent use got there first): the key may be cloned.
 */
export async function acceptAssertion(db: Database, credential: StoredCredential, verified: VerifiedAssertion): Promise<boolean> {
  if (isCounterRegression(credential.counter, verified.newCounter)) return false;
  const updated = await db
    .update(webauthnCredentials)
    .set({ counter: verified.newCounter, backedUp: verified.backedUp, lastUsedAt: now() })
    .where(and(eq(webauthnCredentials.id, credential.id), eq(webauthnCredentials.counter, credential.counter)))
    .returning({ id: webauthnCredentials.id });
  return updated.length === 1;
}
