/**
 * Every permission ChargeKeep knows, in one place: `resource:action`, with the words an admin
 * reads when choosing a role's permissions. Code refers to these keys only (typed).
 */
export const PERMISSIONS = {
  "dashboard:read": "See the organization's dashboard.",
  "reports:read": "See balances, cash flow, categories and transactions.",
  "reports:export": "Export transactions and reports to files.",
  "bank_connections:read": "See which banks are connected and their status.",
  "bank_connections:manage": "Connect, re-authorize and disconnect banks.",
  "members:read": "See the member list with roles, groups and status.",
  "members:invite": "Invite people by e-mail and revoke pending invitations.",
  "members:manage": "Suspend, reactivate and remove members, end their sessions, force a password reset.",
  "roles:read": "See roles, groups and what each permission means.",
  "roles:assign": "Change the roles and groups of members.",
  "roles:manage": "Create and edit custom roles and groups and choose their permissions.",
  "audit:read": "Read the organization's audit log.",
  "audit:export": "Export the audit log.",
  "security:manage": "Change security settings: MFA policy, network rules, webhooks.",
  "organization:manage": "Rename the organization and manage its settings.",
  "transfers:use": "Upload statements and download exports over SFTP.",
  "backups:read": "See when ChargeKeep last backed up its database and last proved a restore.",
} as const;

export type Permission = keyof typeof PERMISSIONS;

export const ALL_PERMISSIONS = Object.keys(PERMISSIONS) as Permission[];

export function isPermission(value: string): value is Permission {
  return Object.hasOwn(PERMISSIONS, value);
}
