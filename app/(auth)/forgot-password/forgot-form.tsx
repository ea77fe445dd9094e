"use client";

import { useActionState } from "react";
import { Field, FormMessage, SubmitButton } from "@/components/form";
import { forgotPasswordAction } from "./actions";

export function ForgotForm() {
  const [state, action] = useActionState(forgotPasswordAction, undefined);
  return (
    <form action={action} noValidate>
      <FormMessage state={state} />
      <Field name="email" label="E-mail" type="email" autoComplete="email" required state={state} />
      <SubmitButton>Send reset link</SubmitButton>
    </form>
  );
}
