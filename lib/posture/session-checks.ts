import "server-only";
import { sql } from "drizzle-orm";
import { rowsOf, type Database } from "@/db";
import { now } from "@/lib/clock";
import type { CheckResult } from "./types";

/** A session open longer than this is "long-lived": a stolen cookie stays useful for as long. */
export const LONG_SESSION_HOURS = 24;

export type SessionFacts = { live: number; longLived: number; newPlaces: number };

/**
 * Live sessions of the organization (signed in, not expired), how many are older than a day, and how
 * many come from an address the same member has no older session of this organization from (a
 * member's first session is not news). Only what the sessions table stores: address and times.
 */
export async function sessionFacts(db: Database, organizationId: string): Promise<SessionFacts> {
  const t = now().toISOString();
  const longBefore = new Date(now().getTime() - LONG_SESSION_HOURS * 3_600_000).toISOString();
  const [row] = rowsOf<{ live: number; long_lived: number; new_places: number }>(
    await db.execute(sql`
      select count(*)::int as live,
             count(*) filter (where s.created_at < ${longBefore}::timestamptz)::int as long_lived,
             count(*) filter (where s.ip is not null
               and exists (select 1 from sessions o where o.user_id = s.user_id and o.organization_id = s.organization_id and o.created_at < s.created_at)
               and not exists (select 1 from sessions o where o.user_id = s.user_id and o.organization_id = s.organization_id and o.created_at < s.created_at and o.ip = s.ip)
             )::int as new_places
      from sessions s
      where s.organization_id = ${organizationId} and not s.mfa_pending and s.expires_at > ${t}::timestamptz`),
  );
  return { live: Number(row?.live ?? 0), longLived: Number(row?.long_lived ?? 0), newPlaces: Number(row?.new_places ?? 0) };
}

export function sessionsCheck(f: SessionFacts): CheckResult {
  const issues = [
    f.longLived ? `${f.longLived} open for more than ${LONG_SESSION_HOURS} hours` : null,
    f.newPlaces ? `${f.newPlaces} from an address the member never used before` : null,
  ].filter(Boolean);
  return {
    key: "sessions",
    title: "Long-lived sessions and new places",
    state: issues.length ? "warning" : "ok",
    finding: `${f.live} live session${f.live === 1 ? "" : "s"}${issues.length ? `: ${issues.join(", ")}.` : ", none long-lived or from a new address."}`,
    why: "A session from an unexpected address, or one that never ends, is how a stolen cookie or device keeps its access.",
    fix: { href: "/admin/members", label: "Review members and end sessions", permission: "members:read" },
  };
}

export async function sessionChecks(db: Database, organizationId: string): Promise<CheckResult[]> {
  return [sessionsCheck(await sessionFacts(db, organizationId))];
}
