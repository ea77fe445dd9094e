import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as oauth from "oauth4webapi";
import type { SandboxBank } from "./bank";
import { admin, api, authorize, connect, discover, refresh, revoke, startTestBank, type ClientSession } from "@/tests/support/sandbox-browser";

let sandbox: SandboxBank;
let northwind: ClientSession;

beforeAll(async () => {
  sandbox = await startTestBank();
  northwind = await discover(sandbox.institutions[0]!);
});
afterAll(() => sandbox.close());

const CHECKING = "nw-chk-1001";
const SAVINGS = "nw-sav-1002";
const CARD = "nw-cc-1003";

function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString("utf8")) as Record<string, unknown>;
}

describe("sandbox bank OAuth round trip", () => {
  it("V10.4.6 V10.3.1 completes code + PKCE through its own login and consent pages and serves the consented accounts", async () => {
    const tokens = await connect(northwind, { accounts: [CHECKING, CARD] });
    expect(tokens.refresh_token).toBeTruthy();
    // the consent's end (90 days by default on the consent page), in every token response
    expect(Math.abs(Number(tokens.consent_expires_at) * 1000 - (Date.now() + 90 * 86_400_000))).toBeLessThan(5 * 60_000);
    const claims = claimsOf(tokens.access_token);
    expect(claims.aud).toBe(northwind.bank.apiAudience);
    expect(claims.grant_id).toEqual(expect.any(String));
    expect(claims.scope).toContain("fdx:read");

    const list = await api(northwind.bank, "/accounts", tokens.access_token);
    expect(list.status).toBe(200);
    const body = (await list.json()) as { accounts: Record<string, { accountId: string }>[] };
    expect(body.accounts.map((a) => Object.values(a)[0]!.accountId)).toEqual([CHECKING, CARD]);

    const txns = await api(northwind.bank, `/accounts/${CHECKING}/transactions?limit=50`, tokens.access_token);
    expect(txns.status).toBe(200);
    const page = (await txns.json()) as { page: { nextOffset?: string }; transactions: unknown[] };
    expect(page.transactions).toHaveLength(50);
    expect(page.page.nextOffset).toEqual(expect.any(String));
  });

  it("V10.7.2 shows the accounts, the read-only scope and a duration on the consent page, under a strict CSP", async () => {
    const { browser: _b, failedPage } = await authorize(northwind, { accounts: [] });
    // No account ticked: the consent page comes back with its error, listing the accounts again.
    expect(failedPage?.status).toBe(400);
    const html = await failedPage!.text();
    expect(html).toContain("Everyday Checking");
    expect(html).toContain("read-only");
    expect(html).toContain('name="duration"');
    expect(failedPage!.headers.get("content-security-policy")).toContain("default-src 'none'");
  });

  it("V10.7.1 returns access_denied when the user refuses consent", async () => {
    const { state, callback } = await authorize(northwind, { deny: true });
    expect(callback?.searchParams.get("error")).toBe("access_denied");
    expect(() => oauth.validateAuthResponse(northwind.as, northwind.client, callback!, state)).toThrow(oauth.AuthorizationResponseError);
  });

  it("V10.4.6 refuses an authorization request without PKCE", async () => {
    const { callback } = await authorize(northwind, { pkce: false });
    expect(callback?.searchParams.get("error")).toBe("invalid_request");
    expect(callback?.searchParams.get("code")).toBeNull();
  });

  it("refuses a wrong password without revealing whether the email exists", async () => {
    const { failedPage } = await authorize(northwind, { password: "wrong" });
    expect(failedPage?.status).toBe(401);
    expect(await failedPage!.text()).toContain("Wrong email or password.");
    const unknown = await authorize(northwind, { email: "nobody@northwind.example", password: "wrong" });
    expect(unknown.failedPage?.status).toBe(401);
    expect(await unknown.failedPage!.text()).toContain("Wrong email or password.");
  });

  it("V10.7.2 refuses a consent naming another user's account", async () => {
    const { failedPage, callback } = await authorize(northwind, { accounts: ["nw-chk-2001"] });
    expect(callback).toBeUndefined();
    expect(failedPage?.status).toBe(400);
  });

  it("V10.3.2 refuses an account the user did not consent to with 403", async () => {
    const tokens = await connect(northwind, { accounts: [CHECKING] });
    expect((await api(northwind.bank, `/accounts/${SAVINGS}`, tokens.access_token)).status).toBe(403);
    expect((await api(northwind.bank, `/accounts/${SAVINGS}/transactions`, tokens.access_token)).status).toBe(403);
    // Another user's account, same answer.
    expect((await api(northwind.bank, "/accounts/nw-chk-2001", tokens.access_token)).status).toBe(403);
    expect((await api(northwind.bank, `/accounts/${CHECKING}`, tokens.access_token)).status).toBe(200);
  });

  it("V9.2.3 refuses a token from the other institution, a tampered token and no token (401)", async () => {
    const harbor = await discover(sandbox.institutions[1]!);
    const foreign = await connect(harbor, { accounts: ["hb-chk-3001"] });
    expect((await api(northwind.bank, "/accounts", foreign.access_token)).status).toBe(401);
    const own = await connect(northwind, { accounts: [CHECKING] });
    const [h, , s] = own.access_token.split(".");
    const forged = Buffer.from(JSON.stringify({ ...claimsOf(own.access_token), scope: "fdx:read fdx:write" })).toString("base64url");
    expect((await api(northwind.bank, "/accounts", `${h}.${forged}.${s}`)).status).toBe(401);
    expect((await fetch(`${northwind.bank.apiAudience}/accounts`)).status).toBe(401);
  });

  it("V10.4.9 refuses the old access token after the client revokes its refresh token (401), and refresh fails", async () => {
    const tokens = await connect(northwind, { accounts: [CHECKING] });
    expect((await api(northwind.bank, "/accounts", tokens.access_token)).status).toBe(200);
    await revoke(northwind, tokens.refresh_token!);
    const after = await api(northwind.bank, "/accounts", tokens.access_token);
    expect(after.status).toBe(401);
    expect(after.headers.get("www-authenticate")).toContain("invalid_token");
    await expect(refresh(northwind, tokens.refresh_token!)).rejects.toThrow();
  });

  it("V10.4.9 refuses a grant revoked by the admin switch", async () => {
    const tokens = await connect(northwind, { accounts: [CHECKING] });
    const grantId = claimsOf(tokens.access_token).grant_id as string;
    const res = await admin(northwind.bank, "/grant/revoke", { grantId });
    expect(await res.json()).toEqual({ affected: [grantId] });
    expect((await api(northwind.bank, "/accounts", tokens.access_token)).status).toBe(401);
  });

  it("V10.4.8 refreshes to a new working access token on the same grant", async () => {
    const tokens = await connect(northwind, { accounts: [SAVINGS] });
    const next = await refresh(northwind, tokens.refresh_token!);
    expect(next.access_token).not.toBe(tokens.access_token);
    expect(claimsOf(next.access_token).grant_id).toBe(claimsOf(tokens.access_token).grant_id);
    expect((await api(northwind.bank, `/accounts/${SAVINGS}`, next.access_token)).status).toBe(200);
  });

  it("V10.4.8 refuses an expired consent: the API says so (401) and refresh gets invalid_grant", async () => {
    const tokens = await connect(northwind, { accounts: [CHECKING], duration: "30" });
    const grantId = claimsOf(tokens.access_token).grant_id as string;
    await admin(northwind.bank, "/consent/expire", { grantId });
    const res = await api(northwind.bank, "/accounts", tokens.access_token);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { message: string }).message).toMatch(/expired/i);
    const error = await refresh(northwind, tokens.refresh_token!).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(oauth.ResponseBodyError);
    expect((error as oauth.ResponseBodyError).error).toBe("invalid_grant");
  });

  it("V10.4.11 grants only the read scope even when more is asked for", async () => {
    const tokens = await connect(northwind, { accounts: [CHECKING], scope: "openid fdx:read fdx:write offline_access" });
    expect(String(claimsOf(tokens.access_token).scope).split(" ")).not.toContain("fdx:write");
  });

  it("serves slow responses and the next N server errors when switched on, and only to loopback admins with the token", async () => {
    const tokens = await connect(northwind, { accounts: [CHECKING] });
    const denied = await fetch(`${northwind.bank.issuer}/__sandbox/faults`, { method: "POST", body: "{}" });
    expect(denied.status).toBe(401);
    await admin(northwind.bank, "/faults", { failNext: 2, status: 502, delayMs: 50 });
    const started = Date.now();
    expect((await api(northwind.bank, "/accounts", tokens.access_token)).status).toBe(502);
    expect((await api(northwind.bank, "/accounts", tokens.access_token)).status).toBe(502);
    expect((await api(northwind.bank, "/accounts", tokens.access_token)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    await admin(northwind.bank, "/reset");
  });

  it("fails the token endpoint on the switch, so a refresh can meet a 5xx", async () => {
    const tokens = await connect(northwind, { accounts: [CHECKING] });
    await admin(northwind.bank, "/faults", { failNext: 1, status: 503, includeToken: true });
    await expect(refresh(northwind, tokens.refresh_token!)).rejects.toThrow();
    expect((await refresh(northwind, tokens.refresh_token!)).access_token).toBeTruthy();
    await admin(northwind.bank, "/reset");
  });
});

describe("sandbox bank restart", () => {
  it("keeps keys, grants and consents in its data directory, so the app's tokens survive a restart", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "sandbox-bank-"));
    try {
      const first = await startTestBank({ dataDir });
      const session = await discover(first.institutions[0]!);
      const tokens = await connect(session, { accounts: [CHECKING] });
      await first.close();
      // Let fetch's connection pool notice the closed keep-alive sockets before reusing the port.
      await new Promise((r) => setTimeout(r, 100));
      const port = new URL(session.bank.issuer).port;
      const second = await startTestBank({ dataDir, ports: [Number(port), 0] });
      try {
        const again = await discover(second.institutions[0]!);
        expect((await api(again.bank, "/accounts", tokens.access_token)).status).toBe(200);
        const next = await refresh(again, tokens.refresh_token!);
        expect((await api(again.bank, `/accounts/${CHECKING}`, next.access_token)).status).toBe(200);
        expect(statSync(path.join(dataDir, "keys-northwind.json")).mode & 0o077).toBe(0);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
