/** Test helpers: the sandbox IdP in-process, a cookie-jar "browser", organizations with SSO set up. */
import { randomUUID } from "node:crypto";
import { expect } from "vitest";
import { getDb } from "@/db";
import { organizationDomains, ssoConnections } from "@/db/schema";
import { validateSessionToken } from "@/lib/auth";
import { makeSteppedUpSession, makeUser } from "@/tests/factories";
import { POST as startRoute } from "@/app/api/auth/sso/start/route";
import { GET as callbackRoute } from "@/app/api/auth/sso/callback/[connectionId]/route";
import { GET as completeRoute } from "@/app/api/auth/sso/complete/route";
import { startSandboxIdp, type SandboxIdp } from "@/sandbox-idp/idp";
import { SANDBOX_PASSWORD } from "@/sandbox-idp/directory";

export const APP = "http://localhost:3000";
export const IDP_CLIENT = { clientId: "chargekeep-sso", clientSecret: "test-sso-secret" };

/** Each test file's IdP has its own directory domain: a domain is verified by one organization only. */
export function startTestIdp(domain = `idp-${randomUUID().slice(0, 8)}.test`): Promise<SandboxIdp> {
  return startSandboxIdp({ host: "127.0.0.1", port: 0, dnsPort: 0, dataDir: null, ...IDP_CLIENT, appOrigins: [APP], amr: ["pwd"], adminToken: "test-idp-admin", domain });
}

export const emailOf = (idp: SandboxIdp, given: "alice" | "bob" | "carol" | "dave" | "erin") => idp.users.find((u) => u.email.startsWith(`${given}@`))!.email;

/** A browser: one cookie jar per host, redirects followed by hand. App routes are called in-process. */
export class SsoBrowser {
  readonly jars = new Map<string, Map<string, string>>();

  cookieHeader(url: string): string {
    return [...(this.jars.get(new URL(url).host) ?? new Map<string, string>())].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  cookie(url: string, name: string): string | undefined {
    return this.jars.get(new URL(url).host)?.get(name);
  }

  store(url: string, res: Response) {
    const host = new URL(url).host;
    const jar = this.jars.get(host) ?? new Map<string, string>();
    this.jars.set(host, jar);
    for (const line of res.headers.getSetCookie()) {
      const [pair = "", ...attrs] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const gone = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || /expires=thu, 01 jan 1970/i.test(a));
      if (gone || pair.slice(eq + 1) === "") jar.delete(name);
      else jar.set(name, pair.slice(eq + 1));
    }
  }

  /** The IdP over real HTTP. */
  async idp(url: string, form?: Record<string, string>): Promise<Response> {
    const res = await fetch(url, {
      method: form ? "POST" : "GET",
      body: form ? new URLSearchParams(form) : undefined,
      redirect: "manual",
      headers: { cookie: this.cookieHeader(url) },
    });
    this.store(url, res);
    return res;
  }

  async start(body: { email?: string; organizationId?: string }): Promise<Response> {
    const url = `${APP}/api/auth/sso/start`;
    const res = await startRoute(new Request(url, { method: "POST", headers: { "content-type": "application/json", cookie: this.cookieHeader(url) }, body: JSON.stringify(body) }));
    this.store(url, res);
    return res;
  }

  async callback(url: string): Promise<Response> {
    const connectionId = new URL(url).pathname.split("/").pop()!;
    const res = await callbackRoute(new Request(url, { headers: { cookie: this.cookieHeader(url) } }), { params: Promise.resolve({ connectionId }) });
    this.store(url, res);
    return res;
  }

  async complete(url: string): Promise<Response> {
    const full = new URL(url, APP).href;
    const res = await completeRoute(new Request(full, { headers: { cookie: this.cookieHeader(full) } }));
    this.store(full, res);
    return res;
  }
}

/**
 * Walks the IdP from the authorization URL: its sign-in page, then the redirects, until it sends
 * the browser back to the app. Returns the app callback URL (with code, state and iss).
 */
export async function walkIdp(browser: SsoBrowser, authorizationUrl: string, who: { email: string; password?: string; mfa?: boolean }): Promise<string> {
  let url = authorizationUrl;
  for (let hop = 0; hop < 10; hop++) {
    if (url.startsWith(APP)) return url;
    const interaction = /\/interaction\/([\w-]+)$/.exec(new URL(url).pathname);
    let res = await browser.idp(url);
    if (interaction && res.status === 200) {
      res = await browser.idp(`${new URL(url).origin}/interaction/${interaction[1]}/login`, {
        email: who.email,
        password: who.password ?? SANDBOX_PASSWORD,
        ...(who.mfa ? { mfa: "1" } : {}),
      });
    }
    const next = res.headers.get("location");
    if (!next) throw new Error(`IdP answered ${res.status} at ${url}: ${(await res.text()).replace(/<style>[^<]*<\/style>/, "").slice(0, 600)}`);
    url = new URL(next, url).href;
  }
  throw new Error("too many redirects at the IdP");
}

/** The whole trip: start -> IdP -> callback -> completion. Returns the completion response. */
export async function signInBySso(browser: SsoBrowser, who: { email: string; password?: string; mfa?: boolean; organizationId?: string }) {
  const started = await browser.start(who.organizationId ? { organizationId: who.organizationId } : { email: who.email });
  expect(started.status, await started.clone().text()).toBe(200);
  const { redirect } = (await started.json()) as { redirect: string };
  const back = await walkIdp(browser, redirect, who);
  const cb = await browser.callback(back);
  expect(cb.status).toBe(303);
  const to = cb.headers.get("location")!;
  if (!to.includes("/api/auth/sso/complete")) return { callback: cb, completion: null, location: to };
  const completion = await browser.complete(to);
  return { callback: cb, completion, location: completion.headers.get("location")! };
}

/** An organization with an owner (stepped up), a verified domain and an enabled, tested connection to the IdP. */
export async function orgWithSso(idp: SandboxIdp, opts: { domain?: string; enabled?: boolean; jit?: boolean } = {}) {
  const db = getDb();
  const owner = await makeUser();
  const { token } = await makeSteppedUpSession(owner.user.id, owner.organizationId);
  const ctx = (await validateSessionToken(db, token))!;
  const domain = opts.domain ?? `t${randomUUID().slice(0, 8)}.test`;
  await db.insert(organizationDomains).values({ organizationId: owner.organizationId, domain, token: randomUUID(), verifiedAt: new Date() });
  const [connection] = await db
    .insert(ssoConnections)
    .values({
      organizationId: owner.organizationId,
      issuer: idp.issuer,
      clientId: IDP_CLIENT.clientId,
      clientSecret: IDP_CLIENT.clientSecret,
      enabled: opts.enabled ?? true,
      jitEnabled: opts.jit ?? true,
      lastTestResult: "ok",
    })
    .returning();
  return { owner, ctx, token, domain, connection: connection! };
}
