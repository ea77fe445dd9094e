/**
 * Test helpers: a headless "browser" (fetch with a cookie jar, manual redirects) that walks the
 * bank's login and consent forms, and an oauth4webapi client as the app would use it.
 */
import * as oauth from "oauth4webapi";
import { bankFetch } from "@/lib/banking/retry-fetch";
import { startSandboxBank, type SandboxBank, type SandboxBankOptions } from "@/sandbox-bank/bank";
import type { InstitutionState } from "@/sandbox-bank/institution-state";

export const REDIRECT_URI = "http://localhost:3999/api/banking/callback";
export const CLIENT_SECRET = "test-secret";
export const ADMIN_TOKEN = "test-admin-token";
// The app's own retry of a GET after a reset keep-alive connection (lib/banking/retry-fetch.ts): the
// test bank closes idle sockets, and on a busy machine a reuse can race that close.
const insecure = { [oauth.allowInsecureRequests]: true, [oauth.customFetch]: bankFetch };

export function startTestBank(overrides: Partial<SandboxBankOptions> = {}): Promise<SandboxBank> {
  return startSandboxBank({
    host: "127.0.0.1",
    ports: [0, 0],
    allowNonLoopback: false,
    dataDir: null,
    seed: "test-seed",
    historyDays: 730,
    largeTransactions: 2_000,
    clientId: "chargekeep-dev",
    clientSecret: CLIENT_SECRET,
    redirectUris: [REDIRECT_URI],
    adminToken: ADMIN_TOKEN,
    accessTokenTtlSeconds: 600,
    ...overrides,
  });
}

export class Browser {
  private readonly jar = new Map<string, string>();

  async request(url: string, init: { method?: string; form?: Record<string, string | string[]> } = {}): Promise<Response> {
    let body: URLSearchParams | undefined;
    if (init.form) {
      body = new URLSearchParams();
      for (const [k, v] of Object.entries(init.form)) for (const item of [v].flat()) body.append(k, item);
    }
    const res = await bankFetch(url, {
      method: init.method ?? (body ? "POST" : "GET"),
      body,
      redirect: "manual",
      headers: { cookie: [...this.jar].map(([k, v]) => `${k}=${v}`).join("; ") },
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair = "", ...attrs] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const expired = attrs.some((a) => /expires=thu, 01 jan 1970/i.test(a.trim()));
      if (expired || pair.slice(eq + 1) === "") this.jar.delete(name);
      else this.jar.set(name, pair.slice(eq + 1));
    }
    return res;
  }

  /** Follows redirects until one leaves for the client's redirect URI (returned) or a page renders. */
  async follow(url: string, init?: { form?: Record<string, string | string[]> }): Promise<{ callback?: URL; page?: Response; url: string }> {
    let res = await this.request(url, init);
    let current = url;
    for (let hops = 0; hops < 10; hops++) {
      const location = res.headers.get("location");
      if (res.status < 300 || res.status >= 400 || !location) return { page: res, url: current };
      const next = new URL(location, current);
      if (next.href.startsWith(REDIRECT_URI)) return { callback: next, url: current };
      current = next.href;
      res = await this.request(current);
    }
    throw new Error("redirect loop");
  }
}

export interface ClientSession {
  as: oauth.AuthorizationServer;
  client: oauth.Client;
  auth: oauth.ClientAuth;
  bank: InstitutionState;
}

export async function discover(bank: InstitutionState): Promise<ClientSession> {
  const issuer = new URL(bank.issuer);
  const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, insecure));
  return { as, client: { client_id: "chargekeep-dev" }, auth: oauth.ClientSecretBasic(CLIENT_SECRET), bank };
}

export interface AuthorizeInput {
  email?: string;
  password?: string;
  accounts?: string[];
  duration?: string;
  deny?: boolean;
  pkce?: boolean;
  scope?: string;
}

/** Runs the browser part of the code flow; returns the callback URL and what the client must keep. */
export async function authorize(s: ClientSession, input: AuthorizeInput = {}) {
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const url = new URL(s.as.authorization_endpoint as string);
  url.searchParams.set("client_id", s.client.client_id);
  url.searchParams.set("redirect_uri", REDIRECT_URI);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("scope", input.scope ?? "openid email fdx:read offline_access");
  url.searchParams.set("resource", s.bank.apiAudience);
  url.searchParams.set("state", state);
  if (input.pkce !== false) {
    url.searchParams.set("code_challenge", await oauth.calculatePKCECodeChallenge(verifier));
    url.searchParams.set("code_challenge_method", "S256");
  }
  const browser = new Browser();
  let step = await browser.follow(url.href);
  if (step.page) {
    const login = step.url;
    step = await browser.follow(`${login}/login`, { form: { email: input.email ?? s.bank.spec.users[0]!.email, password: input.password ?? s.bank.spec.users[0]!.password } });
  }
  if (step.page) {
    const consent = step.url;
    if (step.page.status !== 200) return { browser, state, verifier, failedPage: step.page };
    step = input.deny
      ? await browser.follow(`${consent}/abort`, { form: {} })
      : await browser.follow(`${consent}/confirm`, { form: { account: input.accounts ?? [], duration: input.duration ?? "90" } });
  }
  return { browser, state, verifier, callback: step.callback, failedPage: step.page };
}

/** Full flow to tokens, as the app would do it. */
export async function connect(s: ClientSession, input: AuthorizeInput & { accounts: string[] }) {
  const { state, verifier, callback } = await authorize(s, input);
  if (!callback) throw new Error("no callback");
  const params = oauth.validateAuthResponse(s.as, s.client, callback, state);
  const response = await oauth.authorizationCodeGrantRequest(s.as, s.client, s.auth, params, REDIRECT_URI, verifier, insecure);
  return oauth.processAuthorizationCodeResponse(s.as, s.client, response);
}

export async function refresh(s: ClientSession, refreshToken: string) {
  const response = await oauth.refreshTokenGrantRequest(s.as, s.client, s.auth, refreshToken, insecure);
  return oauth.processRefreshTokenResponse(s.as, s.client, response);
}

export async function revoke(s: ClientSession, token: string) {
  const response = await oauth.revocationRequest(s.as, s.client, s.auth, token, insecure);
  await oauth.processRevocationResponse(response);
}

export function api(bank: InstitutionState, path: string, token: string): Promise<Response> {
  return bankFetch(`${bank.apiAudience}${path}`, { headers: { authorization: `Bearer ${token}` } });
}

export function admin(bank: InstitutionState, path: string, body: unknown = {}): Promise<Response> {
  return fetch(`${bank.issuer}/__sandbox${path}`, { method: "POST", headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" }, body: JSON.stringify(body) });
}
