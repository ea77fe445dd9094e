"use client";

import { useActionState } from "react";
import { ConfirmCheckbox } from "@/components/admin/confirm-checkbox";
import { SelectField, type Option } from "@/components/admin/select-field";
import { FormMessage, SubmitButton } from "@/components/form";
import type { FormState } from "@/lib/gate";
import {
  changeMemberRoleAction,
  forcePasswordResetAction,
  reactivateMemberAction,
  removeMemberAction,
  revokeMemberSessionsAction,
  suspendMemberAction,
} from "./actions";

const panel = "mb-4 rounded-md border border-slate-200 bg-white p-4";

export function ChangeRoleForm({ userId, currentRoleId, roles }: { userId: string; currentRoleId: string; roles: Option[] }) {
  const [state, action] = useActionState(changeMemberRoleAction, undefined);
  return (
    <form action={action} noValidate className={panel} aria-labelledby="change-role-title">
      <h2 id="change-role-title" className="mb-2 text-lg font-medium">
        Role
      </h2>
      <FormMessage state={state} />
      <input type="hidden" name="userId" value={userId} />
      <SelectField
        id="member-role"
        name="roleId"
        label="Role in this organization"
        options={roles}
        defaultValue={currentRoleId}
        hint="Only roles whose permissions you hold yourself are listed. The change applies on the member's next request."
        state={state}
      />
      <SubmitButton>Change role</SubmitButton>
    </form>
  );
}

/** Suspend or reactivate, end sessions, force a password reset, remove: each with its own confirmation. */
export function ManageMemberForms({ userId, name, organizationName, suspended }: { userId: string; name: string; organizationName: string; suspended: boolean }) {
  // One state for suspend and reactivate, so the outcome stays on screen when the form flips.
  const [accessState, changeAccess] = useActionState(
    (prev: FormState | undefined, form: FormData) => (form.get("intent") === "reactivate" ? reactivateMemberAction(prev, form) : suspendMemberAction(prev, form)),
    undefined,
  );
  const [sessionsState, revokeSessions] = useActionState(revokeMemberSessionsAction, undefined);
  const [resetState, forceReset] = useActionState(forcePasswordResetAction, undefined);
  const [removeState, remove] = useActionState(removeMemberAction, undefined);
  return (
    <div>
      <section className={panel} aria-labelledby="access-title">
        <h2 id="access-title" className="mb-2 text-lg font-medium">
          Access
        </h2>
        <FormMessage state={accessState} />
        {suspended ? (
          <form action={changeAccess} noValidate>
            <input type="hidden" name="intent" value="reactivate" />
            <p className="mb-3 text-sm text-slate-700">{name} is suspended: they cannot sign in to {organizationName}.</p>
            <input type="hidden" name="userId" value={userId} />
            <SubmitButton>Reactivate {name}</SubmitButton>
          </form>
        ) : (
          <form action={changeAccess} noValidate>
            <input type="hidden" name="intent" value="suspend" />
            <p className="mb-3 text-sm text-slate-700">Suspending ends their sessions at once and refuses their sign-in until you reactivate them.</p>
            <input type="hidden" name="userId" value={userId} />
            <ConfirmCheckbox id="confirm-suspend" label={`Yes, suspend ${name}`} state={accessState} />
            <SubmitButton variant="danger">Suspend member</SubmitButton>
          </form>
        )}
      </section>

      <form action={revokeSessions} noValidate className={panel} aria-labelledby="sessions-title">
        <h2 id="sessions-title" className="mb-2 text-lg font-medium">
          Sessions
        </h2>
        <FormMessage state={sessionsState} />
        <p className="mb-3 text-sm text-slate-700">Signs {name} out of {organizationName} on every device. They can sign in again.</p>
        <input type="hidden" name="userId" value={userId} />
        <ConfirmCheckbox id="confirm-sessions" label={`Yes, sign ${name} out everywhere`} state={sessionsState} />
        <SubmitButton variant="danger">Sign out everywhere</SubmitButton>
      </form>

      <form action={forceReset} noValidate className={panel} aria-labelledby="reset-title">
        <h2 id="reset-title" className="mb-2 text-lg font-medium">
          Password
        </h2>
        <FormMessage state={resetState} />
        <p className="mb-3 text-sm text-slate-700">
          Their current password stops working, every session ends, and they get an e-mail with a link to choose a new one. You never see or set it.
        </p>
        <input type="hidden" name="userId" value={userId} />
        <ConfirmCheckbox id="confirm-reset" label={`Yes, make ${name} choose a new password`} state={resetState} />
        <SubmitButton variant="danger">Force password reset</SubmitButton>
      </form>

      <form action={remove} noValidate className={`${panel} border-red-200`} aria-labelledby="remove-title">
        <h2 id="remove-title" className="mb-2 text-lg font-medium text-red-900">
          Remove from the organization
        </h2>
        <FormMessage state={removeState} />
        <p className="mb-3 text-sm text-slate-700">
          {name} loses access to {organizationName} and leaves its groups. Their account stays; you can invite them again.
        </p>
        <input type="hidden" name="userId" value={userId} />
        <ConfirmCheckbox id="confirm-remove" label={`Yes, remove ${name} from ${organizationName}`} state={removeState} />
        <SubmitButton variant="danger">Remove member</SubmitButton>
      </form>
    </div>
  );
}
