"use client";

import { useActionState } from "react";
import { ConfirmCheckbox } from "@/components/admin/confirm-checkbox";
import { FormMessage } from "@/components/form";
import type { FormState } from "@/lib/gate";

type Action = (prev: FormState | undefined, form: FormData) => Promise<FormState>;

export type ListedRule = {
  id: string;
  cidr: string;
  action: "allow" | "deny";
  reason: string;
  createdBy: string;
  created: string;
  expires: string | null;
  expired: boolean;
};

const fmt = (iso: string) => `${new Date(iso).toLocaleString("en-GB", { timeZone: "UTC", dateStyle: "medium", timeStyle: "short" })} UTC`;

/** Rules of one scope, each with expire (ends it now, keeps it listed) and remove. */
export function FirewallRuleList({ rules, action, target, empty }: { rules: ListedRule[]; action: Action; target: "organization" | "global"; empty: string }) {
  // One state for the list: a removed row disappears, its outcome stays above the list.
  const [state, end] = useActionState(action, undefined);
  const failedRow = state && !state.ok ? state.values?.ruleId : undefined;
  return (
    <div>
      {failedRow ? null : <FormMessage state={state} />}
      {rules.length === 0 ? <p className="text-sm text-slate-600">{empty}</p> : null}
      <ul className="divide-y rounded-md border border-slate-200 bg-white empty:hidden">
        {rules.map((r) => (
          <li key={r.id} className="grid gap-3 p-4 text-sm md:grid-cols-2" data-testid="firewall-rule" aria-label={`${r.action} ${r.cidr}`}>
            <div>
              <p className="font-medium">
                <span className={r.action === "deny" ? "text-red-800" : "text-green-800"}>{r.action === "deny" ? "Deny" : "Allow"}</span> <code>{r.cidr}</code>
                {r.expired ? <span className="ml-2 rounded bg-slate-100 px-1 text-xs text-slate-600">expired</span> : null}
              </p>
              <p className="text-slate-700">{r.reason}</p>
              <p className="text-slate-600">
                Added by {r.createdBy} on <time dateTime={r.created}>{fmt(r.created)}</time>
                {r.expires ? (
                  <>
                    , {r.expired ? "expired" : "expires"} <time dateTime={r.expires}>{fmt(r.expires)}</time>
                  </>
                ) : (
                  ", no expiry"
                )}
              </p>
            </div>
            <form action={end} noValidate>
              {failedRow === r.id ? <FormMessage state={state} /> : null}
              <input type="hidden" name="ruleId" value={r.id} />
              <input type="hidden" name="target" value={target} />
              <ConfirmCheckbox id={`fw-confirm-${r.id}`} label={`Yes, end the rule for ${r.cidr}`} state={failedRow === r.id ? state : undefined} />
              {failedRow === r.id && state?.fieldErrors?.confirmSelfBlock ? (
                <ConfirmCheckbox id={`fw-self-${r.id}`} name="confirmSelfBlock" label="Yes, even though it locks me out" state={state} />
              ) : null}
              <div className="flex gap-2">
                {r.expired ? null : (
                  <button type="submit" name="how" value="expire" className="rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-semibold text-slate-800 hover:bg-slate-100">
                    Expire now
                  </button>
                )}
                <button type="submit" name="how" value="remove" className="rounded-md bg-red-700 px-4 py-2 text-sm font-semibold text-white hover:bg-red-800">
                  Remove
                </button>
              </div>
            </form>
          </li>
        ))}
      </ul>
    </div>
  );
}
