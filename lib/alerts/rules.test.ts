import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { alerts, alertSettings, auditEvents, totpFactors } from "@/db/schema";
import { recordAudit, type AuditEventInput } from "@/lib/audit";
import { useFakeClock } from "@/lib/clock";
import { makeSteppedUpSession, makeTotpFactor, makeUser, roleIdOf } from "@/tests/factories";
import { signIn, validateSessionToken } from "@/lib/auth";
import { acceptInvitation, changeMemberRole, inviteMember } from "@/lib/rbac";
import { expectAudited } from "@/tests/audit";
import { lastLinkTo, mailsTo } from "@/tests/outbox";
import { recordSystemSignal, resetSystemSignals, settleAlertWork } from "./index";
import { raiseAlert } from "./raise";
import { deviceKey } from "./rules";

const db = () => getDb();
const CHROME_LINUX = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36";
const CHROME_LINUX_NEWER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0";

async function alertsOf(org: string | null, rule?: string) {
  const rows = await db().select().from(alerts).where(org ? eq(alerts.organizationId, org) : undefined);
  return rows.filter((r) => (org ? true : r.organizationId === null) && (!rule || r.rule === rule));
}

const ev = (org: string | null, e: Partial<AuditEventInput> & Pick<AuditEventInput, "action">): Promise<unknown> =>
  recordAudit(db(), { organizationId: org, actorUserId: null, result: "success", ip: "198.51.100.1", userAgent: CHROME_LINUX, ...e });

async function orgWithMember() {
  const owner = await makeUser();
  const member = await makeUser({ organizationId: owner.organizationId });
  return { org: owner.organizationId, owner, member };
}

