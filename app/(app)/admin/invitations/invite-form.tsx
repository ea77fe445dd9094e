"use client";

import { useActionState } from "react";
import { SelectField, type Option } from "@/components/admin/select-field";
import { Field, FormMessage, SubmitButton } from "@/components/form";
import { inviteMemberAction } from "./actions";

export function InviteForm({ roles, defaultRoleId }: { roles: Option[]; defaultRoleId?: string }) {
  const [state, action] = useActionState(inviteMemberAction, undefined);
  return (
    <form action={action} noValidate className="max-w-md rounded-md border border-slate-200 bg-white p-4" aria-labelledby="invite-title">
      <h2 id="invite-title" className="mb-3 text-lg font-medium">
        Invite someone
      </h2>
      <FormMessage state={state} />
      <Field name="email" label="E-mail address" type="email" autoComplete="off" required maxLength={254} state={state} />
      <SelectField id="invite-role" name="roleId" label="Role" options={roles} defaultValue={defaultRoleId} placeholder="Choose a role" state={state} />
      <SubmitButton>Send invitation</SubmitButton>
    </form>
  );
}
