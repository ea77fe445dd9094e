import type { Metadata } from "next";
import Link from "next/link";
import { inTreeOrder } from "@/components/admin/role-order";
import { UtcTime } from "@/components/admin/utc-time";
import { requirePagePermission } from "@/lib/gate";
import { describeFactors, getMfaPolicy, memberMfaStatus, type MemberMfaStatus } from "@/lib/mfa";
import { loadRoleTree } from "@/lib/rbac";
import { MfaPolicyForm } from "./policy-form";
import { DataTable } from "@/components/data-table";
import { ScrollRegion } from "@/components/scroll-region";

export const metadata: Metadata = { title: "MFA policy" };

function Deadline({ m }: { m: MemberMfaStatus }) {
  if (!m.required) return <span className="text-slate-500">Not required</span>;
  if (m.enrolled) return <>Set up</>;
  if (m.overdue) {
    return (
      <strong className="rounded bg-red-50 px-1 font-normal text-red-800">
        Overdue since <UtcTime date={m.enrolBy} />
      </strong>
    );
  }
  return (
    <span className="text-amber-800">
      By <UtcTime date={m.enrolBy} />
    </span>
  );
}

/** The organization's two-step verification policy and where every member stands (owners only). */
export default async function MfaPolicyPage() {
  const { session: ctx, db } = await requirePagePermission("security:manage");
  const organizationId = ctx.organization.id;
  const [policy, tree, members] = await Promise.all([getMfaPolicy(db, organizationId), loadRoleTree(db, organizationId), memberMfaStatus(db, organizationId)]);
  const enrolled = members.filter((m) => m.enrolled).length;
  const overdue = members.filter((m) => m.overdue).length;

  return (
    <section aria-labelledby="mfa-policy-title">
      <h1 id="mfa-policy-title" className="mb-2 text-2xl font-semibold">
        Two-step verification policy
      </h1>
      <p className="mb-6 max-w-3xl text-sm text-slate-600">
        Require a second factor (an authenticator app, a security key or a passkey) of the members of {ctx.organization.name}. Members who have not set one up
        get a grace period; after it they can only reach their{" "}
        <Link href="/settings/security" className="text-blue-700 underline">
          Security settings
        </Link>{" "}
        until they do. Saving asks you to confirm with your own second factor.
      </p>

      <MfaPolicyForm
        organizationName={ctx.organization.name}
        policy={policy.policy}
        graceDays={policy.graceDays}
        roleIds={policy.roleIds}
        roles={inTreeOrder(tree).map((r) => ({ id: r.id, name: r.name, depth: r.depth }))}
      />

      <section aria-labelledby="mfa-members-title">
        <h2 id="mfa-members-title" className="mb-1 text-lg font-medium">
          Members
        </h2>
        <p className="mb-3 text-sm text-slate-600" data-testid="mfa-summary">
          {enrolled} of {members.length} {members.length === 1 ? "member uses" : "members use"} two-step verification
          {overdue ? `; ${overdue} past the deadline` : ""}.
          {policy.policy !== "off" && policy.since ? (
            <>
              {" "}
              The current policy applies since <UtcTime date={policy.since} />.
            </>
          ) : null}
        </p>
        <ScrollRegion label="Members and their two-step verification">
          <DataTable
            caption="Members and their two-step verification"
            rows={members}
            rowKey={(m) => m.userId}
            rowTestId="mfa-member-row"
            columns={[
              {
                header: "Name",
                rowHeader: true,
                cell: (m) => (
                  <>
                    {m.name}
                    {m.userId === ctx.user.id ? <span className="ml-1 text-xs text-slate-500">(you)</span> : null}
                    {m.status !== "active" ? <span className="ml-1 text-xs text-red-800">(suspended)</span> : null}
                  </>
                ),
              },
              { header: "E-mail", cell: (m) => m.email },
              { header: "Role", cell: (m) => m.roleName },
              { header: "Two-step verification", cell: (m) => (m.enrolled ? describeFactors(m) : <span className="text-amber-800">None</span>) },
              { header: "Required by policy", cell: (m) => (m.required ? "Yes" : "No") },
              { header: "Deadline", cell: (m) => <Deadline m={m} /> },
            ]}
          />
        </ScrollRegion>
      </section>
    </section>
  );
}
