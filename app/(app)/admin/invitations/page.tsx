import type { Metadata } from "next";
import { loadForPage, requirePagePermission } from "@/lib/gate";
import { grantableRoles } from "@/components/admin/role-order";
import { loadRoleTree, listPendingInvitations, INVITATION_DAYS } from "@/lib/rbac";
import { InvitationList } from "./invitation-list";
import { InviteForm } from "./invite-form";

export const metadata: Metadata = { title: "Invitations" };

export default async function InvitationsPage() {
  const { session: ctx, db } = await requirePagePermission("members:invite");
  const pending = await loadForPage(() => listPendingInvitations(db, ctx));
  const roles = grantableRoles(await loadRoleTree(db, ctx.organization.id), ctx);
  const defaultRole = roles.find((r) => r.key === "member") ?? roles.at(-1);

  return (
    <section aria-labelledby="invitations-title">
      <h1 id="invitations-title" className="mb-2 text-2xl font-semibold">
        Invitations
      </h1>
      <p className="mb-6 text-sm text-slate-600">
        Invite people to {ctx.organization.name} by e-mail. Each link works once and expires after {INVITATION_DAYS} days; a new invitation to the same address replaces the old one.
      </p>
      <div className="grid gap-8 lg:grid-cols-[minmax(0,24rem)_1fr]">
        <InviteForm roles={roles.map((r) => ({ value: r.id, label: r.name }))} defaultRoleId={defaultRole?.id} />
        <section aria-labelledby="pending-title">
          <h2 id="pending-title" className="mb-3 text-lg font-medium">
            Pending invitations
          </h2>
          <InvitationList
            invitations={pending
              .toSorted((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
              .map((i) => ({ id: i.id, email: i.email, roleName: i.roleName, created: i.createdAt.toISOString(), expires: i.expiresAt.toISOString() }))}
          />
        </section>
      </div>
    </section>
  );
}
