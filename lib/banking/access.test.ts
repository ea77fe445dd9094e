import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import * as sync from "@/lib/sync";
import { getDb } from "@/db";
import { alerts, bankConnections } from "@/db/schema";
import { open } from "@/lib/crypto";
import { admin, api, startTestBank } from "@/tests/support/sandbox-browser";
import type { SandboxBank } from "@/sandbox-bank/bank";
import { expectAudited } from "@/tests/audit";
import { getApiAccess, markReauthRequired, ReauthRequiredError, startConnection } from "./index";
import { clearDiscoveryCache } from "./oauth-client";
import { tokenColumns } from "./tokens";
import { addTestInstitution, callCallback, claimsOf, landing, steppedUpMember, useTestAppUrl, walkBank } from "@/tests/support/banking";

// Test files share one module graph (isolate: false), so a vi.mock of lib/sync would not reach a copy
// another file already loaded: spy on the shared module instead. The sync itself is lib/sync's own test.
const requestSync = vi.spyOn(sync, "requestSync").mockImplementation(() => {});
afterAll(() => requestSync.mockRestore());

let sandbox: SandboxBank;
let institutionId: string;
const bank = () => sandbox.institutions[0]!;

beforeAll(async () => {
  // Test files share modules (isolate: false): no discovery cached for another file's bank on a reused port.
  clearDiscoveryCache();
  sandbox = await startTestBank();
  institutionId = await addTestInstitution(sandbox.institutions[0]!);
});
afterAll(() => sandbox.close());
beforeEach(() => useTestAppUrl());

async function connected() {
  const member = await steppedUpMember();
  const url = await startConnection(getDb(), member.ctx, { institutionId }, null);
  const to = landing(await callCallback(await walkBank(bank(), url), member.token));
  const id = to.split("/")[2]!.split("?")[0]!;
  return { member, id };
}

async function row(id: string) {
  const [r] = await getDb().select().from(bankConnections).where(eq(bankConnections.id, id));
  return r!;
}

const refreshOf = (r: Awaited<ReturnType<typeof row>>) => open(r.refreshToken!, { table: "bank_connections", column: "refresh_token", rowId: r.id });
const expireAccessToken = (id: string) => getDb().update(bankConnections).set({ accessTokenExpiresAt: new Date(Date.now() + 30_000) }).where(eq(bankConnections.id, id));

