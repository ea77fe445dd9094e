"use client";

import { useActionState } from "react";
import { RoleCheckboxes, type RoleChoice } from "@/components/admin/role-checkboxes";
import { Field, FormMessage, SubmitButton } from "@/components/form";
import { createGroupAction, updateGroupAction } from "./actions";

export type GroupFormValues = { name: string; description: string; roleIds: string[] };

export function GroupForm({ groupId, initial, roles }: { groupId?: string; initial: GroupFormValues; roles: RoleChoice[] }) {
  const [state, action] = useActionState(groupId ? updateGroupAction : createGroupAction, undefined);
  return (
    <form action={action} noValidate className="rounded-md border border-slate-200 bg-slate-50 p-4" aria-labelledby="group-form-title">
      <h2 id="group-form-title" className="mb-3 text-lg font-medium">
        {groupId ? "Edit group" : "Create a group"}
      </h2>
      <FormMessage state={state} />
      {groupId ? <input type="hidden" name="groupId" value={groupId} /> : null}
      <Field name="name" label="Name" required maxLength={60} defaultValue={initial.name} state={state} />
      <Field name="description" label="Description" maxLength={300} defaultValue={initial.description} state={state} />
      <RoleCheckboxes roles={roles} initial={initial.roleIds} state={state} />
      <SubmitButton>{groupId ? "Save group" : "Create group"}</SubmitButton>
    </form>
  );
}
