import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ALL_PERMISSIONS, BUILT_IN_ROLES, type Permission } from "@/lib/rbac";
import { isCurrentPlace } from "./is-current";
import { NAV_TABLE, visibleNavSections } from "./nav-sections";

const APP = path.resolve(import.meta.dirname, "../../app/(app)");

/** Every page under app/(app) as its route, dynamic segments kept as "[name]". */
function appRoutes(dir = APP, prefix = ""): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.isDirectory()) return appRoutes(path.join(dir, e.name), `${prefix}/${e.name}`);
    return e.name === "page.tsx" ? [prefix || "/"] : [];
  });
}

/** The built-in role's permissions with everything it inherits from the roles below it. */
function permissionsOf(key: string): Set<Permission> {
  const from = BUILT_IN_ROLES.findIndex((r) => r.key === key);
  return new Set(BUILT_IN_ROLES.slice(from).flatMap((r) => r.grants));
}

const items = NAV_TABLE.flatMap((s) => s.items);
const labels = (sections: ReturnType<typeof visibleNavSections>) => sections.flatMap((s) => s.items.map((i) => i.label));

describe("the main navigation", () => {
  it("reaches every page under app/(app): each route is a link or lies below one", () => {
    const unreachable = appRoutes().filter((route) => !items.some((i) => isCurrentPlace(route, i)));
    expect(unreachable).toEqual([]);
  });

  it("shows each page's link under the same permission the page itself requires, so no link leads to a 403", () => {
    for (const item of items) {
      const file = path.join(APP, item.href, "page.tsx");
      // A page another branch adds (e.g. /admin/posture) is checked once it is here.
      if (!existsSync(file)) continue;
      const source = readFileSync(file, "utf8");
      const required = /requirePagePermission\("([a-z_]+:[a-z_]+)"\)/.exec(source)?.[1];
      if (required) expect({ href: item.href, show: item.show }).toEqual({ href: item.href, show: { permission: required } });
      else expect(["anyone" in item.show || "operator" in item.show, item.href]).toEqual([true, item.href]);
    }
  });

  it("a viewer sees the dashboard, banks and personal settings but no administration", () => {
    const sections = visibleNavSections({ permissions: permissionsOf("viewer"), isOperator: false });
    expect(sections.map((s) => s.label)).toEqual(["Reports", "Data in and out", "Settings"]);
    expect(labels(sections)).toEqual(["Dashboard", "Banks", "Security", "Sessions", "Activity", "Organizations"]);
  });

  it("an admin gets the people and audit pages but not the owner's security settings or backups", () => {
    const shown = labels(visibleNavSections({ permissions: permissionsOf("admin"), isOperator: false }));
    expect(shown).toEqual(expect.arrayContaining(["Members", "Groups", "Roles", "Invitations", "Audit log", "Alerts", "Defense", "Security posture"]));
    for (const hidden of ["MFA policy", "Firewall", "Single sign-on", "Webhooks", "Backups", "Contact messages"]) expect(shown).not.toContain(hidden);
  });

  it("offers contact messages to operators only, whatever their role", () => {
    const all = new Set<Permission>(ALL_PERMISSIONS);
    expect(labels(visibleNavSections({ permissions: all, isOperator: false }))).not.toContain("Contact messages");
    expect(labels(visibleNavSections({ permissions: new Set(), isOperator: true }))).toContain("Contact messages");
  });

  it("leaves out a section with nothing in it and never sends the permission rules to the browser", () => {
    const sections = visibleNavSections({ permissions: new Set(), isOperator: false });
    expect(sections.map((s) => s.id)).toEqual(["settings"]);
    expect(JSON.stringify(sections)).not.toContain("permission");
  });
});

describe("the current place", () => {
  const members = { href: "/admin/members" };
  it("is the page itself or any page below it", () => {
    expect(isCurrentPlace("/admin/members", members)).toBe(true);
    expect(isCurrentPlace("/admin/members/123", members)).toBe(true);
    expect(isCurrentPlace("/admin/membership", members)).toBe(false);
    expect(isCurrentPlace("/admin", members)).toBe(false);
  });

  it("includes the pages a place owns (alert rules belong to Alerts, not to a sibling with a longer name)", () => {
    const alerts = items.find((i) => i.href === "/admin/alerts")!;
    expect(isCurrentPlace("/admin/alert-settings", alerts)).toBe(true);
    expect(isCurrentPlace("/admin/webhooks", alerts)).toBe(false);
  });
});
