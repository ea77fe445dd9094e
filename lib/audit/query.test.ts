import { randomUUID } from "node:crypto";
import { and, desc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { auditEvents } from "@/db/schema";
import { useFakeClock } from "@/lib/clock";
import { makeSession, makeUser } from "@/tests/factories";
import { resetRequestContext, setRequestCookie, setRequestHeaders } from "@/tests/request-context";
import { recordAudit, type AuditEventInput } from "./index";
import { AUDIT_PAGE_SIZE, getAuditEvent, listAuditEvents, listMyActivity, parseAuditFilters, summarizeDevices, type AuditFilters } from "./index";

const db = () => getDb();
const ctxOf = (organizationId: string) => ({ organization: { id: organizationId } });

const ev = (organizationId: string, extra: Partial<AuditEventInput> = {}): AuditEventInput => ({
  organizationId,
  actorUserId: null,
  action: "role.updated",
  result: "success",
  ip: "203.0.113.7",
  userAgent: "vitest",
  ...extra,
});

/** Every page from the newest, following `older`; returns the pages' ids. */
async function walkOlder(orgId: string, filters: AuditFilters = {}) {
  const pages: string[][] = [];
  const cursors: (string | null)[] = [];
  let cursor: string | null = null;
  for (let guard = 0; guard < 50; guard++) {
    const page = await listAuditEvents(db(), ctxOf(orgId), filters, cursor);
    pages.push(page.events.map((e) => e.id));
    cursors.push(page.newer);
    if (!page.older) break;
    cursor = page.older;
  }
  return { pages, cursors };
}

/** The order the log promises, straight from the table. */
async function expectedOrder(orgId: string) {
  const rows = await db()
    .select({ id: auditEvents.id })
    .from(auditEvents)
    .where(eq(auditEvents.organizationId, orgId))
    .orderBy(desc(auditEvents.createdAt), desc(auditEvents.seq));
  return rows.map((r) => r.id);
}

const filtersOf = (raw: Record<string, string>) => {
  const parsed = parseAuditFilters(raw);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.fieldErrors));
  return parsed.filters;
};

describe("audit log: keyset paging", () => {
  it("V16.2.1 pages of 50, newest first, with no duplicate and no gap even when many events share one timestamp", async () => {
    const clock = useFakeClock(new Date("2026-03-01T10:00:00Z"));
    const orgId = randomUUID();
    // 70 events in the very same instant, then 45 a second later, then 10 more in one instant:
    // page boundaries fall inside runs of equal timestamps.
    for (let i = 0; i < 70; i++) await recordAudit(db(), ev(orgId, { metadata: { i } }));
    clock.advance(1000);
    for (let i = 70; i < 115; i++) await recordAudit(db(), ev(orgId, { metadata: { i } }));
    clock.advance(1);
    for (let i = 115; i < 125; i++) await recordAudit(db(), ev(orgId, { metadata: { i } }));

    const { pages } = await walkOlder(orgId);
    expect(pages.map((p) => p.length)).toEqual([AUDIT_PAGE_SIZE, AUDIT_PAGE_SIZE, 25]);
    const all = pages.flat();
    expect(new Set(all).size).toBe(125);
    expect(all).toEqual(await expectedOrder(orgId));
  });

  it("V16.2.1 'newer' links lead back through the same pages, and the first page has none", async () => {
    useFakeClock(new Date("2026-03-02T10:00:00Z"));
    const orgId = randomUUID();
    for (let i = 0; i < 120; i++) await recordAudit(db(), ev(orgId, { metadata: { i } }));
    const first = await listAuditEvents(db(), ctxOf(orgId), {});
    expect(first.newer).toBeNull();
    const second = await listAuditEvents(db(), ctxOf(orgId), {}, first.older);
    const third = await listAuditEvents(db(), ctxOf(orgId), {}, second.older);
    expect(third.older).toBeNull();
    const backToSecond = await listAuditEvents(db(), ctxOf(orgId), {}, third.newer);
    expect(backToSecond.events.map((e) => e.id)).toEqual(second.events.map((e) => e.id));
    const backToFirst = await listAuditEvents(db(), ctxOf(orgId), {}, backToSecond.newer);
    expect(backToFirst.events.map((e) => e.id)).toEqual(first.events.map((e) => e.id));
    expect(backToFirst.newer).toBeNull();
  });

  it("V16.2.1 an event recorded while someone pages does not shift the pages they are reading", async () => {
    useFakeClock(new Date("2026-03-03T10:00:00Z"));
    const orgId = randomUUID();
    for (let i = 0; i < 60; i++) await recordAudit(db(), ev(orgId));
    const first = await listAuditEvents(db(), ctxOf(orgId), {});
    await recordAudit(db(), ev(orgId, { action: "member.removed" }));
    const second = await listAuditEvents(db(), ctxOf(orgId), {}, first.older);
    expect(second.events).toHaveLength(10);
    expect(second.events.some((e) => first.events.some((f) => f.id === e.id))).toBe(false);
  });

  it("V2.2.1 V16.5.1 a malformed or edited cursor is a 400 with a readable message, never a query error", async () => {
    const orgId = randomUUID();
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
    const bad = [
      "not a cursor!",
      "%27%20or%201%3D1",
      "x".repeat(500),
      Buffer.from("{not json").toString("base64url"),
      b64({ d: "older", t: "2026-01-01'; drop table audit_events; --", s: "1" }),
      b64({ d: "older", t: "2026-13-45T99:99:99.000000Z", s: "1" }),
      b64({ d: "older", t: "2026-01-01T00:00:00.000000Z", s: "-1" }),
      b64({ d: "sideways", t: "2026-01-01T00:00:00.000000Z", s: "1" }),
      b64({ d: "older", t: "2026-01-01T00:00:00.000000Z", s: "1", organizationId: randomUUID() }),
    ];
    for (const cursor of bad) {
      await expect(listAuditEvents(db(), ctxOf(orgId), {}, cursor), cursor).rejects.toMatchObject({
        status: 400,
        message: expect.stringMatching(/page link is not valid/),
      });
    }
  });
});

