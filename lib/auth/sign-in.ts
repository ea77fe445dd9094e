import "server-only";
import { randomUUID } from "node:crypto";
import { and, asc, eq, isNotNull } from "drizzle-orm";
import type { Database } from "@/db";
import { memberships, totpFactors, users, webauthnCredentials } from "@/db/schema";
import { auditRequestFields, recordAudit } from "@/lib/audit";
import { now } from "@/lib/clock";
import { sha256Hex } from "@/lib/crypto";
// By path, not the lib/defense index: keeps lib/auth's import graph free of lib/mfa.
import {
  accountStatus,
  ipBlockedUntil,
  lockedMessage,
  recordAuthFailure,
  recordSignInSuccess,
  unknownAddressStatus,
  NETWORK_BLOCKED_MESSAGE,
  SUSPENDED_MESSAGE,
} from "@/lib/defense";
import type { RequestMeta } from "@/lib/http";
import { enforce } from "@/lib/ratelimit";
import { isActiveOwner, passwordSignInPolicy, SSO_REQUIRED_MESSAGE } from "./sso-policy";
import { recordAccountEvent } from "./audit";
import { createSession, dummyPasswordHash, pruneExpiredSessions, revokeSessionByToken, verifyPassword } from "@/lib/credentials";

export type SignInResult =
  /** mfaRequired: the token is an MFA-pending session; it goes in the pending cookie, not the session one. */
  | { ok: true; token: string; userId: string; mfaRequired: boolean }
  /** ssoAvailable: the address's organization signs in with its identity provider (the form shows the button). */
  | { ok: false; code: "invalid_credentials"; message: string; ssoAvailable?: boolean }
  /** The organization requires single sign-on for this address (lib/sso); break-glass owners excepted. */
  | { ok: false; code: "sso_required"; message: string }
  | { ok: false; code: "email_unverified"; message: string; userId: string; email: string }
  | { ok: false; code: "no_organization"; message: string }
  | { ok: false; code: "suspended"; message: string }
  /** Brute-force defense (lib/defense): answered before the password is checked, so they never confirm it. */
  | { ok: false; code: "account_locked"; message: string; retryAfterSeconds: number }
  | { ok: false; code: "account_suspended"; message: string }
  | { ok: false; code: "network_blocked"; message: string };

export const INVALID_CREDENTIALS = "That e-mail and password do not match an account.";

/**
 * Unknown e-mail and wrong password return the same answer after the same work (one argon2
 * verification against a dummy hash). Facts about the account are only told after the password
 * was proven, with one exception: a locked or suspended account (and a blocked address) is refused
 * BEFORE the password is checked, with the same answer whether the guess was right or wrong, so
 * guessing on during a lock learns nothing. Every failure counts towards lock, suspension and the
 * address's block (lib/defense). A new session (new id) is created on every successful sign-in, and
 * the session the browser held before (if any) is revoked, whoever it belonged to. A user with a
 * second factor gets an MFA-pending session: it reaches nothing until the factor is verified (lib/mfa).
 */
