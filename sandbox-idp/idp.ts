/**
 * The sandbox identity provider: an OpenID Connect issuer on oidc-provider with its own sign-in
 * page, a small directory in two groups, configurable `amr`, and a local DNS server for domain
 * verification. ID tokens carry email, name, groups and amr (Auth.js reads the ID token only).
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import Provider from "oidc-provider";
import { isLoopbackHost, readForm, readJson, sendJson } from "../sandbox-bank/http-util";
import { loadIdpKeys } from "./keys";
import { buildDirectory, type DirectoryUser } from "./directory";
import { startLocalDns, type LocalDns } from "./dns";
import { errorPage, PAGE_CSP, signInPage } from "./pages";

export interface SandboxIdpOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  dnsPort: number;
  dataDir: string | null;
  clientId: string;
  clientSecret: string;
  /** Origins of the ChargeKeep apps allowed to receive codes: any `<origin>/api/auth/sso/callback/<id>`. */
  appOrigins: string[];
  /** `amr` of a password-only sign-in (the sign-in page's checkbox adds "mfa"). */
  amr: string[];
  adminToken: string;
  /** The directory's e-mail domain (default acme.test). */
  domain?: string;
}

export interface SandboxIdp {
  issuer: string;
  dns: LocalDns;
  users: DirectoryUser[];
  /** Changes the `amr` of the next sign-ins (tests). */
  setAmr(amr: string[]): void;
  close(): Promise<void>;
}

