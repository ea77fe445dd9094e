import "server-only";
import { getDb, type Database } from "@/db";
import { recordAudit, auditRequestFields } from "@/lib/audit";
import { findTextFault, requestMetaFrom, readBodyLimited, type RequestMeta } from "@/lib/http";
import { enforce } from "@/lib/ratelimit";
import type { ScimActor } from "./audit";
import { scimError, scimErrorResponse } from "./errors";
import { authenticateScimToken, bearerTokenOf, type ScimAuthResult } from "./tokens";

/** A group with a few thousand members, PATCHed in one go, fits; the proxy caps every body at 1 MB anyway. */
const MAX_SCIM_BODY_BYTES = 512 * 1024;

export type ScimCtx = { req: Request; db: Database; meta: RequestMeta; actor: ScimActor; params: Record<string, string | string[]>; url: URL };

/**
 * The wrapper for every /api/scim/v2 handler, in a fixed order: bearer token (the organization
 * comes from it, never from the request) -> per-token rate limit -> handler -> SCIM error schema.
 * Requests with a missing, unknown or revoked token are counted per address and refused (401, then
 * 429 once too many), and audited. `access` says "no session" to the app's route walks: SCIM
 * authenticates by token, not by cookie.
 */
export function scimRoute(handler: (c: ScimCtx) => Promise<Response>) {
  const wrapped = async (req: Request, routeCtx?: { params?: Promise<Record<string, string | string[]>> }): Promise<Response> => {
    const meta = requestMetaFrom(req.headers);
    try {
      const db = getDb();
      const auth = await authenticateScimToken(db, bearerTokenOf(req.headers.get("authorization")), meta);
      if (!auth.ok) return await refuse(db, auth, meta);
      await enforce("scim-token", auth.actor.tokenId);
      const params = (await routeCtx?.params) ?? {};
      return await handler({ req, db, meta, actor: auth.actor, params, url: new URL(req.url) });
    } catch (e) {
      return scimErrorResponse(e, meta.requestId);
    }
  };
  return Object.assign(wrapped, { access: { auth: false as const, permission: null, allowMustEnrol: false } });
}

const REASONS = { missing: "No SCIM bearer token was sent", unknown: "The SCIM token is not valid", revoked: "The SCIM token was revoked" } as const;

async function refuse(db: Database, auth: Extract<ScimAuthResult, { ok: false }>, meta: RequestMeta): Promise<Response> {
  // An address we cannot see is not counted: one shared bucket would let anyone lock every directory out.
  if (meta.ip) await enforce("scim-auth-ip", meta.ip);
  if (auth.reason !== "missing") {
    await recordAudit(db, {
      organizationId: auth.organizationId ?? null,
      actorUserId: null,
      action: "scim.auth_failed",
      result: "denied",
      targetType: auth.tokenId ? "scim_token" : undefined,
      targetId: auth.tokenId,
      ...auditRequestFields(meta),
      metadata: { actorKind: "scim", reason: REASONS[auth.reason], ...(auth.tokenName ? { scimClient: auth.tokenName } : {}) },
    });
  }
  const response = scimErrorResponse(scimError(401, null, `${REASONS[auth.reason]}. Send Authorization: Bearer <token> with a token from ChargeKeep's SCIM provisioning page.`), meta.requestId);
  response.headers.set("www-authenticate", 'Bearer realm="ChargeKeep SCIM"');
  return response;
}

/** The request body as JSON: SCIM clients send application/scim+json (RFC 7644 §3.1), some application/json. */
export async function readScimJson(req: Request): Promise<unknown> {
  const type = (req.headers.get("content-type") ?? "").toLowerCase();
  if (!type.startsWith("application/scim+json") && !type.startsWith("application/json")) {
    throw scimError(400, "invalidSyntax", "Send the request body as JSON (Content-Type: application/scim+json).");
  }
  const text = await readBodyLimited(req, MAX_SCIM_BODY_BYTES);
  if (!text.trim()) throw scimError(400, "invalidSyntax", "The request body is empty; a SCIM JSON document was expected.");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw scimError(400, "invalidSyntax", "The request body is not valid JSON.");
  }
  const fault = findTextFault(value);
  if (fault) throw scimError(400, "invalidValue", `${fault.path || "The body"}: ${fault.message}`);
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw scimError(400, "invalidSyntax", "The request body must be one JSON object.");
  return value;
}
