import "server-only";
import { isIP } from "node:net";
import { z } from "zod";
import { AUDIT_ACTIONS, isAuditAction } from "./catalogue";

/** The audit log's filters (who, what, result, address or range, dates) and their URL form. */

export const AUDIT_RESULTS = ["success", "failure", "denied"] as const;
export type AuditResult = (typeof AUDIT_RESULTS)[number];

/** "member." for every member.* action: the categories the filter offers. */
export const AUDIT_ACTION_PREFIXES: readonly string[] = [...new Set(Object.keys(AUDIT_ACTIONS).map((a) => `${a.split(".")[0]}.`))];

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
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
export function dateOf(value: string): Date | null {
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
