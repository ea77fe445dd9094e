import "server-only";
import NextAuth, { type NextAuthConfig } from "next-auth";
import type { Provider } from "next-auth/providers";
import Google from "next-auth/providers/google";
import MicrosoftEntraID from "next-auth/providers/microsoft-entra-id";
import Okta from "next-auth/providers/okta";
import { skipCSRFCheck } from "@auth/core";
import { getDb } from "@/db";
import { blindIndex } from "@/lib/crypto";
import { env } from "@/lib/env";
import { requestMetaFrom } from "@/lib/http";
import { acceptIdpSignIn, type IdTokenClaims } from "./accept";
import { browserCookieName, cookieValue, findOpenAttempt } from "./attempts";
import { getConnectionById, type SsoConnection } from "./connections";

/**
 * Auth.js (next-auth v5) does the OpenID Connect dance: discovery, authorization request with
 * PKCE, state and nonce (each in its own encrypted cookie), the code exchange, and the ID token's
 * signature, issuer, audience, expiry and nonce. It issues no session: the signIn callback always
 * returns a URL (our completion route with a ticket, or the SSO page with an error), and Auth.js
 * then creates no session of its own. No adapter, so no tables of its own either.
 */
export const SSO_BASE_PATH = "/api/auth/sso";
export const COMPLETE_PATH = `${SSO_BASE_PATH}/complete`;
export const SSO_PAGE = "/sign-in/sso";

const appOrigin = () => new URL(env().APP_URL).origin;

export function completionUrl(ticket: string): string {
  return `${appOrigin()}${COMPLETE_PATH}?ticket=${encodeURIComponent(ticket)}`;
}

export function ssoErrorUrl(reason: string): string {
  return `${appOrigin()}${SSO_PAGE}?error=${encodeURIComponent(reason)}`;
}

/** Auth.js encrypts its short-lived cookies with this: derived from the keyring, so no new secret to configure. */
function authjsSecret(): string {
  return blindIndex("authjs-cookie-secret/v1", { table: "sso_connections", column: "authjs_secret" });
}

/** The organization's provider, built from its stored configuration. Maintained presets where Auth.js has one. */
export function providerFor(c: SsoConnection): Provider {
  const options = {
    id: c.id,
    name: "Single sign-on",
    issuer: c.issuer,
    clientId: c.clientId,
    clientSecret: c.clientSecret,
    checks: ["pkce", "state", "nonce"] as ("pkce" | "state" | "nonce")[],
    authorization: { params: { scope: "openid email profile" } },
    // Only what the ID token says: no profile-photo fetches (the Entra preset's default).
    profile: (p: { sub?: unknown; email?: unknown; name?: unknown }) => ({
      id: String(p.sub),
      email: typeof p.email === "string" ? p.email : null,
      name: typeof p.name === "string" ? p.name : null,
    }),
  };
  switch (c.kind) {
    case "microsoft-entra-id":
      return MicrosoftEntraID(options);
    case "okta":
      return Okta(options);
    case "google":
      return Google(options);
    default:
      return { type: "oidc", ...options };
  }
}

/** The connection named in `/api/auth/sso/(signin|callback)/<connection id>`. */
function connectionIdFrom(url: string): string | null {
  const m = new URL(url).pathname.match(/^\/api\/auth\/sso\/(?:signin|callback)\/([0-9a-f-]{36})$/);
  return m?.[1] ?? null;
}

function isOurs(url: string): boolean {
  const origin = appOrigin();
  return url.startsWith(`${origin}${COMPLETE_PATH}?`) || url.startsWith(`${origin}${SSO_PAGE}?`);
}

async function configFor(req: Request | undefined): Promise<NextAuthConfig> {
  const connectionId = req ? connectionIdFrom(req.url) : null;
  const connection = connectionId ? await getConnectionById(getDb(), connectionId) : null;
  return {
    basePath: SSO_BASE_PATH,
    secret: authjsSecret(),
    // The request is rebuilt on APP_URL by our route (forwardToAuthjs), never from the Host header.
    trustHost: true,
    // Our proxy checks the Origin of every POST, and the sign-in POST is made by our own route handler.
    skipCSRFCheck,
    providers: connection ? [providerFor(connection)] : [],
    session: { strategy: "jwt" },
    pages: { signIn: SSO_PAGE, error: SSO_PAGE },
    logger: {
      // Protocol failures become a readable page and an audit event (the route); no token material in logs.
      error: (e: Error) => console.warn(`[sso] ${e.name}: ${e.message.slice(0, 200)}`),
      warn: () => {},
      debug: () => {},
    },
    callbacks: {
      async signIn({ profile }) {
        if (!connection || !req || !profile) return ssoErrorUrl("provider_error");
        const db = getDb();
        const attempt = await findOpenAttempt(db, connection.id, cookieValue(req, browserCookieName()));
        const result = await acceptIdpSignIn(db, { connection, attempt, claims: profile as IdTokenClaims, meta: requestMetaFrom(req.headers) });
        return result.ok ? completionUrl(result.ticket) : ssoErrorUrl(result.reason);
      },
      // Only our own two landing places, whatever anyone put in a callbackUrl.
      async redirect({ url }) {
        return isOurs(url) ? url : ssoErrorUrl("provider_error");
      },
    },
  };
}

/** Providers built per request from the organization's stored configuration. */
const { handlers } = NextAuth(configFor);

/** Hands a request to Auth.js on APP_URL's origin, with only the cookies it reads. */
export async function forwardToAuthjs(method: "GET" | "POST", pathAndQuery: string, cookie: string, body?: URLSearchParams): Promise<Response> {
  const headers = new Headers({ cookie });
  if (body) headers.set("content-type", "application/x-www-form-urlencoded");
  const req = new Request(`${appOrigin()}${pathAndQuery}`, { method, headers, body });
  return method === "GET" ? handlers.GET(req as never) : handlers.POST(req as never);
}
