"use server";

import { redirect } from "next/navigation";
import { signUp, signUpSchema } from "@/lib/auth";
import { formAction } from "@/lib/gate";
import { enforce } from "@/lib/ratelimit";

export const signUpAction = formAction({ auth: false, schema: signUpSchema }, async (input, { meta, db }) => {
  // Counted before any work: account creation costs a password hash and a mail.
  await enforce("sign-up-ip", meta.ip ?? "unknown");
  await signUp(db, input);
  redirect("/sign-up/done");
});
