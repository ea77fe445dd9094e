import "server-only";
import { and, asc, eq, isNotNull, isNull, lt, or } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "@/db";
import { isUniqueViolation } from "./unique";
import { organizationDomains } from "@/db/schema";
import { auditRequestFields, currentAuditMeta, recordAudit, type AuditAction } from "@/lib/audit";
import type { SessionContext } from "@/lib/auth";
import { now } from "@/lib/clock";
import { randomToken } from "@/lib/crypto";
import { badRequest, notFound } from "@/lib/errors";
import { authorize } from "@/lib/rbac";
import { defaultTxtResolver, type TxtResolver } from "./dns";

/** Where the owner publishes the token, relative to the domain. */
export const TXT_LABEL = "_chargekeep";
export const TXT_PREFIX = "chargekeep-domain-verification=";
const RECHECK_MS = 24 * 3_600_000;

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

export const domainInputSchema = z.object({
  domain: z
    .string()
    .trim()
    .toLowerCase()
    .max(253, "A domain name is at most 253 characters.")
    .transform((d) => d.replace(/\.$/, ""))
    .refine((d) => d.includes(".") && d.split(".").every((l) => LABEL.test(l)) && !d.split(".").every((l) => /^\d+$/.test(l)), {
      message: "Enter a domain name such as example.com (letters, digits and hyphens, no spaces).",
    }),
});

export type OrganizationDomain = typeof organizationDomains.$inferSelect;

/** The TXT record the owner publishes: name and exact value. */
export function txtRecordFor(domain: Pick<OrganizationDomain, "domain" | "token">) {
  return { name: `${TXT_LABEL}.${domain.domain}`, value: `${TXT_PREFIX}${domain.token}` };
}

export async function listDomains(db: Database, organizationId: string): Promise<OrganizationDomain[]> {
  return db.select().from(organizationDomains).where(eq(organizationDomains.organizationId, organizationId)).orderBy(asc(organizationDomains.domain));
}

async function audit(db: Database, ctx: SessionContext | null, organizationId: string, action: AuditAction, d: OrganizationDomain, result: "success" | "failure" = "success", reason?: string) {
  await recordAudit(db, {
    organizationId,
    actorUserId: ctx?.user.id ?? null,
    action,
    result,
    targetType: "domain",
    targetId: d.id,
    ...auditRequestFields(ctx ? await currentAuditMeta() : null),
    metadata: { domain: d.domain, ...(reason ? { reason } : {}) },
  });
}

const TAKEN = "That domain is already verified by another organization.";

export async function addDomain(db: Database, ctx: SessionContext, input: z.infer<typeof domainInputSchema>): Promise<OrganizationDomain> {
  authorize(ctx, "security:manage");
  const [taken] = await db
    .select({ organizationId: organizationDomains.organizationId })
    .from(organizationDomains)
    .where(and(eq(organizationDomains.domain, input.domain), isNotNull(organizationDomains.verifiedAt)));
  if (taken && taken.organizationId !== ctx.organization.id) throw badRequest(TAKEN, { domain: TAKEN });
  return db.transaction(async (tx) => {
    try {
      const [row] = await tx
        .insert(organizationDomains)
        .values({ organizationId: ctx.organization.id, domain: input.domain, token: randomToken(18) })
        .returning();
      await audit(tx, ctx, ctx.organization.id, "domain.added", row!);
      return row!;
    } catch (e) {
      if (isUniqueViolation(e)) throw badRequest("Your organization has already added that domain.", { domain: "Your organization has already added that domain." });
      throw e;
    }
  });
}

async function ownDomain(db: Database, ctx: SessionContext, domainId: string): Promise<OrganizationDomain> {
  const parsed = z.uuid().safeParse(domainId);
  if (!parsed.success) throw notFound("That domain");
  const [row] = await db
    .select()
    .from(organizationDomains)
    .where(and(eq(organizationDomains.id, parsed.data), eq(organizationDomains.organizationId, ctx.organization.id)));
  if (!row) throw notFound("That domain");
  return row;
}

export type DomainCheck = { ok: true } | { ok: false; message: string };

