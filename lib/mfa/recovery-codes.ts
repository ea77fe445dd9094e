import "server-only";
import { randomInt } from "node:crypto";
import { and, eq, isNull, sql } from "drizzle-orm";
import type { Database } from "@/db";
import { recoveryCodes } from "@/db/schema";
import { hashPassword, verifyPassword } from "@/lib/auth";
import { now } from "@/lib/clock";
import { recoveryCodeUsedMail, sendMail } from "@/lib/mail";
import { recordMfaEvent, type MfaEventContext } from "./events";

/**
 * Recovery codes (ASVS "lookup secrets"): ten per user, shown once, single use. Twelve characters
 * from a 31-letter alphabet without look-alikes (no 0/o, 1/i/l) carry 59 bits from the CSPRNG
 * (V6.5.3, V6.5.4); under 112 bits, so they are stored argon2id-hashed (V6.5.2).
 */
export const RECOVERY_CODE_COUNT = 10;
export const RECOVERY_CODE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz";
const LENGTH = 12;
const GROUP = 4;

/** e.g. "k7dq-2mxp-9rtv". randomInt is unbiased (rejection sampling) over the 31 letters. */
export function newRecoveryCode(): string {
  const chars = Array.from({ length: LENGTH }, () => RECOVERY_CODE_ALPHABET[randomInt(RECOVERY_CODE_ALPHABET.length)]);
  const groups: string[] = [];
  for (let i = 0; i < LENGTH; i += GROUP) groups.push(chars.slice(i, i + GROUP).join(""));
  return groups.join("-");
}

/** What people type back: any case, with or without the dashes and spaces. */
export function normaliseRecoveryCode(input: string): string {
  return input.toLowerCase().replace(/[\s\-\u2010-\u2015]+/g, "");
}

const WELL_FORMED = new RegExp(`^[${RECOVERY_CODE_ALPHABET}]{${LENGTH}}$`);

export async function recoveryCodesLeft(db: Database, userId: string): Promise<number> {
  const [row] = await db
    .select({ left: sql<number>`count(*)::int` })
    .from(recoveryCodes)
    .where(and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt)));
  return Number(row?.left ?? 0);
}

/**
 * Replaces the user's whole set with ten new codes and returns them (the only time they exist in
 * plain text). The old set is deleted in the same transaction, so it dies the moment the new one
 * exists. Pass a transaction to make it part of a larger change.
 */
export async function regenerateRecoveryCodes(db: Database, ev: MfaEventContext): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  // Hash before the transaction: ten argon2id hashes take ~100 ms, no reason to hold locks meanwhile.
  const hashes = await Promise.all(codes.map((c) => hashPassword(normaliseRecoveryCode(c))));
  const t = now();
  await db.transaction(async (tx) => {
    await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, ev.userId));
    await tx.insert(recoveryCodes).values(hashes.map((codeHash) => ({ userId: ev.userId, codeHash, createdAt: t })));
    await recordMfaEvent(tx, ev, { action: "mfa.recovery_codes_generated" });
  });
  return codes;
}

/**
 * For the first factor a user enrols (authenticator app or security key): ten codes if they have
 * none left, else null (an existing set is kept; "Generate new recovery codes" replaces it).
 */
export async function ensureRecoveryCodes(db: Database, ev: MfaEventContext): Promise<string[] | null> {
  if ((await recoveryCodesLeft(db, ev.userId)) > 0) return null;
  return regenerateRecoveryCodes(db, ev);
}

/**
 * Spends one of the user's codes. Every unused hash is checked (there is no index to look a code
 * up by: the hashes are salted), then the match is marked used with `used_at is null` in the
 * statement itself, so two requests racing with the same code cannot both succeed (V6.5.1).
 * The user is told by e-mail (V6.3.5): a recovery code in someone else's hands means their
 * password is known too. Returns the codes left, or null when the code is not (or no longer) valid.
 */
export async function spendRecoveryCode(
  db: Database,
  ev: MfaEventContext,
  user: { id: string; email: string },
  input: string,
): Promise<{ remaining: number } | null> {
  const code = normaliseRecoveryCode(input);
  if (!WELL_FORMED.test(code)) return null;
  const unused = await db
    .select({ id: recoveryCodes.id, codeHash: recoveryCodes.codeHash })
    .from(recoveryCodes)
    .where(and(eq(recoveryCodes.userId, user.id), isNull(recoveryCodes.usedAt)));
  let matchId: string | undefined;
  for (const row of unused) {
    if (await verifyPassword(row.codeHash, code)) {
      matchId = row.id;
      break;
    }
  }
  if (!matchId) return null;
  const id = matchId;
  const remaining = await db.transaction(async (tx) => {
    const spent = await tx
      .update(recoveryCodes)
      .set({ usedAt: now() })
      .where(and(eq(recoveryCodes.id, id), eq(recoveryCodes.userId, user.id), isNull(recoveryCodes.usedAt)))
      .returning({ id: recoveryCodes.id });
    if (spent.length === 0) return null;
    const left = await recoveryCodesLeft(tx, user.id);
    await recordMfaEvent(tx, ev, { action: "mfa.recovery_code_used", remaining: left });
    return left;
  });
  if (remaining === null) return null;
  try {
    await sendMail(recoveryCodeUsedMail(user.email, remaining));
  } catch (e) {
    // The code is spent and the sign-in is genuine as far as we can tell; a mail outage must not
    // lock the user out. The audit event above still records the use.
    console.error("[mfa] could not send the recovery-code-used mail", e instanceof Error ? e.message : e);
  }
  return { remaining };
}
