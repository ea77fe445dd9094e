import "server-only";
import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "@/db";
import { memberships, roles, sessions, SSO_MFA_MODES, SSO_PROVIDER_KINDS, ssoConnections } from "@/db/schema";
import { auditRequestFields, currentAuditMeta, recordAudit, type AuditAction, type AuditMetadata } from "@/lib/audit";
import type { SessionContext } from "@/lib/auth";
import { issuerProblem } from "@/lib/banking";
import { env } from "@/lib/env";
import { badRequest, notFound } from "@/lib/errors";
import { boundaryText } from "@/lib/http";
import { requireRecentMfa } from "@/lib/mfa";
import { authorize } from "@/lib/rbac";

export type SsoConnection = typeof ssoConnections.$inferSelect;

/** The callback URL the owner registers at the identity provider. */
export function redirectUriFor(connectionId: string): string {
  return `${new URL(env().APP_URL).origin}/api/auth/sso/callback/${connectionId}`;
}

export async function getConnection(db: Database, organizationId: string): Promise<SsoConnection | null> {
  const [row] = await db.select().from(ssoConnections).where(eq(ssoConnections.organizationId, organizationId));
  return row ?? null;
}

export async function getConnectionById(db: Database, connectionId: string): Promise<SsoConnection | null> {
  if (!z.uuid().safeParse(connectionId).success) return null;
  const [row] = await db.select().from(ssoConnections).where(eq(ssoConnections.id, connectionId));
  return row ?? null;
}

export const connectionInputSchema = z.object({
  kind: z.enum(SSO_PROVIDER_KINDS, { message: "Choose the kind of identity provider." }),
  issuer: boundaryText().trim().min(1, "Enter the issuer URL.").max(500, "The issuer URL is at most 500 characters."),
  clientId: boundaryText().trim().min(1, "Enter the client id.").max(500, "The client id is at most 500 characters."),
  /** Empty keeps the stored secret (it is never shown again). */
  clientSecret: boundaryText().max(1000, "The client secret is at most 1000 characters.").optional(),
});

async function audit(db: Database, ctx: SessionContext, action: AuditAction, connectionId: string, metadata: AuditMetadata, result: "success" | "failure" = "success") {
  await recordAudit(db, {
    organizationId: ctx.organization.id,
    actorUserId: ctx.user.id,
    action,
    result,
    targetType: "sso_connection",
    targetId: connectionId,
    ...auditRequestFields(await currentAuditMeta()),
    metadata,
  });
}

/** Issuer, client id and secret. A changed issuer or client turns SSO off until it is tested again. */
export async function saveConnection(db: Database, ctx: SessionContext, input: z.infer<typeof connectionInputSchema>): Promise<SsoConnection> {
  authorize(ctx, "security:manage");
  requireRecentMfa(ctx);
  const issuer = input.issuer.replace(/\/+$/, "");
  const problem = issuerProblem(issuer, { production: env().NODE_ENV === "production", appUrl: env().APP_URL });
  if (problem) throw badRequest(`Issuer: ${problem}`, { issuer: problem });
  if (input.kind === "microsoft-entra-id" && !/\/[0-9a-f-]{36}\/v2\.0$/i.test(issuer)) {
    const m = "Microsoft Entra ID needs the tenant-specific issuer: https://login.microsoftonline.com/<tenant id>/v2.0";
    throw badRequest(m, { issuer: m });
  }
  const existing = await getConnection(db, ctx.organization.id);
  const secret = input.clientSecret?.trim() ? input.clientSecret.trim() : null;
  if (!existing && !secret) throw badRequest("Enter the client secret.", { clientSecret: "Enter the client secret." });
  return db.transaction(async (tx) => {
    let row: SsoConnection;
    const changedTrust = !existing || existing.issuer !== issuer || existing.clientId !== input.clientId || existing.kind !== input.kind || Boolean(secret);
    if (existing) {
      [row] = (await tx
        .update(ssoConnections)
        .set({
          kind: input.kind,
          issuer,
          clientId: input.clientId,
          ...(secret ? { clientSecret: secret } : {}),
          ...(changedTrust ? { enabled: false, lastTestedAt: null, lastTestResult: null } : {}),
          updatedAt: sql`now()`,
        })
        .where(eq(ssoConnections.id, existing.id))
        .returning()) as [SsoConnection];
    } else {
      [row] = (await tx
        .insert(ssoConnections)
        .values({ organizationId: ctx.organization.id, kind: input.kind, issuer, clientId: input.clientId, clientSecret: secret!, defaultRoleId: await memberRoleId(tx, ctx.organization.id) })
        .returning()) as [SsoConnection];
    }
    await audit(tx, ctx, "sso.connection_saved", row.id, { issuer, clientId: input.clientId, kind: input.kind, rotated: Boolean(secret), created: !existing });
    return row;
  });
}

