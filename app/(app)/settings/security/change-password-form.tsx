"use client";

import { useActionState } from "react";
import { Field, FormMessage, SubmitButton } from "@/components/form";
import { changePasswordAction } from "./password-actions";

export function ChangePasswordForm() {
  const [state, action] = useActionState(changePasswordAction, undefined);
  return (
    <form action={action} noValidate aria-label="Change password">
      <FormMessage state={state} />
      <Field name="currentPassword" label="Current password" type="password" autoComplete="current-password" required state={state} />
      <Field name="newPassword" label="New password" type="password" autoComplete="new-password" required hint="12 to 128 characters. Your other sessions will be signed out." state={state} />
      <SubmitButton>Change password</SubmitButton>
    </form>
  );
}
