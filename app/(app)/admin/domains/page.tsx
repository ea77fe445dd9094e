import type { Metadata } from "next";
import { requirePagePermission } from "@/lib/gate";
import { listDomains, txtRecordFor } from "@/lib/sso";
import { addDomainAction, removeDomainAction, verifyDomainAction } from "./actions";
import { AddDomainForm, DomainButton } from "./domain-forms";

export const metadata: Metadata = { title: "Domains" };

/** E-mail domains proven by a DNS TXT record: single sign-on and "SSO required" apply to addresses on them. */
export default async function DomainsPage() {
  const { session: ctx, db } = await requirePagePermission("security:manage");
  const domains = await listDomains(db, ctx.organization.id);
  return (
    <section aria-labelledby="domains-title">
      <h1 id="domains-title" className="mb-2 text-2xl font-semibold">
        Domains
      </h1>
      <p className="mb-6 text-sm text-slate-600">
        Prove that {ctx.organization.name} controls an e-mail domain by publishing a DNS TXT record. A domain can be verified by one organization only; it is checked again daily.
      </p>
      <div className="grid gap-8 lg:grid-cols-[minmax(0,22rem)_1fr]">
        <AddDomainForm action={addDomainAction} />
        <ul className="space-y-4">
          {domains.length === 0 ? <li className="text-sm text-slate-600">No domains yet.</li> : null}
          {domains.map((d) => {
            const record = txtRecordFor(d);
            return (
              <li key={d.id} className="rounded-md border border-slate-200 p-4 text-sm" data-testid={`domain-${d.domain}`}>
                <p className="font-medium">
                  {d.domain} — <span data-testid="domain-status">{d.verifiedAt ? "verified" : "not verified"}</span>
                </p>
                <p className="mt-1">
                  TXT record name: <code data-testid="txt-name">{record.name}</code>
                </p>
                <p>
                  Value: <code data-testid="txt-value">{record.value}</code>
                </p>
                {d.lastCheckResult && d.lastCheckResult !== "ok" ? <p className="mt-1 text-red-800">{d.lastCheckResult}</p> : null}
                <div className="mt-3 flex gap-2">
                  <DomainButton action={verifyDomainAction} domainId={d.id} label="Verify" />
                  <DomainButton action={removeDomainAction} domainId={d.id} label="Remove" variant="danger" confirm={`Yes, remove ${d.domain} (single sign-on and "SSO required" stop applying to it)`} />
                </div>
              </li>
            );
          })}
        </ul>
      </div>
    </section>
  );
}
