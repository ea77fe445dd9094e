import "server-only";
import { randomUUID } from "node:crypto";
import { and, eq, isNotNull, isNull, lt } from "drizzle-orm";
import { Secret, TOTP } from "otpauth";
import { toString as qrCodeToString } from "qrcode";
import type { Database } from "@/db";
import { recoveryCodes, totpFactors } from "@/db/schema";
import { hasSecondFactor } from "@/lib/auth";
import { now } from "@/lib/clock";
import { open, seal, type RowContext } from "@/lib/crypto";
import { AppError } from "@/lib/errors";
import { recordMfaEvent, type MfaEventContext } from "./events";
import { ensureRecoveryCodes } from "./recovery-codes";

/**
 * Authenticator apps (RFC 6238). SHA-1, 6 digits and 30-second steps are what every app
 * understands; one step either side absorbs clock drift (ASVS V6.5.5), and `last_used_step`
 * makes every step usable once per user (V6.5.1). The shared secret is 160 bits from the CSPRNG
 * (RFC 4226's recommended length, V6.5.3), sealed to its row.
 */
export const TOTP_ISSUER = "ChargeKeep";
const PERIOD = 30;
const DIGITS = 6;
const WINDOW = 1;

const sealCtx = (rowId: string): RowContext => ({ table: "totp_factors", column: "secret", rowId });

function totpOf(secret: string, label = "ChargeKeep"): TOTP {
  return new TOTP({ issuer: TOTP_ISSUER, label, algorithm: "SHA1", digits: DIGITS, period: PERIOD, secret: Secret.fromBase32(secret) });
}

/** The 30-second step a time falls in. */
export function totpStepAt(at: Date): number {
  return TOTP.counter({ period: PERIOD, timestamp: at.getTime() });
}

/**
 * The step a code belongs to when it is valid at `at` (the server's clock, never the client's:
 * V6.5.8), or null. Only checks the code; spending the step is verifyTotp's job.
 */
export function matchTotpStep(secret: string, code: string, at: Date): number | null {
  const token = code.replace(/\s+/g, "");
  if (!/^\d{6}$/.test(token)) return null;
  const delta = totpOf(secret).validate({ token, timestamp: at.getTime(), window: WINDOW });
  return delta === null ? null : totpStepAt(at) + delta;
}

/** The otpauth:// URI an app scans: issuer ChargeKeep, the user's e-mail as the account label. */
export function totpUri(secret: string, email: string): string {
  return totpOf(secret, email).toString();
}

