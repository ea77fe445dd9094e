"use server";

import { redirect } from "next/navigation";
import { getDb } from "@/db";
import { signUp, signUpSchema } from "@/lib/auth";
import { formAction } from "@/lib/http/action";

export const signUpAction = formAction({ auth: false, schema: signUpSchema }, async (input) => {
  await signUp(getDb(), input);
  redirect("/sign-up/done");
});
