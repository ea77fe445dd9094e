import "server-only";
import { generateRegistrationOptions, verifyRegistrationResponse, type PublicKeyCredentialCreationOptionsJSON } from "@simplewebauthn/server";
import { isoBase64URL } from "@simplewebauthn/server/helpers";
import { eq } from "drizzle-orm";
import type { Database } from "@/db";
import { webauthnCredentials } from "@/db/schema";
import type { SessionContext } from "@/lib/auth";
import { now } from "@/lib/clock";
import { AppError, badRequest } from "@/lib/errors";
import type { RequestMeta } from "@/lib/http";
import { enforce } from "@/lib/ratelimit";
import { recordMfaEvent, type MfaEventContext } from "../events";
import { ensureRecoveryCodes } from "../recovery-codes";
import { requireRecentMfa } from "@/lib/credentials";
import { consumeChallenge, issueChallenge, sessionBinding } from "./challenges";
import { relyingParty, userHandleOf } from "./config";
import { alreadyRegistered, challengeExpired, registrationFailed } from "./errors";
import { credentialNameSchema, DEFAULT_CREDENTIAL_NAME, type CredentialKind, type RegistrationResponse } from "./schemas";

/**
 * What each kind asks of the authenticator. A security key is a second factor: it need not store
 * the account, and a PIN is welcome but not demanded. A passkey replaces the password, so it must
 * be discoverable (it names the account itself) and must verify the person (PIN or biometrics).
 */
export function authenticatorSelectionFor(kind: CredentialKind) {
  return kind === "passkey"
    ? { residentKey: "required" as const, requireResidentKey: true, userVerification: "required" as const }
    : { residentKey: "discouraged" as const, requireResidentKey: false, userVerification: "preferred" as const };
}

/**
 * Adding a factor changes how the account is protected (ASVS V7.5.1): a user who already has one
 * must have verified it recently. The first factor needs no step-up (there is nothing to step up with).
 */
function assertMayAddFactor(ctx: SessionContext): void {
  if (ctx.mfa.enrolled) requireRecentMfa(ctx);
}

export async function registrationOptions(db: Database, ctx: SessionContext, kind: CredentialKind): Promise<PublicKeyCredentialCreationOptionsJSON> {
  assertMayAddFactor(ctx);
  const existing = await db
    .select({ id: webauthnCredentials.credentialId, transports: webauthnCredentials.transports })
    .from(webauthnCredentials)
    .where(eq(webauthnCredentials.userId, ctx.user.id));
  const rp = relyingParty();
  const options = await generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: ctx.user.email,
    userDisplayName: ctx.user.name,
    userID: userHandleOf(ctx.user.id),
    attestationType: "none",
    // The browser refuses an authenticator that already holds one of this user's credentials.
    excludeCredentials: existing.map((c) => ({ id: c.id, transports: c.transports })),
    authenticatorSelection: authenticatorSelectionFor(kind),
  });
  await issueChallenge(db, { binding: sessionBinding(ctx.session.id), ceremony: "register", userId: ctx.user.id, challenge: options.challenge });
  return options;
}

export type RegisteredCredential = {
  id: string;
  name: string;
  discoverable: boolean;
  /** Ten new recovery codes when this was the user's first factor and they had none: shown once. */
  recoveryCodes: string[] | null;
};

/**
 * Verifies the attestation (attestation "none": we trust the key's own public key, not its maker)
 * against the challenge this session was given, and stores the credential.
 */
export async function verifyRegistration(
  db: Database,
  ctx: SessionContext,
  input: { kind: CredentialKind; name?: string; response: RegistrationResponse; meta: RequestMeta },
): Promise<RegisteredCredential> {
  await enforce("mfa-enrol-user", ctx.user.id);
  assertMayAddFactor(ctx);
  const name = credentialName(input.kind, input.name);
  const eventCtx: MfaEventContext = { userId: ctx.user.id, organizationId: ctx.organization.id, meta: input.meta };
  const method = input.kind === "passkey" ? "passkey" : "webauthn";

  const challenge = await consumeChallenge(db, { binding: sessionBinding(ctx.session.id), ceremony: "register", userId: ctx.user.id });
  if (!challenge) throw challengeExpired();
  const rp = relyingParty();
  const verification = await verifyRegistrationResponse({
    response: input.response,
    expectedChallenge: challenge,
    expectedOrigin: rp.origins,
    expectedRPID: rp.id,
    expectedType: "webauthn.create",
    requireUserVerification: input.kind === "passkey",
  }).catch((e: unknown) => {
    console.warn(`[webauthn] registration refused: ${e instanceof Error ? e.message.slice(0, 200) : String(e)}`);
    return null;
  });
  if (!verification?.verified) {
    await recordMfaEvent(db, eventCtx, { action: "mfa.failed", method, purpose: "enrol" });
    throw registrationFailed();
  }
  // A passkey must be discoverable; the browser says so through the credProps extension.
  if (input.kind === "passkey" && input.response.clientExtensionResults.credProps?.rk === false) {
    throw new AppError("webauthn_not_discoverable", 400, "This authenticator cannot store a passkey. Add it as a security key instead.");
  }

  const info = verification.registrationInfo;
  const discoverable = input.kind === "passkey";
  const firstFactor = !ctx.mfa.enrolled;
  const created = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(webauthnCredentials)
      .values({
        userId: ctx.user.id,
        credentialId: info.credential.id,
        publicKey: isoBase64URL.fromBuffer(info.credential.publicKey),
        counter: info.credential.counter,
        transports: info.credential.transports ?? input.response.response.transports ?? [],
        deviceType: info.credentialDeviceType,
        backedUp: info.credentialBackedUp,
        discoverable,
        name,
        createdAt: now(),
      })
      // A credential id is globally unique: one already stored (this user's or anyone's) is refused.
      .onConflictDoNothing({ target: webauthnCredentials.credentialId })
      .returning({ id: webauthnCredentials.id });
    if (!row) throw alreadyRegistered();
    await recordMfaEvent(tx, eventCtx, { action: "mfa.webauthn_registered", credentialId: row.id, discoverable });
    return { id: row.id, name, discoverable };
  });
  // A first factor without a way back in (lost key) would lock the user out: recovery codes come with it.
  const recoveryCodes = firstFactor ? await ensureRecoveryCodes(db, eventCtx) : null;
  return { ...created, recoveryCodes };
}

/** The name the user gave (trimmed, 1-60 characters), or the kind's default when they gave none. */
export function credentialName(kind: CredentialKind, given: string | undefined): string {
  if (given === undefined || given.trim() === "") return DEFAULT_CREDENTIAL_NAME[kind];
  const parsed = credentialNameSchema.safeParse(given);
  if (!parsed.success) throw badRequest("Check the key's name.", { name: parsed.error.issues[0]?.message ?? "Invalid name." });
  return parsed.data;
}
