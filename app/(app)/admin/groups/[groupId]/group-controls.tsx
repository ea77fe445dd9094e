"use client";

import { useActionState } from "react";
import { ConfirmCheckbox } from "@/components/admin/confirm-checkbox";
import { SelectField, type Option } from "@/components/admin/select-field";
import { FormMessage, SubmitButton } from "@/components/form";
import { addGroupMemberAction, deleteGroupAction, removeGroupMemberAction } from "../actions";

export type GroupMember = { userId: string; name: string; email: string };

export function GroupMembers({ groupId, groupName, members, canAssign }: { groupId: string; groupName: string; members: GroupMember[]; canAssign: boolean }) {
  const [state, remove] = useActionState(removeGroupMemberAction, undefined);
  return (
    <div>
      <FormMessage state={state} />
      {members.length === 0 ? <p className="text-sm text-slate-600">Nobody is in this group yet.</p> : null}
      <ul className="divide-y rounded-md border border-slate-200 bg-white empty:hidden">
        {members.map((m) => (
          <li key={m.userId} className="flex items-center justify-between gap-4 p-3 text-sm" data-testid="group-member">
            <span>
              {m.name} <span className="text-slate-600">{m.email}</span>
            </span>
            {canAssign ? (
              <form action={remove}>
                <input type="hidden" name="groupId" value={groupId} />
                <input type="hidden" name="userId" value={m.userId} />
                <button type="submit" className="rounded-md border border-slate-300 bg-white px-3 py-1 text-sm hover:bg-slate-100" aria-label={`Remove ${m.name} from ${groupName}`}>
                  Remove from group
                </button>
              </form>
            ) : null}
          </li>
        ))}
      </ul>
    </div>
  );
}

export function AddGroupMemberForm({ groupId, candidates }: { groupId: string; candidates: Option[] }) {
  const [state, action] = useActionState(addGroupMemberAction, undefined);
  if (candidates.length === 0) return <p className="mt-4 text-sm text-slate-600">Every member of the organization is already in this group.</p>;
  return (
    <form action={action} noValidate className="mt-4 rounded-md border border-slate-200 bg-white p-4" aria-labelledby="add-member-title">
      <h3 id="add-member-title" className="mb-2 font-medium">
        Add a member
      </h3>
      <FormMessage state={state} />
      <input type="hidden" name="groupId" value={groupId} />
      <SelectField id="group-add-member" name="userId" label="Member" options={candidates} placeholder="Choose a member" defaultValue="" state={state} />
      <SubmitButton>Add to group</SubmitButton>
    </form>
  );
}

export function DeleteGroupForm({ groupId, name }: { groupId: string; name: string }) {
  const [state, action] = useActionState(deleteGroupAction, undefined);
  return (
    <form action={action} noValidate className="mt-6 rounded-md border border-red-200 bg-white p-4" aria-labelledby="delete-group-title">
      <h2 id="delete-group-title" className="mb-2 text-lg font-medium text-red-900">
        Delete this group
      </h2>
      <FormMessage state={state} />
      <p className="mb-3 text-sm text-slate-700">Its members lose the roles the group carries; their own roles stay.</p>
      <input type="hidden" name="groupId" value={groupId} />
      <ConfirmCheckbox id="confirm-delete-group" label={`Yes, delete the group ${name}`} state={state} />
      <SubmitButton variant="danger">Delete group</SubmitButton>
    </form>
  );
}
