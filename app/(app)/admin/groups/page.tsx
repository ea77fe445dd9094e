import type { Metadata } from "next";
import Link from "next/link";
import { loadForPage, requirePagePermission } from "@/lib/gate";
import { inTreeOrder } from "@/components/admin/role-order";
import { StatusNote } from "@/components/admin/status-note";
import { Can } from "@/components/can";
import { listGroups, listRoles } from "@/lib/rbac";
import { GroupForm } from "./group-form";

export const metadata: Metadata = { title: "Groups" };

export default async function GroupsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { session: ctx, db } = await requirePagePermission("roles:read");
  const params = await searchParams;
  const { groups, roles } = await loadForPage(async () => ({ groups: await listGroups(db, ctx), roles: await listRoles(db, ctx) }));
  const roleName = new Map(roles.map((r) => [r.id, r.name]));

  return (
    <section aria-labelledby="groups-title">
      <h1 id="groups-title" className="mb-2 text-2xl font-semibold">
        Groups
      </h1>
      <p className="mb-6 text-sm text-slate-600">Groups are teams: their members hold the group&apos;s roles in addition to their own.</p>
      {params.deleted ? <StatusNote>The group was deleted.</StatusNote> : null}
      <div className="grid gap-8 lg:grid-cols-2">
        <section aria-labelledby="group-list-title">
          <h2 id="group-list-title" className="sr-only">
            All groups
          </h2>
          {groups.length === 0 ? <p className="text-sm text-slate-600">No groups yet.</p> : null}
          <ul className="space-y-3">
            {groups.map((g) => (
              <li key={g.id} className="rounded-md border border-slate-200 bg-white p-4 text-sm" data-testid="group-row">
                <Link href={`/admin/groups/${g.id}`} className="font-semibold text-blue-800 underline">
                  {g.name}
                </Link>
                {g.directoryManaged ? <span className="ml-2 rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-700">From your directory</span> : null}
                {g.description ? <p className="mt-1 text-slate-600">{g.description}</p> : null}
                <p className="mt-2">
                  <span className="text-slate-600">Roles: </span>
                  {g.roleIds.length ? g.roleIds.map((id) => roleName.get(id) ?? "?").join(", ") : "none"}
                </p>
                <p className="mt-1">
                  <span className="text-slate-600">Members: </span>
                  {g.members.length ? g.members.map((m) => m.name).join(", ") : "none"}
                </p>
              </li>
            ))}
          </ul>
        </section>
        <Can permission="roles:manage" ctx={ctx}>
          <GroupForm initial={{ name: "", description: "", roleIds: [] }} roles={inTreeOrder(roles).map((r) => ({ id: r.id, name: r.name, description: r.description, depth: r.depth }))} />
        </Can>
      </div>
    </section>
  );
}
