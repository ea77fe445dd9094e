import "server-only";
import { and, eq, ne, sql } from "drizzle-orm";
import type { Database } from "@/db";
import { bankConnections } from "@/db/schema";
import { now } from "@/lib/clock";
import { DAY_MS, type CheckResult } from "./types";

/** Consent that ends within this many days is flagged before it lapses. */
export const CONSENT_WARNING_DAYS = 7;

export type ConnectionFacts = { connected: number; needsReauth: number; errored: number; consentEnding: number };

export async function connectionFacts(db: Database, organizationId: string): Promise<ConnectionFacts> {
  const soon = new Date(now().getTime() + CONSENT_WARNING_DAYS * DAY_MS).toISOString();
  const [row] = await db
    .select({
      connected: sql<number>`count(*)::int`,
      needsReauth: sql<number>`count(*) filter (where ${bankConnections.status} = 'reauth_required')::int`,
      errored: sql<number>`count(*) filter (where ${bankConnections.status} = 'error')::int`,
      consentEnding: sql<number>`count(*) filter (where ${bankConnections.status} in ('active', 'syncing') and ${bankConnections.consentExpiresAt} < ${soon}::timestamptz)::int`,
    })
    .from(bankConnections)
    .where(and(eq(bankConnections.organizationId, organizationId), ne(bankConnections.status, "disconnected")));
  return { connected: Number(row?.connected ?? 0), needsReauth: Number(row?.needsReauth ?? 0), errored: Number(row?.errored ?? 0), consentEnding: Number(row?.consentEnding ?? 0) };
}

export function connectionsCheck(f: ConnectionFacts): CheckResult {
  const broken = f.needsReauth + f.errored;
  return {
    key: "bank-connections",
    title: "Bank connections needing re-authorization",
    state: broken > 0 ? "failing" : f.consentEnding > 0 ? "warning" : "ok",
    finding:
      f.connected === 0
        ? "No bank connections."
        : broken > 0
          ? `${f.needsReauth} of ${f.connected} connections need re-authorization and ${f.errored} failed to sync.`
          : f.consentEnding > 0
            ? `${f.consentEnding} of ${f.connected} connections' consent ends within ${CONSENT_WARNING_DAYS} days.`
            : `All ${f.connected} connection${f.connected === 1 ? "" : "s"} are authorized and syncing.`,
    why: "A connection the bank no longer accepts stops syncing, so balances and the alerts built on them go stale without anyone noticing.",
    fix: { href: "/connections", label: "Re-authorize connections", permission: "bank_connections:read" },
  };
}

export async function connectionChecks(db: Database, organizationId: string): Promise<CheckResult[]> {
  return [connectionsCheck(await connectionFacts(db, organizationId))];
}
