import "server-only";
import { isIP } from "node:net";
import { and, asc, desc, eq, gte, inArray, like, lt, or, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { z } from "zod";
import type { Database } from "@/db";
import { auditEvents, memberships, organizations, users } from "@/db/schema";
import { now } from "@/lib/clock";
import { notFound } from "@/lib/errors";
import { decodeCursor as decodeOpaqueCursor, encodeCursor as encodeOpaqueCursor } from "@/lib/http";
import { AUDIT_ACTIONS, isAuditAction, type AuditSeverity } from "./catalogue";

/**
 * Reading the audit log: one organization's events (always the session's organization, never one
 * named by the caller), filtered, newest first, keyset-paged on (created_at, seq). `seq` counts
 * per chain, and an organization is one chain, so the pair is unique within it: a page boundary
 * never drops or repeats an event, even when many share a timestamp.
 */

export const AUDIT_PAGE_SIZE = 50;
export const AUDIT_RESULTS = ["success", "failure", "denied"] as const;
export type AuditResult = (typeof AUDIT_RESULTS)[number];

/** "member." for every member.* action: the categories the filter offers. */
export const AUDIT_ACTION_PREFIXES: readonly string[] = [...new Set(Object.keys(AUDIT_ACTIONS).map((a) => `${a.split(".")[0]}.`))];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMAIL = /^[^\s@]+@[^\s@]+$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MINUTE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/;

/** An exact address, or a CIDR range of either family. Returns null when it is neither. */
export function parseIpFilter(value: string): { kind: "exact"; ip: string } | { kind: "cidr"; family: 4 | 6; cidr: string } | null {
  const [addr, bits, ...rest] = value.split("/");
  if (rest.length || !addr) return null;
  const family = isIP(addr);
  if (family !== 4 && family !== 6) return null;
  if (bits === undefined) return { kind: "exact", ip: addr.toLowerCase() };
  if (!/^\d{1,3}$/.test(bits) || Number(bits) > (family === 4 ? 32 : 128)) return null;
  return { kind: "cidr", family, cidr: `${addr.toLowerCase()}/${Number(bits)}` };
}

/** "2026-01-31" or "2026-01-31T09:30", read as UTC; null when it is not a real date. */
function dateOf(value: string): Date | null {
  if (!DAY.test(value) && !MINUTE.test(value)) return null;
  const d = new Date(value.length === 10 ? `${value}T00:00:00Z` : `${value}:00Z`);
  // Rejects "2026-02-31", which Date would roll over to March.
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, value.length) !== value ? null : d;
}

/** Query-string values: blank means "no filter", and nothing is trusted before it is checked. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === "string" ? v.trim() || undefined : v), schema.optional());

const dateField = optional(z.string().max(16).refine((v) => dateOf(v) !== null, "Enter a date like 2026-01-31."));

export const auditFilterShape = {
  actor: optional(z.string().max(320).refine((v) => UUID.test(v) || EMAIL.test(v), "Enter the person's e-mail address or user id.")),
  action: optional(z.string().max(64).refine((v) => isAuditAction(v) || AUDIT_ACTION_PREFIXES.includes(v), "Choose an action from the list.")),
  result: optional(z.enum(AUDIT_RESULTS, { message: "Choose success, failure or denied." })),
  ip: optional(z.string().max(64).refine((v) => parseIpFilter(v) !== null, "Enter an IP address (203.0.113.7) or a range (203.0.113.0/24).")),
  from: dateField,
  to: dateField,
};

/** For `.refine()` on any schema built from auditFilterShape. */
/**
 * Zod runs an object's refine even when a field's own refine failed, so an unparseable date
 * reaches here: it is that field's error to report, not this rule's (and never a crash).
 */
export function datesInOrder(f: { from?: string; to?: string }): boolean {
  const from = f.from ? dateOf(f.from) : null;
  const to = f.to ? dateOf(f.to) : null;
  return !from || !to || from.getTime() <= to.getTime();
}
export const DATES_MESSAGE = { path: ["to"], message: "The end date is before the start date." };

