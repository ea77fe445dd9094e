import "server-only";
import { and, lt, notInArray, sql } from "drizzle-orm";
import type { Database } from "@/db";
import { rowsOf } from "@/db/client";
import { auditAnchors } from "@/db/schema";
import { now } from "@/lib/clock";
import type { ObjectStore } from "@/lib/storage";
import { listAnchors } from "./anchor-store";

/**
 * Anchors are written every minute something changes, each listing every chain head, so without
 * retention the stores grow by the heads' size times 1,440 a day. Verification needs the newest
 * anchor; spotting a restored older copy needs older ones, but a day's granularity is enough for
 * that. So: every anchor of the last ANCHOR_KEEP_ALL_DAYS days, then the newest of each day, and
 * every backup's own anchor (the one a restore of that backup is compared with).
 */
export const ANCHOR_KEEP_ALL_DAYS = 2;

/** audit-anchors/<ns>/2026-12-07/20261207T101500123Z-schedule-1a2b3c4d.json -> day and reason. */
const KEY = /\/(\d{4}-\d{2}-\d{2})\/\d{8}T\d{9}Z-([a-z]+)-[0-9a-f]{8}\.json$/;

/** Which anchor keys to keep (pure, for the tests): anything not in our naming scheme is kept. */
export function selectKeptAnchors(keys: string[], at: Date, keepAllDays = ANCHOR_KEEP_ALL_DAYS): Set<string> {
  const cutoff = new Date(at.getTime() - keepAllDays * 86_400_000).toISOString().slice(0, 10);
  const kept = new Set<string>();
  const newestOfDay = new Map<string, string>();
  for (const key of keys) {
    const m = KEY.exec(key);
    if (!m || m[1]! >= cutoff || m[2] === "backup") {
      kept.add(key);
      continue;
    }
    const best = newestOfDay.get(m[1]!);
    // Names sort by time within a day folder.
    if (!best || key.slice(key.lastIndexOf("/")) > best.slice(best.lastIndexOf("/"))) newestOfDay.set(m[1]!, key);
  }
  for (const key of newestOfDay.values()) kept.add(key);
  return kept;
}

export type AnchorPruneResult = { deleted: number; errors: { location: string; error: string }[] };

/**
 * Applies the retention to every store and to the audit_anchors log (same rule: the newest row of
 * each older day stays). A store that cannot be listed or refuses a delete is reported, not thrown:
 * keeping an anchor too long is harmless.
 */
export async function pruneAuditAnchors(db: Database, stores: ObjectStore[], at: Date = now()): Promise<AnchorPruneResult> {
  const result: AnchorPruneResult = { deleted: 0, errors: [] };
  const listings = await listAnchors(stores);
  for (const [i, listing] of listings.entries()) {
    if (!listing.reachable) {
      result.errors.push({ location: listing.location, error: listing.error ?? "not reachable" });
      continue;
    }
    const kept = selectKeptAnchors(listing.keys, at);
    for (const key of listing.keys.filter((k) => !kept.has(k))) {
      try {
        await stores[i]!.delete(key);
        result.deleted++;
      } catch (e) {
        result.errors.push({ location: listing.location, error: e instanceof Error ? e.message : String(e) });
        break;
      }
    }
  }
  const cutoff = new Date(at.getTime() - ANCHOR_KEEP_ALL_DAYS * 86_400_000);
  const newestPerDay = rowsOf<{ id: string }>(
    await db.execute(sql`select distinct on ((created_at at time zone 'UTC')::date) id from audit_anchors where created_at < ${cutoff.toISOString()}::timestamptz and reason <> 'backup' order by (created_at at time zone 'UTC')::date, created_at desc`),
  ).map((r) => r.id);
  await db
    .delete(auditAnchors)
    .where(and(lt(auditAnchors.createdAt, cutoff), sql`${auditAnchors.reason} <> 'backup'`, newestPerDay.length ? notInArray(auditAnchors.id, newestPerDay) : undefined));
  return result;
}
