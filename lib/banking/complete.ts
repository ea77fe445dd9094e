import "server-only";
import { randomUUID } from "node:crypto";
import { and, eq, gt, isNull, ne } from "drizzle-orm";
import * as oauth from "oauth4webapi";
import type { Database } from "@/db";
import { bankConnectionAttempts, bankConnections } from "@/db/schema";
import { auditRequestFields, recordAudit } from "@/lib/audit";
import type { SessionContext } from "@/lib/auth";
import { now } from "@/lib/clock";
import { open, sha256Hex } from "@/lib/crypto";
import { loggableError, type RequestMeta } from "@/lib/http";
import { findInstitution } from "./institutions";
import { bankClient, type Institution } from "./oauth-client";
import { revokeAtBank } from "./revoke";
import { sessionBinding } from "./session-binding";
import { tokenColumns } from "./tokens";

/** Why a callback did not connect; /connections?notice=<code> turns it into a sentence (never echoed input). */
export type RefusalNotice = "refused" | "invalid" | "failed" | "different_login";
export type CallbackOutcome =
  | { ok: true; connectionId: string; reauthorized: boolean }
  | { ok: false; notice: RefusalNotice; connectionId?: string };

type Attempt = typeof bankConnectionAttempts.$inferSelect;
const ATTEMPTS = "bank_connection_attempts";

/**
 * The bank sent the browser back. Consumes the attempt (one conditional UPDATE: unused, unexpired,
 * and started by THIS session, user and organization), validates the response (state, RFC 9207
 * `iss`), redeems the code with the PKCE verifier, checks the id token's nonce, then creates or
 * updates the connection with the tokens sealed to its row. Every refusal is audited.
 */
export async function completeConnection(db: Database, ctx: SessionContext, callback: URL, meta: RequestMeta | null): Promise<CallbackOutcome> {
  const at = now();
  const state = callback.searchParams.get("state") ?? "";
  const [attempt] =
    state.length > 0 && state.length <= 512
      ? await db
          .update(bankConnectionAttempts)
          .set({ usedAt: at })
          .where(
            and(
              eq(bankConnectionAttempts.stateHash, sha256Hex(state)),
              isNull(bankConnectionAttempts.usedAt),
              gt(bankConnectionAttempts.expiresAt, at),
              eq(bankConnectionAttempts.sessionId, sessionBinding(ctx.session.id)),
              eq(bankConnectionAttempts.userId, ctx.user.id),
              eq(bankConnectionAttempts.organizationId, ctx.organization.id),
            ),
          )
          .returning()
      : [];
  if (!attempt) {
    await refuse(db, ctx, meta, null, "invalid", { reason: "unknown_used_expired_or_foreign_state" });
    return { ok: false, notice: "invalid" };
  }
  const institution = await findInstitution(db, attempt.institutionId);
  if (!institution) {
    await refuse(db, ctx, meta, attempt, "failed", { reason: "institution_removed" });
    return { ok: false, notice: "failed" };
  }
  let tokens: oauth.TokenEndpointResponse;
  let subject: string;
  try {
    ({ tokens, subject } = await redeem(institution, attempt, callback, state));
  } catch (e) {
    if (e instanceof oauth.AuthorizationResponseError) {
      const refused = e.error === "access_denied";
      await refuse(db, ctx, meta, attempt, refused ? "refused" : "failed", { reason: refused ? "consent_refused" : "bank_error", bankError: e.error.slice(0, 100) });
      return { ok: false, notice: refused ? "refused" : "failed" };
    }
    const reason = e instanceof oauth.ResponseBodyError ? "token_error" : e instanceof oauth.UnsupportedOperationError ? "unsupported" : "invalid_response";
    console.warn(`[banking] callback for attempt ${attempt.id} failed:`, loggableError(e));
    await refuse(db, ctx, meta, attempt, "failed", { reason, institution: institution.slug });
    return { ok: false, notice: "failed" };
  }
  const outcome = await saveConnection(db, ctx, meta, attempt, institution, tokens, subject, at);
  if (!outcome.ok) await revokeAtBank(institution, { refresh: tokens.refresh_token, access: tokens.access_token });
  return outcome;
}

