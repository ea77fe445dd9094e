"use client";

import { useActionState } from "react";
import { FormMessage, SubmitButton } from "@/components/form";
import { verifyEmailAction } from "./actions";

/** A button, not an automatic GET: mail scanners that open links must not spend the token. */
export function VerifyForm({ token }: { token: string }) {
  const [state, action] = useActionState(verifyEmailAction, undefined);
  return (
    <form action={action}>
      <FormMessage state={state} />
      <input type="hidden" name="token" value={token} />
      <SubmitButton>Confirm my e-mail address</SubmitButton>
    </form>
  );
}
