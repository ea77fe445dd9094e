/**
 * Starts the sandbox institutions: one HTTP server per institution (its own issuer, its own
 * port), routing /interaction to our pages, /fdx to the API, /__sandbox to the switches and
 * everything else to oidc-provider.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { ConsentStore } from "./consents";
import { adapterFor, StateStore } from "./state-store";
import { handleAdmin } from "./admin";
import { handleFdx } from "./fdx-api";
import { applyFaults, noFaults } from "./faults";
import { buildInstitutions } from "./institutions";
import type { InstitutionState } from "./institution-state";
import { handleInteraction } from "./interactions";
import { loadKeys } from "./keys";
import { Ledger } from "./ledger";
import { createProvider } from "./provider";
import { isLoopbackHost, sendJson } from "./http-util";

export interface SandboxBankOptions {
  host: string;
  /** One per institution, in order (northwind, harbor); 0 picks a free port. */
  ports: number[];
  allowNonLoopback: boolean;
  /** Where generated keys are kept; null keeps them in memory (tests). */
  dataDir: string | null;
  envJwks?: string;
  envCookieKeys?: string;
  seed: string;
  historyDays: number;
  largeTransactions: number;
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  adminToken: string;
  accessTokenTtlSeconds: number;
  now?: () => number;
}

export interface SandboxBank {
  institutions: InstitutionState[];
  close(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

export async function startSandboxBank(o: SandboxBankOptions): Promise<SandboxBank> {
  if (!isLoopbackHost(o.host) && !o.allowNonLoopback) {
    throw new Error(`Refusing to bind ${o.host}: the sandbox bank has documented passwords. Set SANDBOX_BANK_ALLOW_NON_LOOPBACK=1 to override.`);
  }
  const now = o.now ?? Date.now;
  // eslint-disable-next-line security/detect-non-literal-fs-filename -- our own data directory
  if (o.dataDir) mkdirSync(o.dataDir, { recursive: true, mode: 0o700 });
  const specs = buildInstitutions(o.largeTransactions);
  const servers: Server[] = [];
  const institutions: InstitutionState[] = [];
  const stores: StateStore[] = [];
  for (const [index, spec] of specs.entries()) {
    // The issuer needs the bound port, so the handler is wired before the provider exists.
    const live: { state?: InstitutionState; oidc?: ReturnType<InstitutionState["provider"]["callback"]> } = {};
    const server = createServer((req, res) => {
      const bank = live.state;
      if (!bank) return sendJson(res, 503, { error: "starting" });
      const url = new URL(req.url ?? "/", bank.issuer);
      const path = url.pathname;
      const interaction = /^\/interaction\/([A-Za-z0-9_-]+)(?:\/(login|confirm|abort))?$/.exec(path);
      const handled = interaction
        ? handleInteraction(bank, req, res, interaction[1] as string, interaction[2])
        : path === "/fdx" || path.startsWith("/fdx/")
          ? handleFdx(bank, req, res, url)
          : path.startsWith("/__sandbox/")
            ? handleAdmin(bank, req, res, url)
            : undefined;
      if (!handled) {
        if (path !== "/token" || !bank.faults.includeToken) return live.oidc?.(req, res);
        void applyFaults(bank.faults, res).then((failed) => failed || live.oidc?.(req, res));
        return;
      }
      handled.catch((error: unknown) => {
        console.error(`[sandbox-bank:${spec.slug}]`, error);
        if (!res.headersSent) sendJson(res, 500, { error: "internal error" });
        else res.end();
      });
    });
    const port = await listen(server, o.ports[index] ?? 0, o.host);
    servers.push(server);
    const host = o.host.includes(":") ? `[${o.host}]` : o.host;
    const issuer = `http://${host}:${port}`;
    const apiAudience = `${issuer}/fdx`;
    const store = new StateStore(o.dataDir ? path.join(o.dataDir, `state-${spec.slug}.json`) : null);
    stores.push(store);
    const consents = new ConsentStore(store);
    const keys = loadKeys(spec.slug, { dataDir: o.dataDir, envJwks: o.envJwks, envCookieKeys: o.envCookieKeys });
    const provider = createProvider({
      issuer,
      apiAudience,
      institutionName: spec.name,
      cookiePrefix: spec.slug,
      keys,
      client: { clientId: o.clientId, clientSecret: o.clientSecret, redirectUris: o.redirectUris },
      users: spec.users,
      accessTokenTtlSeconds: o.accessTokenTtlSeconds,
      adapter: adapterFor(store),
    });
    // Tell the client when the consent ends, as real open-banking APIs do (FDX consent, PSD2
    // "access valid until"): an extra `consent_expires_at` (epoch seconds) in every token response.
    provider.use(async (ctx, next) => {
      await next();
      const body = ctx.body as { access_token?: unknown } | undefined;
      if (ctx.path !== "/token" || ctx.status !== 200 || !body || typeof body.access_token !== "string") return;
      const grantId = grantIdOf(body.access_token);
      const consent = grantId ? consents.get(grantId) : undefined;
      if (consent) Object.assign(body, { consent_expires_at: Math.floor(consent.expiresMs / 1000) });
    });
    // Revocation at the bank's endpoint (the app's disconnect) ends the consent too.
    provider.on("grant.revoked", (_ctx, grantId) => consents.update(String(grantId), { state: "revoked" }));
    const state: InstitutionState = {
      spec,
      issuer,
      apiAudience,
      provider,
      keys,
      ledger: new Ledger(spec, { seed: `${o.seed}|${spec.slug}`, now, historyDays: o.historyDays }),
      consents,
      faults: noFaults(),
      adminToken: o.adminToken,
      clientId: o.clientId,
      now,
    };
    live.oidc = provider.callback();
    live.state = state;
    institutions.push(state);
  }
  return {
    institutions,
    close: async () => {
      for (const store of stores) store.flush();
      await Promise.all(
        servers.map((s) => new Promise<void>((resolve) => {
          s.closeAllConnections();
          s.close(() => resolve());
        })),
      );
    },
  };
}

/** The grant id our own access token carries (a JWT we just signed: read, not verified). */
function grantIdOf(jwt: string): string | undefined {
  try {
    const claims = JSON.parse(Buffer.from(jwt.split(".")[1] ?? "", "base64url").toString("utf8")) as { grant_id?: unknown };
    return typeof claims.grant_id === "string" ? claims.grant_id : undefined;
  } catch {
    return undefined;
  }
}
