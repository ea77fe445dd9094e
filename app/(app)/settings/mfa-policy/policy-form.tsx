"use client";

import { useActionState, useState } from "react";
import { ROLE_PREFIX } from "@/lib/http/client";
import { Field, FormMessage, SubmitButton } from "@/components/form";
import { saveMfaPolicyAction } from "./actions";

type Policy = "off" | "all" | "roles";
export type PolicyRoleChoice = { id: string; name: string; depth: number };

// Indentation by seniority without inline styles (the CSP blocks style attributes).
const INDENT = ["pl-0", "pl-5", "pl-10", "pl-14", "pl-20"];

export function MfaPolicyForm(props: { organizationName: string; policy: Policy; graceDays: number; roleIds: string[]; roles: PolicyRoleChoice[] }) {
  const [state, action] = useActionState(saveMfaPolicyAction, undefined);
  const [policy, setPolicy] = useState<Policy>(props.policy);
  const rolesError = Object.entries(state?.fieldErrors ?? {}).find(([k]) => k.startsWith("roleIds"))?.[1];
  const options: { value: Policy; label: string; hint: string }[] = [
    { value: "off", label: "Nobody is required to", hint: "Members may still turn it on for themselves." },
    { value: "all", label: `Everyone in ${props.organizationName}`, hint: "Every member must set up a second factor." },
    { value: "roles", label: "Members with the roles chosen below", hint: "Members holding one of them, directly or through a group." },
  ];
  return (
    <form action={action} noValidate aria-labelledby="policy-form-title" className="mb-8 max-w-2xl rounded-md border border-slate-200 bg-slate-50 p-4">
      <h2 id="policy-form-title" className="mb-3 text-lg font-medium">
        Policy
      </h2>
      <FormMessage state={state} />
      <fieldset className="mb-4">
        <legend className="text-sm font-medium text-slate-800">Who must use two-step verification</legend>
        {state?.fieldErrors?.policy ? (
          <p role="alert" className="mt-1 text-sm text-red-700">
            {state.fieldErrors.policy}
          </p>
        ) : null}
        {options.map((o) => (
          <div key={o.value} className="mt-2 flex items-start gap-2">
            <input
              id={`policy-${o.value}`}
              type="radio"
              name="policy"
              value={o.value}
              checked={policy === o.value}
              onChange={() => setPolicy(o.value)}
              aria-describedby={`policy-${o.value}-hint`}
              className="mt-1 h-4 w-4"
            />
            <label htmlFor={`policy-${o.value}`} className="text-sm text-slate-800">
              <span className="font-medium">{o.label}</span>
              <span id={`policy-${o.value}-hint`} className="block text-xs text-slate-500">
                {o.hint}
              </span>
            </label>
          </div>
        ))}
      </fieldset>

      <fieldset className="mb-4" disabled={policy !== "roles"} aria-describedby={rolesError ? "policy-roles-error" : "policy-roles-hint"}>
        <legend className="text-sm font-medium text-slate-800">Roles that must use it</legend>
        <p id="policy-roles-hint" className="mb-2 text-xs text-slate-500">
          A chosen role also covers every role above it: choosing Accountant covers Admin and Owner too.
        </p>
        {rolesError ? (
          <p id="policy-roles-error" role="alert" className="mb-2 text-sm text-red-700">
            {rolesError}
          </p>
        ) : null}
        {props.roles.map((r) => {
          const name = `${ROLE_PREFIX}${r.id}`;
          const checked = state?.values ? state.values[name] === "on" : props.roleIds.includes(r.id);
          return (
            <div key={r.id} className={`mt-2 flex items-center gap-2 ${INDENT[Math.min(r.depth, INDENT.length - 1)]}`}>
              <input id={`policy-role-${r.id}`} name={name} type="checkbox" defaultChecked={checked} className="h-4 w-4 disabled:opacity-50" />
              <label htmlFor={`policy-role-${r.id}`} className="text-sm text-slate-800">
                {r.name}
              </label>
            </div>
          );
        })}
      </fieldset>

      <div className="max-w-xs">
        <Field
          name="graceDays"
          label="Grace period in days"
          type="number"
          required
          defaultValue={String(props.graceDays)}
          hint="0 to 90. Members without a second factor keep working until then; afterwards they can only open their Security settings."
          state={state}
        />
      </div>
      <SubmitButton>Save policy</SubmitButton>
    </form>
  );
}
