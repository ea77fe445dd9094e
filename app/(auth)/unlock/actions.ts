"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db";
import { emailSchema, resetPasswordSchema } from "@/lib/auth";
import { requestUnlockLink, unlockWithToken } from "@/lib/defense/unlock";
import { formAction } from "@/lib/http/action";
import { enforce } from "@/lib/ratelimit";

/** The e-mailed link: proves the mailbox, sets a new password, clears lock and suspension, ends every session. */
export const unlockAccountWithLinkAction = formAction({ auth: false, schema: resetPasswordSchema }, async ({ token, password }, { meta }) => {
  await unlockWithToken(getDb(), { token, password, meta });
  redirect("/sign-in?unlocked=1");
});

/** "Send me a new link": the same answer for every address (and the password-reset limits: it mails the same kind of link). */
export const requestUnlockLinkAction = formAction({ auth: false, schema: z.object({ email: emailSchema }) }, async ({ email }, { meta }) => {
  await enforce("password-reset-ip", meta.ip ?? "unknown");
  await enforce("password-reset-account", email);
  await requestUnlockLink(getDb(), email);
  return { ok: true, message: "If that address belongs to a locked or suspended account, we have sent it a new unlock link. It expires in 24 hours." };
});