export const auditFiltersSchema = z.object(auditFilterShape).refine(datesInOrder, DATES_MESSAGE);
export type AuditFilters = z.infer<typeof auditFiltersSchema>;

/** Parses filters from a query string; on bad input, a message per field (never an exception). */
export function parseAuditFilters(raw: Record<string, string | string[] | undefined>):
  | { ok: true; filters: AuditFilters }
  | { ok: false; fieldErrors: Record<string, string> } {
  const flat = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
  const parsed = auditFiltersSchema.safeParse(flat);
  if (parsed.success) return { ok: true, filters: parsed.data };
  const fieldErrors: Record<string, string> = {};
  for (const issue of parsed.error.issues) fieldErrors[String(issue.path[0] ?? "_")] ??= issue.message;
  return { ok: false, fieldErrors };
}

/** The filters back as query-string pairs (for paging links and the export URL). */
export function auditFilterParams(filters: AuditFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of ["actor", "action", "result", "ip", "from", "to"] as const) {
    const v = filters[key];
    if (v) params.set(key, v);
  }
  return params;
}

// ---------------------------------------------------------------------------------------------
// Cursor: where a page ends, opaque to the browser. The timestamp travels as text with its
// microseconds (a JavaScript Date would cut them off and skip events within the same millisecond).

export type AuditCursor = { d: "older" | "newer"; t: string; s: string };
type Cursor = AuditCursor;

const MICRO_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const cursorSchema = z
  .object({
    d: z.enum(["older", "newer"]),
    t: z.string().regex(MICRO_ISO).refine((v) => !Number.isNaN(Date.parse(v))),
    s: z.string().regex(/^\d{1,18}$/),
  })
  .strict();

function encodeCursor(c: Cursor): string {
  return encodeOpaqueCursor({ d: c.d, t: c.t, s: c.s });
}

/** A cursor someone edited is a 400 with a plain message: never an SQL error, never another page. */
export function decodeCursor(raw: string): Cursor {
  return decodeOpaqueCursor(raw, cursorSchema, "That page link is not valid. Start again from the newest events.");
}

// ---------------------------------------------------------------------------------------------

export type AuditEventView = {
  id: string;
  organizationId: string | null;
  seq: number;
  createdAt: Date;
  actorUserId: string | null;
  actorName: string | null;
  actorEmail: string | null;
  action: string;
  /** From the catalogue; the raw action when an old event names one no longer listed. */
  description: string;
  severity: AuditSeverity | null;
  result: AuditResult;
  targetType: string | null;
  targetId: string | null;
  /** The e-mail of a target user, when the target is a user. */
  targetLabel: string | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  metadata: Record<string, string | number | boolean | null>;
  prevHash: string;
  hash: string;
};

type Row = Omit<AuditEventView, "description" | "severity" | "targetLabel" | "result"> & { result: string; key: string; seqText: string };

const actor = alias(users, "actor");

