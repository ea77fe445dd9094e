/**
 * The one catalogue of audit actions. Every recorded event names one of these; the catalogue walk
 * test checks each is recorded by the flow that causes it. Severity feeds the alert rules and the
 * log's filters.
 */
type Severity = "info" | "notice" | "warning" | "critical";

const action = (description: string, severity: Severity = "info") => ({ description, severity });

export const AUDIT_ACTIONS = {
  "auth.sign_up": action("Created an account"),
  "auth.sign_in": action("Signed in"),
  "auth.sign_in_failed": action("Failed to sign in", "notice"),
  "auth.sign_out": action("Signed out"),
  "auth.session_revoked": action("Ended a session"),
  "auth.other_sessions_revoked": action("Ended every other session"),
  "auth.password_reset_requested": action("Asked for a password reset link"),
  "auth.password_reset": action("Reset the password", "notice"),
  "auth.password_changed": action("Changed the password", "notice"),
  "auth.email_verified": action("Confirmed the e-mail address"),
  "auth.organization_switched": action("Switched organization"),
  "mfa.totp_enrolled": action("Turned on an authenticator app", "notice"),
  "mfa.totp_removed": action("Removed the authenticator app", "warning"),
  "mfa.webauthn_registered": action("Added a security key or passkey", "notice"),
  "mfa.webauthn_removed": action("Removed a security key or passkey", "warning"),
  "mfa.recovery_codes_generated": action("Generated new recovery codes", "notice"),
  "mfa.recovery_code_used": action("Used a recovery code", "warning"),
  "mfa.verified": action("Passed two-step verification"),
  "mfa.failed": action("Failed two-step verification", "notice"),
  "mfa.policy_changed": action("Changed the organization's MFA policy", "warning"),
  "mfa.reset_by_operator": action("Operator removed every second factor", "critical"),
  "member.role_changed": action("Changed a member's role", "warning"),
  "member.suspended": action("Suspended a member", "warning"),
  "member.reactivated": action("Reactivated a member", "notice"),
  "member.removed": action("Removed a member", "warning"),
  "member.sessions_revoked": action("Ended a member's sessions", "notice"),
  "member.password_reset_forced": action("Forced a member's password reset", "notice"),
  "role.created": action("Created a role", "notice"),
  "role.updated": action("Changed a role", "warning"),
  "role.deleted": action("Deleted a role", "warning"),
  "group.created": action("Created a group", "notice"),
  "group.updated": action("Changed a group", "notice"),
  "group.deleted": action("Deleted a group", "notice"),
  "invitation.created": action("Invited someone"),
  "invitation.revoked": action("Revoked an invitation"),
  "invitation.accepted": action("Accepted an invitation"),
  "organization.created": action("Created an organization"),
  "defense.account_locked": action("Account locked after failed sign-ins", "warning"),
  "defense.account_suspended": action("Account suspended after repeated failed sign-ins", "critical"),
  "defense.account_unlocked": action("Account unlocked", "notice"),
  "defense.ip_blocked": action("Address blocked after failed sign-ins across accounts", "critical"),
  "firewall.rule_created": action("Added a network rule", "warning"),
  "firewall.rule_removed": action("Removed a network rule", "warning"),
  "audit.exported": action("Exported the audit log", "notice"),
  "audit.pruned": action("Pruned old audit events", "warning"),
  "audit.key_rotated": action("Added a new audit MAC key", "notice"),
  "audit.rollback_acknowledged": action("Accepted a rollback of the audit log (a restore done on purpose)", "critical"),
  "alert.raised": action("Alert raised", "warning"),
  "alert.acknowledged": action("Acknowledged an alert"),
  "webhook.created": action("Added a webhook", "warning"),
  "webhook.deleted": action("Removed a webhook", "notice"),
  "alert_settings.changed": action("Changed alert thresholds", "notice"),
  "keys.rotated": action("Rotated the encryption keys", "notice"),
  "bank_connection.started": action("Started connecting a bank"),
  "bank_connection.connected": action("Connected a bank", "notice"),
  "bank_connection.refused": action("Bank sign-in or consent refused, cancelled or invalid", "notice"),
  "bank_connection.reauthorized": action("Re-authorized a bank connection", "notice"),
  "bank_connection.reauth_required": action("A bank connection needs re-authorization", "warning"),
  "bank_connection.disconnected": action("Disconnected a bank (access revoked at the bank)", "warning"),
  "bank_sync.requested": action("Asked for a bank sync now"),
  "reports.exported": action("Exported transactions", "notice"),
  "backup.created": action("Backed up the database", "notice"),
  "backup.verified": action("Verified a backup by restoring it", "notice"),
  "backup.restored": action("Restored the database from a backup", "critical"),
  "backup.pruned": action("Pruned old backups", "notice"),
  "backup.copies_checked": action("Read back and checked every backup copy at every target", "notice"),
  "ssh_key.added": action("Added an SSH key for file transfer", "warning"),
  "ssh_key.revoked": action("Revoked an SSH key", "notice"),
  "sftp.connected": action("Connected over SFTP"),
  "sftp.auth_failed": action("Failed SFTP authentication", "notice"),
  "sftp.uploaded": action("Uploaded a file over SFTP"),
  "sftp.downloaded": action("Downloaded a file over SFTP"),
  "sftp.deleted": action("Deleted a file over SFTP", "notice"),
  "sftp.renamed": action("Renamed a file over SFTP"),
  "statement.imported": action("Imported a bank statement"),
  "export.delivered": action("Delivered an export to the SFTP outbox", "notice"),
} as const satisfies Record<string, { description: string; severity: Severity }>;

export type AuditAction = keyof typeof AUDIT_ACTIONS;
export type AuditSeverity = Severity;

export function isAuditAction(value: string): value is AuditAction {
  return Object.hasOwn(AUDIT_ACTIONS, value);
}