function samePassword(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

function sendPage(res: ServerResponse, status: number, html: string) {
  res.writeHead(status, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", "content-security-policy": PAGE_CSP, "x-content-type-options": "nosniff", "referrer-policy": "no-referrer" });
  res.end(html);
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

export async function startSandboxIdp(o: SandboxIdpOptions): Promise<SandboxIdp> {
  if (!isLoopbackHost(o.host)) throw new Error(`Refusing to bind ${o.host}: the sandbox identity provider has documented passwords.`);
  const users = buildDirectory(o.domain);
  let amr = [...o.amr];
  const live: { provider?: Provider; oidc?: (req: IncomingMessage, res: ServerResponse) => void } = {};
  const dns = await startLocalDns(o.host, o.dnsPort);

  const server = createServer((req, res) => {
    const provider = live.provider;
    if (!provider || !live.oidc) return sendJson(res, 503, { error: "starting" });
    const url = new URL(req.url ?? "/", provider.issuer);
    const interaction = /^\/interaction\/([A-Za-z0-9_-]+)(?:\/(login))?$/.exec(url.pathname);
    const handled = interaction
      ? handleInteraction(provider, req, res, interaction[1]!, interaction[2])
      : url.pathname.startsWith("/__sandbox/")
        ? handleAdmin(req, res, url.pathname)
        : undefined;
    if (!handled) return live.oidc(req, res);
    handled.catch((error: unknown) => {
      console.error("[sandbox-idp]", error);
      if (!res.headersSent) sendJson(res, 500, { error: "internal error" });
      else res.end();
    });
  });

  async function handleInteraction(provider: Provider, req: IncomingMessage, res: ServerResponse, uid: string, action: string | undefined) {
    let details;
    try {
      details = await provider.interactionDetails(req, res);
    } catch {
      return sendPage(res, 400, errorPage("interaction_expired", "This sign-in has expired. Go back to the app and start again."));
    }
    if (details.uid !== uid) return sendPage(res, 400, errorPage("invalid_request", "Interaction mismatch."));
    const user = details.session ? users.find((u) => u.id === details.session?.accountId) : undefined;
    if (details.prompt.name === "consent" && user) {
      // A company's own IdP asks no consent for its own apps: the grant is given at once.
      const grant = new provider.Grant({ accountId: user.id, clientId: String(details.params.client_id) });
      const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
      if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(" "));
      if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
      return provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
    }
    if (req.method === "GET" && !action) return sendPage(res, 200, signInPage(uid, "ChargeKeep"));
    if (req.method !== "POST" || action !== "login") return sendPage(res, 405, errorPage("method_not_allowed", ""));
    const form = await readForm(req);
    const email = (form.get("email") ?? "").trim().toLowerCase();
    const candidate = users.find((u) => u.email === email && u.active);
    const ok = samePassword(form.get("password") ?? "", candidate?.password ?? "\u0000no-such-user") && candidate !== undefined;
    if (!ok) return sendPage(res, 401, signInPage(uid, "ChargeKeep", "Wrong e-mail or password.", email));
    const used = form.get("mfa") === "1" ? [...new Set([...amr, "mfa"])] : amr;
    return provider.interactionFinished(req, res, { login: { accountId: candidate.id, amr: used, acr: used.includes("mfa") ? "urn:sandbox:mfa" : "urn:sandbox:pwd" } }, { mergeWithLastSubmission: false });
  }

  /** Test switches (bearer admin token, loopback only): publish a DNS TXT record, change amr. */
  async function handleAdmin(req: IncomingMessage, res: ServerResponse, path: string) {
    if (req.headers.authorization !== `Bearer ${o.adminToken}`) return sendJson(res, 401, { error: "unauthorized" });
    if (req.method !== "POST") return sendJson(res, 405, { error: "method not allowed" });
    const body = await readJson(req);
    if (path === "/__sandbox/dns") {
      const name = typeof body.name === "string" ? body.name.toLowerCase().replace(/\.$/, "") : "";
      const value = typeof body.value === "string" ? body.value : "";
      if (!name || !value) return sendJson(res, 400, { error: "name and value are required" });
      dns.records.set(name, [...(dns.records.get(name) ?? []), value]);
      return sendJson(res, 200, { ok: true });
    }
    if (path === "/__sandbox/amr") {
      if (!Array.isArray(body.amr) || !body.amr.every((v) => typeof v === "string")) return sendJson(res, 400, { error: "amr must be a list of strings" });
      amr = body.amr as string[];
      return sendJson(res, 200, { ok: true });
    }
    return sendJson(res, 404, { error: "not found" });
  }

  const port = await listen(server, o.port, o.host);
  const host = o.host.includes(":") ? `[${o.host}]` : o.host;
  const issuer = `http://${host}:${port}`;
  const keys = loadIdpKeys(o.dataDir);
  const provider = new Provider(issuer, {
    clients: [{ client_id: o.clientId, client_secret: o.clientSecret, redirect_uris: o.appOrigins.map((a) => `${a}/api/auth/sso/callback/sandbox`), grant_types: ["authorization_code"], response_types: ["code"] }],
    jwks: keys.jwks,
    cookies: { keys: keys.cookieKeys, names: { session: "_idp_session", interaction: "_idp_interaction", resume: "_idp_interaction_resume" } },
    findAccount: async (_ctx: unknown, sub: string) => {
      const user = users.find((u) => u.id === sub);
      if (!user) return undefined;
      return {
        accountId: user.id,
        claims: async () => ({ sub: user.id, email: user.email, email_verified: true, name: user.name, given_name: user.givenName, family_name: user.familyName, groups: user.groups }),
      };
    },
    responseTypes: ["code"],
    // amr and acr with every openid request: standalone claims would only be sent when asked for by name.
    claims: { openid: ["sub", "amr", "acr"], email: ["email", "email_verified"], profile: ["name", "given_name", "family_name", "groups"] },
    // Auth.js reads the ID token only: put the scope's claims in it.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    pkce: { required: () => true },
    interactions: { url: async (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 30 * 60, Session: 3600, Grant: 3600 },
    renderError: async (ctx: { type: string; body: string }, out: Record<string, string>) => {
      ctx.type = "html";
      ctx.body = errorPage(out.error ?? "error", out.error_description ?? "");
    },
  });
  // The app's callback path names its connection (a uuid made when the owner saves it), so the
  // sandbox accepts any connection's callback on the configured app origins.
  const clientProto = (provider as unknown as { Client: { prototype: { redirectUriAllowed(uri: string): boolean } } }).Client.prototype;
  const CALLBACK = /^\/api\/auth\/sso\/callback\/[0-9a-f-]{36}$/;
  clientProto.redirectUriAllowed = (uri: string) => {
    const parsed = URL.canParse(uri) ? new URL(uri) : null;
    return Boolean(parsed && !parsed.search && !parsed.hash && o.appOrigins.includes(parsed.origin) && CALLBACK.test(parsed.pathname));
  };
  live.provider = provider;
  live.oidc = provider.callback();
  return {
    issuer,
    dns,
    users,
    setAmr: (next) => {
      amr = [...next];
    },
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await dns.close();
    },
  };
}