export async function signIn(
  db: Database,
  input: { email: string; password: string; ip: string | null; userAgent: string | null; requestId?: string; previousToken?: string },
): Promise<SignInResult> {
  const meta: RequestMeta = { ip: input.ip, userAgent: input.userAgent, requestId: input.requestId ?? randomUUID() };
  // A blocked address first: the firewall normally refuses it at the edge, before any limit counts it.
  if (await ipBlockedUntil(db, input.ip)) {
    await auditFailure(db, meta, null, "network_blocked");
    return { ok: false, code: "network_blocked", message: NETWORK_BLOCKED_MESSAGE };
  }
  // Then the throttles (fail closed): per address, and per account named (hashed, known or not).
  await enforce("sign-in-ip", input.ip ?? "unknown");
  const emailHash = sha256Hex(input.email.toLowerCase());
  await enforce("sign-in-account", emailHash);

  const [user] = await db
    .select({ id: users.id, email: users.email, passwordHash: users.passwordHash, emailVerifiedAt: users.emailVerifiedAt })
    .from(users)
    .where(eq(users.email, input.email));
  // An address without an account locks and "suspends" by the same rules, so the answers never
  // tell which addresses have accounts.
  const status = user ? await accountStatus(db, user.id) : await unknownAddressStatus(db, emailHash);
  if (status.state === "suspended") {
    await auditFailure(db, meta, user?.id ?? null, "account_suspended");
    return { ok: false, code: "account_suspended", message: SUSPENDED_MESSAGE };
  }
  if (status.state === "locked") {
    await auditFailure(db, meta, user?.id ?? null, "account_locked");
    return { ok: false, code: "account_locked", message: lockedMessage(status.minutesLeft), retryAfterSeconds: status.minutesLeft * 60 };
  }

  const valid = await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), input.password);
  const sso = await passwordSignInPolicy(db, input.email);
  if (sso?.ssoRequired) {
    // Only an owner's password + second factor still opens (break-glass, when the organization keeps it).
    // A wrong password and "not allowed" get the same sentence, so it never confirms a password.
    const breakGlass = Boolean(user?.passwordHash && valid && sso.breakGlassOwners && (await isActiveOwner(db, user.id, sso.organizationId)) && (await hasSecondFactor(db, user.id)));
    if (!breakGlass) {
      if (!valid) await recordAuthFailure(db, { userId: user?.id ?? null, kind: "password", meta, emailHash });
      await auditFailure(db, meta, user?.id ?? null, "sso_required");
      return { ok: false, code: "sso_required", message: SSO_REQUIRED_MESSAGE };
    }
  }
  if (!user || !user.passwordHash || !valid) {
    // An unknown e-mail counts against the network address and its own phantom lock; the answer is the same either way.
    await recordAuthFailure(db, { userId: user?.id ?? null, kind: "password", meta, emailHash });
    await auditFailure(db, meta, user?.id ?? null, user ? "wrong_password" : "unknown_email");
    return { ok: false, code: "invalid_credentials", message: INVALID_CREDENTIALS, ...(sso ? { ssoAvailable: true } : {}) };
  }
  if (!user.emailVerifiedAt) {
    return {
      ok: false,
      code: "email_unverified",
      message: "Confirm your e-mail address first: we have sent you a new link.",
      userId: user.id,
      email: user.email,
    };
  }
  return openSignedInSession(db, { userId: user.id, ip: input.ip, userAgent: input.userAgent, previousToken: input.previousToken, meta, method: "password" });
}

export type ProvenSignInResult = Extract<SignInResult, { ok: true }> | Extract<SignInResult, { code: "suspended" | "no_organization" }>;

/**
 * The rest of a sign-in once the person is proven (a password, or the e-mailed unlock link that
 * just set a new one): an active membership, a new session (MFA-pending with a second factor), the
 * browser's previous session revoked. It checks no rate limit: callers prove the person first.
 */
async function openSignedInSession(
  db: Database,
  input: {
    userId: string;
    ip: string | null;
    userAgent: string | null;
    previousToken?: string;
    meta: RequestMeta;
    method: "password" | "unlock_link" | "sso";
    /** SSO: the session is for the organization whose identity provider signed the person in. */
    organizationId?: string;
    /** SSO: the identity provider's MFA counts (lib/sso checked amr/acr against the organization's accepted values). */
    idpMfa?: boolean;
  },
): Promise<ProvenSignInResult> {
  const all = await db
    .select({ organizationId: memberships.organizationId, status: memberships.status })
    .from(memberships)
    .where(input.organizationId ? and(eq(memberships.userId, input.userId), eq(memberships.organizationId, input.organizationId)) : eq(memberships.userId, input.userId))
    .orderBy(asc(memberships.createdAt));
  const membership = all.find((m) => m.status === "active");
  if (!membership) {
    return all.length
      ? { ok: false, code: "suspended", message: "Your access has been suspended by your organization's administrators. Contact them to restore it." }
      : { ok: false, code: "no_organization", message: "Your account is not a member of any organization any more." };
  }
  await db.update(users).set({ lastSignInAt: now() }).where(eq(users.id, input.userId));
  await revokeSessionByToken(db, input.previousToken);
  await pruneExpiredSessions(db, input.userId);
  // The identity provider's second factor stands in for ours when the organization accepts it.
  const mfaRequired = !input.idpMfa && (await hasSecondFactor(db, input.userId));
  const { token } = await createSession(db, {
    userId: input.userId,
    organizationId: membership.organizationId,
    ip: input.ip,
    userAgent: input.userAgent,
    stage: mfaRequired ? "mfa_pending" : "full",
    mfaVerified: Boolean(input.idpMfa),
    viaSso: input.method === "sso",
  });
  if (!mfaRequired) {
    // A full session: the sign-in is complete. (With a second factor, lib/mfa does both after it.)
    await recordSignInSuccess(db, input.userId);
    await recordAccountEvent(
      db,
      { action: "auth.sign_in", userId: input.userId, organizationId: membership.organizationId, metadata: { method: input.method, secondFactor: Boolean(input.idpMfa), ...(input.idpMfa ? { idpMfa: true } : {}) } },
      input.meta,
    );
  }
  return { ok: true, token, userId: input.userId, mfaRequired };
}

