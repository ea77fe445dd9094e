import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { loadForPage, requireUuidParam, requirePagePermission } from "@/lib/gate";
import { inTreeOrder } from "@/components/admin/role-order";
import { StatusNote } from "@/components/admin/status-note";
import { Can } from "@/components/can";
import { listRoles, listGroups, can, listMemberOptions, DIRECTORY_MANAGED_GROUP } from "@/lib/rbac";
import { GroupForm } from "../group-form";
import { AddGroupMemberForm, DeleteGroupForm, GroupMembers } from "./group-controls";

export const metadata: Metadata = { title: "Group" };

const NOTES: Record<string, string> = {
  created: "The group was created.",
  saved: "The group was saved. Its members get the change on their next request.",
  added: "The member was added to the group.",
  removed: "The member was removed from the group.",
};

export default async function GroupPage(props: { params: Promise<{ groupId: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { session: ctx, db } = await requirePagePermission("roles:read");
  const groupId = requireUuidParam((await props.params).groupId);
  const search = await props.searchParams;
  const loaded = await loadForPage(async () => ({ groups: await listGroups(db, ctx), roles: await listRoles(db, ctx) }));
  const group = loaded.groups.find((g) => g.id === groupId);
  if (!group) notFound();
  const roles = inTreeOrder(loaded.roles);
  const roleName = new Map(roles.map((r) => [r.id, r.name]));
  // The directory owns a directory-managed group: no edit controls here (the server refuses them too).
  const fromDirectory = group.directoryManaged;
  const canAssign = can(ctx, "roles:assign") && !fromDirectory;
  const inGroup = new Set(group.members.map((m) => m.userId));
  const candidates = canAssign ? (await listMemberOptions(db, ctx)).filter((m) => !inGroup.has(m.userId)) : [];
  const note = Object.keys(NOTES).find((k) => search[k]);

  return (
    <section aria-labelledby="group-title">
      <p className="mb-2 text-sm">
        <Link href="/admin/groups" className="text-blue-700 underline">
          All groups
        </Link>
      </p>
      <h1 id="group-title" className="mb-1 text-2xl font-semibold">
        {group.name}
      </h1>
      {group.description ? <p className="mb-2 text-sm text-slate-600">{group.description}</p> : null}
      <p className="mb-6 text-sm">
        <span className="text-slate-600">Roles: </span>
        {group.roleIds.length ? group.roleIds.map((id) => roleName.get(id) ?? "?").join(", ") : "none"}
      </p>
      {note ? <StatusNote>{NOTES[note]}</StatusNote> : null}
      {fromDirectory ? (
        <p className="mb-6 rounded-md border border-slate-300 bg-slate-50 p-3 text-sm" data-testid="directory-managed-note">
          {DIRECTORY_MANAGED_GROUP}{" "}
          <Can permission="security:manage" ctx={ctx}>
            <Link href="/admin/scim" className="text-blue-700 underline">
              SCIM provisioning
            </Link>
          </Can>
        </p>
      ) : null}
      <div className="grid gap-8 lg:grid-cols-2">
        <section aria-labelledby="group-members-title">
          <h2 id="group-members-title" className="mb-3 text-lg font-medium">
            Members
          </h2>
          <GroupMembers groupId={group.id} groupName={group.name} members={group.members} canAssign={canAssign} />
          {canAssign ? (
            <AddGroupMemberForm groupId={group.id} candidates={candidates.map((m) => ({ value: m.userId, label: `${m.name} (${m.email})${m.status === "active" ? "" : " — suspended"}` }))} />
          ) : null}
        </section>
        {fromDirectory ? null : (
        <Can permission="roles:manage" ctx={ctx}>
          <div>
            <GroupForm
              groupId={group.id}
              initial={{ name: group.name, description: group.description, roleIds: group.roleIds }}
              roles={roles.map((r) => ({ id: r.id, name: r.name, description: r.description, depth: r.depth }))}
            />
            <DeleteGroupForm groupId={group.id} name={group.name} />
          </div>
        </Can>
        )}
      </div>
    </section>
  );
}
