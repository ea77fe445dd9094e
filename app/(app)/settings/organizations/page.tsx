import type { Metadata } from "next";
import { requirePageSession } from "@/lib/gate";
import { listMyOrganizations } from "@/lib/orgs";
import { CreateOrgForm } from "./create-org-form";

export const metadata: Metadata = { title: "Organizations" };

export default async function OrganizationsPage() {
  const { session: ctx, db } = await requirePageSession();
  const orgs = await listMyOrganizations(db, ctx.user.id);
  return (
    <section aria-labelledby="orgs-title">
      <h1 id="orgs-title" className="mb-4 text-2xl font-semibold">Your organizations</h1>
      <ul className="mb-8 divide-y rounded-md border bg-white">
        {orgs.map((o) => (
          <li key={o.id} className="flex justify-between p-3 text-sm">
            <span>
              {o.name} {o.id === ctx.organization.id ? <strong className="ml-1 text-green-800">(active)</strong> : null}
            </span>
            <span className="text-slate-600">{o.role}{o.status === "suspended" ? " (suspended)" : ""}</span>
          </li>
        ))}
      </ul>
      <h2 className="mb-2 text-lg font-medium">Start another organization</h2>
      <p className="mb-4 text-sm text-slate-600">You will be its owner. Switch between organizations from the header.</p>
      <CreateOrgForm />
    </section>
  );
}
