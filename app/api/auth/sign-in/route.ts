import { signInSchema, signIn, sessionTokenFromRequest, resendVerification, serializeClearedMfaPendingCookie, serializeMfaPendingCookie, serializeSessionCookie } from "@/lib/auth";
import { AppError } from "@/lib/errors";
import { errorResponse, route } from "@/lib/gate";

const STATUS: Partial<Record<string, number>> = { invalid_credentials: 401 };

/** JSON sign-in for API clients; same rules and answers as the sign-in form. */
export const POST = route({ auth: false, body: signInSchema, maxBodyBytes: 4 * 1024 }, async ({ req, body, meta, db }) => {
  const result = await signIn(db, { ...body, ...meta, previousToken: sessionTokenFromRequest(req) });
  if (!result.ok) {
    if (result.code === "email_unverified") await resendVerification(db, result.userId, result.email);
    // 423 for a brute-force lock (it ends by itself), with Retry-After like a 429, so clients wait
    // out the lock instead of spending attempts on it; rate limits inside signIn() throw their own 429.
    if (result.code === "account_locked") {
      const locked = errorResponse(new AppError(result.code, 423, result.message), meta.requestId);
      locked.headers.set("retry-after", String(result.retryAfterSeconds));
      return locked;
    }
    throw new AppError(result.code, STATUS[result.code] ?? 403, result.message);
  }
  if (result.mfaRequired) {
    // Only the MFA-pending cookie: the client must now POST a code to /api/auth/mfa.
    const pending = Response.json({ ok: true, mfaRequired: true, next: "/api/auth/mfa" }, { headers: { "cache-control": "no-store" } });
    pending.headers.append("set-cookie", serializeMfaPendingCookie(result.token));
    return pending;
  }
  const response = Response.json({ ok: true, mfaRequired: false }, { headers: { "cache-control": "no-store" } });
  response.headers.append("set-cookie", serializeSessionCookie(result.token));
  response.headers.append("set-cookie", serializeClearedMfaPendingCookie());
  return response;
});
