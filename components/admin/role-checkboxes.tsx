"use client";

import type { FormState } from "@/lib/gate";
import { ROLE_PREFIX } from "@/lib/http/client";

export type RoleChoice = { id: string; name: string; description: string; depth: number };

/** Roles a group carries, as checkboxes in tree order (indented by seniority). */
export function RoleCheckboxes({ roles, initial, state }: { roles: RoleChoice[]; initial: readonly string[]; state?: FormState }) {
  const error = Object.entries(state?.fieldErrors ?? {}).find(([k]) => k.startsWith("roleIds"))?.[1];
  return (
    <fieldset className="mb-4" aria-describedby={error ? "group-roles-error" : "group-roles-hint"}>
      <legend className="text-sm font-medium text-slate-800">Roles the group carries</legend>
      <p id="group-roles-hint" className="mb-2 text-xs text-slate-500">
        Every member of the group holds these roles in addition to their own.
      </p>
      {error ? (
        <p id="group-roles-error" role="alert" className="mb-2 text-sm text-red-700">
          {error}
        </p>
      ) : null}
      {roles.map((r) => {
        const id = `group-role-${r.id}`;
        const name = `${ROLE_PREFIX}${r.id}`;
        const checked = state?.values ? state.values[name] === "on" : initial.includes(r.id);
        return (
          <div key={r.id} className="mt-2 flex items-start gap-2" style={{ paddingLeft: `${r.depth * 1.25}rem` }}>
            <input id={id} name={name} type="checkbox" defaultChecked={checked} className="mt-1 h-4 w-4" />
            <label htmlFor={id} className="text-sm text-slate-800">
              <span className="font-medium">{r.name}</span>
              {r.description ? <span className="text-slate-600"> — {r.description}</span> : null}
            </label>
          </div>
        );
      })}
    </fieldset>
  );
}
