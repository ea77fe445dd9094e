"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db";
import { currentSessionToken, resendVerification, setSessionCookie, signIn, signInSchema } from "@/lib/auth";
import { formAction } from "@/lib/http/action";
import { safeNextPath } from "@/lib/http/safe-redirect";

export const signInAction = formAction(
  { auth: false, schema: signInSchema.extend({ next: z.string().max(512).optional() }) },
  async (input, { meta }) => {
    const result = await signIn(getDb(), {
      email: input.email,
      password: input.password,
      ip: meta.ip,
      userAgent: meta.userAgent,
      previousToken: await currentSessionToken(),
    });
    if (!result.ok) {
      if (result.code === "email_unverified") await resendVerification(getDb(), result.userId, result.email);
      return { ok: false, message: result.message, values: { email: input.email } };
    }
    await setSessionCookie(result.token);
    redirect(safeNextPath(input.next));
  },
);