/**
 * Signs in the browser that just completed the e-mailed unlock link (lib/defense/unlock.ts): the
 * link proved the mailbox and set a new password, so the owner gets in at once, even while the
 * attacker keeps the per-account sign-in limit full. Nothing else is exempted: the attacker's
 * attempts (any browser, any address) still meet that limit, and the link works once.
 */
export async function signInAfterUnlock(db: Database, input: { userId: string; meta: RequestMeta; previousToken?: string }): Promise<ProvenSignInResult> {
  return openSignedInSession(db, { userId: input.userId, ip: input.meta.ip, userAgent: input.meta.userAgent, previousToken: input.previousToken, meta: input.meta, method: "unlock_link" });
}

/**
 * The rest of a single sign-on (lib/sso): the identity provider proved the person, lib/sso matched
 * them by (organization, issuer, subject) and spent the browser-bound ticket. From here it is an
 * ordinary sign-in into that organization: new session id, previous one revoked, MFA stage unless
 * the provider's MFA counts, the same audit event and alert feed.
 */
export async function signInWithSso(
  db: Database,
  input: { userId: string; organizationId: string; idpMfa: boolean; meta: RequestMeta; previousToken?: string },
): Promise<ProvenSignInResult> {
  return openSignedInSession(db, {
    userId: input.userId,
    organizationId: input.organizationId,
    idpMfa: input.idpMfa,
    ip: input.meta.ip,
    userAgent: input.meta.userAgent,
    previousToken: input.previousToken,
    meta: input.meta,
    method: "sso",
  });
}

/**
 * auth.sign_in_failed: an unknown e-mail goes to the platform chain with no actor and no target;
 * a known account's failure goes to the organization it would sign in to (its first active
 * membership, else the platform chain) with the account as actor and target, like mfa.failed
 * (the claimed identity: the alert rules count failures per actor).
 */
async function auditFailure(db: Database, meta: RequestMeta, userId: string | null, reason: string): Promise<void> {
  let organizationId: string | null = null;
  if (userId) {
    const [m] = await db
      .select({ organizationId: memberships.organizationId })
      .from(memberships)
      .where(and(eq(memberships.userId, userId), eq(memberships.status, "active")))
      .orderBy(asc(memberships.createdAt))
      .limit(1);
    organizationId = m?.organizationId ?? null;
  }
  await recordAudit(db, {
    organizationId,
    actorUserId: userId,
    action: "auth.sign_in_failed",
    result: "failure",
    ...(userId ? { targetType: "user", targetId: userId } : {}),
    ...auditRequestFields(meta),
    metadata: { reason },
  });
}

/** A confirmed authenticator app or any security key / passkey: then the password alone is not enough. */
export async function hasSecondFactor(db: Database, userId: string): Promise<boolean> {
  const [totp] = await db
    .select({ id: totpFactors.id })
    .from(totpFactors)
    .where(and(eq(totpFactors.userId, userId), isNotNull(totpFactors.confirmedAt)))
    .limit(1);
  if (totp) return true;
  const [key] = await db.select({ id: webauthnCredentials.id }).from(webauthnCredentials).where(eq(webauthnCredentials.userId, userId)).limit(1);
  return Boolean(key);
}