async function memberRoleId(db: Database, organizationId: string): Promise<string | null> {
  const [r] = await db.select({ id: roles.id }).from(roles).where(and(eq(roles.organizationId, organizationId), eq(roles.key, "member")));
  return r?.id ?? null;
}

async function ownConnection(db: Database, ctx: SessionContext): Promise<SsoConnection> {
  const row = await getConnection(db, ctx.organization.id);
  if (!row) throw notFound("The single sign-on connection");
  return row;
}

/** Only a connection whose last test round trip succeeded can be turned on. */
export async function setConnectionEnabled(db: Database, ctx: SessionContext, enabled: boolean): Promise<void> {
  authorize(ctx, "security:manage");
  requireRecentMfa(ctx);
  const row = await ownConnection(db, ctx);
  if (enabled && row.lastTestResult !== "ok") throw badRequest("Test the connection successfully before turning single sign-on on.");
  await db.transaction(async (tx) => {
    await tx.update(ssoConnections).set({ enabled, updatedAt: sql`now()` }).where(eq(ssoConnections.id, row.id));
    await audit(tx, ctx, enabled ? "sso.connection_enabled" : "sso.connection_disabled", row.id, { issuer: row.issuer });
  });
}

const valueList = (what: string) =>
  boundaryText()
    .max(300, `${what} are at most 300 characters.`)
    .transform((s) => s.split(/[\s,]+/).filter(Boolean).join(" "))
    .refine((s) => s.split(" ").every((v) => /^[\w.:/-]{1,100}$/.test(v) || v === ""), `${what}: letters, digits, '.', ':', '/', '-' and '_' only, separated by spaces.`);

export const policyInputSchema = z.object({
  mfaMode: z.enum(SSO_MFA_MODES, { message: "Choose how the second factor is checked." }),
  acceptedAmr: valueList("Accepted amr values"),
  acceptedAcr: valueList("Accepted acr values"),
  jitEnabled: z.boolean(),
  defaultRoleId: z.uuid("Choose a role for new members."),
  ssoRequired: z.boolean(),
  breakGlassOwners: z.boolean(),
});

/**
 * MFA mode, just-in-time members and "SSO required". Turning "SSO required" on ends the password
 * sessions of the organization's members (owners keep theirs when break-glass stays on).
 */
export async function saveSsoPolicy(db: Database, ctx: SessionContext, input: z.infer<typeof policyInputSchema>): Promise<{ endedSessions: number }> {
  authorize(ctx, "security:manage");
  requireRecentMfa(ctx);
  const row = await ownConnection(db, ctx);
  const [role] = await db.select({ id: roles.id, key: roles.key }).from(roles).where(and(eq(roles.id, input.defaultRoleId), eq(roles.organizationId, ctx.organization.id)));
  if (!role) throw badRequest("Choose one of your organization's roles.", { defaultRoleId: "Choose one of your organization's roles." });
  // Just-in-time members never start as owners: the directory should not mint the most senior role.
  if (role.key === "owner") throw badRequest("New members cannot start as owners.", { defaultRoleId: "New members cannot start as owners." });
  if (input.mfaMode === "idp" && !input.acceptedAmr && !input.acceptedAcr) {
    throw badRequest("Name at least one amr or acr value that counts as MFA.", { acceptedAmr: "Name at least one amr or acr value that counts as MFA." });
  }
  return db.transaction(async (tx) => {
    await tx.update(ssoConnections).set({ ...input, updatedAt: sql`now()` }).where(eq(ssoConnections.id, row.id));
    await audit(tx, ctx, "sso.policy_changed", row.id, { ...input });
    let endedSessions = 0;
    if (input.ssoRequired && !row.ssoRequired) endedSessions = await endPasswordSessions(tx, ctx, input.breakGlassOwners);
    return { endedSessions };
  });
}

async function endPasswordSessions(db: Database, ctx: SessionContext, keepOwners: boolean): Promise<number> {
  const owners = keepOwners
    ? db
        .select({ id: memberships.userId })
        .from(memberships)
        .innerJoin(roles, eq(roles.id, memberships.roleId))
        .where(and(eq(memberships.organizationId, ctx.organization.id), eq(roles.key, "owner")))
    : null;
  const ended = await db
    .delete(sessions)
    .where(
      and(
        eq(sessions.organizationId, ctx.organization.id),
        eq(sessions.viaSso, false),
        // Only members on the organization's verified domains fall under the policy.
        sql`${sessions.userId} in (select u.id from users u join organization_domains d on d.domain = split_part(u.email, '@', 2)
              where d.organization_id = ${ctx.organization.id} and d.verified_at is not null)`,
        // The owner saving the policy keeps the session they are using.
        sql`${sessions.id} <> ${ctx.session.id}`,
        ...(owners ? [sql`${sessions.userId} not in (${owners})`] : []),
      ),
    )
    .returning({ userId: sessions.userId });
  await audit(db, ctx, "sso.password_sessions_ended", ctx.organization.id, { sessions: ended.length, users: new Set(ended.map((e) => e.userId)).size });
  return ended.length;
}

