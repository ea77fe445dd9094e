"use server";

import { redirect } from "next/navigation";
import { getDb } from "@/db";
import { resetPassword, resetPasswordSchema } from "@/lib/auth";
import { formAction } from "@/lib/http";

export const resetPasswordAction = formAction({ auth: false, schema: resetPasswordSchema }, async ({ token, password }) => {
  await resetPassword(getDb(), token, password);
  redirect("/sign-in?reset=1");
});