describe("audit log: filters", () => {
  it("V16.2.1 filters by who (e-mail or id), what (action or category), result, IP (exact or range) and when", async () => {
    const clock = useFakeClock(new Date("2026-04-10T12:00:00Z"));
    const owner = await makeUser();
    const member = await makeUser({ organizationId: owner.organizationId });
    const orgId = owner.organizationId;
    const before = await expectedOrder(orgId); // organization.created etc. from the factory, if any
    await recordAudit(db(), ev(orgId, { actorUserId: owner.user.id, action: "member.role_changed", ip: "198.51.100.20" }));
    await recordAudit(db(), ev(orgId, { actorUserId: member.user.id, action: "mfa.failed", result: "failure", ip: "198.51.100.99" }));
    clock.advance(86_400_000); // 2026-04-11
    await recordAudit(db(), ev(orgId, { actorUserId: member.user.id, action: "member.removed", result: "denied", ip: "2001:db8::5" }));
    await recordAudit(db(), ev(orgId, { actorUserId: owner.user.id, action: "role.created", ip: "not-an-address" }));
    clock.advance(86_400_000); // 2026-04-12
    await recordAudit(db(), ev(orgId, { actorUserId: owner.user.id, action: "auth.sign_in", ip: "203.0.113.7" }));

    const actions = async (raw: Record<string, string>) =>
      (await listAuditEvents(db(), ctxOf(orgId), filtersOf(raw))).events.filter((e) => !before.includes(e.id)).map((e) => e.action);

    expect(await actions({ actor: member.email.toUpperCase() })).toEqual(["member.removed", "mfa.failed"]);
    expect(await actions({ actor: owner.user.id })).toEqual(["auth.sign_in", "role.created", "member.role_changed"]);
    expect(await actions({ action: "mfa.failed" })).toEqual(["mfa.failed"]);
    expect(await actions({ action: "member." })).toEqual(["member.removed", "member.role_changed"]);
    expect(await actions({ result: "denied" })).toEqual(["member.removed"]);
    expect(await actions({ ip: "198.51.100.20" })).toEqual(["member.role_changed"]);
    // a range skips the row whose ip is not an address instead of failing the page
    expect(await actions({ ip: "198.51.100.0/24" })).toEqual(["mfa.failed", "member.role_changed"]);
    expect(await actions({ ip: "2001:db8::/32" })).toEqual(["member.removed"]);
    expect(await actions({ from: "2026-04-11", to: "2026-04-11" })).toEqual(["role.created", "member.removed"]);
    expect(await actions({ from: "2026-04-12" })).toEqual(["auth.sign_in"]);
    expect(await actions({ to: "2026-04-10" })).toEqual(["mfa.failed", "member.role_changed"]);
    expect(await actions({ actor: owner.email, action: "member.", result: "success", from: "2026-04-10" })).toEqual(["member.role_changed"]);
    // someone who is not in this organization: nothing (not an error)
    expect(await actions({ actor: "stranger@example.test" })).toEqual([]);
  });

  it("V16.2.1 filtered pages keep the paging guarantees", async () => {
    useFakeClock(new Date("2026-04-20T12:00:00Z"));
    const orgId = randomUUID();
    for (let i = 0; i < 130; i++) await recordAudit(db(), ev(orgId, { result: i % 2 ? "failure" : "success" }));
    const { pages } = await walkOlder(orgId, filtersOf({ result: "failure" }));
    expect(pages.map((p) => p.length)).toEqual([50, 15]);
    expect(new Set(pages.flat()).size).toBe(65);
  });

  it("V2.2.1 bad filter values come back as a message per field, never an exception", () => {
    const bad = parseAuditFilters({ actor: "nobody", action: "nope.nothing", result: "maybe", ip: "10.0.0.0/99", from: "2026-02-31", to: "yesterday" });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(Object.keys(bad.fieldErrors).sort()).toEqual(["action", "actor", "from", "ip", "result", "to"]);
    expect(bad.fieldErrors.ip).toMatch(/IP address/);
    const reversed = parseAuditFilters({ from: "2026-05-02", to: "2026-05-01" });
    expect(reversed).toMatchObject({ ok: false, fieldErrors: { to: expect.stringMatching(/before the start/) } });
    expect(parseAuditFilters({ actor: " ", action: "", ip: "  " })).toEqual({ ok: true, filters: {} });
    // arrays (repeated parameters) take the first value
    expect(parseAuditFilters({ result: ["denied", "success"] })).toMatchObject({ ok: true, filters: { result: "denied" } });
  });

  it("V2.2.1 V16.5.3 one unreadable date beside a good one is that field's message, not a crash in the date-order rule (found by the scanner)", () => {
    // Zod runs the object's date-order rule even after a date field's own rule failed.
    expect(parseAuditFilters({ from: "2026-02-31", to: "2026-03-01" })).toMatchObject({ ok: false, fieldErrors: { from: expect.stringMatching(/date like/) } });
    expect(parseAuditFilters({ from: "2026-03-01", to: "yesterday" })).toMatchObject({ ok: false, fieldErrors: { to: expect.stringMatching(/date like/) } });
    expect(parseAuditFilters({ from: "9999-99-99T99:99", to: "2026-03-01T10:00" }).ok).toBe(false);
  });
});

