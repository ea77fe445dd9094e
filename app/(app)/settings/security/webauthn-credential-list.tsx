"use client";

import { useActionState } from "react";
import { removeWebauthnCredentialAction, renameWebauthnCredentialAction } from "./webauthn-actions";
import { ConfirmCheckbox } from "@/components/admin/confirm-checkbox";
import { FormMessage, SubmitButton } from "@/components/form";
import type { FormState } from "@/lib/gate";

export type WebauthnCredentialItem = {
  id: string;
  name: string;
  kind: "Passkey" | "Security key";
  synced: boolean;
  /** Rendered on the server (UtcTime), so server and browser agree on the text. */
  created: React.ReactNode;
  lastUsed: React.ReactNode;
};

/**
 * The registered keys with rename and remove. One state for both forms, shown above the list: a
 * removed row takes its own form with it, and the outcome must stay on screen (also when the list
 * is now empty, so this component stays mounted).
 */
export function WebauthnCredentialList({ items }: { items: WebauthnCredentialItem[] }) {
  const [state, act] = useActionState(
    (prev: FormState | undefined, form: FormData) =>
      form.get("intent") === "remove" ? removeWebauthnCredentialAction(prev, form) : renameWebauthnCredentialAction(prev, form),
    undefined,
  );
  // Field errors belong to the row that was submitted.
  const stateFor = (id: string) => (state?.values?.credentialId === id ? state : undefined);
  return (
    <div className="mb-6">
      <FormMessage state={state} />
      {items.length === 0 ? <p className="text-sm text-slate-600">You have no security keys or passkeys yet.</p> : null}
      {items.length > 0 ? (
        <ul className="divide-y divide-slate-200 rounded-md border border-slate-200" aria-label="Your security keys and passkeys">
          {items.map((k) => {
            const rowState = stateFor(k.id);
            const nameError = rowState?.fieldErrors?.name;
            return (
              <li key={k.id} className="p-4" data-testid="webauthn-credential">
                <div className="mb-2 flex flex-wrap items-baseline justify-between gap-2">
                  <h3 className="font-medium text-slate-900">{k.name}</h3>
                  <span className="rounded bg-slate-100 px-2 py-0.5 text-xs text-slate-700">
                    {k.kind}
                    {k.synced ? " (synced)" : ""}
                  </span>
                </div>
                <p className="mb-3 text-sm text-slate-600">
                  Added {k.created}. Last used {k.lastUsed}.
                </p>
                <div className="flex flex-wrap items-start gap-6">
                  <details className="text-sm" open={Boolean(nameError)}>
                    <summary className="cursor-pointer text-blue-700 underline">Rename</summary>
                    <form action={act} noValidate className="mt-2">
                      <input type="hidden" name="intent" value="rename" />
                      <input type="hidden" name="credentialId" value={k.id} />
                      <label htmlFor={`rename-${k.id}`} className="block text-sm font-medium text-slate-800">
                        New name for {k.name}
                      </label>
                      <div className="mt-1 flex flex-wrap items-center gap-2">
                        <input
                          id={`rename-${k.id}`}
                          name="name"
                          defaultValue={rowState?.values?.name ?? k.name}
                          maxLength={60}
                          aria-invalid={nameError ? true : undefined}
                          aria-describedby={nameError ? `rename-${k.id}-error` : undefined}
                          className="block rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-blue-600"
                        />
                        <SubmitButton variant="secondary">Save name</SubmitButton>
                      </div>
                      {nameError ? (
                        <p id={`rename-${k.id}-error`} role="alert" className="mt-1 text-sm text-red-700">
                          {nameError}
                        </p>
                      ) : null}
                    </form>
                  </details>
                  <form action={act} noValidate className="text-sm">
                    <input type="hidden" name="intent" value="remove" />
                    <input type="hidden" name="credentialId" value={k.id} />
                    <ConfirmCheckbox id={`confirm-remove-${k.id}`} label={`Yes, remove ${k.name}`} state={rowState} />
                    <SubmitButton variant="danger">Remove</SubmitButton>
                  </form>
                </div>
              </li>
            );
          })}
        </ul>
      ) : null}
    </div>
  );
}
