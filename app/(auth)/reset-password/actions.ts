"use server";

import { redirect } from "next/navigation";
import { resetPassword, resetPasswordSchema } from "@/lib/auth";
import { formAction } from "@/lib/gate";

export const resetPasswordAction = formAction({ auth: false, schema: resetPasswordSchema }, async ({ token, password }, { db }) => {
  await resetPassword(db, token, password);
  redirect("/sign-in?reset=1");
});
