"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { tokenSchema, verifyEmail } from "@/lib/auth";
import { formAction } from "@/lib/gate";

export const verifyEmailAction = formAction({ auth: false, schema: z.object({ token: tokenSchema }) }, async ({ token }, { db }) => {
  const ok = await verifyEmail(db, token);
  if (!ok) return { ok: false, message: "This confirmation link is invalid, was already used or has expired. Sign in to get a new one." };
  redirect("/sign-in?verified=1");
});
