import "server-only";
import { and, eq, gte, like, or, sql } from "drizzle-orm";
import type { Database } from "@/db";
import { auditEvents, organizations } from "@/db/schema";
import { now } from "@/lib/clock";
import { AUDIT_ACTIONS, isAuditAction } from "./catalogue";
import { NEWEST_FIRST } from "./event-rows";
import type { AuditResult } from "./filters";

// "Your activity": the signed-in person's own sign-ins, second-factor and session events, in every
// organization (and the platform chain). Only events they are the actor of: an event someone else
// did to them (an admin ending their sessions) carries that person's address and device, which are
// not theirs to see. The audit_events_actor_created_idx index serves this query.

export const MY_ACTIVITY_DAYS = 90;
export const MY_ACTIVITY_LIMIT = 200;

export type MyActivityItem = {
  id: string;
  createdAt: Date;
  action: string;
  description: string;
  result: AuditResult;
  ip: string | null;
  userAgent: string | null;
  organizationName: string | null;
};

export async function listMyActivity(db: Database, userId: string): Promise<MyActivityItem[]> {
  const since = new Date(now().getTime() - MY_ACTIVITY_DAYS * 86_400_000).toISOString();
  const rows = await db
    .select({
      id: auditEvents.id,
      createdAt: auditEvents.createdAt,
      action: auditEvents.action,
      result: auditEvents.result,
      ip: auditEvents.ip,
      userAgent: auditEvents.userAgent,
      organizationName: organizations.name,
    })
    .from(auditEvents)
    .leftJoin(organizations, eq(organizations.id, auditEvents.organizationId))
    .where(
      and(
        eq(auditEvents.actorUserId, userId),
        or(like(auditEvents.action, "auth.%"), like(auditEvents.action, "mfa.%"), like(auditEvents.action, "defense.%")),
        gte(auditEvents.createdAt, sql`${since}::timestamptz`),
      ),
    )
    .orderBy(...NEWEST_FIRST) // audit_events_actor_created_idx, same order
    .limit(MY_ACTIVITY_LIMIT);
  return rows.map((r) => ({
    ...r,
    result: r.result as AuditResult,
    description: isAuditAction(r.action) ? AUDIT_ACTIONS[r.action].description : r.action,
  }));
}

export type DeviceSummary = { device: string; ip: string | null; lastSeen: Date; signIns: number };

/** Successful sign-ins grouped by device and address, most recent first: "where am I signed in from". */
export function summarizeDevices(items: MyActivityItem[], describe: (ua: string | null) => string): DeviceSummary[] {
  const byKey = new Map<string, DeviceSummary>();
  for (const i of items) {
    if (i.action !== "auth.sign_in" || i.result !== "success") continue;
    const device = describe(i.userAgent);
    const key = `${device}\u0000${i.ip ?? ""}`;
    const seen = byKey.get(key);
    if (seen) seen.signIns++;
    else byKey.set(key, { device, ip: i.ip, lastSeen: i.createdAt, signIns: 1 }); // items come newest first
  }
  return [...byKey.values()];
}
