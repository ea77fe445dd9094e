"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db";
import { tokenSchema, verifyEmail } from "@/lib/auth";
import { formAction } from "@/lib/http";

export const verifyEmailAction = formAction({ auth: false, schema: z.object({ token: tokenSchema }) }, async ({ token }) => {
  const ok = await verifyEmail(getDb(), token);
  if (!ok) return { ok: false, message: "This confirmation link is invalid, was already used or has expired. Sign in to get a new one." };
  redirect("/sign-in?verified=1");
});
