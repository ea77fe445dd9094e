"use client";

import { useActionState } from "react";
import { Field, FormMessage, SubmitButton } from "@/components/form";
import { acceptInvitationAction, joinWithNewAccountAction } from "./actions";

export function AcceptInvitationForm({ token, organizationName }: { token: string; organizationName: string }) {
  const [state, action] = useActionState(acceptInvitationAction, undefined);
  return (
    <form action={action} noValidate>
      <FormMessage state={state} />
      <input type="hidden" name="token" value={token} />
      <SubmitButton>Accept and join {organizationName}</SubmitButton>
    </form>
  );
}

export function CreateAccountForm({ token, email }: { token: string; email: string }) {
  const [state, action] = useActionState(joinWithNewAccountAction, undefined);
  return (
    <form action={action} noValidate>
      <FormMessage state={state} />
      <input type="hidden" name="token" value={token} />
      <div className="mb-4">
        <label htmlFor="invite-email" className="block text-sm font-medium text-slate-800">
          E-mail
        </label>
        {/* Shown for password managers; the address comes from the invitation, not from this field. */}
        <input
          id="invite-email"
          type="email"
          autoComplete="username"
          value={email}
          readOnly
          className="mt-1 block w-full rounded-md border border-slate-200 bg-slate-50 px-3 py-2 text-sm text-slate-700"
        />
      </div>
      <Field name="name" label="Your name" autoComplete="name" required maxLength={100} state={state} />
      <Field name="password" label="Password" type="password" autoComplete="new-password" required hint="12 to 128 characters." state={state} />
      <SubmitButton>Create account and join</SubmitButton>
    </form>
  );
}
