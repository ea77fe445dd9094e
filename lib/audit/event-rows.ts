import "server-only";
import { and, asc, desc, eq, gte, inArray, lt, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Database } from "@/db";
import { auditEvents, users } from "@/db/schema";
import { AUDIT_ACTIONS, isAuditAction, type AuditSeverity } from "./catalogue";
import type { Cursor } from "./cursor";
import { dateOf, parseIpFilter, UUID, type AuditFilters, type AuditResult } from "./filters";


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

export type Row = Omit<AuditEventView, "description" | "severity" | "targetLabel" | "result"> & { result: string; key: string; seqText: string };

export const actor = alias(users, "actor");

export const selection = {
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
export const NEWEST_FIRST = [desc(auditEvents.createdAt), desc(auditEvents.seq)];
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

/** Target users' e-mails for a page, in one query (a join on text ids would not use an index). */
export async function targetLabels(db: Database, rows: Row[]): Promise<Map<string, string>> {
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

export type TenantCtx = { organization: { id: string } };
