import Link from "next/link";
import type { Authorizable, Permission } from "@/lib/rbac";

export type AdminSection = "members" | "invitations" | "roles" | "groups" | "audit" | "alerts" | "firewall" | "defense" | "scim" | "sso" | "domains" | "posture";

/** Each tab names the permission its page declares (requirePagePermission), so nobody sees a tab that answers 403. */
const SECTIONS: { href: string; label: string; permission: Permission }[] = [
  { href: "/admin/members", label: "Members", permission: "members:read" },
  { href: "/admin/invitations", label: "Invitations", permission: "members:invite" },
  { href: "/admin/roles", label: "Roles", permission: "roles:read" },
  { href: "/admin/groups", label: "Groups", permission: "roles:read" },
  { href: "/admin/posture", label: "Security posture", permission: "audit:read" },
  { href: "/admin/audit", label: "Audit log", permission: "audit:read" },
  { href: "/admin/alerts", label: "Alerts", permission: "audit:read" },
  { href: "/admin/firewall", label: "Firewall", permission: "security:manage" },
  { href: "/admin/sso", label: "Single sign-on", permission: "security:manage" },
  { href: "/admin/domains", label: "Domains", permission: "security:manage" },
  { href: "/admin/defense", label: "Defense", permission: "members:manage" },
  { href: "/admin/scim", label: "SCIM", permission: "security:manage" },
];

/** The admin area's tabs, each shown only to someone who may open it. */
export function AdminNav({ ctx, current }: { ctx: Authorizable; current: AdminSection }) {
  const visible = SECTIONS.filter((s) => ctx.permissions.has(s.permission));
  if (visible.length === 0) return null;
  return (
    <nav aria-label="Administration" className="mb-6 border-b border-slate-200">
      <ul className="flex flex-wrap gap-1 text-sm">
        {visible.map((s) => {
          const active = s.href === `/admin/${current}`;
          return (
            <li key={s.href}>
              <Link
                href={s.href}
                aria-current={active ? "page" : undefined}
                className={`-mb-px inline-block border-b-2 px-3 py-2 ${active ? "border-blue-700 font-semibold text-blue-800" : "border-transparent text-slate-700 hover:text-slate-900"}`}
              >
                {s.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