describe("getApiAccess", () => {
  it("V10.4.8 returns the stored token while it has more than a minute left, without calling the bank", async () => {
    const { id } = await connected();
    const before = await row(id);
    const access = await getApiAccess(getDb(), id);
    expect(access.apiBaseUrl).toBe(bank().apiAudience);
    expect(access.accessToken).toBe(open(before.accessToken!, { table: "bank_connections", column: "access_token", rowId: id }));
    expect((await row(id)).refreshToken).toBe(before.refreshToken);
  });

  it("V10.4.8 refreshes a token expiring within 60 s once for two concurrent callers, and stores the rotated refresh token", async () => {
    const { id } = await connected();
    const oldRefresh = refreshOf(await row(id));
    await expireAccessToken(id);
    const [a, b] = await Promise.all([getApiAccess(getDb(), id), getApiAccess(getDb(), id)]);
    // The second caller waited on the row lock and found the fresh token: one refresh, one token.
    expect(a.accessToken).toBe(b.accessToken);
    const after = await row(id);
    // The sandbox (oidc-provider) does not rotate a confidential client's refresh token; a rotating bank's new one is stored (below).
    expect(refreshOf(after)).toBe(oldRefresh);
    expect(after.accessTokenExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 60_000);
    expect((await api(bank(), "/accounts", a.accessToken)).status).toBe(200);
    // The rotated token works for the next refresh (a spent one would have revoked the grant).
    await expireAccessToken(id);
    const c = await getApiAccess(getDb(), id);
    expect((await api(bank(), "/accounts", c.accessToken)).status).toBe(200);
    expect(after.status).toBe("active");
  });

  it("V10.4.8 forceRefresh (the API refused the token) renews a token that is not near expiry", async () => {
    const { id } = await connected();
    const before = await row(id);
    const stored = open(before.accessToken!, { table: "bank_connections", column: "access_token", rowId: id });
    const fresh = await getApiAccess(getDb(), id, { forceRefresh: true });
    expect(fresh.accessToken).not.toBe(stored);
    expect((await api(bank(), "/accounts", fresh.accessToken)).status).toBe(200);
    expect((await row(id)).accessTokenExpiresAt!.getTime()).toBeGreaterThanOrEqual(before.accessTokenExpiresAt!.getTime());
  });

  it("V10.4.8 stores a rotated refresh token sealed to the row, and keeps the old one when the bank does not rotate", () => {
    const at = new Date();
    const rotated = tokenColumns("3f1b0c3e-0000-4000-8000-000000000001", { access_token: "a2", token_type: "bearer", refresh_token: "r2", expires_in: 600 } as never, at, "r1");
    expect(open(rotated.refreshToken!, { table: "bank_connections", column: "refresh_token", rowId: "3f1b0c3e-0000-4000-8000-000000000001" })).toBe("r2");
    expect(rotated.accessTokenExpiresAt.getTime()).toBe(at.getTime() + 600_000);
    const kept = tokenColumns("3f1b0c3e-0000-4000-8000-000000000001", { access_token: "a3", token_type: "bearer" } as never, at, "r1");
    expect(open(kept.refreshToken!, { table: "bank_connections", column: "refresh_token", rowId: "3f1b0c3e-0000-4000-8000-000000000001" })).toBe("r1");
    // Sealed to its row: the same value cannot be opened as another row's.
    expect(() => open(kept.refreshToken!, { table: "bank_connections", column: "refresh_token", rowId: "3f1b0c3e-0000-4000-8000-000000000002" })).toThrow();
  });

  it("V10.4.8 moves a connection whose consent expired to reauth_required, audits it and alerts the organization", async () => {
    const { member, id } = await connected();
    const token = (await getApiAccess(getDb(), id)).accessToken;
    await admin(bank(), "/consent/expire", { grantId: claimsOf(token).grant_id });
    await expireAccessToken(id);
    const error = await getApiAccess(getDb(), id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReauthRequiredError);
    const r = await row(id);
    expect(r.status).toBe("reauth_required");
    expect(r.lastError).toMatch(/Re-authorize/);
    await expectAudited(getDb(), { action: "bank_connection.reauth_required", organizationId: member.organizationId, targetId: id, result: "failure" });
    const raised = await getDb()
      .select()
      .from(alerts)
      .where(and(eq(alerts.organizationId, member.organizationId), eq(alerts.dedupeKey, `bank_connection.reauth_required:${id}`)));
    expect(raised).toHaveLength(1);
    // Later callers are told at once, without another event or alert.
    await expect(getApiAccess(getDb(), id)).rejects.toBeInstanceOf(ReauthRequiredError);
    await markReauthRequired(getDb(), id, "Again.");
    const again = await getDb().select().from(alerts).where(eq(alerts.dedupeKey, `bank_connection.reauth_required:${id}`));
    expect(again[0]!.count).toBe(1);
  });

  it("V10.4.8 treats a connection without a refresh token as needing re-authorization", async () => {
    const { id } = await connected();
    await getDb().update(bankConnections).set({ refreshToken: null, accessTokenExpiresAt: new Date(0) }).where(eq(bankConnections.id, id));
    await expect(getApiAccess(getDb(), id)).rejects.toBeInstanceOf(ReauthRequiredError);
    expect((await row(id)).status).toBe("reauth_required");
  });

  it("V10.4.8 lets a bank 5xx on refresh surface as an ordinary error, leaving the connection as it was", async () => {
    const { id } = await connected();
    await expireAccessToken(id);
    await admin(bank(), "/faults", { failNext: 1, status: 503, includeToken: true });
    const error = await getApiAccess(getDb(), id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(ReauthRequiredError);
    expect((await row(id)).status).toBe("active");
    await admin(bank(), "/reset");
    expect((await getApiAccess(getDb(), id)).accessToken).toBeTruthy();
  });
});
