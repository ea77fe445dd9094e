import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { loadForPage, requireUuidParam, requirePagePermission } from "@/lib/gate";
import { inTreeOrder } from "@/components/admin/role-order";
import { StatusNote } from "@/components/admin/status-note";
import { PERMISSIONS, listRoles, can, descendantsOf, isAtOrAbove } from "@/lib/rbac";
import { RoleForm } from "../role-form";
import { DeleteRoleForm } from "./delete-role-form";

export const metadata: Metadata = { title: "Role" };

export default async function RolePage(props: { params: Promise<{ roleId: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { session: ctx, db } = await requirePagePermission("roles:read");
  const roleId = requireUuidParam((await props.params).roleId);
  const search = await props.searchParams;
  const roles = await loadForPage(() => listRoles(db, ctx));
  const role = roles.find((r) => r.id === roleId);
  if (!role) notFound();

  const parent = roles.find((r) => r.id === role.parentId);
  const editable = can(ctx, "roles:manage") && role.key !== "owner" && isAtOrAbove(roles, ctx.organization.roleId, role.id);
  // A role cannot move below itself or one of its juniors.
  const excluded = new Set([role.id, ...descendantsOf(roles, role.id)]);
  const parents = inTreeOrder(roles).filter((r) => !excluded.has(r.id));
  const inherited = role.effective.filter((p) => !role.grants.includes(p));

  return (
    <section aria-labelledby="role-title">
      <p className="mb-2 text-sm">
        <Link href="/admin/roles" className="text-blue-700 underline">
          All roles
        </Link>
      </p>
      <h1 id="role-title" className="mb-1 text-2xl font-semibold">
        {role.name}
      </h1>
      {role.description ? <p className="mb-1 text-sm text-slate-700">{role.description}</p> : null}
      <p className="mb-6 text-sm text-slate-600">
        {role.builtIn ? "Built-in role" : "Custom role"}
        {parent ? `, directly below ${parent.name}` : ", at the top of the tree"}.
      </p>
      {search.saved ? <StatusNote>The role was saved. Members holding it get the change on their next request.</StatusNote> : null}

      {role.key === "owner" ? (
        <p className="mb-6 rounded-md bg-slate-100 px-3 py-2 text-sm text-slate-700">The owner role always holds every permission and cannot be edited.</p>
      ) : null}

      <div className="grid gap-8 lg:grid-cols-2">
        <section aria-labelledby="holds-title">
          <h2 id="holds-title" className="mb-2 text-lg font-medium">
            What it holds
          </h2>
          <h3 className="mt-3 text-sm font-semibold">Granted by this role</h3>
          {role.grants.length ? (
            <ul className="mt-1 list-disc pl-5 text-sm">
              {role.grants.map((p) => (
                <li key={p}>
                  <code className="font-mono text-xs">{p}</code> {PERMISSIONS[p]}
                </li>
              ))}
            </ul>
          ) : (
            <p className="mt-1 text-sm text-slate-600">Nothing of its own.</p>
          )}
          <h3 className="mt-4 text-sm font-semibold">Inherited from the roles below it</h3>
          {inherited.length ? (
            <ul className="mt-1 list-disc pl-5 text-sm">
              {inherited.map((p) => (
                <li key={p}>
                  <code className="font-mono text-xs">{p}</code> {PERMISSIONS[p]}
                </li>
              ))}
            </ul>
          ) : (
            <p className="mt-1 text-sm text-slate-600">Nothing.</p>
          )}
        </section>
        {editable ? (
          <div>
            <RoleForm
              roleId={role.id}
              builtIn={role.builtIn}
              initial={{ name: role.name, description: role.description, parentId: role.parentId ?? "", permissions: [...role.grants] }}
              parents={parents.map((r) => ({ value: r.id, label: r.name }))}
              held={[...ctx.permissions]}
              catalogue={PERMISSIONS}
            />
            {role.builtIn ? null : <DeleteRoleForm roleId={role.id} name={role.name} />}
          </div>
        ) : null}
      </div>
    </section>
  );
}