describe("velocity rules", () => {
  beforeEach(() => {
    useFakeClock(new Date("2026-03-01T10:00:00Z"));
    resetSystemSignals();
  });

  it("V16.3.1 raises failed sign-ins per member at the threshold, once (deduplicated), and not below it", async () => {
    const { org, member } = await orgWithMember();
    for (let i = 0; i < 4; i++) await ev(org, { action: "auth.sign_in_failed", actorUserId: member.user.id, result: "failure", ip: `203.0.113.${i + 1}` });
    expect(await alertsOf(org, "failed_sign_in_user")).toHaveLength(0);
    await ev(org, { action: "mfa.failed", actorUserId: member.user.id, result: "failure", ip: "203.0.113.9" });
    const [a] = await alertsOf(org, "failed_sign_in_user");
    expect(a).toMatchObject({ severity: "medium", count: 1, status: "open" });
    expect(a!.detail).toContain(member.email);
    await ev(org, { action: "auth.sign_in_failed", actorUserId: member.user.id, result: "failure" });
    const again = await alertsOf(org, "failed_sign_in_user");
    expect(again).toHaveLength(1);
    expect(again[0]!.count).toBe(2);
    await expectAudited(db(), { action: "alert.raised", organizationId: org, targetId: a!.id, metadata: { rule: "failed_sign_in_user", severity: "medium" } });
  });

  it("V16.3.1 raises failed sign-ins for a member from the real sign-in flow (wrong passwords)", async () => {
    const { org, member } = await orgWithMember();
    for (let i = 0; i < 5; i++) {
      const r = await signIn(db(), { email: member.email, password: "not the password at all", ip: `198.18.${i}.1`, userAgent: CHROME_LINUX });
      expect(r.ok).toBe(false);
    }
    const [a] = await alertsOf(org, "failed_sign_in_user");
    expect(a).toMatchObject({ severity: "medium", status: "open" });
    expect(a!.detail).toContain(member.email);
  });

  it("V16.3.1 counts failed sign-ins in a sliding window: old failures fall out of it", async () => {
    const clock = useFakeClock(new Date("2026-03-01T10:00:00Z"));
    const { org, member } = await orgWithMember();
    for (let i = 0; i < 4; i++) await ev(org, { action: "auth.sign_in_failed", actorUserId: member.user.id, result: "failure" });
    clock.advance(16 * 60_000);
    await ev(org, { action: "auth.sign_in_failed", actorUserId: member.user.id, result: "failure" });
    expect(await alertsOf(org, "failed_sign_in_user")).toHaveLength(0);
  });

  it("V16.3.1 raises failed sign-ins from one address across members, and organization-wide", async () => {
    const { org } = await orgWithMember();
    const ip = "192.0.2.77";
    for (let i = 0; i < 10; i++) await ev(org, { action: "auth.sign_in_failed", actorUserId: randomUUID(), result: "failure", ip });
    const [byIp] = await alertsOf(org, "failed_sign_in_ip");
    expect(byIp).toMatchObject({ severity: "high", dedupeKey: `failed_sign_in_ip:${ip}` });
    expect(await alertsOf(org, "failed_sign_in_user")).toHaveLength(0);
    for (let i = 0; i < 15; i++) await ev(org, { action: "mfa.failed", actorUserId: randomUUID(), result: "failure", ip: `198.51.100.${i + 10}` });
    expect(await alertsOf(org, "failed_sign_in_org")).toHaveLength(1);
  });

  it("V16.3.1 raises platform failed sign-ins by address (unknown accounts, no organization)", async () => {
    const ip = `192.0.2.${Math.floor(Math.random() * 200) + 20}`;
    for (let i = 0; i < 10; i++) await ev(null, { action: "auth.sign_in_failed", result: "failure", ip });
    const rows = await db().select().from(alerts).where(eq(alerts.dedupeKey, `failed_sign_in_ip:${ip}`));
    expect(rows.filter((r) => r.organizationId === null)).toHaveLength(1);
  });

  it("V16.3.1 ignores normal use: a few failed sign-ins and successful sign-ins raise nothing", async () => {
    const { org, member } = await orgWithMember();
    await ev(org, { action: "auth.sign_in_failed", actorUserId: member.user.id, result: "failure" });
    await ev(org, { action: "auth.sign_in", actorUserId: member.user.id });
    await ev(org, { action: "auth.sign_in", actorUserId: member.user.id });
    await ev(org, { action: "audit.exported", actorUserId: member.user.id });
    await ev(org, { action: "role.updated", actorUserId: member.user.id });
    expect(await alertsOf(org)).toHaveLength(0);
  });

  it("V16.3.1 a member's first sign-in ever raises nothing; a new address and a new device do, a browser update does not", async () => {
    const { org, member } = await orgWithMember();
    const uid = member.user.id;
    await ev(org, { action: "auth.sign_in", actorUserId: uid, ip: "203.0.113.10", userAgent: CHROME_LINUX });
    expect(await alertsOf(org)).toHaveLength(0);
    await ev(org, { action: "auth.sign_in", actorUserId: uid, ip: "203.0.113.10", userAgent: CHROME_LINUX_NEWER });
    expect(await alertsOf(org)).toHaveLength(0);
    await ev(org, { action: "auth.sign_in", actorUserId: uid, ip: "198.51.100.200", userAgent: CHROME_LINUX });
    expect(await alertsOf(org, "new_sign_in_ip")).toHaveLength(1);
    expect(await alertsOf(org, "new_sign_in_device")).toHaveLength(0);
    await ev(org, { action: "auth.sign_in", actorUserId: uid, ip: "203.0.113.10", userAgent: FIREFOX_WINDOWS });
    const [device] = await alertsOf(org, "new_sign_in_device");
    expect(device!.detail).toMatch(/Firefox on Windows/);
    // a failed attempt from a new place is the failed-sign-in rules' business, not this one's
    await ev(org, { action: "auth.sign_in", actorUserId: uid, result: "failure", ip: "192.0.2.250" });
    expect(await alertsOf(org, "new_sign_in_ip")).toHaveLength(1);
  });

  it("V16.3.1 device keys ignore versions", () => {
    expect(deviceKey(CHROME_LINUX)).toBe(deviceKey(CHROME_LINUX_NEWER));
    expect(deviceKey(FIREFOX_WINDOWS)).not.toBe(deviceKey(CHROME_LINUX));
    expect(deviceKey(null)).toBeNull();
  });

  it("V16.3.1 raises an export burst for any *.exported action by one member", async () => {
    const { org, member } = await orgWithMember();
    await ev(org, { action: "audit.exported", actorUserId: member.user.id });
    await ev(org, { action: "audit.exported", actorUserId: randomUUID() });
    expect(await alertsOf(org, "export_burst")).toHaveLength(0);
    await ev(org, { action: "audit.exported", actorUserId: member.user.id });
    await ev(org, { action: "audit.exported", actorUserId: member.user.id });
    expect(await alertsOf(org, "export_burst")).toHaveLength(1);
  });

  it("V16.3.1 raises privilege escalation for a role above Member, not for Member or Viewer", async () => {
    const { org, owner, member } = await orgWithMember();
    const change = async (key: string) =>
      ev(org, { action: "member.role_changed", actorUserId: owner.user.id, targetType: "user", targetId: member.user.id, metadata: { targetUserId: member.user.id, roleId: await roleIdOf(org, key) } });
    await change("viewer");
    await change("member");
    expect(await alertsOf(org, "privilege_escalation")).toHaveLength(0);
    await change("accountant");
    await change("admin");
    const raised = await alertsOf(org, "privilege_escalation");
    expect(raised.map((r) => r.title).sort()).toEqual(["Role Accountant granted", "Role Admin granted"]);
    expect(raised[0]!.severity).toBe("high");
  });

  it("V16.3.1 raises privilege escalation from the real role change flow, and e-mails the security managers", async () => {
    const { org, owner, member } = await orgWithMember();
    const ownerCtx = (await validateSessionToken(db(), (await makeSteppedUpSession(owner.user.id, org)).token))!;
    await changeMemberRole(db(), ownerCtx, member.user.id, await roleIdOf(org, "admin"));
    const [a] = await alertsOf(org, "privilege_escalation");
    expect(a).toMatchObject({ title: "Role Admin granted", severity: "high" });
    expect(a!.detail).toContain(member.email);
    await settleAlertWork();
    expect(mailsTo(owner.email).map((m) => m.subject)).toContain("[ChargeKeep high] Role Admin granted");
  });

  it("V16.3.1 raises privilege escalation when an invitation brings a role above Member, not for a Viewer's", async () => {
    const { org, owner } = await orgWithMember();
    const ownerCtx = (await validateSessionToken(db(), (await makeSteppedUpSession(owner.user.id, org)).token))!;
    const join = async (role: string) => {
      const email = `joiner-${randomUUID()}@example.test`;
      await inviteMember(db(), ownerCtx, { email, roleId: await roleIdOf(org, role) });
      await acceptInvitation(db(), lastLinkTo(email, "/invite"), { name: "New Joiner", password: "amber-falcon-river-58" });
      return email;
    };
    await join("viewer");
    expect(await alertsOf(org, "privilege_escalation")).toHaveLength(0);
    const admin = await join("admin");
    const [a] = await alertsOf(org, "privilege_escalation");
    expect(a).toMatchObject({ title: "Role Admin granted", severity: "high" });
    expect(a!.detail).toContain(admin);
  });

  it("V16.3.1 raises many bank connection changes by action prefix (bank_connection.*), not for other actions", async () => {
    const { org, owner } = await orgWithMember();
    const { evaluateRules } = await import("./rules");
    // No bank_connection.* action is in the catalogue yet: store raw rows in a transaction that is
    // rolled back at the end, so no chain is left with foreign rows.
    const seen = await db()
      .transaction(async (tx) => {
        const at = new Date("2026-03-01T10:00:00Z");
        const store = async (i: number, action: string) => {
          const id = randomUUID();
          await tx.insert(auditEvents).values({ id, chain: `rollback-${org}`, seq: i, createdAt: at, organizationId: org, actorUserId: owner.user.id, action, result: "success", prevHash: "x", hash: "x" });
          await evaluateRules(tx, { id, seq: i, hash: "x", createdAt: at, organizationId: org, actorUserId: owner.user.id, action, result: "success", metadata: {} } as never);
        };
        for (let i = 1; i <= 4; i++) await store(i, "bank_connection.removed");
        await store(5, "bank_connectionz.other");
        const before = (await tx.select().from(alerts).where(and(eq(alerts.organizationId, org), eq(alerts.rule, "bank_connection_changes")))).length;
        await store(6, "bank_connection.reauthorized");
        const after = (await tx.select().from(alerts).where(and(eq(alerts.organizationId, org), eq(alerts.rule, "bank_connection_changes")))).length;
        throw Object.assign(new Error("rollback"), { seen: [before, after] });
      })
      .catch((e: { seen?: number[] }) => e.seen);
    expect(seen).toEqual([0, 1]);
  });

  it("V16.3.1 raises MFA disabled when the last factor goes, not while another remains", async () => {
    const { org, member } = await orgWithMember();
    await makeTotpFactor(member.user.id);
    await ev(org, { action: "mfa.webauthn_removed", actorUserId: member.user.id, targetType: "user", targetId: member.user.id, metadata: { credentialId: "k1", discoverable: false } });
    expect(await alertsOf(org, "mfa_disabled")).toHaveLength(0);
    await db().delete(totpFactors).where(eq(totpFactors.userId, member.user.id));
    await ev(org, { action: "mfa.totp_removed", actorUserId: member.user.id, targetType: "user", targetId: member.user.id });
    const [a] = await alertsOf(org, "mfa_disabled");
    expect(a).toMatchObject({ severity: "high" });
  });

  it("V16.3.1 raises MFA disabled in each organization of a user whose factors an operator reset", async () => {
    const { org, member } = await orgWithMember();
    await ev(null, { action: "mfa.reset_by_operator", targetType: "user", targetId: member.user.id, metadata: { totp: 1, keys: 0, recoveryCodes: 10 } });
    const [a] = await alertsOf(org, "mfa_disabled");
    expect(a!.title).toMatch(/operator/);
  });

  it("V16.3.1 turns brute-force defense events into alerts of matching severity", async () => {
    const { org, member } = await orgWithMember();
    const defense = (action: AuditEventInput["action"]) => ev(org, { action, targetType: "user", targetId: member.user.id });
    await defense("defense.account_locked");
    await defense("defense.account_suspended");
    await defense("defense.account_unlocked");
    await ev(org, { action: "defense.ip_blocked", targetType: "ip", targetId: "192.0.2.99", ip: "192.0.2.99" });
    const bySeverity = Object.fromEntries((await alertsOf(org, "brute_force_defense")).map((a) => [a.dedupeKey.split(":")[0], a.severity]));
    expect(bySeverity).toEqual({ "defense.account_locked": "medium", "defense.account_suspended": "high", "defense.account_unlocked": "low", "defense.ip_blocked": "critical" });
  });

  it("V16.3.1 honours an organization's thresholds and disabled rules", async () => {
    const { org, member } = await orgWithMember();
    await db().insert(alertSettings).values({ organizationId: org, thresholds: { failed_sign_in_user: { threshold: 2 }, new_sign_in_ip: { enabled: false } } });
    await ev(org, { action: "auth.sign_in_failed", actorUserId: member.user.id, result: "failure" });
    await ev(org, { action: "auth.sign_in_failed", actorUserId: member.user.id, result: "failure" });
    expect(await alertsOf(org, "failed_sign_in_user")).toHaveLength(1);
    await ev(org, { action: "auth.sign_in", actorUserId: member.user.id, ip: "203.0.113.1" });
    await ev(org, { action: "auth.sign_in", actorUserId: member.user.id, ip: "203.0.113.2" });
    expect(await alertsOf(org, "new_sign_in_ip")).toHaveLength(0);
  });

  it("V16.3.1 never evaluates its own alert.raised events (no recursion)", async () => {
    const { org } = await orgWithMember();
    await db().insert(alertSettings).values({ organizationId: org, thresholds: { export_burst: { threshold: 1 } } });
    for (let i = 0; i < 3; i++) await raiseAlert(db(), { organizationId: org, rule: "export_burst", severity: "medium", title: "t", detail: "d", dedupeKey: `k${i}` });
    expect(await alertsOf(org)).toHaveLength(3);
  });

  it("V16.3.1 an alert that recurs after its window notifies again; inside it only counts", async () => {
    const clock = useFakeClock(new Date("2026-03-01T10:00:00Z"));
    const { org, owner } = await orgWithMember();
    const input = { organizationId: org, rule: "export_burst", severity: "medium" as const, title: "Export burst", detail: "d", dedupeKey: "dedupe-test", windowMinutes: 10 };
    expect(await raiseAlert(db(), input)).toMatchObject({ created: true, count: 1 });
    clock.advance(5 * 60_000);
    expect(await raiseAlert(db(), input)).toMatchObject({ created: false, renotified: false, count: 2 });
    clock.advance(11 * 60_000);
    expect(await raiseAlert(db(), input)).toMatchObject({ created: false, renotified: true, count: 3 });
    await settleAlertWork();
    expect(mailsTo(owner.email).filter((m) => m.subject.includes("Export burst"))).toHaveLength(2);
  });

  it("V16.3.1 e-mails the security contacts when set, instead of the security managers", async () => {
    const { org, owner } = await orgWithMember();
    const contact = `soc-${randomUUID()}@example.test`;
    await db().insert(alertSettings).values({ organizationId: org, thresholds: {}, securityContacts: [contact] });
    await raiseAlert(db(), { organizationId: org, rule: "export_burst", severity: "medium", title: "Contact test", detail: "d", dedupeKey: "contacts" });
    await settleAlertWork();
    expect(mailsTo(contact).map((m) => m.subject)).toEqual(["[ChargeKeep medium] Contact test"]);
    expect(mailsTo(owner.email).filter((m) => m.subject.includes("Contact test"))).toHaveLength(0);
  });

  it("V16.3.1 raises a platform alert when 5xx responses cross their threshold, once per window", async () => {
    await db().delete(alerts).where(and(eq(alerts.dedupeKey, "system:http_5xx"), eq(alerts.status, "open")));
    for (let i = 0; i < 19; i++) recordSystemSignal("http_5xx");
    await settleAlertWork();
    expect((await alertsOf(null)).filter((a) => a.dedupeKey === "system:http_5xx")).toHaveLength(0);
    for (let i = 0; i < 30; i++) recordSystemSignal("http_5xx");
    await settleAlertWork();
    const raised = (await alertsOf(null)).filter((a) => a.dedupeKey === "system:http_5xx");
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({ count: 1, severity: "high" });
  });

  it("V16.3.1 a few 429s and sync failures raise nothing", async () => {
    for (let i = 0; i < 3; i++) {
      recordSystemSignal("http_429");
      recordSystemSignal("sync_failure", { organizationId: randomUUID() });
    }
    await settleAlertWork();
    expect((await alertsOf(null)).filter((a) => a.dedupeKey === "system:http_429" && a.status === "open" && a.lastSeenAt >= new Date("2026-03-01T09:00:00Z"))).toHaveLength(0);
  });
});
