import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db";
import {
  accountDefense,
  alerts,
  bankConnections,
  bankInstitutions,
  firewallRules,
  organizationMfaPolicies,
  sessions,
  sshKeys,
  webauthnCredentials,
  webhookDeliveries,
  webhooks,
} from "@/db/schema";
import { raiseAlert } from "@/lib/alerts";
import { recordAudit } from "@/lib/audit";
import { createSession } from "@/lib/auth";
import { seal } from "@/lib/crypto";
import { makeTotpFactor, makeUser } from "@/tests/factories";
import { evaluatePosture, type PostureReport } from ".";

const db = () => getDb();
const DAY = 86_400_000;
const itemOf = (r: PostureReport, key: string) => {
  const found = r.items.find((i) => i.key === key);
  if (!found) throw new Error(`no item ${key}`);
  return found;
};
const stateOf = (r: PostureReport, key: string) => itemOf(r, key).state;

async function requireMfaOfEveryone(organizationId: string, graceDays: number) {
  await db().insert(organizationMfaPolicies).values({ organizationId, policy: "all", graceDays, since: new Date(Date.now() - DAY) });
}

async function addWebauthn(userId: string, discoverable = false) {
  await db().insert(webauthnCredentials).values({ userId, credentialId: randomUUID(), publicKey: "pk", deviceType: "singleDevice", name: "Key", discoverable });
}

/** An organization with something wrong on every item but MFA: the rows another tenant must never see counted. */
async function troubledOrganization() {
  const owner = await makeUser();
  const org = owner.organizationId;
  const member = await makeUser({ organizationId: org });
  await requireMfaOfEveryone(org, 0);
  await raiseAlert(db(), { organizationId: org, rule: "export_burst", severity: "high", title: "Export burst", detail: "d", dedupeKey: `posture-${randomUUID()}` });
  await db().insert(accountDefense).values({ userId: member.user.id, consecutiveFailures: 6, lockLevel: 2, lockedUntil: new Date(Date.now() + 10 * 60_000), lastFailureAt: new Date() });
  await db()
    .insert(sshKeys)
    .values({ userId: member.user.id, name: "old laptop", algorithm: "ssh-ed25519", fingerprint: `SHA256:${randomUUID()}`, publicKey: "ssh-ed25519 AAAA", createdAt: new Date(Date.now() - 400 * DAY) });
  const [bank] = await db()
    .insert(bankInstitutions)
    .values({ slug: `posture-${randomUUID().slice(0, 8)}`, name: "Posture Bank", issuer: "https://bank.example.test", clientId: "ck", resource: "https://bank.example.test/fdx", apiBaseUrl: "https://bank.example.test/fdx" })
    .returning();
  await db().insert(bankConnections).values({ organizationId: org, institutionId: bank!.id, status: "reauth_required" });
  const hookId = randomUUID();
  await db()
    .insert(webhooks)
    .values({ id: hookId, organizationId: org, url: "https://hooks.example.test/posture", secret: seal("whsec_x", { table: "webhooks", column: "secret", rowId: hookId }), kinds: ["alerts"] });
  await db().insert(webhookDeliveries).values({ webhookId: hookId, kind: "alert", payload: "{}", status: "failed", attempts: 8, nextAttemptAt: new Date(), lastError: "HTTP 500" });
  return { owner, member, org };
}

