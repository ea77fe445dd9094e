import type { Permission } from "@/lib/rbac";

/** One link of the main navigation, as the client renders it. */
export type NavItem = {
  href: string;
  label: string;
  /** Other path prefixes that belong to this place (a page reached only from it), for highlighting. */
  also?: string[];
};

export type NavSection = { id: string; label: string; items: NavItem[] };

/** Who may see an item: the permission its page declares (requirePagePermission), or operators only. */
export type NavRule = { permission: Permission } | { operator: true } | { anyone: true };

type ItemDef = NavItem & { show: NavRule };

/**
 * The product's shape in one table. Each item names the same permission its page asks for, so
 * nobody sees a link that answers 403; the page's own check stays the real one.
 */
export const NAV_TABLE: readonly { id: string; label: string; items: ItemDef[] }[] = [
  {
    id: "reports",
    label: "Reports",
    items: [
      { href: "/dashboard", label: "Dashboard", show: { permission: "dashboard:read" } },
      { href: "/transactions", label: "Transactions", show: { permission: "reports:read" } },
    ],
  },
  {
    id: "data",
    label: "Data in and out",
    items: [
      { href: "/connections", label: "Banks", show: { permission: "bank_connections:read" } },
      { href: "/transfers", label: "File transfer", show: { permission: "transfers:use" } },
    ],
  },
  {
    id: "settings",
    label: "Settings",
    items: [
      { href: "/settings/security", label: "Security", show: { anyone: true } },
      { href: "/settings/sessions", label: "Sessions", show: { anyone: true } },
      { href: "/settings/ssh-keys", label: "SSH keys", show: { permission: "transfers:use" } },
      { href: "/settings/activity", label: "Activity", show: { anyone: true } },
      { href: "/settings/organizations", label: "Organizations", show: { anyone: true } },
    ],
  },
  {
    id: "admin",
    label: "Administration",
    items: [
      // The posture page (another branch) asks for audit:read; the unit test checks it once the page is here.
      { href: "/admin/posture", label: "Security posture", show: { permission: "audit:read" } },
      { href: "/admin/members", label: "Members", show: { permission: "members:read" } },
      { href: "/admin/groups", label: "Groups", show: { permission: "roles:read" } },
      { href: "/admin/roles", label: "Roles", show: { permission: "roles:read" } },
      { href: "/admin/invitations", label: "Invitations", show: { permission: "members:invite" } },
      { href: "/settings/mfa-policy", label: "MFA policy", show: { permission: "security:manage" } },
      { href: "/admin/sso", label: "Single sign-on", show: { permission: "security:manage" } },
      { href: "/admin/scim", label: "SCIM", show: { permission: "security:manage" } },
      { href: "/admin/domains", label: "Domains", show: { permission: "security:manage" } },
      { href: "/admin/audit", label: "Audit log", show: { permission: "audit:read" } },
      // Alert rules and contacts are reached from the alerts page's own tabs.
      { href: "/admin/alerts", label: "Alerts", also: ["/admin/alert-settings"], show: { permission: "audit:read" } },
      { href: "/admin/firewall", label: "Firewall", show: { permission: "security:manage" } },
      { href: "/admin/defense", label: "Defense", show: { permission: "members:manage" } },
      { href: "/admin/webhooks", label: "Webhooks", show: { permission: "security:manage" } },
      { href: "/admin/backups", label: "Backups", show: { permission: "backups:read" } },
      { href: "/admin/contact-messages", label: "Contact messages", show: { operator: true } },
    ],
  },
];

export type NavViewer = { permissions: ReadonlySet<Permission>; isOperator: boolean };

function allows(rule: NavRule, viewer: NavViewer): boolean {
  if ("anyone" in rule) return true;
  if ("operator" in rule) return viewer.isOperator;
  return viewer.permissions.has(rule.permission);
}

/**
 * The sections this person may use, computed on the server so the permission table never ships
 * to the browser; a section with nothing left in it is left out.
 */
export function visibleNavSections(viewer: NavViewer): NavSection[] {
  return NAV_TABLE.map((s) => ({
    id: s.id,
    label: s.label,
    items: s.items.filter((i) => allows(i.show, viewer)).map(({ href, label, also }) => (also ? { href, label, also } : { href, label })),
  })).filter((s) => s.items.length > 0);
}

