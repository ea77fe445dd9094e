"use client";

import { useActionState } from "react";
import { Field, FormMessage, SubmitButton } from "@/components/form";
import { signUpAction } from "./actions";

export function SignUpForm() {
  const [state, action] = useActionState(signUpAction, undefined);
  return (
    <form action={action} noValidate>
      <FormMessage state={state} />
      <Field name="name" label="Your name" autoComplete="name" required maxLength={100} state={state} />
      <Field name="organizationName" label="Organization name" autoComplete="organization" required maxLength={100} state={state} />
      <Field name="email" label="Work e-mail" type="email" autoComplete="email" required state={state} />
      <Field
        name="password"
        label="Password"
        type="password"
        autoComplete="new-password"
        required
        hint="12 to 128 characters. A passphrase of a few unrelated words works well."
        state={state}
      />
      <SubmitButton>Create account</SubmitButton>
    </form>
  );
}
