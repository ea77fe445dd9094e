"use client";

import { useActionState } from "react";
import { ConfirmCheckbox } from "@/components/admin/confirm-checkbox";
import { FormMessage, SubmitButton } from "@/components/form";
import { deleteRoleAction } from "../actions";

export function DeleteRoleForm({ roleId, name }: { roleId: string; name: string }) {
  const [state, action] = useActionState(deleteRoleAction, undefined);
  return (
    <form action={action} noValidate className="mt-6 rounded-md border border-red-200 bg-white p-4" aria-labelledby="delete-role-title">
      <h2 id="delete-role-title" className="mb-2 text-lg font-medium text-red-900">
        Delete this role
      </h2>
      <FormMessage state={state} />
      <p className="mb-3 text-sm text-slate-700">Only a role nobody holds (directly, through a group or an invitation) can be deleted. Roles below it move up one level.</p>
      <input type="hidden" name="roleId" value={roleId} />
      <ConfirmCheckbox id="confirm-delete-role" label={`Yes, delete the role ${name}`} state={state} />
      <SubmitButton variant="danger">Delete role</SubmitButton>
    </form>
  );
}
