"use server";

import { redirect } from "next/navigation";
import { getDb } from "@/db";
import { signUp, signUpSchema } from "@/lib/auth";
import { formAction } from "@/lib/http";
import { enforce } from "@/lib/ratelimit";

export const signUpAction = formAction({ auth: false, schema: signUpSchema }, async (input, { meta }) => {
  // Counted before any work: account creation costs a password hash and a mail.
  await enforce("sign-up-ip", meta.ip ?? "unknown");
  await signUp(getDb(), input);
  redirect("/sign-up/done");
});
