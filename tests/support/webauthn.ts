import { randomBytes } from "node:crypto";
/** Tests only: sessions and keys for the WebAuthn tests. */
import { getDb } from "@/db";
import { createSession, validateSessionToken, type SessionContext } from "@/lib/auth";
import type { RequestMeta } from "@/lib/http/request-meta";
import { makeUser } from "@/tests/factories";
import { registrationOptions, verifyRegistration } from "@/lib/mfa/webauthn/registration";
import type { CredentialKind } from "@/lib/mfa/webauthn/schemas";
import type { TestAuthenticator } from "./webauthn-authenticator";

/**
 * A documentation-range address of this test process alone: CI runs the suite twice against one
 * Redis within the per-IP passkey window, so a fixed address would inherit the earlier run's count.
 */
export const meta: RequestMeta = { ip: `2001:db8::${randomBytes(2).toString("hex")}:${randomBytes(2).toString("hex")}`, userAgent: "vitest", requestId: "test-request" };

export async function contextOf(token: string, stage: "full" | "mfa_pending" = "full"): Promise<SessionContext> {
  const ctx = await validateSessionToken(getDb(), token, stage);
  if (!ctx) throw new Error("session not valid");
  return ctx;
}

/** A user with a session; `mfaVerified` gives it a second factor "just now" (for step-up). */
export async function signedInUser(opts: { stage?: "full" | "mfa_pending"; mfaVerified?: boolean } = {}) {
  const u = await makeUser();
  const session = await createSession(getDb(), {
    userId: u.user.id,
    organizationId: u.organizationId,
    ip: null,
    userAgent: "vitest",
    stage: opts.stage,
    mfaVerified: opts.mfaVerified,
  });
  return { ...u, token: session.token, sessionId: session.sessionId, ctx: await contextOf(session.token, opts.stage) };
}

export async function newSessionFor(userId: string, organizationId: string, opts: { stage?: "full" | "mfa_pending"; mfaVerified?: boolean } = {}) {
  const session = await createSession(getDb(), { userId, organizationId, ip: null, userAgent: "vitest", ...opts });
  return { ...session, ctx: await contextOf(session.token, opts.stage) };
}

export async function registerWith(ctx: SessionContext, authenticator: TestAuthenticator, kind: CredentialKind = "security_key", name?: string) {
  const options = await registrationOptions(getDb(), ctx, kind);
  const response = authenticator.register(options);
  return verifyRegistration(getDb(), ctx, { kind, name, response, meta });
}
