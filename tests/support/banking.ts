/**
 * Test helpers for lib/banking (not shipped code): a sandbox bank institution row, a stepped-up
 * member, the bank's login and consent pages walked by the headless browser, and the callback.
 */
import { randomUUID } from "node:crypto";
import { vi } from "vitest";
import { getDb } from "@/db";
import { GET as callbackRoute } from "@/app/api/banking/callback/route";
import { validateSessionToken } from "@/lib/auth";
import { resetEnvCache } from "@/lib/env";
import { makeSession, makeSteppedUpSession, makeUser, type BuiltInRole } from "@/tests/factories";
import { Browser, CLIENT_SECRET, REDIRECT_URI } from "@/tests/support/sandbox-browser";
import type { InstitutionState } from "@/sandbox-bank/institution-state";
import { upsertInstitution } from "@/lib/banking/institutions";

/** The sandbox's registered redirect URI is http://localhost:3999/api/banking/callback. */
export function useTestAppUrl(): void {
  vi.stubEnv("APP_URL", new URL(REDIRECT_URI).origin);
  resetEnvCache();
}

export async function addTestInstitution(bank: InstitutionState): Promise<string> {
  return upsertInstitution(getDb(), {
    slug: `t-${bank.spec.slug}-${randomUUID().slice(0, 8)}`,
    name: `${bank.spec.name} (test)`,
    issuer: bank.issuer,
    clientId: "chargekeep-dev",
    clientSecret: CLIENT_SECRET,
    scopes: "openid fdx:read",
    resource: bank.apiAudience,
    apiBaseUrl: bank.apiAudience,
  });
}

export type Member = Awaited<ReturnType<typeof makeUser>> & { token: string; ctx: NonNullable<Awaited<ReturnType<typeof validateSessionToken>>> };

/** A member who passed a second factor just now (connect, re-authorize and disconnect want it). */
export async function steppedUpMember(opts: { role?: BuiltInRole; organizationId?: string; steppedUp?: boolean } = {}): Promise<Member> {
  const u = await makeUser({ role: opts.role, organizationId: opts.organizationId });
  const { token } = opts.steppedUp === false ? await makeSession(u.user.id, u.organizationId) : await makeSteppedUpSession(u.user.id, u.organizationId);
  return { ...u, token, ctx: (await validateSessionToken(getDb(), token))! };
}

export async function sessionFor(member: Pick<Member, "user" | "organizationId">): Promise<{ token: string; ctx: Member["ctx"] }> {
  const { token } = await makeSteppedUpSession(member.user.id, member.organizationId);
  return { token, ctx: (await validateSessionToken(getDb(), token))! };
}

export type BankLogin = { email?: string; password?: string; accounts?: string[]; duration?: string; deny?: boolean };

/** Walks the bank's login and consent pages from the authorization URL; returns the callback URL. */
export async function walkBank(bank: InstitutionState, authorizationUrl: string, login: BankLogin = {}): Promise<URL> {
  const user = bank.spec.users[0]!;
  const browser = new Browser();
  let step = await browser.follow(authorizationUrl);
  if (step.page) {
    step = await browser.follow(`${step.url}/login`, { form: { email: login.email ?? user.email, password: login.password ?? user.password } });
  }
  if (step.page) {
    step = login.deny
      ? await browser.follow(`${step.url}/abort`, { form: {} })
      : await browser.follow(`${step.url}/confirm`, { form: { account: login.accounts ?? [user.accounts[0]!.id], duration: login.duration ?? "90" } });
  }
  if (!step.callback) throw new Error(`the bank did not redirect back (status ${step.page?.status})`);
  return step.callback;
}

export async function callCallback(url: URL | string, token: string | undefined): Promise<Response> {
  const req = new Request(String(url), { headers: token ? { cookie: `ck_session=${token}` } : {} });
  return callbackRoute(req, { params: Promise.resolve({}) });
}

/** The path a callback response sends the browser to. */
export function landing(res: Response): string {
  const location = res.headers.get("location");
  if (res.status !== 303 || !location) throw new Error(`expected a 303, got ${res.status}`);
  const u = new URL(location);
  return `${u.pathname}${u.search}`;
}

export function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString("utf8")) as Record<string, unknown>;
}
