import Link from "next/link";
import { headers } from "next/headers";
import { UtcTime } from "@/components/admin/utc-time";
import { requirePageSession } from "@/lib/gate";
import { listMyOrganizations } from "@/lib/orgs";
import { AppHeader } from "./app-header";

export default async function AppLayout({ children }: { children: React.ReactNode }) {
  // The layout also wraps the Security page, which a member past their organization's MFA deadline
  // must still reach: each page enforces the deadline itself (requirePageSession / requirePagePermission).
  const { session: ctx, db } = await requirePageSession({ allowMustEnrol: true });
  const orgs = await listMyOrganizations(db, ctx.user.id);
  const onSecurityPage = ((await headers()).get("x-pathname") ?? "").startsWith("/settings/security");
  const inGrace = ctx.mfa.required && !ctx.mfa.enrolled && !ctx.mfa.mustEnrol && ctx.mfa.enrolBy;
  return (
    <>
      <AppHeader
        userName={ctx.user.name}
        activeOrgId={ctx.organization.id}
        orgs={orgs}
        isOperator={ctx.user.isOperator}
        showAdmin={ctx.permissions.has("members:read")}
        showMfaPolicy={ctx.permissions.has("security:manage")}
        nav={{
          transactions: ctx.permissions.has("reports:read"),
          connections: ctx.permissions.has("bank_connections:read"),
          transfers: ctx.permissions.has("transfers:use"),
          backups: ctx.permissions.has("backups:read"),
        }}
      />
      {inGrace && !onSecurityPage ? (
        <div role="status" className="border-b border-amber-200 bg-amber-50" data-testid="mfa-grace-banner">
          <p className="mx-auto max-w-6xl px-6 py-2 text-sm text-amber-900">
            {ctx.organization.name} requires two-step verification. Set it up before <UtcTime date={ctx.mfa.enrolBy} />.{" "}
            <Link href="/settings/security" className="font-semibold underline">
              Set up two-step verification
            </Link>
          </p>
        </div>
      ) : null}
      <main className="mx-auto max-w-6xl px-6 py-8">{children}</main>
    </>
  );
}
