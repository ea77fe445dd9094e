import Link from "next/link";
import type { Authorizable } from "@/lib/rbac";

type Here = "alerts" | "webhooks" | "alert-settings";

/** The alerts area's own tabs: the list (audit:read) and its configuration (security:manage). */
export function AlertsSubnav({ ctx, current }: { ctx: Authorizable; current: Here }) {
  const links: { href: string; label: string; here: Here; show: boolean }[] = [
    { href: "/admin/alerts", label: "Alerts", here: "alerts", show: ctx.permissions.has("audit:read") },
    { href: "/admin/alert-settings", label: "Rules and contacts", here: "alert-settings", show: ctx.permissions.has("security:manage") },
    { href: "/admin/webhooks", label: "Webhooks", here: "webhooks", show: ctx.permissions.has("security:manage") },
  ];
  const visible = links.filter((l) => l.show);
  if (visible.length < 2) return null;
  return (
    <nav aria-label="Alerts" className="mb-4">
      <ul className="flex flex-wrap gap-3 text-sm">
        {visible.map((l) => (
          <li key={l.href}>
            <Link href={l.href} aria-current={l.here === current ? "page" : undefined} className={l.here === current ? "font-semibold text-slate-900" : "text-blue-700 underline"}>
              {l.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