/** The URI as an SVG QR code in a data: URI (the CSP allows data: images; no inline markup needed). */
export async function totpQrDataUri(uri: string): Promise<string> {
  const svg = await qrCodeToString(uri, { type: "svg", errorCorrectionLevel: "M", margin: 1 });
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}`;
}

export type TotpStatus =
  | { state: "off" }
  /** Set up but not yet proven with a first code: the page shows the QR code and manual key. */
  | { state: "pending"; secret: string; uri: string }
  | { state: "on"; confirmedAt: Date; lastUsedAt: Date | null };

export async function totpStatus(db: Database, user: { id: string; email: string }): Promise<TotpStatus> {
  const [row] = await db.select().from(totpFactors).where(eq(totpFactors.userId, user.id));
  if (!row) return { state: "off" };
  if (row.confirmedAt) return { state: "on", confirmedAt: row.confirmedAt, lastUsedAt: row.lastUsedAt };
  const secret = open(row.secret, sealCtx(row.id));
  return { state: "pending", secret, uri: totpUri(secret, user.email) };
}

export const TOTP_ALREADY_ON = "An authenticator app is already on. Remove it first to set up another one.";

/**
 * Creates the factor unconfirmed with a fresh secret, or replaces an unconfirmed one (a new id,
 * so the old secret's sealed value cannot be opened against the new row). One atomic upsert: a
 * confirmed factor is never overwritten.
 */
export async function startTotpEnrolment(db: Database, userId: string): Promise<void> {
  const id = randomUUID();
  const secret = seal(new Secret({ size: 20 }).base32, sealCtx(id));
  const t = now();
  const rows = await db
    .insert(totpFactors)
    .values({ id, userId, secret, createdAt: t })
    .onConflictDoUpdate({
      target: totpFactors.userId,
      set: { id, secret, lastUsedStep: 0, lastUsedAt: null, createdAt: t },
      setWhere: isNull(totpFactors.confirmedAt),
    })
    .returning({ id: totpFactors.id });
  if (rows.length === 0) throw new AppError("totp_already_on", 409, TOTP_ALREADY_ON);
}

export async function cancelTotpEnrolment(db: Database, userId: string): Promise<void> {
  await db.delete(totpFactors).where(and(eq(totpFactors.userId, userId), isNull(totpFactors.confirmedAt)));
}

export type ConfirmTotpResult =
  | { ok: true; recoveryCodes: string[] | null }
  | { ok: false; reason: "not_started" | "invalid_code" };

/**
 * The first valid code turns the factor on; its step counts as used. A user without recovery
 * codes gets their ten in the same transaction (returned once, for the page to show).
 */
export async function confirmTotpEnrolment(db: Database, ev: MfaEventContext, code: string): Promise<ConfirmTotpResult> {
  const [row] = await db
    .select({ id: totpFactors.id, secret: totpFactors.secret })
    .from(totpFactors)
    .where(and(eq(totpFactors.userId, ev.userId), isNull(totpFactors.confirmedAt)));
  if (!row) return { ok: false, reason: "not_started" };
  const t = now();
  const step = matchTotpStep(open(row.secret, sealCtx(row.id)), code, t);
  const result = await db.transaction(async (tx): Promise<ConfirmTotpResult> => {
    const confirmed =
      step === null
        ? []
        : await tx
            .update(totpFactors)
            .set({ confirmedAt: t, lastUsedStep: step, lastUsedAt: t })
            .where(and(eq(totpFactors.id, row.id), isNull(totpFactors.confirmedAt), lt(totpFactors.lastUsedStep, step)))
            .returning({ id: totpFactors.id });
    if (confirmed.length === 0) return { ok: false, reason: "invalid_code" };
    await recordMfaEvent(tx, ev, { action: "mfa.totp_enrolled" });
    return { ok: true, recoveryCodes: await ensureRecoveryCodes(tx, ev) };
  });
  // A typo while setting up is audited but not counted towards lock-out: the user is proving
  // their own new secret, and nothing is unlocked by guessing here.
  if (!result.ok) await recordMfaEvent(db, ev, { action: "mfa.failed", method: "totp", purpose: "enrol" });
  return result;
}

/**
 * Checks a code against the user's confirmed factor and spends its step in one statement: the
 * update only matches while the stored step is lower, so a replay, or a second request racing
 * the first with the same code, updates nothing (V6.5.1).
 */
export async function verifyTotp(db: Database, userId: string, code: string, at: Date = now()): Promise<boolean> {
  const [row] = await db
    .select({ id: totpFactors.id, secret: totpFactors.secret })
    .from(totpFactors)
    .where(and(eq(totpFactors.userId, userId), isNotNull(totpFactors.confirmedAt)));
  if (!row) return false;
  const step = matchTotpStep(open(row.secret, sealCtx(row.id)), code, at);
  if (step === null) return false;
  const spent = await db
    .update(totpFactors)
    .set({ lastUsedStep: step, lastUsedAt: at })
    .where(and(eq(totpFactors.id, row.id), isNotNull(totpFactors.confirmedAt), lt(totpFactors.lastUsedStep, step)))
    .returning({ id: totpFactors.id });
  return spent.length === 1;
}

export const LAST_FACTOR_REQUIRED =
  "Your organization requires two-step verification, so your only second factor cannot be removed. Add a security key or passkey first, then remove the authenticator app.";

/**
 * Removes the authenticator app (the caller has checked step-up). Refused, and rolled back, when it
 * would leave a member whom the organization requires to use MFA without any factor. Without any
 * factor left the recovery codes go too: they would otherwise outlive the MFA they recover.
 */
export async function removeTotp(db: Database, ev: MfaEventContext, opts: { mfaRequired: boolean }): Promise<boolean> {
  return db.transaction(async (tx) => {
    const removed = await tx.delete(totpFactors).where(eq(totpFactors.userId, ev.userId)).returning({ confirmedAt: totpFactors.confirmedAt });
    if (!removed[0]?.confirmedAt) return false;
    if (!(await hasSecondFactor(tx, ev.userId))) {
      if (opts.mfaRequired) throw new AppError("mfa_required_by_policy", 409, LAST_FACTOR_REQUIRED);
      await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, ev.userId));
    }
    await recordMfaEvent(tx, ev, { action: "mfa.totp_removed" });
    return true;
  });
}
