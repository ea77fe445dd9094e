"use server";

import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import { setSessionCookie, setMfaPendingCookie, revokeSessionByToken, resetPasswordSchema, mfaPendingCookieName, emailSchema, currentSessionToken, clearMfaPendingCookie, signInAfterUnlock } from "@/lib/auth";
import { requestUnlockLink, unlockWithToken } from "@/lib/defense";
import { formAction } from "@/lib/gate";
import { enforce } from "@/lib/ratelimit";

/**
 * The e-mailed link: proves the mailbox, sets a new password, clears lock and suspension, ends every
 * session, then signs this browser in (to its second factor when the account has one). The attacker
 * who filled the per-account sign-in limit still meets it; the owner never has to.
 */
export const unlockAccountWithLinkAction = formAction({ auth: false, schema: resetPasswordSchema }, async ({ token, password }, { meta, db }) => {
  const { userId } = await unlockWithToken(db, { token, password, meta });
  const result = await signInAfterUnlock(db, { userId, meta, previousToken: await currentSessionToken() });
  // A half-finished earlier sign-in in this browser ends here too.
  await revokeSessionByToken(db, (await cookies()).get(mfaPendingCookieName())?.value);
  if (!result.ok) redirect("/sign-in?unlocked=1"); // unlocked, but no active membership: sign-in explains
  if (result.mfaRequired) {
    await setMfaPendingCookie(result.token);
    redirect("/mfa/verify?next=%2Fdashboard");
  }
  await clearMfaPendingCookie();
  await setSessionCookie(result.token);
  redirect("/dashboard");
});

/** "Send me a new link": the same answer for every address (and the password-reset limits: it mails the same kind of link). */
export const requestUnlockLinkAction = formAction({ auth: false, schema: z.object({ email: emailSchema }) }, async ({ email }, { meta, db }) => {
  await enforce("password-reset-ip", meta.ip ?? "unknown");
  await enforce("password-reset-account", email);
  await requestUnlockLink(db, email);
  return { ok: true, message: "If that address belongs to a locked or suspended account, we have sent it a new unlock link. It expires in 24 hours." };
});
