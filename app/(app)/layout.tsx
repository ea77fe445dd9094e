import Link from "next/link";
import { headers } from "next/headers";
import { UtcTime } from "@/components/admin/utc-time";
import { requirePageSession } from "@/lib/gate";
import { listMyOrganizations } from "@/lib/orgs";
import { visibleNavSections } from "@/components/nav/nav-sections";
import { AppShell } from "./app-shell";

export default async function AppLayout({ children }: { children: React.ReactNode }) {
  // The layout also wraps the Security page, which a member past their organization's MFA deadline
  // must still reach: each page enforces the deadline itself (requirePageSession / requirePagePermission).
  const { session: ctx, db } = await requirePageSession({ allowMustEnrol: true });
  const orgs = await listMyOrganizations(db, ctx.user.id);
  const onSecurityPage = ((await headers()).get("x-pathname") ?? "").startsWith("/settings/security");
  const inGrace = ctx.mfa.required && !ctx.mfa.enrolled && !ctx.mfa.mustEnrol && ctx.mfa.enrolBy;
  return (
    <AppShell
      userName={ctx.user.name}
      email={ctx.user.email}
      activeOrgId={ctx.organization.id}
      orgs={orgs}
      sections={visibleNavSections({ permissions: ctx.permissions, isOperator: ctx.user.isOperator })}
    >
      {inGrace && !onSecurityPage ? (
        <div role="status" className="border-b border-amber-200 bg-amber-50" data-testid="mfa-grace-banner">
          <p className="px-4 py-2 text-sm text-amber-900 sm:px-6">
            {ctx.organization.name} requires two-step verification. Set it up before <UtcTime date={ctx.mfa.enrolBy} />.{" "}
            <Link href="/settings/security" className="font-semibold underline">
              Set up two-step verification
            </Link>
          </p>
        </div>
      ) : null}
      {/* tabIndex -1: the skip link moves focus here, not only the scroll position. */}
      <main id="main" tabIndex={-1} className="px-4 py-8 outline-none sm:px-6">
        {children}
      </main>
    </AppShell>
  );
}
