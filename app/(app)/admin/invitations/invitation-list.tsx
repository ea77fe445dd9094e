"use client";

import { useActionState } from "react";
import { ConfirmCheckbox } from "@/components/admin/confirm-checkbox";
import { FormMessage, SubmitButton } from "@/components/form";
import { revokeInvitationAction } from "./actions";

export type PendingInvitation = { id: string; email: string; roleName: string; created: string; expires: string };

const fmt = (iso: string) => `${new Date(iso).toLocaleString("en-GB", { timeZone: "UTC", dateStyle: "medium", timeStyle: "short" })} UTC`;

export function InvitationList({ invitations }: { invitations: PendingInvitation[] }) {
  // One state for the whole list: a revoked row disappears, its outcome stays above the list.
  const [state, revoke] = useActionState(revokeInvitationAction, undefined);
  const failedRow = state && !state.ok ? state.values?.invitationId : undefined;
  return (
    <div>
      {failedRow ? null : <FormMessage state={state} />}
      {invitations.length === 0 ? <p className="text-sm text-slate-600">No pending invitations.</p> : null}
      <ul className="divide-y rounded-md border border-slate-200 bg-white empty:hidden">
        {invitations.map((inv) => (
          <li key={inv.id} className="grid gap-3 p-4 text-sm md:grid-cols-2" data-testid="invitation-row" aria-label={`Invitation to ${inv.email}`}>
            <div>
              <p className="font-medium">{inv.email}</p>
              <p className="text-slate-600">As {inv.roleName}</p>
              <p className="text-slate-600">
                Sent <time dateTime={inv.created}>{fmt(inv.created)}</time>, expires <time dateTime={inv.expires}>{fmt(inv.expires)}</time>
              </p>
            </div>
            <form action={revoke} noValidate>
              {failedRow === inv.id ? <FormMessage state={state} /> : null}
              <input type="hidden" name="invitationId" value={inv.id} />
              <ConfirmCheckbox id={`confirm-revoke-${inv.id}`} label={`Yes, revoke the invitation to ${inv.email}`} state={failedRow === inv.id ? state : undefined} />
              <SubmitButton variant="secondary">Revoke invitation</SubmitButton>
            </form>
          </li>
        ))}
      </ul>
    </div>
  );
}
