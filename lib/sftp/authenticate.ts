import "server-only";
import { and, eq, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "@/db";
import { sftpTransfers, sshKeys, type AuthFailureKind } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { accountStatus, ipBlockedUntil, recordAuthFailure } from "@/lib/defense";
import { ensureFirewallLoaded, firewallDecision } from "@/lib/firewall";
import { consume } from "@/lib/ratelimit";
import { memberAccess } from "./member-access";
import { offeredKey, PublicKeyError } from "./public-keys";

export type SftpPrincipal = { organizationId: string; userId: string; keyId: string; fingerprint: string };

export type KeyCheck =
  | { ok: true; principal: SftpPrincipal }
  /** `userId`: whose key it was, when known (counts towards that account's lock-out). */
  | { ok: false; reason: string; userId: string | null; organizationId: string | null; fingerprint: string | null };

const orgIdSchema = z.uuid();

/**
 * May this key open this organization's space from this address? Every condition is read fresh at
 * each attempt: the key is live, its type and size are allowed, its owner is an active member
 * (not suspended there, not locked or suspended by lib/defense) holding `transfers:use`, and the
 * organization's allow-list admits the address.
 */
export async function checkKeyAccess(db: Database, input: { username: string; algo: string; data: Buffer; ip: string | null }): Promise<KeyCheck> {
  const refuse = (reason: string, userId: string | null = null, organizationId: string | null = null, fingerprint: string | null = null): KeyCheck => ({
    ok: false,
    reason,
    userId,
    organizationId,
    fingerprint,
  });
  let parsed;
  try {
    parsed = offeredKey(input.algo, input.data);
  } catch (e) {
    return refuse(e instanceof PublicKeyError ? "key type or size not accepted" : "unreadable key");
  }
  const [key] = await db
    .select()
    .from(sshKeys)
    .where(and(eq(sshKeys.fingerprint, parsed.fingerprint), isNull(sshKeys.revokedAt)));
  if (!key) {
    const [revoked] = await db.select({ userId: sshKeys.userId }).from(sshKeys).where(eq(sshKeys.fingerprint, parsed.fingerprint)).limit(1);
    return refuse(revoked ? "revoked key" : "unknown key", revoked?.userId ?? null, null, parsed.fingerprint);
  }
  const org = orgIdSchema.safeParse(input.username);
  if (!org.success) return refuse("username is not an organization id", key.userId, null, parsed.fingerprint);
  const organizationId = org.data;
  const access = await memberAccess(db, key.userId, organizationId);
  if (access.membership === "none") return refuse("not a member of this organization", key.userId, null, parsed.fingerprint);
  const known = (reason: string) => refuse(reason, key.userId, organizationId, parsed.fingerprint);
  if (access.membership === "suspended") return known("membership suspended");
  if (!access.permissions.has("transfers:use")) return known("no transfers:use permission");
  const defense = await accountStatus(db, key.userId);
  if (defense.state !== "ok") return known(`account ${defense.state}`);
  if (await ipBlockedUntil(db, input.ip)) return known("address blocked");
  await ensureFirewallLoaded(db);
  if (!firewallDecision(input.ip, { organizationId }).allowed) return known("address not allowed by the organization's network rules");
  return { ok: true, principal: { organizationId, userId: key.userId, keyId: key.id, fingerprint: parsed.fingerprint } };
}

/** One rate-limit unit per connection and address (policy sftp-auth-ip); false = refuse the connection. */
export async function admitConnection(ip: string | null): Promise<boolean> {
  return (await consume("sftp-auth-ip", ip ?? "unknown")).success;
}

/**
 * A refused attempt: audited (`sftp.auth_failed`, in the organization's chain when the key's owner
 * belongs to it, else the platform's), logged for the Transfers page, counted towards lib/defense
 * (the address always; the account when the key was theirs but revoked or its signature was bad)
 * and against the key's own limit (sftp-auth-key). Returns false once that limit or the address's
 * is spent: the caller then ends the connection instead of offering another try.
 */
export async function recordAuthRefusal(
  db: Database,
  input: { check: Extract<KeyCheck, { ok: false }>; ip: string | null; client: string | null; sessionId: string; countAccount: boolean },
): Promise<boolean> {
  const { check } = input;
  await db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Database;
    if (check.organizationId) {
      await tx.insert(sftpTransfers).values({
        organizationId: check.organizationId,
        userId: check.userId,
        operation: "auth_failed",
        result: "refused",
        detail: check.reason,
        remoteIp: input.ip,
      });
    }
    await recordAudit(tx, {
      organizationId: check.organizationId,
      actorUserId: check.userId,
      action: "sftp.auth_failed",
      result: "failure",
      targetType: "ssh_key",
      targetId: check.fingerprint ?? undefined,
      ip: input.ip,
      userAgent: input.client,
      requestId: input.sessionId,
      metadata: { reason: check.reason },
    });
  });
  const keyLimit = check.fingerprint ? await consume("sftp-auth-key", check.fingerprint) : { success: true };
  const ipLimit = await consume("sftp-auth-ip", `refused:${input.ip ?? "unknown"}`);
  await recordAuthFailure(db, {
    userId: input.countAccount ? check.userId : null,
    kind: SSH_FAILURE_KIND,
    meta: { ip: input.ip, userAgent: input.client, requestId: input.sessionId },
  });
  return keyLimit.success && ipLimit.success;
}

// AUTH_FAILURE_KINDS has no SSH kind yet (schema fixed this session; see the report): the column is
// plain text in the database, and "password" would mislabel the failure in the lock-out events.
const SSH_FAILURE_KIND: AuthFailureKind = "ssh_key";

export async function touchKey(db: Database, keyId: string, ip: string | null): Promise<void> {
  await db.update(sshKeys).set({ lastUsedAt: sql`now()`, lastUsedIp: ip }).where(eq(sshKeys.id, keyId));
}