describe("posture checks from real rows", () => {
  it("V6.3.3 a member past the policy deadline without a second factor fails the deadline item; once they enrol it is ok and the score rises", async () => {
    const owner = await makeUser();
    const org = owner.organizationId;
    await makeTotpFactor(owner.user.id);
    const member = await makeUser({ organizationId: org });
    await requireMfaOfEveryone(org, 0);

    const before = await evaluatePosture(db(), org);
    expect(stateOf(before, "mfa-deadline")).toBe("failing");
    expect(itemOf(before, "mfa-deadline").finding).toBe("1 member is past the policy deadline without a second factor.");
    expect(stateOf(before, "mfa-adoption")).toBe("warning");
    expect(itemOf(before, "mfa-adoption").finding).toBe("1 of 2 active members use a second factor.");

    await makeTotpFactor(member.user.id);
    const after = await evaluatePosture(db(), org);
    expect(stateOf(after, "mfa-deadline")).toBe("ok");
    expect(stateOf(after, "mfa-adoption")).toBe("ok");
    expect(after.score).toBeGreaterThan(before.score);
    expect(after.score - before.score).toBe(20 + 15 - 7);
  });

  it("V6.3.3 without a policy the deadline item warns; within the grace period nobody is overdue yet", async () => {
    const owner = await makeUser();
    const org = owner.organizationId;
    await makeUser({ organizationId: org });
    const none = await evaluatePosture(db(), org);
    expect(stateOf(none, "mfa-deadline")).toBe("warning");
    expect(stateOf(none, "mfa-adoption")).toBe("failing"); // 0 of 2
    await requireMfaOfEveryone(org, 7);
    const grace = await evaluatePosture(db(), org);
    expect(stateOf(grace, "mfa-deadline")).toBe("ok");
    expect(itemOf(grace, "mfa-deadline").finding).toContain("2 members still within the grace period");
  });

  it("V6.3.3 owners and admins need a passkey or security key: a code app alone warns, no factor at all fails, members do not count", async () => {
    const owner = await makeUser();
    const org = owner.organizationId;
    const admin = await makeUser({ organizationId: org, role: "admin" });
    await makeUser({ organizationId: org, role: "member" }); // no factor: not an admin, not counted here
    await makeTotpFactor(owner.user.id);
    expect(stateOf(await evaluatePosture(db(), org), "admin-phishing-resistant")).toBe("failing");
    await makeTotpFactor(admin.user.id);
    const codesOnly = await evaluatePosture(db(), org);
    expect(stateOf(codesOnly, "admin-phishing-resistant")).toBe("warning");
    expect(itemOf(codesOnly, "admin-phishing-resistant").finding).toBe("2 of 2 owners and admins have no passkey or security key.");
    await addWebauthn(owner.user.id, true);
    await addWebauthn(admin.user.id, false);
    expect(stateOf(await evaluatePosture(db(), org), "admin-phishing-resistant")).toBe("ok");
  });

  it("open alerts: a medium one warns, a high one fails, acknowledged ones are done", async () => {
    const owner = await makeUser();
    const org = owner.organizationId;
    expect(stateOf(await evaluatePosture(db(), org), "open-alerts")).toBe("ok");
    const medium = await raiseAlert(db(), { organizationId: org, rule: "export_burst", severity: "medium", title: "t", detail: "d", dedupeKey: `m-${randomUUID()}` });
    expect(stateOf(await evaluatePosture(db(), org), "open-alerts")).toBe("warning");
    const high = await raiseAlert(db(), { organizationId: org, rule: "role_escalation", severity: "high", title: "t", detail: "d", dedupeKey: `h-${randomUUID()}` });
    const r = await evaluatePosture(db(), org);
    expect(stateOf(r, "open-alerts")).toBe("failing");
    expect(itemOf(r, "open-alerts").finding).toBe("2 open alerts, 1 of high or critical severity.");
    for (const a of [medium, high]) await db().update(alerts).set({ status: "acknowledged", acknowledgedAt: new Date() }).where(eq(alerts.id, a.id));
    expect(stateOf(await evaluatePosture(db(), org), "open-alerts")).toBe("ok");
  });

  it("sessions open for more than a day, or from an address the member never used, warn", async () => {
    const owner = await makeUser();
    const org = owner.organizationId;
    const first = await createSession(db(), { userId: owner.user.id, organizationId: org, ip: "198.51.100.11", userAgent: "vitest" });
    expect(stateOf(await evaluatePosture(db(), org), "sessions")).toBe("ok"); // a first session is not news
    await db().update(sessions).set({ createdAt: new Date(Date.now() - 30 * 3_600_000) }).where(eq(sessions.id, first.sessionId));
    await createSession(db(), { userId: owner.user.id, organizationId: org, ip: "198.51.100.12", userAgent: "vitest" });
    await createSession(db(), { userId: owner.user.id, organizationId: org, ip: "198.51.100.11", userAgent: "vitest" }); // a known address
    const r = await evaluatePosture(db(), org);
    expect(stateOf(r, "sessions")).toBe("warning");
    expect(itemOf(r, "sessions").finding).toBe("3 live sessions: 1 open for more than 24 hours, 1 from an address the member never used before.");
  });

  it("network rules: none warns; a rule in force is ok, and refusals by it are counted as recent blocks", async () => {
    const owner = await makeUser();
    const org = owner.organizationId;
    expect(stateOf(await evaluatePosture(db(), org), "firewall")).toBe("warning");
    await db().insert(firewallRules).values({ scope: "organization", organizationId: org, cidr: "10.20.0.0/16", action: "allow", reason: "office", createdBy: owner.user.id });
    await db().insert(firewallRules).values({ scope: "organization", organizationId: org, cidr: "192.0.2.0/24", action: "deny", reason: "old", expiresAt: new Date(Date.now() - DAY) });
    await recordAudit(db(), { organizationId: org, actorUserId: owner.user.id, action: "access.denied", result: "denied", metadata: { reason: "network_refused", route: "page /dashboard" } });
    const r = await evaluatePosture(db(), org);
    expect(stateOf(r, "firewall")).toBe("ok");
    expect(itemOf(r, "firewall").finding).toBe("1 network rule (an allow-list); 1 request refused in the last 7 days.");
  });

  it("V8.2.2 another organization's members, alerts, locks, keys, connections and webhooks are never counted", async () => {
    const bad = await troubledOrganization();
    const good = await makeUser();
    await makeTotpFactor(good.user.id);
    await addWebauthn(good.user.id, true);
    const r = await evaluatePosture(db(), good.organizationId);
    expect(itemOf(r, "mfa-adoption").finding).toBe("1 of 1 active member uses a second factor.");
    for (const key of ["admin-phishing-resistant", "locked-accounts", "open-alerts", "ssh-keys", "bank-connections", "webhooks"]) expect(stateOf(r, key), key).toBe("ok");
    expect(itemOf(r, "ssh-keys").finding).toBe("No SSH keys: nobody can use SFTP.");
    expect(itemOf(r, "bank-connections").finding).toBe("No bank connections.");

    // ...while the troubled organization sees every one of its own problems.
    const t = await evaluatePosture(db(), bad.org);
    expect(stateOf(t, "mfa-deadline")).toBe("failing");
    expect(stateOf(t, "locked-accounts")).toBe("warning");
    expect(stateOf(t, "open-alerts")).toBe("failing");
    expect(stateOf(t, "ssh-keys")).toBe("warning");
    expect(itemOf(t, "ssh-keys").finding).toBe("1 SSH key: 1 older than a year, 1 unused for 90 days.");
    expect(stateOf(t, "bank-connections")).toBe("failing");
    expect(stateOf(t, "webhooks")).toBe("failing");
    expect(t.score).toBeLessThan(r.score);
  });

  it("V8.2.1 the data key's age and the last verified backup are shown to operators only, and never change the score", async () => {
    const owner = await makeUser();
    const org = owner.organizationId;
    const plain = await evaluatePosture(db(), org);
    const asOperator = await evaluatePosture(db(), org, { operator: true });
    expect(plain.items.some((i) => i.operatorOnly)).toBe(false);
    expect(plain.items.map((i) => i.key)).not.toContain("data-key-age");
    const platform = asOperator.items.filter((i) => i.operatorOnly);
    expect(platform.map((i) => i.key)).toEqual(["data-key-age", "backup-verified"]);
    expect(platform.every((i) => i.weight === 0)).toBe(true);
    expect(itemOf(asOperator, "data-key-age").finding).toMatch(/^The data key in use is \d+ days? old\.$/);
    expect(asOperator.score).toBe(plain.score);
    expect(asOperator.breakdown).toEqual(plain.breakdown);
  });
});
