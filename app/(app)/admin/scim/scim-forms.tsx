"use client";

import { useActionState } from "react";
import { ConfirmCheckbox } from "@/components/admin/confirm-checkbox";
import { Field, FormMessage, SubmitButton } from "@/components/form";
import { createScimTokenAction, mapDirectoryGroupAction, revokeScimTokenAction } from "./actions";

export function CreateScimTokenForm() {
  const [state, action] = useActionState(createScimTokenAction, undefined);
  const token = state?.ok ? state.values?.scimBearer : undefined;
  return (
    <form action={action} noValidate className="rounded-md border border-slate-200 bg-white p-4" aria-labelledby="new-scim-token-title">
      <h3 id="new-scim-token-title" className="mb-3 text-lg font-semibold">
        Create a token
      </h3>
      <FormMessage state={state} />
      {token ? (
        <div className="mb-4 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm">
          <p className="mb-1 font-semibold">SCIM token (shown once)</p>
          <code data-testid="scim-token" className="block break-all font-mono">
            {token}
          </code>
        </div>
      ) : null}
      <Field name="name" label="Name" required maxLength={60} hint="Which identity provider uses it, for example Okta or Entra ID." state={state?.ok ? undefined : state} />
      <SubmitButton>Create token</SubmitButton>
    </form>
  );
}

export function RevokeScimTokenForm({ tokenId, name }: { tokenId: string; name: string }) {
  const [state, action] = useActionState(revokeScimTokenAction, undefined);
  return (
    <form action={action} noValidate className="mt-2">
      <FormMessage state={state} />
      <input type="hidden" name="tokenId" value={tokenId} />
      <ConfirmCheckbox id={`confirm-revoke-${tokenId}`} label={`Yes, revoke the token “${name}”: provisioning with it stops`} state={state} />
      <SubmitButton variant="danger">Revoke token</SubmitButton>
    </form>
  );
}

export function MapGroupForm({ groupId, groupName, roleId, roles }: { groupId: string; groupName: string; roleId: string | null; roles: { id: string; name: string }[] }) {
  const [state, action] = useActionState(mapDirectoryGroupAction, undefined);
  const id = `map-${groupId}`;
  const error = state?.fieldErrors?.roleId;
  return (
    <form action={action} noValidate className="flex flex-wrap items-end gap-3">
      <input type="hidden" name="groupId" value={groupId} />
      <div>
        <label htmlFor={id} className="block text-sm font-medium text-slate-800">
          Role for members of {groupName}
        </label>
        <select id={id} name="roleId" defaultValue={roleId ?? "none"} aria-invalid={error ? true : undefined} className="mt-1 rounded-md border border-slate-300 bg-white px-3 py-2 text-sm">
          <option value="none">No role</option>
          {roles.map((r) => (
            <option key={r.id} value={r.id}>
              {r.name}
            </option>
          ))}
        </select>
        {error ? (
          <p role="alert" className="mt-1 text-sm text-red-700">
            {error}
          </p>
        ) : null}
      </div>
      <SubmitButton variant="secondary">Save mapping</SubmitButton>
      <div className="basis-full">
        <FormMessage state={state} />
      </div>
    </form>
  );
}