const selection = {
  id: auditEvents.id,
  organizationId: auditEvents.organizationId,
  seq: auditEvents.seq,
  seqText: sql<string>`${auditEvents.seq}::text`,
  key: sql<string>`to_char(${auditEvents.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
  createdAt: auditEvents.createdAt,
  actorUserId: auditEvents.actorUserId,
  actorName: actor.name,
  actorEmail: actor.email,
  action: auditEvents.action,
  result: auditEvents.result,
  targetType: auditEvents.targetType,
  targetId: auditEvents.targetId,
  ip: auditEvents.ip,
  userAgent: auditEvents.userAgent,
  requestId: auditEvents.requestId,
  metadata: auditEvents.metadata,
  prevHash: auditEvents.prevHash,
  hash: auditEvents.hash,
};

// Casting text to inet fails on anything that is not an address, which would turn one odd row
// into an error for the whole page: only rows shaped like an address of the range's family are
// cast (CASE evaluates its branch only when the condition holds).
const IPV4_SHAPE = "^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])([.](25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$";
const IPV6_SHAPE = "^[0-9a-fA-F]{0,4}(:[0-9a-fA-F]{0,4}){2,7}$";

function filterConditions(organizationId: string, filters: AuditFilters): SQL[] {
  const conds: SQL[] = [eq(auditEvents.organizationId, organizationId)];
  if (filters.actor) {
    conds.push(
      UUID.test(filters.actor)
        ? eq(auditEvents.actorUserId, filters.actor.toLowerCase())
        : // By e-mail: events are already this organization's, so an address elsewhere finds nothing.
          sql`${auditEvents.actorUserId} in (select ${users.id} from ${users} where ${users.email} = ${filters.actor.toLowerCase()})`,
    );
  }
  if (filters.action) {
    conds.push(
      filters.action.endsWith(".")
        ? inArray(auditEvents.action, Object.keys(AUDIT_ACTIONS).filter((a) => a.startsWith(filters.action!)))
        : eq(auditEvents.action, filters.action),
    );
  }
  if (filters.result) conds.push(eq(auditEvents.result, filters.result));
  if (filters.ip) {
    const ip = parseIpFilter(filters.ip);
    if (ip?.kind === "exact") conds.push(eq(auditEvents.ip, ip.ip));
    else if (ip) {
      const shape = ip.family === 4 ? IPV4_SHAPE : IPV6_SHAPE;
      conds.push(sql`(case when ${auditEvents.ip} ~ ${shape} then ${auditEvents.ip}::inet <<= ${ip.cidr}::inet else false end)`);
    }
  }
  // ISO strings with ::timestamptz: postgres.js does not serialise Date in raw fragments.
  if (filters.from) conds.push(gte(auditEvents.createdAt, sql`${dateOf(filters.from)!.toISOString()}::timestamptz`));
  if (filters.to) {
    const to = dateOf(filters.to)!;
    // A day means the whole day; a time means that whole minute.
    const end = new Date(to.getTime() + (filters.to.length === 10 ? 86_400_000 : 60_000));
    conds.push(lt(auditEvents.createdAt, sql`${end.toISOString()}::timestamptz`));
  }
  return conds;
}

// The order must match the indexes' (created_at DESC, seq DESC; NULLS FIRST, the default) exactly:
// the planner does not use NOT NULL to see that two NULLS orders agree, so a mismatch sorts the whole
// organization's rows instead of reading 51 index entries. "newer" reads the same index backwards.
const NEWEST_FIRST = [desc(auditEvents.createdAt), desc(auditEvents.seq)];
const NEWEST_LAST = [asc(auditEvents.createdAt), asc(auditEvents.seq)];

/**
 * One page of rows after (or, for "newer", before) a key. The order is descending, except for a
 * "newer" page, which is read upwards from the key and returned in that (ascending) order.
 */
export async function fetchAuditRows(
  db: Database,
  organizationId: string,
  filters: AuditFilters,
  from: Cursor | null,
  limit: number,
): Promise<Row[]> {
  const conds = filterConditions(organizationId, filters);
  if (from?.d === "older") conds.push(sql`(${auditEvents.createdAt}, ${auditEvents.seq}) < (${from.t}::timestamptz, ${from.s}::bigint)`);
  if (from?.d === "newer") conds.push(sql`(${auditEvents.createdAt}, ${auditEvents.seq}) > (${from.t}::timestamptz, ${from.s}::bigint)`);
  const order = from?.d === "newer" ? NEWEST_LAST : NEWEST_FIRST;
  const rows = await db
    .select(selection)
    .from(auditEvents)
    .leftJoin(actor, eq(actor.id, auditEvents.actorUserId))
    .where(and(...conds))
    .orderBy(...order)
    .limit(limit);
  return rows as Row[];
}

/** The key a row continues from, in the given direction. */
export function cursorAfter(row: { key: string; seqText: string }, d: Cursor["d"] = "older"): Cursor {
  return { d, t: row.key, s: row.seqText };
}

/** Target users' e-mails for a page, in one query (a join on text ids would not use an index). */
async function targetLabels(db: Database, rows: Row[]): Promise<Map<string, string>> {
  const ids = [...new Set(rows.filter((r) => r.targetType === "user" && r.targetId && UUID.test(r.targetId)).map((r) => r.targetId!.toLowerCase()))];
  if (!ids.length) return new Map();
  const found = await db.select({ id: users.id, email: users.email }).from(users).where(inArray(users.id, ids));
  return new Map(found.map((u) => [u.id, u.email]));
}

export function toView(row: Row, labels: Map<string, string> = new Map()): AuditEventView {
  const { key: _key, seqText: _seqText, ...rest } = row;
  const known = isAuditAction(row.action) ? AUDIT_ACTIONS[row.action] : null;
  return {
    ...rest,
    result: row.result as AuditResult,
    description: known?.description ?? row.action,
    severity: known?.severity ?? null,
    targetLabel: row.targetType === "user" && row.targetId ? (labels.get(row.targetId.toLowerCase()) ?? null) : null,
  };
}

export type AuditPage = { events: AuditEventView[]; newer: string | null; older: string | null };

type TenantCtx = { organization: { id: string } };

/**
 * A page of the organization's log, newest first. `cursor` comes from a previous page's
 * `newer` / `older`; a tampered one is a 400 (AppError), never a query.
 */
export async function listAuditEvents(db: Database, ctx: TenantCtx, filters: AuditFilters, cursor?: string | null): Promise<AuditPage> {
  const organizationId = ctx.organization.id;
  const from = cursor ? decodeCursor(cursor) : null;
  const rows = await fetchAuditRows(db, organizationId, filters, from, AUDIT_PAGE_SIZE + 1);

  let page: Row[];
  let newer: Cursor | null;
  let older: Cursor | null;
  if (from?.d === "newer") {
    // Fewer than a page above this point: that is simply the first page.
    if (rows.length <= AUDIT_PAGE_SIZE) return listAuditEvents(db, ctx, filters, null);
    page = rows.slice(0, AUDIT_PAGE_SIZE).reverse();
    newer = cursorAfter(page[0]!, "newer");
    older = cursorAfter(page.at(-1)!, "older");
  } else {
    page = rows.slice(0, AUDIT_PAGE_SIZE);
    // Past the end (or an emptied filter): "newer" still leads back from where the cursor stood.
    newer = from ? (page[0] ? cursorAfter(page[0], "newer") : { ...from, d: "newer" }) : null;
    older = rows.length > AUDIT_PAGE_SIZE ? cursorAfter(page.at(-1)!, "older") : null;
  }
  const labels = await targetLabels(db, page);
  return {
    events: page.map((r) => toView(r, labels)),
    newer: newer && encodeCursor(newer),
    older: older && encodeCursor(older),
  };
}

/** One event of the organization; another organization's id (or no such id) is not found. */
export async function getAuditEvent(db: Database, ctx: TenantCtx, id: string): Promise<AuditEventView> {
  if (!UUID.test(id)) throw notFound("That event");
  const [row] = await db
    .select(selection)
    .from(auditEvents)
    .leftJoin(actor, eq(actor.id, auditEvents.actorUserId))
    .where(and(eq(auditEvents.id, id.toLowerCase()), eq(auditEvents.organizationId, ctx.organization.id)));
  if (!row) throw notFound("That event");
  return toView(row as Row, await targetLabels(db, [row as Row]));
}

// ---------------------------------------------------------------------------------------------
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

/** The organization's members for the "who" filter's suggestions (e-mail and name). */
export async function listActorChoices(db: Database, ctx: TenantCtx, limit = 500): Promise<{ email: string; name: string }[]> {
  return db
    .select({ email: users.email, name: users.name })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.organizationId, ctx.organization.id))
    .orderBy(asc(users.email))
    .limit(limit);
}
