import "server-only";
import { randomUUID } from "node:crypto";
import { and, eq, ne } from "drizzle-orm";
import * as oauth from "oauth4webapi";
import type { Database } from "@/db";
import { bankConnectionAttempts, bankConnections } from "@/db/schema";
import { auditRequestFields, recordAudit } from "@/lib/audit";
import type { SessionContext } from "@/lib/auth";
import { now } from "@/lib/clock";
import { seal, sha256Hex } from "@/lib/crypto";
import { AppError, notFound } from "@/lib/errors";
import { loggableError, type RequestMeta } from "@/lib/http";
import { requireRecentMfa } from "@/lib/mfa";
import { enforce } from "@/lib/ratelimit";
import { authorize } from "@/lib/rbac";
import { findEnabledInstitution } from "./institutions";
import { bankClient, callbackUrl } from "./oauth-client";
import { sessionBinding } from "./session-binding";

export const ATTEMPT_LIFETIME_MS = 10 * 60_000;
const ATTEMPTS = "bank_connection_attempts";

/**
 * Starts one trip to the bank's authorization page: PKCE S256, a random state (kept only as its
 * SHA-256) and nonce, bound to this browser session, user and organization for ten minutes.
 * `connectionId` re-authorizes an existing connection. Returns the URL to send the browser to.
 */
export async function startConnection(
  db: Database,
  ctx: SessionContext,
  input: { institutionId?: string; connectionId?: string },
  meta: RequestMeta | null,
): Promise<string> {
  authorize(ctx, "bank_connections:manage");
  requireRecentMfa(ctx);
  await enforce("bank-connect-user", ctx.user.id);
  let institutionId = input.institutionId;
  if (input.connectionId) {
    const [conn] = await db
      .select({ institutionId: bankConnections.institutionId })
      .from(bankConnections)
      .where(and(eq(bankConnections.id, input.connectionId), eq(bankConnections.organizationId, ctx.organization.id), ne(bankConnections.status, "disconnected")));
    if (!conn) throw notFound("That connection");
    institutionId = conn.institutionId;
  }
  const institution = institutionId ? await findEnabledInstitution(db, institutionId) : undefined;
  if (!institution) throw notFound("That bank");

  let c;
  try {
    c = await bankClient(institution);
  } catch (e) {
    console.warn(`[banking] discovery at ${institution.slug} failed:`, loggableError(e));
    throw new AppError("bank_unavailable", 502, `${institution.name} is not answering right now. Try again in a few minutes.`);
  }
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  const verifier = oauth.generateRandomCodeVerifier();
  const redirectUri = callbackUrl();
  const id = randomUUID();
  const at = now();

  const url = new URL(c.as.authorization_endpoint ?? "");
  url.searchParams.set("client_id", institution.clientId);
  url.searchParams.set("redirect_uri", redirectUri);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("scope", institution.scopes);
  url.searchParams.set("resource", institution.resource);
  url.searchParams.set("state", state);
  url.searchParams.set("nonce", nonce);
  url.searchParams.set("code_challenge", await oauth.calculatePKCECodeChallenge(verifier));
  url.searchParams.set("code_challenge_method", "S256");

  await db.transaction(async (tx) => {
    await tx.insert(bankConnectionAttempts).values({
      id,
      organizationId: ctx.organization.id,
      userId: ctx.user.id,
      sessionId: sessionBinding(ctx.session.id),
      institutionId: institution.id,
      connectionId: input.connectionId ?? null,
      stateHash: sha256Hex(state),
      codeVerifier: seal(verifier, { table: ATTEMPTS, column: "code_verifier", rowId: id }),
      nonce: seal(nonce, { table: ATTEMPTS, column: "nonce", rowId: id }),
      redirectUri,
      expiresAt: new Date(at.getTime() + ATTEMPT_LIFETIME_MS),
    });
    await recordAudit(tx, {
      organizationId: ctx.organization.id,
      actorUserId: ctx.user.id,
      action: "bank_connection.started",
      result: "success",
      targetType: input.connectionId ? "bank_connection" : "bank_institution",
      targetId: input.connectionId ?? institution.id,
      ...auditRequestFields(meta),
      metadata: { institution: institution.slug, reauthorize: Boolean(input.connectionId) },
    });
  });
  return url.href;
}
