import { describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { requirePageSession, requireSession, requireSessionFromRequest } from "@/lib/auth";
import { sessionCookieName } from "@/lib/credentials";
import { stubEnv } from "@/tests/env";
import { makeSession, makeUser } from "@/tests/factories";
import { setRequestCookie, setRequestHeaders } from "@/tests/request-context";
import { NETWORK_REFUSED_MESSAGES } from "./refusal";
import { addFirewallRule } from "./store";

const db = () => getDb();

async function confinedOrg() {
  const owner = await makeUser();
  await addFirewallRule(db(), {
    scope: "organization",
    organizationId: owner.organizationId,
    cidr: "2001:db8:5::/48",
    action: "allow",
    reason: "Zurich HQ",
    expiresAt: null,
    createdBy: owner.user.id,
  });
  const { token } = await makeSession(owner.user.id, owner.organizationId);
  return { owner, token };
}

const apiRequest = (token: string, headers: Record<string, string>) =>
  new Request("http://localhost:3000/api/me", { headers: { cookie: `${sessionCookieName()}=${token}`, ...headers } });

describe("an organization's network allow-list, checked by the gate", () => {
  it("V8.2.1 a member's session works only from the allowed networks (route handlers)", async () => {
    stubEnv({ TRUST_PROXY: "vercel" });
    const { owner, token } = await confinedOrg();
    const inside = await requireSessionFromRequest(apiRequest(token, { "x-real-ip": "2001:db8:5:1::20" }));
    expect(inside.user.id).toBe(owner.user.id);

    const refused = await requireSessionFromRequest(apiRequest(token, { "x-real-ip": "2001:db8:6::20" })).catch((e: unknown) => e);
    expect(refused).toMatchObject({ status: 403, code: "network_refused", message: NETWORK_REFUSED_MESSAGES.org_allowlist });
    // the message names the reason, never the rule
    expect((refused as Error).message).not.toMatch(/2001|db8|\/48|Zurich/);
  });

  it("V8.2.1 V4.1.3 a spoofed X-Forwarded-For does not get a refused member in", async () => {
    stubEnv({ TRUST_PROXY: "vercel" });
    const { token } = await confinedOrg();
    await expect(requireSessionFromRequest(apiRequest(token, { "x-real-ip": "198.51.100.1", "x-forwarded-for": "2001:db8:5::1" }))).rejects.toMatchObject({ status: 403 });
    stubEnv({ TRUST_PROXY: "none" });
    // no trusted address at all: an allow-list cannot be satisfied
    await expect(requireSessionFromRequest(apiRequest(token, { "x-real-ip": "2001:db8:5::1", "x-forwarded-for": "2001:db8:5::1" }))).rejects.toMatchObject({ status: 403 });
  });

  it("V8.2.1 server actions get the 403 message, pages go to the explanation page", async () => {
    stubEnv({ TRUST_PROXY: "vercel" });
    const { token } = await confinedOrg();
    setRequestCookie(sessionCookieName(), token);
    setRequestHeaders({ "x-real-ip": "192.0.2.1" });
    await expect(requireSession()).rejects.toMatchObject({ status: 403, code: "network_refused" });
    const redirected = await requirePageSession().catch((e: unknown) => e);
    expect(String((redirected as { digest?: string }).digest)).toContain("/network-refused?reason=org_allowlist");

    setRequestHeaders({ "x-real-ip": "2001:db8:5::9" });
    await expect(requireSession()).resolves.toMatchObject({ organization: { id: expect.any(String) } });
  });

  it("V8.2.2 another organization's allow-list does not touch this organization's members", async () => {
    stubEnv({ TRUST_PROXY: "vercel" });
    await confinedOrg();
    const other = await makeUser();
    const { token } = await makeSession(other.user.id, other.organizationId);
    await expect(requireSessionFromRequest(apiRequest(token, { "x-real-ip": "192.0.2.1" }))).resolves.toMatchObject({ user: { id: other.user.id } });
  });
});
