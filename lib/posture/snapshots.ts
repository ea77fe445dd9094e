import "server-only";
import { and, asc, eq, gte, sql } from "drizzle-orm";
import type { Database } from "@/db";
import { organizations, postureSnapshots } from "@/db/schema";
import { now } from "@/lib/clock";
import { evaluatePosture } from "./evaluate";
import type { PostureScore } from "./score";
import { DAY_MS } from "./types";

/** The UTC day a snapshot belongs to ("2026-12-07"). */
export const dayOf = (d: Date) => d.toISOString().slice(0, 10);

/** Writes today's score of the organization; a second write the same day replaces the first (one row per day). */
export async function saveSnapshot(db: Database, organizationId: string, s: PostureScore): Promise<void> {
  const day = dayOf(now());
  await db
    .insert(postureSnapshots)
    .values({ organizationId, day, score: s.score, breakdown: s.breakdown, updatedAt: now() })
    .onConflictDoUpdate({
      target: [postureSnapshots.organizationId, postureSnapshots.day],
      set: { score: s.score, breakdown: s.breakdown, updatedAt: now() },
    });
}

export type PosturePoint = { day: string; score: number };

/** The organization's daily scores over the last `days` days, oldest first. */
export async function postureHistory(db: Database, organizationId: string, days = 90): Promise<PosturePoint[]> {
  const from = dayOf(new Date(now().getTime() - (days - 1) * DAY_MS));
  return db
    .select({ day: postureSnapshots.day, score: postureSnapshots.score })
    .from(postureSnapshots)
    .where(and(eq(postureSnapshots.organizationId, organizationId), gte(postureSnapshots.day, from)))
    .orderBy(asc(postureSnapshots.day));
}

/**
 * The daily job: every organization that has an active member gets today's snapshot, so the history
 * has a point even on days nobody opened the page. One organization failing does not stop the rest.
 */
export async function snapshotAllOrganizations(db: Database): Promise<{ written: number; failed: number }> {
  const orgs = await db
    .select({ id: organizations.id })
    .from(organizations)
    .where(sql`exists (select 1 from memberships m where m.organization_id = ${organizations.id} and m.status = 'active')`);
  let written = 0;
  let failed = 0;
  for (const org of orgs) {
    try {
      await saveSnapshot(db, org.id, await evaluatePosture(db, org.id));
      written++;
    } catch (e) {
      failed++;
      console.warn(`[posture] snapshot of organization ${org.id} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return { written, failed };
}
