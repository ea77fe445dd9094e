"use server";

import { redirect } from "next/navigation";
import { boundaryText, safeNextPath } from "@/lib/http";
import { formAction } from "@/lib/gate";
import { cookies } from "next/headers";
import { clearMfaPendingCookie, currentSessionToken, mfaPendingCookieName, resendVerification, revokeSessionByToken, setMfaPendingCookie, setSessionCookie, signIn, signInSchema } from "@/lib/auth";

export const signInAction = formAction(
  { auth: false, schema: signInSchema.extend({ next: boundaryText().max(512).optional() }) },
  async (input, { meta, db }) => {
    const result = await signIn(db, {
      email: input.email,
      password: input.password,
      ip: meta.ip,
      userAgent: meta.userAgent,
      requestId: meta.requestId,
      previousToken: await currentSessionToken(),
    });
    if (!result.ok) {
      if (result.code === "email_unverified") await resendVerification(db, result.userId, result.email);
      return { ok: false, message: result.message, values: { email: input.email } };
    }
    // A half-finished earlier sign-in in this browser dies with this one.
    await revokeSessionByToken(db, (await cookies()).get(mfaPendingCookieName())?.value);
    if (result.mfaRequired) {
      // Password alone reaches nothing: the browser holds only the MFA-pending cookie until the second factor.
      await setMfaPendingCookie(result.token);
      redirect(`/mfa/verify?next=${encodeURIComponent(safeNextPath(input.next))}`);
    }
    await clearMfaPendingCookie();
    await setSessionCookie(result.token);
    redirect(safeNextPath(input.next));
  },
);
