import "server-only";
import { and, eq, isNotNull, isNull, sql } from "drizzle-orm";
import type { Database } from "@/db";
import { recoveryCodes, totpFactors, webauthnCredentials } from "@/db/schema";

export type FactorSummary = { totp: boolean; webauthn: number; passkeys: number; recoveryCodesLeft: number };

/** What a user has enrolled: drives the verify page's choices and the settings page. */
export async function factorSummary(db: Database, userId: string): Promise<FactorSummary> {
  const [totp] = await db
    .select({ id: totpFactors.id })
    .from(totpFactors)
    .where(and(eq(totpFactors.userId, userId), isNotNull(totpFactors.confirmedAt)));
  const [keys] = await db
    .select({ all: sql<number>`count(*)::int`, passkeys: sql<number>`count(*) filter (where ${webauthnCredentials.discoverable})::int` })
    .from(webauthnCredentials)
    .where(eq(webauthnCredentials.userId, userId));
  const [codes] = await db
    .select({ left: sql<number>`count(*)::int` })
    .from(recoveryCodes)
    .where(and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt)));
  return { totp: Boolean(totp), webauthn: Number(keys?.all ?? 0), passkeys: Number(keys?.passkeys ?? 0), recoveryCodesLeft: Number(codes?.left ?? 0) };
}
