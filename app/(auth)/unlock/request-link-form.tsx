"use client";

import { useActionState } from "react";
import { Field, FormMessage, SubmitButton } from "@/components/form";
import { requestUnlockLinkAction } from "./actions";

export function RequestLinkForm() {
  const [state, action] = useActionState(requestUnlockLinkAction, undefined);
  return (
    <form action={action} noValidate>
      <FormMessage state={state} />
      <Field name="email" label="E-mail" type="email" autoComplete="email" required state={state} />
      <SubmitButton>Send a new unlock link</SubmitButton>
    </form>
  );
}
