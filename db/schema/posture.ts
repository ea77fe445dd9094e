import { sql } from "drizzle-orm";
import { check, date, integer, jsonb, pgTable, primaryKey, timestamp, uuid } from "drizzle-orm/pg-core";
import { organizations } from "./identity";

/** One item's part of a day's score, as it was then (lib/posture): kept so the history explains itself. */
export type PostureBreakdownEntry = { key: string; state: "ok" | "warning" | "failing"; points: number; weight: number };

/**
 * The organization's security posture score, one row per organization per UTC day (lib/posture):
 * written when an admin opens /admin/posture and by the daily job, so the history has a point even
 * on days nobody looked. The last write of a day wins (upsert on the primary key).
 */
export const postureSnapshots = pgTable(
  "posture_snapshots",
  {
    organizationId: uuid("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    day: date("day", { mode: "string" }).notNull(),
    score: integer("score").notNull(),
    breakdown: jsonb("breakdown").$type<PostureBreakdownEntry[]>().notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.day] }), check("posture_snapshots_score_range", sql`${t.score} between 0 and 100`)],
);
