/**
 * oidc-provider configured as a bank's authorization server. The library does the protocol;
 * this file is only policy: which pages, which keys, which tokens for which API.
 */
import Provider, { errors, type KoaContextWithOIDC } from "oidc-provider";
import { clientMetadata, type ClientOptions } from "./clients";
import type { BankKeys } from "./keys";
import type { SeedUser } from "./institutions";
import { errorPage } from "./pages";

/** The only API scope: read-only access to the consented accounts. */
export const READ_SCOPE = "fdx:read";

export interface ProviderOptions {
  issuer: string;
  /** The FDX API's resource indicator and the access token audience. */
  apiAudience: string;
  institutionName: string;
  /** Prefixes cookie names: browsers share cookies across ports, and both banks run on 127.0.0.1. */
  cookiePrefix: string;
  keys: BankKeys;
  client: ClientOptions;
  users: SeedUser[];
  accessTokenTtlSeconds: number;
  /** Storage for grants, tokens and sessions (state-store.ts). */
  adapter: unknown;
}

const DAY = 86_400;

export function createProvider(o: ProviderOptions): Provider {
  const users = new Map(o.users.map((u) => [u.id, u]));
  return new Provider(o.issuer, {
    adapter: o.adapter,
    clients: clientMetadata(o.client),
    jwks: o.keys.jwks,
    cookies: {
      keys: o.keys.cookieKeys,
      names: { session: `_${o.cookiePrefix}_session`, interaction: `_${o.cookiePrefix}_interaction`, resume: `_${o.cookiePrefix}_interaction_resume` },
    },
    findAccount: async (_ctx: unknown, sub: string) => {
      const user = users.get(sub);
      if (!user) return undefined;
      return { accountId: user.id, claims: async () => ({ sub: user.id, email: user.email, email_verified: true, name: user.name }) };
    },
    // Code flow only: no implicit or hybrid responses for a bank.
    responseTypes: ["code"],
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    features: {
      // Our own login and consent pages (interactions.ts); the built-in ones are for demos only.
      devInteractions: { enabled: false },
      // A client may revoke only its own tokens.
      revocation: { enabled: true, allowedPolicy: async (_ctx: unknown, client: { clientId: string }, token: { clientId?: string }) => token.clientId === client.clientId },
      resourceIndicators: {
        enabled: true,
        // A client that names no resource still gets a token for the API.
        defaultResource: async () => o.apiAudience,
        // The token request need not repeat `resource`: the one consented to at authorization is used.
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx: unknown, indicator: string) => {
          if (indicator !== o.apiAudience) throw new errors.InvalidTarget();
          return {
            scope: READ_SCOPE,
            audience: o.apiAudience,
            accessTokenTTL: o.accessTokenTtlSeconds,
            // JWTs so the API verifies them offline; the API still checks the grant on each call.
            accessTokenFormat: "jwt",
            jwt: { sign: { alg: "ES256" } },
          };
        },
      },
    },
    pkce: { required: () => true },
    interactions: { url: async (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    // Every authorization asks for consent again (accounts and duration are chosen each time):
    // only the grant just created by our consent page is reused, never one from the browser session.
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const grantId = ctx.oidc.result?.consent?.grantId;
      return grantId ? ctx.oidc.provider.Grant.find(grantId) : undefined;
    },
    // Refresh tokens for our confidential client without needing offline_access + prompt=consent.
    issueRefreshToken: async (_ctx: unknown, client: { grantTypeAllowed(type: string): boolean }) => client.grantTypeAllowed("refresh_token"),
    // Tokens outlive the user's sign-in session at the bank; the grant's own expiry bounds them.
    expiresWithSession: async () => false,
    // The grant id lets the API refuse a JWT whose grant was revoked or has expired.
    extraTokenClaims: async (_ctx: unknown, token: { grantId?: string }) => ({ grant_id: token.grantId }),
    ttl: {
      AccessToken: o.accessTokenTtlSeconds,
      AuthorizationCode: 60,
      IdToken: 600,
      Interaction: 30 * 60,
      Session: 8 * 3600,
      // The consent page always sets the chosen duration; this is only the fallback.
      Grant: 90 * DAY,
      RefreshToken: 365 * DAY,
    },
    renderError: async (ctx: { type: string; body: string }, out: Record<string, string>) => {
      ctx.type = "html";
      ctx.body = errorPage(o.institutionName, out.error ?? "error", out.error_description ?? "");
    },
  });
}