/** Looks for the exact record; a resolver failure is a readable result too, never a 500. */
async function checkRecord(d: OrganizationDomain, resolver: TxtResolver): Promise<DomainCheck> {
  const { name, value } = txtRecordFor(d);
  let records: string[][];
  try {
    records = await resolver(name);
  } catch {
    return { ok: false, message: `The DNS lookup of ${name} failed. Try again in a few minutes.` };
  }
  // A long TXT value may be split into several strings: they are one value joined.
  if (records.some((parts) => parts.join("") === value)) return { ok: true };
  return { ok: false, message: `No TXT record at ${name} has the value ${value} yet. DNS changes can take a while to appear.` };
}

/** Checks the TXT record now (the owner's "Verify" button). Verified by one organization only. */
export async function verifyDomain(db: Database, ctx: SessionContext, domainId: string, resolver: TxtResolver = defaultTxtResolver()): Promise<DomainCheck> {
  authorize(ctx, "security:manage");
  const d = await ownDomain(db, ctx, domainId);
  const check = await checkRecord(d, resolver);
  const t = now();
  if (!check.ok) {
    await db.transaction(async (tx) => {
      await tx.update(organizationDomains).set({ lastCheckedAt: t, lastCheckResult: check.message }).where(eq(organizationDomains.id, d.id));
      await audit(tx, ctx, ctx.organization.id, "domain.verification_failed", d, "failure", "record_missing");
    });
    return check;
  }
  try {
    await db.transaction(async (tx) => {
      await tx.update(organizationDomains).set({ verifiedAt: d.verifiedAt ?? t, lastCheckedAt: t, lastCheckResult: "ok" }).where(eq(organizationDomains.id, d.id));
      await audit(tx, ctx, ctx.organization.id, "domain.verified", d);
    });
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
    await audit(db, ctx, ctx.organization.id, "domain.verification_failed", d, "failure", "verified_elsewhere");
    return { ok: false, message: TAKEN };
  }
  return { ok: true };
}

export async function removeDomain(db: Database, ctx: SessionContext, domainId: string): Promise<void> {
  authorize(ctx, "security:manage");
  const d = await ownDomain(db, ctx, domainId);
  await db.transaction(async (tx) => {
    await tx.delete(organizationDomains).where(eq(organizationDomains.id, d.id));
    await audit(tx, ctx, ctx.organization.id, "domain.removed", d);
  });
}

/**
 * The daily re-check: a verified domain whose record is gone loses its verification (the
 * organization may no longer control it), audited on its chain.
 */
export async function recheckVerifiedDomains(db: Database, resolver: TxtResolver = defaultTxtResolver()): Promise<{ checked: number; lost: number }> {
  const t = now();
  const due = await db
    .select()
    .from(organizationDomains)
    .where(and(isNotNull(organizationDomains.verifiedAt), or(isNull(organizationDomains.lastCheckedAt), lt(organizationDomains.lastCheckedAt, new Date(t.getTime() - RECHECK_MS)))))
    .limit(500);
  let lost = 0;
  for (const d of due) {
    const check = await checkRecord(d, resolver);
    await db.transaction(async (tx) => {
      if (check.ok) {
        await tx.update(organizationDomains).set({ lastCheckedAt: t, lastCheckResult: "ok" }).where(eq(organizationDomains.id, d.id));
        return;
      }
      lost += 1;
      await tx.update(organizationDomains).set({ verifiedAt: null, lastCheckedAt: t, lastCheckResult: check.message }).where(eq(organizationDomains.id, d.id));
      await audit(tx, null, d.organizationId, "domain.verification_failed", d, "failure", "record_gone_on_recheck");
    });
  }
  return { checked: due.length, lost };
}

/** The domain part of an address, lower-cased; null when it is not an address. */
export function emailDomain(email: string): string | null {
  const at = email.lastIndexOf("@");
  if (at < 1 || at === email.length - 1) return null;
  return email.slice(at + 1).trim().toLowerCase().replace(/\.$/, "");
}

/**
 * The organization that verified the address's domain, if any (also used by SCIM provisioning).
 * At most one: the partial unique index allows a domain to be verified by one organization only.
 */
export async function findVerifiedDomainOrg(db: Database, email: string): Promise<{ organizationId: string; domainId: string; domain: string } | null> {
  const domain = emailDomain(email);
  if (!domain) return null;
  const [row] = await db
    .select({ organizationId: organizationDomains.organizationId, domainId: organizationDomains.id, domain: organizationDomains.domain })
    .from(organizationDomains)
    .where(and(eq(organizationDomains.domain, domain), isNotNull(organizationDomains.verifiedAt)));
  return row ?? null;
}

