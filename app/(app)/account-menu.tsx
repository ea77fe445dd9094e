"use client";

import Link from "next/link";
import { useActionState } from "react";
import { useDisclosure } from "@/components/nav/use-disclosure";
import { signOutAction, switchOrganizationAction } from "./actions";

export type Org = { id: string; name: string; role: string };

const ACCOUNT_MENU_ID = "account-menu";

/**
 * Who is signed in and where, in one place: name and e-mail, the organization switcher, the
 * personal settings and sign-out. The panel is placed against the header row (its positioned parent),
 * so it stays inside a 375 px screen.
 */
export function AccountMenu(props: { userName: string; email: string; activeOrgId: string; orgs: Org[]; pathname: string }) {
  const [, signOut] = useActionState(signOutAction, undefined);
  const [switchState, switchOrg] = useActionState(switchOrganizationAction, undefined);
  const { open, toggle, buttonRef, panelRef, closeOnLink } = useDisclosure<HTMLDivElement>(`${props.pathname}|${props.activeOrgId}`);
  const activeOrg = props.orgs.find((o) => o.id === props.activeOrgId);
  return (
    <>
      <button
        ref={buttonRef}
        type="button"
        aria-expanded={open}
        aria-controls={ACCOUNT_MENU_ID}
        onClick={toggle}
        className="flex min-w-0 items-center gap-2 rounded border border-slate-300 px-2 py-1 text-left text-sm hover:bg-slate-50"
      >
        <span className="sr-only">Account menu: </span>
        <span className="flex min-w-0 flex-col">
          <span className="max-w-[9rem] truncate font-medium sm:max-w-[14rem]">{props.userName}</span>
          {activeOrg ? <span className="hidden max-w-[14rem] truncate text-xs text-slate-600 sm:block">{activeOrg.name}</span> : null}
        </span>
        <span aria-hidden="true" className="text-xs text-slate-500">
          {open ? "▲" : "▼"}
        </span>
      </button>
      <div
        id={ACCOUNT_MENU_ID}
        ref={panelRef}
        hidden={!open}
        onClick={closeOnLink}
        className="absolute top-full right-4 left-4 z-20 mt-1 rounded-md border border-slate-200 bg-white p-4 text-sm shadow-lg sm:left-auto sm:w-80"
      >
        <p className="font-semibold">{props.userName}</p>
        <p className="break-all text-slate-600">{props.email}</p>
        <form action={switchOrg} className="mt-4 border-t border-slate-200 pt-4">
          <label htmlFor="org-switch" className="block font-medium">
            Organization
          </label>
          <div className="mt-1 flex gap-2">
            <select id="org-switch" name="organizationId" defaultValue={props.activeOrgId} className="min-w-0 flex-1 rounded border border-slate-300 px-2 py-1">
              {props.orgs.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.name}
                </option>
              ))}
            </select>
            <button type="submit" className="rounded border border-slate-300 px-2 py-1">
              Switch
            </button>
          </div>
          {switchState?.message && !switchState.ok ? (
            <p role="alert" className="mt-1 text-red-700">
              {switchState.message}
            </p>
          ) : null}
        </form>
        <ul className="mt-4 space-y-1 border-t border-slate-200 pt-4">
          <li>
            <Link href="/settings/security" prefetch={false} className="block rounded px-2 py-1 hover:bg-slate-100">
              Security
            </Link>
          </li>
          <li>
            <Link href="/settings/sessions" prefetch={false} className="block rounded px-2 py-1 hover:bg-slate-100">
              Sessions
            </Link>
          </li>
        </ul>
        <form action={signOut} className="mt-4 border-t border-slate-200 pt-4">
          <button type="submit" className="w-full rounded bg-slate-800 px-3 py-1.5 text-white">
            Sign out
          </button>
        </form>
      </div>
    </>
  );
}
