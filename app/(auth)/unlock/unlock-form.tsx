"use client";

import { useActionState } from "react";
import { Field, FormMessage, SubmitButton } from "@/components/form";
import { unlockAccountWithLinkAction } from "./actions";

export function UnlockForm({ token }: { token: string }) {
  const [state, action] = useActionState(unlockAccountWithLinkAction, undefined);
  return (
    <form action={action} noValidate>
      <FormMessage state={state} />
      <input type="hidden" name="token" value={token} />
      <Field name="password" label="New password" type="password" autoComplete="new-password" required hint="12 to 128 characters. Use one you use nowhere else." state={state} />
      <SubmitButton>Unlock and set new password</SubmitButton>
    </form>
  );
}
