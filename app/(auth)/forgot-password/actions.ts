"use server";

import { z } from "zod";
import { emailSchema, requestPasswordReset } from "@/lib/auth";
import { formAction } from "@/lib/gate";
import { enforce } from "@/lib/ratelimit";

export const forgotPasswordAction = formAction({ auth: false, schema: z.object({ email: emailSchema }) }, async ({ email }, { meta, db }) => {
  // Per network and per address typed (whether or not it has an account, so the limit reveals nothing).
  await enforce("password-reset-ip", meta.ip ?? "unknown");
  await enforce("password-reset-account", email);
  await requestPasswordReset(db, email);
  // Same words whether or not the address has an account.
  return { ok: true, message: "If an account uses that address, we have sent it a link to reset the password. It expires in 30 minutes." };
});
