import "server-only";
import { and, eq, gt, isNull, lt, or } from "drizzle-orm";
import type { Database } from "@/db";
import { ssoAttempts } from "@/db/schema";
import { now } from "@/lib/clock";
import { randomToken, sha256Hex } from "@/lib/crypto";
import { isHttps } from "@/lib/env";
import type { SsoConnection } from "./connections";

/** Long enough to sign in at the IdP (a password, a push to a phone). */
export const ATTEMPT_LIFETIME_MS = 10 * 60_000;
/** The ticket only has to survive one redirect. */
export const TICKET_LIFETIME_MS = 60_000;

/** The cookie that binds a trip to the IdP, and its ticket, to the browser that started it. */
export function browserCookieName(): string {
  return isHttps() ? "__Host-ck_sso" : "ck_sso";
}

export function serializeBrowserCookie(value: string): string {
  return `${browserCookieName()}=${value}; Path=/; HttpOnly; SameSite=Lax${isHttps() ? "; Secure" : ""}`;
}

export function serializeClearedBrowserCookie(): string {
  return `${serializeBrowserCookie("")}; Max-Age=0`;
}

export function cookieValue(req: Request, name: string): string | undefined {
  for (const part of (req.headers.get("cookie") ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}

/** A new trip: only SHA-256 of the browser's value is stored. Expired trips are swept on the way. */
export async function startAttempt(
  db: Database,
  input: { connection: SsoConnection; purpose: "sign_in" | "test"; initiatedBy?: string },
): Promise<{ browserToken: string; attemptId: string }> {
  const t = now();
  await db.delete(ssoAttempts).where(or(lt(ssoAttempts.expiresAt, t), lt(ssoAttempts.createdAt, new Date(t.getTime() - ATTEMPT_LIFETIME_MS))));
  const browserToken = randomToken();
  const [row] = await db
    .insert(ssoAttempts)
    .values({
      organizationId: input.connection.organizationId,
      connectionId: input.connection.id,
      purpose: input.purpose,
      initiatedBy: input.initiatedBy ?? null,
      browserHash: sha256Hex(browserToken),
      expiresAt: new Date(t.getTime() + ATTEMPT_LIFETIME_MS),
    })
    .returning({ id: ssoAttempts.id });
  return { browserToken, attemptId: row!.id };
}

export type Attempt = typeof ssoAttempts.$inferSelect;

/** The live, ticket-less trip this browser started for this connection (another connection's callback finds nothing). */
export async function findOpenAttempt(db: Database, connectionId: string, browserToken: string | undefined): Promise<Attempt | null> {
  if (!browserToken || browserToken.length > 100) return null;
  const [row] = await db
    .select()
    .from(ssoAttempts)
    .where(
      and(
        eq(ssoAttempts.browserHash, sha256Hex(browserToken)),
        eq(ssoAttempts.connectionId, connectionId),
        isNull(ssoAttempts.ticketHash),
        isNull(ssoAttempts.usedAt),
        gt(ssoAttempts.expiresAt, now()),
      ),
    );
  return row ?? null;
}

/** The IdP vouched for the person: a single-use ticket for 60 seconds; only its SHA-256 is kept. */
export async function issueTicket(db: Database, attemptId: string, fields: { userId: string | null; idpMfa: boolean; claimsSummary: string }): Promise<string | null> {
  const ticket = randomToken();
  const t = now();
  const updated = await db
    .update(ssoAttempts)
    .set({ ticketHash: sha256Hex(ticket), ticketExpiresAt: new Date(t.getTime() + TICKET_LIFETIME_MS), ...fields })
    .where(and(eq(ssoAttempts.id, attemptId), isNull(ssoAttempts.ticketHash)))
    .returning({ id: ssoAttempts.id });
  return updated.length ? ticket : null;
}

/**
 * Spends the ticket: one conditional UPDATE, so a replay, an expired ticket, or the ticket shown
 * by a browser other than the one that started the trip finds nothing.
 */
export async function consumeTicket(db: Database, ticket: string | undefined, browserToken: string | undefined): Promise<Attempt | null> {
  if (!ticket || !browserToken || ticket.length > 100 || browserToken.length > 100) return null;
  const t = now();
  const [row] = await db
    .update(ssoAttempts)
    .set({ usedAt: t })
    .where(
      and(
        eq(ssoAttempts.ticketHash, sha256Hex(ticket)),
        eq(ssoAttempts.browserHash, sha256Hex(browserToken)),
        isNull(ssoAttempts.usedAt),
        gt(ssoAttempts.ticketExpiresAt, t),
      ),
    )
    .returning();
  return row ?? null;
}
