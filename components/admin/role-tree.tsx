import Link from "next/link";
import { PERMISSIONS, type Permission } from "@/lib/rbac";

export type TreeRole = {
  id: string;
  parentId: string | null;
  name: string;
  description: string;
  builtIn: boolean;
  grants: readonly Permission[];
  effective: readonly Permission[];
};

/** The role hierarchy as nested lists, most senior at the top; each role shows what it adds itself. */
export function RoleTree({ roles, canEdit }: { roles: TreeRole[]; canEdit: boolean }) {
  const ids = new Set(roles.map((r) => r.id));
  const childrenOf = (parentId: string | null) =>
    roles.filter((r) => (r.parentId && ids.has(r.parentId) ? r.parentId : null) === parentId).sort((a, b) => a.name.localeCompare(b.name));

  const render = (parentId: string | null, depth: number): React.ReactNode => {
    const list = childrenOf(parentId);
    if (list.length === 0 || depth > 50) return null;
    return (
      <ul className={depth === 0 ? "space-y-3" : "mt-3 space-y-3 border-l-2 border-slate-200 pl-5"}>
        {list.map((r) => {
          const inherited = r.effective.length - r.grants.length;
          return (
            <li key={r.id} data-testid="role-node" aria-label={r.name}>
              <div className="rounded-md border border-slate-200 bg-white p-3">
                <p className="flex flex-wrap items-center gap-2">
                  <Link href={`/admin/roles/${r.id}`} className="font-semibold text-blue-800 underline">
                    {r.name}
                  </Link>
                  {r.builtIn ? <span className="rounded bg-slate-100 px-1.5 text-xs text-slate-700">built-in</span> : <span className="rounded bg-blue-50 px-1.5 text-xs text-blue-800">custom</span>}
                  {canEdit ? <span className="sr-only">(select to edit)</span> : null}
                </p>
                {r.description ? <p className="mt-1 text-sm text-slate-600">{r.description}</p> : null}
                <p className="mt-2 text-xs text-slate-700">
                  {r.grants.length ? "Grants: " : "Grants nothing itself."}
                  {r.grants.map((p, i) => (
                    <span key={p}>
                      {i ? ", " : null}
                      <code title={PERMISSIONS[p]} className="font-mono">
                        {p}
                      </code>
                    </span>
                  ))}
                </p>
                <p className="mt-1 text-xs text-slate-500">
                  {inherited > 0 ? `Plus ${inherited} inherited from the roles below it (${r.effective.length} in all).` : "Inherits nothing from below."}
                </p>
              </div>
              {render(r.id, depth + 1)}
            </li>
          );
        })}
      </ul>
    );
  };
  return render(null, 0);
}
