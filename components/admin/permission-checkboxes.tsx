"use client";

import type { FormState } from "@/lib/gate";
import { PERMISSION_PREFIX } from "@/lib/http/client";

const RESOURCE_LABELS: Record<string, string> = {
  dashboard: "Dashboard",
  reports: "Reports",
  bank_connections: "Bank connections",
  members: "Members",
  roles: "Roles and groups",
  audit: "Audit log",
  security: "Security",
  organization: "Organization",
  transfers: "File transfers",
};

/** Permission key -> the words an admin reads; handed down by the server page (lib/rbac is server-only). */
export type PermissionCatalogue = Readonly<Record<string, string>>;

function byResource(catalogue: PermissionCatalogue): [string, string[]][] {
  const groups = new Map<string, string[]>();
  for (const key of Object.keys(catalogue)) {
    const resource = key.split(":")[0]!;
    groups.set(resource, [...(groups.get(resource) ?? []), key]);
  }
  return [...groups.entries()];
}

/**
 * The permission catalogue as checkboxes, grouped by resource, each with its plain-language
 * description. Permissions the editor does not hold cannot be ticked (the server refuses them too).
 */
export function PermissionCheckboxes({ catalogue, held, initial, state }: { catalogue: PermissionCatalogue; held: readonly string[]; initial: readonly string[]; state?: FormState }) {
  const error = Object.entries(state?.fieldErrors ?? {}).find(([k]) => k.startsWith("permissions"))?.[1];
  return (
    <fieldset className="mb-4" aria-describedby={error ? "permissions-error" : "permissions-hint"}>
      <legend className="text-sm font-medium text-slate-800">Permissions this role grants</legend>
      <p id="permissions-hint" className="mb-2 text-xs text-slate-500">
        The role also holds everything granted to the roles below it. You can only grant permissions you hold yourself.
      </p>
      {error ? (
        <p id="permissions-error" role="alert" className="mb-2 text-sm text-red-700">
          {error}
        </p>
      ) : null}
      <div className="grid gap-3 sm:grid-cols-2">
        {byResource(catalogue).map(([resource, keys]) => (
          <fieldset key={resource} className="rounded-md border border-slate-200 bg-white p-3">
            <legend className="px-1 text-sm font-semibold text-slate-700">{RESOURCE_LABELS[resource] ?? resource}</legend>
            {keys.map((key) => {
              const id = `perm-${key.replace(":", "-")}`;
              const name = `${PERMISSION_PREFIX}${key}`;
              const wasChecked = initial.includes(key);
              const checked = state?.values ? state.values[name] === "on" : wasChecked;
              const grantable = held.includes(key) || wasChecked;
              return (
                <div key={key} className="mt-2 flex items-start gap-2">
                  <input id={id} name={name} type="checkbox" defaultChecked={checked} disabled={!grantable} className="mt-1 h-4 w-4" />
                  <label htmlFor={id} className={`text-sm ${grantable ? "text-slate-800" : "text-slate-400"}`}>
                    <code className="font-mono text-xs">{key}</code> {catalogue[key]}
                    {grantable ? null : <span className="block text-xs">You do not hold this permission.</span>}
                  </label>
                </div>
              );
            })}
          </fieldset>
        ))}
      </div>
    </fieldset>
  );
}
