"use client";

import { useActionState } from "react";
import { Field, FormMessage, SubmitButton } from "@/components/form";
import type { FormState } from "@/lib/gate";

type Action = (prev: FormState | undefined, form: FormData) => Promise<FormState>;

export function AddDomainForm({ action }: { action: Action }) {
  const [state, run] = useActionState(action, undefined);
  return (
    <form action={run} noValidate>
      <FormMessage state={state} />
      <Field name="domain" label="E-mail domain" required state={state} />
      <SubmitButton>Add domain</SubmitButton>
    </form>
  );
}

export function DomainButton({
  action,
  domainId,
  label,
  variant,
  confirm,
}: {
  action: Action;
  domainId: string;
  label: string;
  variant?: "primary" | "danger" | "secondary";
  /** A destructive action's "Yes, …" checkbox. */
  confirm?: string;
}) {
  const [state, run] = useActionState(action, undefined);
  return (
    <form action={run}>
      <FormMessage state={state} />
      <input type="hidden" name="domainId" value={domainId} />
      {confirm ? (
        <label className="mb-2 block text-sm">
          <input type="checkbox" name="confirm" /> {confirm}
        </label>
      ) : null}
      <SubmitButton variant={variant}>{label}</SubmitButton>
    </form>
  );
}
