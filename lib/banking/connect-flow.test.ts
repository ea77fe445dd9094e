import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import * as sync from "@/lib/sync";
import { getDb } from "@/db";
import { bankConnectionAttempts, bankConnections } from "@/db/schema";
import { open, sha256Hex } from "@/lib/crypto";
import { api, startTestBank } from "@/tests/support/sandbox-browser";
import type { SandboxBank } from "@/sandbox-bank/bank";
import { expectAudited } from "@/tests/audit";
import { completeConnection, disconnectConnection, startConnection } from "./index";
import { clearDiscoveryCache } from "./oauth-client";
import { addTestInstitution, callCallback, landing, sessionFor, steppedUpMember, useTestAppUrl, walkBank, type Member } from "@/tests/support/banking";

// Test files share one module graph (isolate: false), so a vi.mock of lib/sync would not reach a copy
// another file already loaded: spy on the shared module instead. The sync itself is lib/sync's own test.
const requestSync = vi.spyOn(sync, "requestSync").mockImplementation(() => {});
afterAll(() => requestSync.mockRestore());

let sandbox: SandboxBank;
let northwindId: string;
let harborId: string;
const northwind = () => sandbox.institutions[0]!;
const CHECKING = "nw-chk-1001";
const SAVINGS = "nw-sav-1002";

beforeAll(async () => {
  // Test files share modules (isolate: false): no discovery cached for another file's bank on a reused port.
  clearDiscoveryCache();
  sandbox = await startTestBank();
  northwindId = await addTestInstitution(sandbox.institutions[0]!);
  harborId = await addTestInstitution(sandbox.institutions[1]!);
});
afterAll(() => sandbox.close());
beforeEach(() => {
  useTestAppUrl();
  requestSync.mockClear();
});

async function connectionOf(id: string) {
  const [row] = await getDb().select().from(bankConnections).where(eq(bankConnections.id, id));
  return row!;
}

/** The whole round trip for a member; returns the new connection's id. */
async function connect(member: Member, accounts = [CHECKING]): Promise<string> {
  const url = await startConnection(getDb(), member.ctx, { institutionId: northwindId }, null);
  const res = await callCallback(await walkBank(northwind(), url, { accounts }), member.token);
  const to = landing(res);
  expect(to).toMatch(/^\/connections\/[0-9a-f-]{36}\?notice=(connected|reauthorized)$/);
  return to.split("/")[2]!.split("?")[0]!;
}