describe("audit log: tenant isolation and permissions", () => {
  it("V8.4.1 another organization's events are invisible: not in its list, and its event id reads as not found", async () => {
    const a = await makeUser();
    const b = await makeUser();
    const secret = await recordAudit(db(), ev(a.organizationId, { action: "member.removed", actorUserId: a.user.id }));
    const bPage = await listAuditEvents(db(), ctxOf(b.organizationId), {});
    expect(bPage.events.some((e) => e.id === secret.id)).toBe(false);
    // a filter naming org A's member from org B finds nothing either
    expect((await listAuditEvents(db(), ctxOf(b.organizationId), filtersOf({ actor: a.email }))).events).toEqual([]);
    await expect(getAuditEvent(db(), ctxOf(b.organizationId), secret.id)).rejects.toMatchObject({ status: 404 });
    await expect(getAuditEvent(db(), ctxOf(b.organizationId), "not-a-uuid")).rejects.toMatchObject({ status: 404 });
    const own = await getAuditEvent(db(), ctxOf(a.organizationId), secret.id);
    expect(own).toMatchObject({ id: secret.id, action: "member.removed", actorEmail: a.email, description: "Removed a member", severity: "warning" });
  });

  it("V8.4.1 a cursor taken from another organization's log does not reveal its events", async () => {
    useFakeClock(new Date("2026-05-01T00:00:00Z"));
    const a = randomUUID();
    const b = randomUUID();
    for (let i = 0; i < 55; i++) await recordAudit(db(), ev(a));
    await recordAudit(db(), ev(b));
    const aCursor = (await listAuditEvents(db(), ctxOf(a), {})).older!;
    const bView = await listAuditEvents(db(), ctxOf(b), {}, aCursor);
    expect(bView.events.every((e) => e.organizationId === b)).toBe(true);
  });

  async function callPage(file: string, token: string, params: Record<string, string>, searchParams: Record<string, string> = {}) {
    resetRequestContext();
    setRequestCookie("ck_session", token);
    setRequestHeaders({ "x-pathname": "/admin/audit" });
    const mod = (await import(file)) as { default: (p: unknown) => Promise<unknown> };
    try {
      await mod.default({ params: Promise.resolve(params), searchParams: Promise.resolve(searchParams) });
      return "ok";
    } catch (e) {
      const digest = String((e as { digest?: string }).digest ?? "");
      if (digest.endsWith(";403")) return "forbidden";
      if (digest.endsWith(";404")) return "not_found";
      throw e;
    }
  }

  it("V8.2.1 a role without audit:read gets 403 on the log and on an event; with it, the pages render", async () => {
    const owner = await makeUser();
    const member = await makeUser({ organizationId: owner.organizationId, role: "member" });
    const event = await recordAudit(db(), ev(owner.organizationId));
    const memberToken = (await makeSession(member.user.id, owner.organizationId)).token;
    const ownerToken = (await makeSession(owner.user.id, owner.organizationId)).token;
    expect(await callPage("@/app/(app)/admin/audit/page", memberToken, {})).toBe("forbidden");
    expect(await callPage("@/app/(app)/admin/audit/[eventId]/page", memberToken, { eventId: event.id })).toBe("forbidden");
    expect(await callPage("@/app/(app)/admin/audit/page", ownerToken, {}, { action: "role.", cursor: "garbage!" })).toBe("ok");
    expect(await callPage("@/app/(app)/admin/audit/[eventId]/page", ownerToken, { eventId: event.id })).toBe("ok");
    // another organization's owner naming this event
    const stranger = await makeUser();
    const strangerToken = (await makeSession(stranger.user.id, stranger.organizationId)).token;
    expect(await callPage("@/app/(app)/admin/audit/[eventId]/page", strangerToken, { eventId: event.id })).toBe("not_found");
  });
});

