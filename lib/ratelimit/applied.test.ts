import { randomUUID } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import { forgotPasswordAction } from "@/app/(auth)/forgot-password/actions";
import { signUpAction } from "@/app/(auth)/sign-up/actions";
import { POST as contactApi } from "@/app/api/contact/route";
import { contactAction } from "@/app/contact/actions";
import { stubEnv } from "@/tests/env";
import { setRequestHeaders } from "@/tests/request-context";
import { policies, resetRateLimitsForTests } from "./index";

const form = (o: Record<string, string>) => {
  const f = new FormData();
  for (const [k, v] of Object.entries(o)) f.set(k, v);
  return f;
};

/** A fresh client address per test, through the trusted header. */
function fromNewAddress(): string {
  const ip = `2001:db8:${Math.floor(Math.random() * 0xffff).toString(16)}::${Math.floor(Math.random() * 0xffff).toString(16)}`;
  setRequestHeaders({ "x-real-ip": ip });
  return ip;
}

beforeEach(() => {
  // The in-process store: this file is about where the policies are applied, not about the store.
  stubEnv({ TRUST_PROXY: "vercel", REDIS_URL: "", UPSTASH_REDIS_REST_URL: "", UPSTASH_REDIS_REST_TOKEN: "", RATE_LIMIT_IP_MULTIPLIER: "1" });
  resetRateLimitsForTests();
});

describe("rate-limit policies applied to the public forms", () => {
  it("V2.4.1 sign-up: sign-up-ip per network, checked before any account work", async () => {
    fromNewAddress();
    // Invalid passwords: the policy is counted before the work, so nothing is created while testing it.
    const attempt = () => signUpAction(undefined, form({ name: "N", organizationName: "Org", email: `s-${randomUUID()}@example.test`, password: "x" }));
    for (let i = 0; i < policies["sign-up-ip"].limit; i++) expect((await attempt()).message).not.toMatch(/Too many/);
    expect(await attempt()).toMatchObject({ ok: false, message: /^Too many new accounts from this network\. Wait 1 hour and try again\.$/ });
  });

  it("V2.4.1 password reset: per network and per address typed, with the same answer for unknown addresses", async () => {
    fromNewAddress();
    const email = `nobody-${randomUUID()}@example.test`;
    for (let i = 0; i < policies["password-reset-account"].limit; i++) expect((await forgotPasswordAction(undefined, form({ email }))).ok).toBe(true);
    expect(await forgotPasswordAction(undefined, form({ email }))).toMatchObject({ ok: false, message: /Too many password reset requests for this address/ });

    fromNewAddress();
    for (let i = 0; i < policies["password-reset-ip"].limit; i++) await forgotPasswordAction(undefined, form({ email: `n-${randomUUID()}@example.test` }));
    expect(await forgotPasswordAction(undefined, form({ email: `n-${randomUUID()}@example.test` }))).toMatchObject({ ok: false, message: /from this network/ });
  });

  it("V2.4.1 contact form and its API share contact-ip; the API answers 429 with Retry-After", async () => {
    const ip = fromNewAddress();
    const message = { name: "Ann", email: "ann@example.test", message: "Hello there, a question about invoices." };
    for (let i = 0; i < policies["contact-ip"].limit - 1; i++) expect((await contactAction(undefined, form(message))).ok).toBe(true);
    const post = () =>
      contactApi(new Request("http://localhost:3000/api/contact", { method: "POST", headers: { "content-type": "application/json", "x-real-ip": ip }, body: JSON.stringify(message) }));
    expect((await post()).status).toBe(201);
    const limited = await post();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await contactAction(undefined, form(message))).toMatchObject({ ok: false, message: /Too many messages from this network/ });
  });
});