describe("connecting a bank (authorization code + PKCE)", () => {
  it("V10.2.1 V10.4.6 V10.1.2 connects through the bank's pages: S256 PKCE, hashed state, nonce, resource; tokens sealed to the row", async () => {
    const member = await steppedUpMember();
    const url = new URL(await startConnection(getDb(), member.ctx, { institutionId: northwindId }, null));
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    expect(url.searchParams.get("resource")).toBe(northwind().apiAudience);
    expect(url.searchParams.get("redirect_uri")).toBe("http://localhost:3999/api/banking/callback");
    expect(url.searchParams.get("nonce")).toMatch(/^[\w-]{20,}$/);
    const state = url.searchParams.get("state")!;
    const [attempt] = await getDb().select().from(bankConnectionAttempts).where(eq(bankConnectionAttempts.stateHash, sha256Hex(state)));
    expect(attempt!.organizationId).toBe(member.organizationId);
    expect(attempt!.expiresAt.getTime() - attempt!.createdAt.getTime()).toBeLessThanOrEqual(10 * 60_000 + 1000);
    expect(JSON.stringify(attempt)).not.toContain(state);
    await expectAudited(getDb(), { action: "bank_connection.started", organizationId: member.organizationId, actorUserId: member.user.id });

    const res = await callCallback(await walkBank(northwind(), url.href, { accounts: [CHECKING, SAVINGS], duration: "30" }), member.token);
    const id = landing(res).split("/")[2]!.split("?")[0]!;
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    const conn = await connectionOf(id);
    // the consent's end, as the bank reported it (30 days chosen on its consent page)
    expect(Math.abs(conn.consentExpiresAt!.getTime() - (Date.now() + 30 * 86_400_000))).toBeLessThan(5 * 60_000);
    expect(conn).toMatchObject({ organizationId: member.organizationId, status: "active", createdBy: member.user.id, externalSubject: expect.any(String) });
    expect(conn.accessToken).not.toMatch(/^ey/);
    const access = open(conn.accessToken!, { table: "bank_connections", column: "access_token", rowId: id });
    expect((await api(northwind(), "/accounts", access)).status).toBe(200);
    expect(conn.refreshToken).toBeTruthy();
    expect(conn.accessTokenExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 60_000);
    expect(requestSync).toHaveBeenCalledWith(id, "initial");
    await expectAudited(getDb(), { action: "bank_connection.connected", organizationId: member.organizationId, targetId: id, result: "success" });
  });

  it("V10.2.1 V3.5.1 refuses a tampered state, and the genuine answer still works afterwards", async () => {
    const member = await steppedUpMember();
    const callback = await walkBank(northwind(), await startConnection(getDb(), member.ctx, { institutionId: northwindId }, null));
    const tampered = new URL(callback);
    tampered.searchParams.set("state", `${callback.searchParams.get("state")}x`);
    expect(landing(await callCallback(tampered, member.token))).toBe("/connections?notice=invalid");
    await expectAudited(getDb(), { action: "bank_connection.refused", organizationId: member.organizationId, result: "denied" });
    expect(landing(await callCallback(callback, member.token))).toMatch(/notice=connected$/);
  });

  it("V10.1.2 refuses a replayed callback: the attempt is single use", async () => {
    const member = await steppedUpMember();
    const callback = await walkBank(northwind(), await startConnection(getDb(), member.ctx, { institutionId: northwindId }, null));
    expect(landing(await callCallback(callback, member.token))).toMatch(/notice=connected$/);
    expect(landing(await callCallback(callback, member.token))).toBe("/connections?notice=invalid");
    const two = await Promise.all([1, 2].map(async () => walkBank(northwind(), await startConnection(getDb(), member.ctx, { institutionId: northwindId }, null))));
    // Two racing deliveries of one answer: exactly one wins the conditional UPDATE.
    const raced = await Promise.all([callCallback(two[0]!, member.token), callCallback(two[0]!, member.token)]);
    expect(raced.map(landing).filter((l) => l.endsWith("notice=invalid"))).toHaveLength(1);
  });

  it("V10.1.2 V3.5.1 refuses an answer delivered to another browser session, even of the same user", async () => {
    const member = await steppedUpMember();
    const callback = await walkBank(northwind(), await startConnection(getDb(), member.ctx, { institutionId: northwindId }, null));
    const other = await sessionFor(member);
    expect(landing(await callCallback(callback, other.token))).toBe("/connections?notice=invalid");
    const attacker = await steppedUpMember();
    expect(landing(await callCallback(callback, attacker.token))).toBe("/connections?notice=invalid");
    const rows = await getDb().select().from(bankConnections).where(eq(bankConnections.organizationId, attacker.organizationId));
    expect(rows).toHaveLength(0);
    // Not burnt by the refusals: the session that started it completes it.
    expect(landing(await callCallback(callback, member.token))).toMatch(/notice=connected$/);
  });

  it("V10.7.1 records a refused consent and says so on /connections", async () => {
    const member = await steppedUpMember();
    const url = await startConnection(getDb(), member.ctx, { institutionId: northwindId }, null);
    const callback = await walkBank(northwind(), url, { deny: true });
    expect(callback.searchParams.get("error")).toBe("access_denied");
    expect(landing(await callCallback(callback, member.token))).toBe("/connections?notice=refused");
    const [attempt] = await getDb().select().from(bankConnectionAttempts).where(eq(bankConnectionAttempts.stateHash, sha256Hex(new URL(url).searchParams.get("state")!)));
    expect(attempt).toMatchObject({ outcome: "refused", usedAt: expect.any(Date) });
    await expectAudited(getDb(), { action: "bank_connection.refused", organizationId: member.organizationId, result: "failure", metadata: { reason: "consent_refused" } });
  });

  it("V10.2.2 refuses an answer naming another issuer (RFC 9207 mix-up defence)", async () => {
    const member = await steppedUpMember();
    const callback = await walkBank(northwind(), await startConnection(getDb(), member.ctx, { institutionId: northwindId }, null));
    const mixed = new URL(callback);
    mixed.searchParams.set("iss", sandbox.institutions[1]!.issuer);
    expect(landing(await callCallback(mixed, member.token))).toBe("/connections?notice=failed");
    await expectAudited(getDb(), { action: "bank_connection.refused", organizationId: member.organizationId, metadata: { reason: "invalid_response" } });
    expect(await getDb().select().from(bankConnections).where(eq(bankConnections.organizationId, member.organizationId))).toHaveLength(0);
  });

  it("V10.5.1 refuses an id token whose nonce is not the attempt's", async () => {
    const member = await steppedUpMember();
    const url = new URL(await startConnection(getDb(), member.ctx, { institutionId: northwindId }, null));
    url.searchParams.set("nonce", "a-nonce-this-attempt-never-made");
    const outcome = await completeConnection(getDb(), member.ctx, await walkBank(northwind(), url.href), null);
    expect(outcome).toEqual({ ok: false, notice: "failed" });
  });

  it("V8.2.1 refuses a member without bank_connections:manage, and one without a recent second factor", async () => {
    const owner = await steppedUpMember();
    const viewer = await steppedUpMember({ role: "viewer", organizationId: owner.organizationId });
    await expect(startConnection(getDb(), viewer.ctx, { institutionId: northwindId }, null)).rejects.toMatchObject({ status: 403 });
    const callback = await walkBank(northwind(), await startConnection(getDb(), owner.ctx, { institutionId: northwindId }, null));
    expect((await callCallback(callback, viewer.token)).status).toBe(403);
    expect((await callCallback(callback, undefined)).status).toBe(401);
    const unverified = await steppedUpMember({ steppedUp: false });
    await expect(startConnection(getDb(), unverified.ctx, { institutionId: northwindId }, null)).rejects.toMatchObject({ status: 403 });
  });

  it("V8.2.2 treats another organization's connection as not found for re-authorize and disconnect", async () => {
    const victim = await steppedUpMember();
    const id = await connect(victim);
    const attacker = await steppedUpMember();
    await expect(startConnection(getDb(), attacker.ctx, { connectionId: id }, null)).rejects.toMatchObject({ status: 404 });
    await expect(disconnectConnection(getDb(), attacker.ctx, id, null)).rejects.toMatchObject({ status: 404 });
    expect((await connectionOf(id)).status).toBe("active");
  });

  it("V10.5.2 re-authorizes the same row with the same bank login, and refuses a different login", async () => {
    const member = await steppedUpMember();
    const id = await connect(member);
    const before = await connectionOf(id);
    const again = await callCallback(await walkBank(northwind(), await startConnection(getDb(), member.ctx, { connectionId: id }, null)), member.token);
    expect(landing(again)).toBe(`/connections/${id}?notice=reauthorized`);
    await expectAudited(getDb(), { action: "bank_connection.reauthorized", targetId: id, organizationId: member.organizationId });
    expect((await connectionOf(id)).accessToken).not.toBe(before.accessToken);

    const sam = northwind().spec.users.find((u) => u.email.startsWith("sam@"))!;
    const other = await walkBank(northwind(), await startConnection(getDb(), member.ctx, { connectionId: id }, null), { email: sam.email, password: sam.password, accounts: [sam.accounts[0]!.id] });
    const kept = (await connectionOf(id)).accessToken;
    expect(landing(await callCallback(other, member.token))).toBe("/connections?notice=different_login");
    expect((await connectionOf(id)).accessToken).toBe(kept);
    await expectAudited(getDb(), { action: "bank_connection.refused", targetId: id, result: "denied", metadata: { reason: "different_bank_login" } });
  });

  it("V10.4.9 disconnect revokes at the bank: the old access token is refused by the API, the tokens are gone", async () => {
    const member = await steppedUpMember();
    const id = await connect(member);
    const conn = await connectionOf(id);
    const access = open(conn.accessToken!, { table: "bank_connections", column: "access_token", rowId: id });
    expect((await api(northwind(), "/accounts", access)).status).toBe(200);
    expect(await disconnectConnection(getDb(), member.ctx, id, null)).toEqual({ revoked: true });
    expect((await api(northwind(), "/accounts", access)).status).toBe(401);
    expect(await connectionOf(id)).toMatchObject({ status: "disconnected", accessToken: null, refreshToken: null, disconnectedAt: expect.any(Date) });
    await expectAudited(getDb(), { action: "bank_connection.disconnected", targetId: id, organizationId: member.organizationId, metadata: { revokedAtBank: true } });
    await expect(disconnectConnection(getDb(), member.ctx, id, null)).rejects.toMatchObject({ status: 400 });
  });

  it("V10.4.6 connects Harbor too, each institution with its own issuer", async () => {
    const member = await steppedUpMember();
    const url = await startConnection(getDb(), member.ctx, { institutionId: harborId }, null);
    expect(url.startsWith(sandbox.institutions[1]!.issuer)).toBe(true);
    const res = await callCallback(await walkBank(sandbox.institutions[1]!, url), member.token);
    expect(landing(res)).toMatch(/notice=connected$/);
    const rows = await getDb().select().from(bankConnections).where(and(eq(bankConnections.organizationId, member.organizationId), eq(bankConnections.institutionId, harborId)));
    expect(rows).toHaveLength(1);
  });
});