describe("your activity", () => {
  it("V16.2.1 V8.4.1 shows only the person's own sign-ins and security events, with device and address", async () => {
    const owner = await makeUser();
    const me = await makeUser({ organizationId: owner.organizationId });
    const orgId = owner.organizationId;
    const firefox = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0";
    await recordAudit(db(), ev(orgId, { actorUserId: me.user.id, action: "auth.sign_in", ip: "198.51.100.1", userAgent: firefox }));
    await recordAudit(db(), ev(orgId, { actorUserId: me.user.id, action: "auth.sign_in", ip: "198.51.100.1", userAgent: firefox }));
    await recordAudit(db(), ev(orgId, { actorUserId: me.user.id, action: "auth.sign_in_failed", result: "failure", ip: "192.0.2.66" }));
    await recordAudit(db(), ev(null as unknown as string, { organizationId: null, actorUserId: me.user.id, action: "mfa.failed", result: "failure" }));
    await recordAudit(db(), ev(orgId, { actorUserId: me.user.id, action: "role.created" })); // not a security event of theirs
    // done by the owner, to me: the owner's address and device are not mine to see
    await recordAudit(db(), ev(orgId, { actorUserId: owner.user.id, action: "member.sessions_revoked", targetType: "user", targetId: me.user.id, ip: "10.9.9.9" }));
    await recordAudit(db(), ev(orgId, { actorUserId: owner.user.id, action: "auth.sign_in", ip: "10.9.9.9" }));

    const items = await listMyActivity(db(), me.user.id);
    expect(items.map((i) => i.action)).toEqual(["mfa.failed", "auth.sign_in_failed", "auth.sign_in", "auth.sign_in"]);
    expect(items.some((i) => i.ip === "10.9.9.9")).toBe(false);
    expect(items[2]).toMatchObject({ ip: "198.51.100.1", userAgent: firefox, organizationName: expect.stringContaining("Org ") });
    const devices = summarizeDevices(items, (ua) => (ua?.includes("Firefox") ? "Firefox on Windows" : "Unknown device"));
    expect(devices).toEqual([{ device: "Firefox on Windows", ip: "198.51.100.1", lastSeen: items[2]!.createdAt, signIns: 2 }]);
  });

  it("V16.2.1 only the last 90 days", async () => {
    const clock = useFakeClock(new Date("2026-01-01T00:00:00Z"));
    const { user, organizationId } = await makeUser();
    await recordAudit(db(), ev(organizationId, { actorUserId: user.id, action: "auth.sign_in" }));
    clock.advance(91 * 86_400_000);
    await recordAudit(db(), ev(organizationId, { actorUserId: user.id, action: "auth.sign_out" }));
    const rows = await db().select({ id: auditEvents.id }).from(auditEvents).where(and(eq(auditEvents.actorUserId, user.id)));
    expect(rows.length).toBeGreaterThanOrEqual(2);
    expect((await listMyActivity(db(), user.id)).map((i) => i.action)).toEqual(["auth.sign_out"]);
  });
});
