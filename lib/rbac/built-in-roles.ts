import type { Permission } from "@/lib/permissions";

/**
 * The starting role tree, most senior first: owner > admin > accountant > member > viewer.
 * Each role lists only what it adds; it inherits everything of the roles below it.
 */
export const BUILT_IN_ROLES: { key: string; name: string; description: string; grants: Permission[] }[] = [
  {
    key: "owner",
    name: "Owner",
    description: "Everything, including security settings and the organization itself.",
    grants: ["security:manage", "organization:manage", "backups:read"],
  },
  {
    key: "admin",
    name: "Admin",
    description: "Runs people and permissions, reads the audit log.",
    grants: ["members:invite", "members:manage", "roles:assign", "roles:manage", "audit:read", "audit:export", "bank_connections:manage"],
  },
  {
    key: "accountant",
    name: "Accountant",
    description: "Works with the numbers: exports and file transfers.",
    grants: ["reports:export", "transfers:use"],
  },
  {
    key: "member",
    name: "Member",
    description: "Sees reports and the team.",
    grants: ["reports:read", "members:read", "roles:read"],
  },
  {
    key: "viewer",
    name: "Viewer",
    description: "Sees the dashboard and bank connection status only.",
    grants: ["dashboard:read", "bank_connections:read"],
  },
];
