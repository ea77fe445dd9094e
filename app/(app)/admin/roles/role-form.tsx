"use client";

import { useActionState } from "react";
import { PermissionCheckboxes, type PermissionCatalogue } from "@/components/admin/permission-checkboxes";
import { SelectField, type Option } from "@/components/admin/select-field";
import { Field, FormMessage, SubmitButton } from "@/components/form";
import { createRoleAction, updateRoleAction } from "./actions";

export type RoleFormValues = { name: string; description: string; parentId: string; permissions: string[] };

/** Create a custom role, or edit one (same fields, prefilled). Built-in roles keep their name. */
export function RoleForm(props: { roleId?: string; builtIn?: boolean; initial: RoleFormValues; parents: Option[]; held: string[]; catalogue: PermissionCatalogue }) {
  const [state, action] = useActionState(props.roleId ? updateRoleAction : createRoleAction, undefined);
  return (
    <form action={action} noValidate className="rounded-md border border-slate-200 bg-slate-50 p-4" aria-labelledby="role-form-title">
      <h2 id="role-form-title" className="mb-3 text-lg font-medium">
        {props.roleId ? "Edit role" : "Create a custom role"}
      </h2>
      <FormMessage state={state} />
      {props.roleId ? <input type="hidden" name="roleId" value={props.roleId} /> : null}
      {props.builtIn ? (
        <>
          <input type="hidden" name="name" value={props.initial.name} />
          <p className="mb-4 text-sm text-slate-700">Built-in roles keep their name; you can change what they grant and where they sit.</p>
        </>
      ) : (
        <Field name="name" label="Name" required maxLength={60} defaultValue={props.initial.name} state={state} />
      )}
      <Field name="description" label="Description" maxLength={300} defaultValue={props.initial.description} hint="What people with this role do, in a sentence." state={state} />
      <SelectField
        id="role-parent"
        name="parentId"
        label="Sits directly below"
        options={props.parents}
        defaultValue={props.initial.parentId}
        placeholder="Choose the role above this one"
        hint="The role above, and every role above that, also get this role's permissions."
        state={state}
      />
      <PermissionCheckboxes catalogue={props.catalogue} held={props.held} initial={props.initial.permissions} state={state} />
      <SubmitButton>{props.roleId ? "Save role" : "Create role"}</SubmitButton>
    </form>
  );
}
