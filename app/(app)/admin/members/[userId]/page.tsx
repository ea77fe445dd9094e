import type { Metadata } from "next";
import Link from "next/link";
import { loadForPage, requireUuidParam, requirePagePermission } from "@/lib/gate";
import { grantableRoles, inTreeOrder } from "@/components/admin/role-order";
import { Can } from "@/components/can";
import { DataTable } from "@/components/data-table";
import { MemberMfaStatusText } from "@/components/mfa/member-mfa-status";
import { memberDefenseState } from "@/lib/defense";
import { memberMfaStatus } from "@/lib/mfa";
import { loadRoleTree, explainMemberPermissions, isAtOrAbove } from "@/lib/rbac";
import { ChangeRoleForm, ManageMemberForms } from "./member-controls";
import { UnlockAccountPanel } from "./unlock-account";

export const metadata: Metadata = { title: "Member" };

function describeSource(s: { via: string; grantedBy: string }) {
  return s.grantedBy === "directly" ? `${s.via}, granted directly` : `${s.via}, inherited from ${s.grantedBy}`;
}

export default async function MemberPage({ params }: { params: Promise<{ userId: string }> }) {
  const { session: ctx, db } = await requirePagePermission("members:read");
  const userId = requireUuidParam((await params).userId);
  const { member, permissions } = await loadForPage(() => explainMemberPermissions(db, ctx, userId));

  // The viewer already may read the member list with its role names; the tree is only for display.
  const tree = await loadRoleTree(db, ctx.organization.id);
  const roleName = tree.find((r) => r.id === member.roleId)?.name ?? "unknown role";
  const [mfa] = await memberMfaStatus(db, ctx.organization.id, { userIds: [member.userId] });
  const isSelf = member.userId === ctx.user.id;
  // Offer only roles the server would accept: at or below the editor's own, and nothing they do not hold.
  const grantable = new Set(grantableRoles(tree, ctx).map((r) => r.id));
  const assignable = inTreeOrder(tree).filter((r) => r.id === member.roleId || grantable.has(r.id));
  const canEditMember = isAtOrAbove(tree, ctx.organization.roleId, member.roleId);
  // Loaded only where the panel shows (the same conditions as the <Can> below).
  const defense = canEditMember && !isSelf && ctx.permissions.has("members:manage") ? await memberDefenseState(db, ctx, member.userId) : null;

  return (
    <section aria-labelledby="member-title">
      <p className="mb-2 text-sm">
        <Link href="/admin/members" className="text-blue-700 underline">
          All members
        </Link>
      </p>
      <h1 id="member-title" className="text-2xl font-semibold">
        {member.name}
      </h1>
      <dl className="mt-2 mb-6 grid max-w-xl grid-cols-[8rem_1fr] gap-y-1 text-sm">
        <dt className="text-slate-600">E-mail</dt>
        <dd>{member.email}</dd>
        <dt className="text-slate-600">Role</dt>
        <dd data-testid="member-role">{roleName}</dd>
        <dt className="text-slate-600">Status</dt>
        <dd data-testid="member-status">{member.status === "active" ? "Active" : "Suspended"}</dd>
        <dt className="text-slate-600">Two-step verification</dt>
        <dd data-testid="member-mfa">
          <MemberMfaStatusText status={mfa} />
        </dd>
      </dl>

      {isSelf ? <p className="mb-4 rounded-md bg-slate-100 px-3 py-2 text-sm text-slate-700">This is you. Another administrator has to suspend, sign out or remove you.</p> : null}
      {!canEditMember ? (
        <p className="mb-4 rounded-md bg-slate-100 px-3 py-2 text-sm text-slate-700">{member.name} holds a role above yours, so you cannot change their access.</p>
      ) : null}

      <div className="grid gap-x-6 lg:grid-cols-2">
        <div>
          {canEditMember ? (
            <Can permission="roles:assign" ctx={ctx}>
              <ChangeRoleForm userId={member.userId} currentRoleId={member.roleId} roles={assignable.map((r) => ({ value: r.id, label: r.name }))} />
            </Can>
          ) : null}
          {canEditMember && !isSelf ? (
            <Can permission="members:manage" ctx={ctx}>
              <UnlockAccountPanel state={defense} userId={member.userId} name={member.name} />
              <ManageMemberForms userId={member.userId} name={member.name} organizationName={ctx.organization.name} suspended={member.status !== "active"} />
            </Can>
          ) : null}
        </div>

        <section aria-labelledby="effective-title" className="mb-6">
          <h2 id="effective-title" className="mb-2 text-lg font-medium">
            Effective permissions
          </h2>
          <p className="mb-3 text-sm text-slate-600">
            Everything {member.name} may do in {ctx.organization.name}, from their own role and their groups&apos; roles, each with the roles below them.
          </p>
          {permissions.length === 0 ? (
            <p className="text-sm">No permissions.</p>
          ) : (
            <DataTable
              caption={`Effective permissions of ${member.name}`}
              rows={permissions}
              rowKey={(p) => p.permission}
              rowTestId="effective-permission"
              columns={[
                {
                  header: "Permission",
                  rowHeader: true,
                  cell: (p) => (
                    <>
                      <code className="font-mono text-xs">{p.permission}</code>
                      <span className="block text-slate-600">{p.description}</span>
                    </>
                  ),
                },
                {
                  header: "Where it comes from",
                  cell: (p) => (
                    <ul>
                      {p.sources.map((s, i) => (
                        <li key={i}>{describeSource(s)}</li>
                      ))}
                    </ul>
                  ),
                },
              ]}
            />
          )}
        </section>
      </div>
    </section>
  );
}
