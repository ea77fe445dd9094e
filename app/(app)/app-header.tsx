"use client";

import Link from "next/link";
import { useActionState } from "react";
import { signOutAction, switchOrganizationAction } from "./actions";

type Org = { id: string; name: string; role: string };

export function AppHeader(props: { userName: string; activeOrgId: string; orgs: Org[]; isOperator: boolean; showAdmin: boolean; showMfaPolicy: boolean; nav: { transactions: boolean; connections: boolean; transfers: boolean; backups: boolean } }) {
  const [, signOut] = useActionState(signOutAction, undefined);
  const [switchState, switchOrg] = useActionState(switchOrganizationAction, undefined);
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-4 px-6 py-3">
        <Link href="/dashboard" className="text-lg font-semibold text-blue-800">
          ChargeKeep
        </Link>
        <nav aria-label="Main" className="flex gap-4 text-sm">
          <Link href="/dashboard">Dashboard</Link>
          {props.nav.transactions ? <Link href="/transactions">Transactions</Link> : null}
          {props.nav.connections ? <Link href="/connections">Banks</Link> : null}
          {props.nav.transfers ? <Link href="/transfers">File transfer</Link> : null}
          <Link href="/settings/sessions">Sessions</Link>
          <Link href="/settings/security">Security</Link>
          <Link href="/settings/organizations">Organizations</Link>
          {props.showAdmin ? <Link href="/admin/members">Admin</Link> : null}
          {props.showMfaPolicy ? <Link href="/settings/mfa-policy">MFA policy</Link> : null}
          {props.nav.backups ? <Link href="/admin/backups">Backups</Link> : null}
          {props.isOperator ? <Link href="/admin/contact-messages">Contact messages</Link> : null}
        </nav>
        <form action={switchOrg} className="ml-auto flex items-center gap-2 text-sm">
          <label htmlFor="org-switch">Organization</label>
          <select id="org-switch" name="organizationId" defaultValue={props.activeOrgId} className="rounded border border-slate-300 px-2 py-1">
            {props.orgs.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </select>
          <button type="submit" className="rounded border border-slate-300 px-2 py-1">
            Switch
          </button>
          {switchState?.message && !switchState.ok ? <span role="alert" className="text-red-700">{switchState.message}</span> : null}
        </form>
        <span className="text-sm text-slate-600">{props.userName}</span>
        <form action={signOut}>
          <button type="submit" className="rounded bg-slate-800 px-3 py-1 text-sm text-white">
            Sign out
          </button>
        </form>
      </div>
    </header>
  );
}
