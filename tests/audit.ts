import { and, desc, eq, lte } from "drizzle-orm";
import { expect } from "vitest";
import type { Database } from "@/db";
import { auditEvents } from "@/db/schema";
import type { AuditAction } from "@/lib/audit/catalogue";
import { now } from "@/lib/clock";

type Expected = {
  action: AuditAction;
  organizationId?: string | null;
  actorUserId?: string | null;
  result?: "success" | "failure" | "denied";
  targetId?: string;
  metadata?: Record<string, unknown>;
};

/**
 * Asserts the flow just run recorded `action` (the latest such event matches every field given)
 * and returns it. tests/inventory/audit-catalogue.test.ts walks the test files for calls to this
 * with a literal action: a catalogue action no test records this way fails the walk.
 */
export async function expectAudited(db: Database, expected: Expected) {
  // As of this test's clock: an earlier test that moved the clock ahead left events "in the future"
  // (files share one database per worker), which are not what this flow just recorded.
  const where = [eq(auditEvents.action, expected.action), lte(auditEvents.createdAt, now())];
  if (expected.organizationId !== undefined && expected.organizationId !== null) where.push(eq(auditEvents.organizationId, expected.organizationId));
  if (expected.actorUserId) where.push(eq(auditEvents.actorUserId, expected.actorUserId));
  if (expected.targetId) where.push(eq(auditEvents.targetId, expected.targetId));
  const [event] = await db.select().from(auditEvents).where(and(...where)).orderBy(desc(auditEvents.createdAt), desc(auditEvents.seq)).limit(1);
  expect(event, `no ${expected.action} event recorded`).toBeDefined();
  if (expected.organizationId === null) expect(event!.organizationId).toBeNull();
  if (expected.result) expect(event!.result).toBe(expected.result);
  if (expected.metadata) expect(event!.metadata).toMatchObject(expected.metadata);
  return event!;
}
