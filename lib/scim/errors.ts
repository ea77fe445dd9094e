import "server-only";
import SCIMMY from "scimmy";
import { isDatabaseUnavailable } from "@/db/errors";
import { isAppError } from "@/lib/errors";
import { isRateLimitedError, rateLimitHeaders } from "@/lib/ratelimit";

export const SCIM_CONTENT_TYPE = "application/scim+json";

/** RFC 7644 §3.12 scimType values we answer with. */
export type ScimType = "invalidFilter" | "tooMany" | "uniqueness" | "mutability" | "invalidSyntax" | "invalidPath" | "noTarget" | "invalidValue" | "invalidVers" | "sensitive";

/** A SCIM error (scimmy's own type, so errors scimmy throws and ours read the same). */
export function scimError(status: number, scimType: ScimType | null, detail: string): Error {
  return new SCIMMY.Types.Error(status, scimType as string, detail);
}

export function isScimError(e: unknown): e is InstanceType<typeof SCIMMY.Types.Error> {
  return e instanceof SCIMMY.Types.Error;
}

export function scimJson(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": SCIM_CONTENT_TYPE, "cache-control": "no-store", ...headers } });
}

/** The error schema's shape, built here: scimmy's ErrorResponse refuses statuses such as 429 and 503. */
function errorBody(status: number, scimType: string | null | undefined, detail: string) {
  return { schemas: [SCIMMY.Messages.ErrorResponse.id], status: String(status), ...(scimType ? { scimType } : {}), detail };
}

function isUniqueViolation(e: unknown): boolean {
  for (let cur: unknown = e, depth = 0; cur && depth < 3; cur = (cur as { cause?: unknown }).cause, depth++) {
    if ((cur as { code?: unknown }).code === "23505") return true;
  }
  return false;
}

/**
 * Every failure as the SCIM error schema (RFC 7644 §3.12): status as a string, scimType where
 * one applies, and a sentence in `detail`. Unexpected failures are logged and answered without detail.
 */
export function scimErrorResponse(e: unknown, requestId: string): Response {
  if (isScimError(e)) {
    const err = e as unknown as { status: number; scimType?: string; message: string };
    return scimJson(errorBody(err.status, err.scimType, err.message), err.status);
  }
  // Two requests creating the same userName or group at once: the unique index decides, and the loser hears why.
  if (isUniqueViolation(e)) return scimJson(errorBody(409, "uniqueness", "That resource was just created by another request: a userName, externalId or group name must be unique."), 409);
  if (isDatabaseUnavailable(e)) {
    return scimJson(errorBody(503, null, "ChargeKeep's database is unavailable for a moment. Try again shortly."), 503, { "retry-after": "5" });
  }
  if (isAppError(e)) {
    const headers = isRateLimitedError(e) ? rateLimitHeaders(e) : {};
    const scimType = e.status === 400 ? "invalidValue" : e.code === "uniqueness" ? "uniqueness" : null;
    return scimJson(errorBody(e.status, scimType, e.message), e.status, headers);
  }
  console.error(`[${requestId}] unexpected SCIM error`, e instanceof Error ? `${e.name}: ${e.message}` : String(e));
  return scimJson(errorBody(500, null, "Something went wrong on our side. Try again later."), 500);
}
