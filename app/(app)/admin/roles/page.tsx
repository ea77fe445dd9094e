import type { Metadata } from "next";
import { loadForPage, requirePagePermission } from "@/lib/gate";
import { inTreeOrder } from "@/components/admin/role-order";
import { RoleTree } from "@/components/admin/role-tree";
import { StatusNote } from "@/components/admin/status-note";
import { Can } from "@/components/can";
import { PERMISSIONS, can, listRoles } from "@/lib/rbac";
import { RoleForm } from "./role-form";

export const metadata: Metadata = { title: "Roles" };

export default async function RolesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { session: ctx, db } = await requirePagePermission("roles:read");
  const params = await searchParams;
  const roles = await loadForPage(() => listRoles(db, ctx));
  const ordered = inTreeOrder(roles);
  const defaultParent = roles.find((r) => r.key === "member") ?? ordered.at(-1);

  return (
    <section aria-labelledby="roles-title">
      <h1 id="roles-title" className="mb-2 text-2xl font-semibold">
        Roles
      </h1>
      <p className="mb-6 text-sm text-slate-600">
        Senior roles sit on top and hold everything granted to the roles below them. Members hold their own role plus the roles of their groups.
      </p>
      {params.created ? <StatusNote>The role was created.</StatusNote> : null}
      {params.deleted ? <StatusNote>The role was deleted.</StatusNote> : null}
      <div className="grid gap-8 lg:grid-cols-2">
        <section aria-labelledby="tree-title">
          <h2 id="tree-title" className="mb-3 text-lg font-medium">
            Role tree
          </h2>
          <RoleTree roles={roles} canEdit={can(ctx, "roles:manage")} />
        </section>
        <Can permission="roles:manage" ctx={ctx}>
          <RoleForm
            initial={{ name: "", description: "", parentId: defaultParent?.id ?? "", permissions: [] }}
            parents={ordered.map((r) => ({ value: r.id, label: r.name }))}
            held={[...ctx.permissions]}
            catalogue={PERMISSIONS}
          />
        </Can>
      </div>
    </section>
  );
}