async function redeem(institution: Institution, attempt: Attempt, callback: URL, state: string) {
  const c = await bankClient(institution);
  // Checks state, `iss` (RFC 9207: required when the bank advertises it, compared to the discovered issuer) and error responses.
  const params = oauth.validateAuthResponse(c.as, c.client, callback, state);
  const verifier = open(attempt.codeVerifier, { table: ATTEMPTS, column: "code_verifier", rowId: attempt.id });
  const nonce = open(attempt.nonce, { table: ATTEMPTS, column: "nonce", rowId: attempt.id });
  const response = await oauth.authorizationCodeGrantRequest(c.as, c.client, c.auth, params, attempt.redirectUri, verifier, {
    ...c.options,
    additionalParameters: { resource: institution.resource },
  });
  const tokens = await oauth.processAuthorizationCodeResponse(c.as, c.client, response, { expectedNonce: nonce, requireIdToken: true });
  const claims = oauth.getValidatedIdTokenClaims(tokens);
  if (!claims?.sub) throw new Error("The bank's id token names no subject.");
  return { tokens, subject: claims.sub };
}

async function saveConnection(
  db: Database,
  ctx: SessionContext,
  meta: RequestMeta | null,
  attempt: Attempt,
  institution: Institution,
  tokens: oauth.TokenEndpointResponse,
  subject: string,
  at: Date,
): Promise<CallbackOutcome> {
  return db.transaction(async (tx) => {
    const org = ctx.organization.id;
    // Re-authorization names its row; a fresh connect to a bank login already connected updates that row too.
    const [existing] = attempt.connectionId
      ? await tx.select().from(bankConnections).where(and(eq(bankConnections.id, attempt.connectionId), eq(bankConnections.organizationId, org), ne(bankConnections.status, "disconnected"))).for("update")
      : await tx
          .select()
          .from(bankConnections)
          .where(and(eq(bankConnections.organizationId, org), eq(bankConnections.institutionId, institution.id), eq(bankConnections.externalSubject, subject), ne(bankConnections.status, "disconnected")))
          .limit(1)
          .for("update");
    if (attempt.connectionId && !existing) {
      await refuse(tx, ctx, meta, attempt, "failed", { reason: "connection_gone" });
      return { ok: false, notice: "failed" } as const;
    }
    if (existing?.externalSubject && existing.externalSubject !== subject) {
      await refuse(tx, ctx, meta, attempt, "refused", { reason: "different_bank_login", institution: institution.slug }, existing.id);
      return { ok: false, notice: "different_login", connectionId: existing.id } as const;
    }
    const id = existing?.id ?? randomUUID();
    const columns = { ...tokenColumns(id, tokens, at), status: "active" as const, externalSubject: subject, lastError: null, failureCount: 0, nextSyncAt: at };
    if (existing) await tx.update(bankConnections).set(columns).where(eq(bankConnections.id, id));
    else await tx.insert(bankConnections).values({ id, organizationId: org, institutionId: institution.id, createdBy: ctx.user.id, ...columns });
    await tx.update(bankConnectionAttempts).set({ outcome: "completed", connectionId: id }).where(eq(bankConnectionAttempts.id, attempt.id));
    await recordAudit(tx, {
      organizationId: org,
      actorUserId: ctx.user.id,
      action: existing ? "bank_connection.reauthorized" : "bank_connection.connected",
      result: "success",
      targetType: "bank_connection",
      targetId: id,
      ...auditRequestFields(meta),
      metadata: { institution: institution.slug, scope: tokens.scope ?? null },
    });
    return { ok: true, connectionId: id, reauthorized: Boolean(existing) } as const;
  });
}

async function refuse(
  db: Database,
  ctx: SessionContext,
  meta: RequestMeta | null,
  attempt: Attempt | null,
  outcome: "refused" | "failed" | "invalid",
  metadata: Record<string, string | null>,
  connectionId?: string,
): Promise<void> {
  // The user saying no, or the bank failing, is a failure; a state or login that does not belong here is denied.
  const denied = outcome === "invalid" || metadata.reason === "different_bank_login";
  if (attempt) await db.update(bankConnectionAttempts).set({ outcome: outcome === "invalid" ? "failed" : outcome }).where(eq(bankConnectionAttempts.id, attempt.id));
  await recordAudit(db, {
    organizationId: ctx.organization.id,
    actorUserId: ctx.user.id,
    action: "bank_connection.refused",
    result: denied ? "denied" : "failure",
    targetType: connectionId || attempt?.connectionId ? "bank_connection" : "bank_institution",
    targetId: connectionId ?? attempt?.connectionId ?? attempt?.institutionId,
    ...auditRequestFields(meta),
    metadata,
  });
}
