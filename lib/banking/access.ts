import "server-only";
import { eq } from "drizzle-orm";
import * as oauth from "oauth4webapi";
import type { Database } from "@/db";
import { bankConnections, bankInstitutions } from "@/db/schema";
import { raiseAlert } from "@/lib/alerts";
import { recordAudit } from "@/lib/audit";
import { now } from "@/lib/clock";
import { open } from "@/lib/crypto";
import { ReauthRequiredError } from "./errors";
import { bankClient } from "./oauth-client";
import { tokenColumns } from "./tokens";

const CONNECTIONS = "bank_connections";
/** Refresh when the access token has less than this left: a sync must not start with a dying token. */
export const REFRESH_MARGIN_MS = 60_000;

export const REAUTH_SENTENCES = {
  invalidGrant: "The bank no longer accepts this connection (the consent expired or was withdrawn). Re-authorize it to keep syncing.",
  noRefresh: "The bank did not give a way to renew access. Re-authorize the connection to keep syncing.",
} as const;

type Outcome = { accessToken: string; apiBaseUrl: string } | { reauth: string } | { gone: true };

/**
 * A usable access token for the connection's FDX API. A token expiring within a minute is
 * refreshed first, inside a transaction holding the connection's row lock (SELECT … FOR UPDATE),
 * so two callers never spend one rotating refresh token twice: the second waits, then finds the
 * fresh token. The rotated refresh token is stored sealed. invalid_grant (or no refresh token) ->
 * markReauthRequired + ReauthRequiredError. Other failures (network, 5xx) throw as they are.
 * `forceRefresh` (after the API answered 401) refreshes even a token that is not near expiry.
 */
export async function getApiAccess(db: Database, connectionId: string, opts: { forceRefresh?: boolean } = {}): Promise<{ accessToken: string; apiBaseUrl: string }> {
  const outcome: Outcome = await db.transaction(async (tx) => {
    const [row] = await tx
      .select({ conn: bankConnections, institution: bankInstitutions })
      .from(bankConnections)
      .innerJoin(bankInstitutions, eq(bankInstitutions.id, bankConnections.institutionId))
      .where(eq(bankConnections.id, connectionId))
      .for("update", { of: bankConnections });
    if (!row || row.conn.status === "disconnected" || !row.conn.accessToken) return { gone: true };
    if (row.conn.status === "reauth_required") return { reauth: row.conn.lastError ?? REAUTH_SENTENCES.invalidGrant };
    const { conn, institution } = row;
    const at = now();
    // forceRefresh: the API refused a token we thought valid (a 401), so renew it whatever its expiry.
    if (!opts.forceRefresh && conn.accessTokenExpiresAt && conn.accessTokenExpiresAt.getTime() - at.getTime() > REFRESH_MARGIN_MS) {
      return { accessToken: open(conn.accessToken!, { table: CONNECTIONS, column: "access_token", rowId: conn.id }), apiBaseUrl: institution.apiBaseUrl };
    }
    if (!conn.refreshToken) return { reauth: REAUTH_SENTENCES.noRefresh };
    const refreshToken = open(conn.refreshToken, { table: CONNECTIONS, column: "refresh_token", rowId: conn.id });
    const c = await bankClient(institution);
    let tokens: oauth.TokenEndpointResponse;
    try {
      const response = await oauth.refreshTokenGrantRequest(c.as, c.client, c.auth, refreshToken, c.options);
      tokens = await oauth.processRefreshTokenResponse(c.as, c.client, response);
    } catch (e) {
      if (e instanceof oauth.ResponseBodyError && e.error === "invalid_grant") return { reauth: REAUTH_SENTENCES.invalidGrant };
      throw e;
    }
    await tx.update(bankConnections).set(tokenColumns(conn.id, tokens, at, refreshToken)).where(eq(bankConnections.id, conn.id));
    return { accessToken: tokens.access_token, apiBaseUrl: institution.apiBaseUrl };
  });
  if ("gone" in outcome) throw new ReauthRequiredError("This connection is disconnected: connect the bank again.");
  if ("reauth" in outcome) {
    // After the transaction: the status change, its audit event and the alert commit on their own.
    await markReauthRequired(db, connectionId, outcome.reauth);
    throw new ReauthRequiredError(outcome.reauth);
  }
  return outcome;
}

/**
 * Moves the connection to reauth_required with a sentence for the user, audits it
 * (bank_connection.reauth_required, failure) and raises an alert for the organization. Only the
 * first call of an episode records and alerts: a connection already waiting is left as it is.
 */
export async function markReauthRequired(db: Database, connectionId: string, reason: string): Promise<void> {
  const sentence = reason.slice(0, 500);
  const changed = await db.transaction(async (tx) => {
    const [row] = await tx
      .select({ status: bankConnections.status, organizationId: bankConnections.organizationId, institution: bankInstitutions.name, slug: bankInstitutions.slug })
      .from(bankConnections)
      .innerJoin(bankInstitutions, eq(bankInstitutions.id, bankConnections.institutionId))
      .where(eq(bankConnections.id, connectionId))
      .for("update", { of: bankConnections });
    if (!row || row.status === "disconnected") return null;
    await tx.update(bankConnections).set({ status: "reauth_required", lastError: sentence, updatedAt: now() }).where(eq(bankConnections.id, connectionId));
    if (row.status === "reauth_required") return null;
    await recordAudit(tx, {
      organizationId: row.organizationId,
      actorUserId: null,
      action: "bank_connection.reauth_required",
      result: "failure",
      targetType: "bank_connection",
      targetId: connectionId,
      metadata: { institution: row.slug, reason: sentence },
    });
    return row;
  });
  if (!changed) return;
  await raiseAlert(db, {
    organizationId: changed.organizationId,
    rule: "bank_connection.reauth_required",
    severity: "medium",
    title: `${changed.institution} needs you to sign in again`,
    detail: `${sentence} Open Connections in ChargeKeep and choose Re-authorize.`,
    dedupeKey: `bank_connection.reauth_required:${connectionId}`,
    windowMinutes: 24 * 60,
  });
}
