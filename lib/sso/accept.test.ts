import { describe, expect, it } from "vitest";
import { POST as startRoute } from "@/app/api/auth/sso/start/route";
import { idpMfaSatisfied } from "./accept";

const idp = { mfaMode: "idp" as const, acceptedAmr: "mfa hwk", acceptedAcr: "urn:acme:mfa" };

describe("what counts as MFA from the identity provider", () => {
  it("V6.8.4 only the organization's accepted amr or acr values count, and only in the IdP mode", () => {
    expect(idpMfaSatisfied(idp, { amr: ["pwd", "mfa"] })).toBe(true);
    expect(idpMfaSatisfied(idp, { amr: ["pwd"], acr: "urn:acme:mfa" })).toBe(true);
    expect(idpMfaSatisfied(idp, { amr: ["pwd", "otp"], acr: "urn:acme:pwd" })).toBe(false);
    expect(idpMfaSatisfied(idp, { amr: "mfa" })).toBe(true);
    expect(idpMfaSatisfied(idp, { amr: [{ mfa: true }], acr: 42 })).toBe(false);
    expect(idpMfaSatisfied({ ...idp, mfaMode: "chargekeep" }, { amr: ["mfa"] })).toBe(false);
  });
});

describe("starting single sign-on", () => {
  it("V2.2.1 a malformed or unknown work e-mail gets a 4xx with a sentence, never the IdP", async () => {
    const post = (body: unknown) =>
      startRoute(new Request("http://localhost:3000/api/auth/sso/start", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }));
    for (const body of [{}, { email: "not an address" }, { organizationId: "x" }]) {
      const res = await post(body);
      expect(res.status).toBe(422);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/\w+ \w+/);
    }
    const unknown = await post({ email: "someone@nobody-verified-this.test" });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toMatch(/Single sign-on is not set up for that address/);
    expect(unknown.headers.getSetCookie()).toEqual([]);
  });
});
