import "server-only";
import { and, eq, ne } from "drizzle-orm";
import type { Database } from "@/db";
import { bankConnections, bankInstitutions } from "@/db/schema";
import { completeConnection, startConnection } from "@/lib/banking";
import { env } from "@/lib/env";
import { syncConnection } from "@/lib/sync";
import { consentAtBank } from "./bank-walk";
import { asDemoOwner, type DemoOwner } from "./seed-session";

/** The sandbox bank's demo business (sandbox-bank/institutions.ts): its documented dev login. */
export const DEMO_BANK = {
  slug: "northwind",
  email: "acme@northwind.example",
  password: "northwind-acme",
  accounts: ["nw-chk-5001", "nw-sav-5002", "nw-cc-5003", "nw-eur-5004"],
  durationDays: 365,
} as const;

export type DemoBankOutcome =
  | { status: "connected"; connectionId: string; transactions: number }
  | { status: "present"; connectionId: string }
  | { status: "unavailable"; reason: string };

/** The sandbox bank starts beside the app (scripts/dev.ts): give it a moment to answer. */
async function waitForBank(issuer: string, waitMs: number): Promise<boolean> {
  const until = Date.now() + waitMs;
  for (;;) {
    try {
      const res = await fetch(`${issuer}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(2_000) });
      await res.body?.cancel();
      if (res.ok) return true;
    } catch {
      // not listening yet
    }
    if (Date.now() >= until) return false;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Connects the demo organization to the sandbox bank the way a person does it: a session of the
 * owner starts the authorization code + PKCE flow, the owner's "browser" signs in at the bank's
 * page and consents, the callback is completed with the same code as /api/banking/callback, and the
 * initial sync runs. Idempotent: an
 * organization that already has a live connection is left alone.
 */
export async function connectDemoBank(db: Database, owner: DemoOwner, opts: { waitMs?: number } = {}): Promise<DemoBankOutcome> {
  const [existing] = await db
    .select({ id: bankConnections.id })
    .from(bankConnections)
    .where(and(eq(bankConnections.organizationId, owner.organizationId), ne(bankConnections.status, "disconnected")))
    .limit(1);
  if (existing) return { status: "present", connectionId: existing.id };
  const [institution] = await db
    .select({ id: bankInstitutions.id, issuer: bankInstitutions.issuer })
    .from(bankInstitutions)
    .where(and(eq(bankInstitutions.slug, DEMO_BANK.slug), eq(bankInstitutions.enabled, true)));
  if (!institution) return { status: "unavailable", reason: "the sandbox institutions are off (SANDBOX_INSTITUTIONS=off)" };
  if (!(await waitForBank(institution.issuer, opts.waitMs ?? 30_000))) return { status: "unavailable", reason: `the sandbox bank at ${institution.issuer} is not answering` };

  const outcome = await asDemoOwner(db, owner, async (ctx) => {
    const url = await startConnection(db, ctx, { institutionId: institution.id }, null);
    const callback = await consentAtBank(url, new URL("/api/banking/callback", env().APP_URL).href, DEMO_BANK);
    return completeConnection(db, ctx, callback, null);
  });
  if (!outcome.ok) return { status: "unavailable", reason: `the bank refused the demo connection (${outcome.notice})` };
  const connectionId = outcome.connectionId;
  const result = await syncConnection(db, connectionId, "initial");
  if (result.status !== "succeeded") return { status: "unavailable", reason: `the first sync ended ${result.status}; the scheduler retries it` };
  return { status: "connected", connectionId, transactions: result.added };
}
