"use client";

import { useActionState } from "react";
import { ConfirmCheckbox } from "@/components/admin/confirm-checkbox";
import { SelectField } from "@/components/admin/select-field";
import { FormMessage, SubmitButton } from "@/components/form";
import type { FormState } from "@/lib/gate";

type Action = (prev: FormState | undefined, form: FormData) => Promise<FormState>;

/**
 * Adds one rule. The self-lock-out confirmation only appears once the server has said the rule
 * would shut the caller out (its message sits next to the box).
 */
export function FirewallRuleForm({ action, target, title }: { action: Action; target: "organization" | "global"; title: string }) {
  const [state, submit] = useActionState(action, undefined);
  const id = `fw-${target}`;
  const needsConfirm = Boolean(state?.fieldErrors?.confirmSelfBlock);
  return (
    <form action={submit} noValidate className="max-w-md rounded-md border border-slate-200 bg-white p-4" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="mb-3 text-lg font-medium">
        {title}
      </h2>
      <FormMessage state={needsConfirm ? undefined : state} />
      <input type="hidden" name="target" value={target} />
      <TextField id={`${id}-cidr`} name="cidr" label="IP address or network" hint="For example 203.0.113.0/24, 198.51.100.7 or 2001:db8::/32." maxLength={100} state={state} />
      <SelectField
        id={`${id}-action`}
        name="action"
        label="Rule"
        options={[
          { value: "allow", label: "Allow: only allowed networks may use this organization" },
          { value: "deny", label: "Deny: block this network" },
        ]}
        defaultValue="deny"
        state={state}
      />
      <TextField id={`${id}-reason`} name="reason" label="Reason" maxLength={300} state={state} />
      <TextField id={`${id}-expires`} name="expiresAt" label="Expires (UTC, optional)" type="datetime-local" hint="Leave empty to keep the rule until it is removed." state={state} />
      {needsConfirm ? <ConfirmCheckbox id={`${id}-self`} name="confirmSelfBlock" label="Yes, add it even though it blocks my own connection" state={state} /> : null}
      <SubmitButton>Add rule</SubmitButton>
    </form>
  );
}

/** Like components/form Field, with explicit ids: the page holds two of these forms (organization and global). */
function TextField(props: { id: string; name: string; label: string; type?: string; hint?: string; maxLength?: number; state?: FormState }) {
  const error = props.state?.fieldErrors?.[props.name];
  const describedBy = [props.hint ? `${props.id}-hint` : null, error ? `${props.id}-error` : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className="mb-4">
      <label htmlFor={props.id} className="block text-sm font-medium text-slate-800">
        {props.label}
      </label>
      <input
        id={props.id}
        name={props.name}
        type={props.type ?? "text"}
        maxLength={props.maxLength}
        defaultValue={props.state?.values?.[props.name]}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        autoComplete="off"
        className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-blue-600"
      />
      {props.hint ? (
        <p id={`${props.id}-hint`} className="mt-1 text-xs text-slate-500">
          {props.hint}
        </p>
      ) : null}
      {error ? (
        <p id={`${props.id}-error`} role="alert" className="mt-1 text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}
