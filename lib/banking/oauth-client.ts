import "server-only";
import * as oauth from "oauth4webapi";
import type { bankInstitutions } from "@/db/schema";
import { env, isProduction } from "@/lib/env";
import { issuerProblem, isPlainHttp } from "./issuer-policy";
import { bankFetch } from "./retry-fetch";

export type Institution = typeof bankInstitutions.$inferSelect;

export type BankClient = {
  as: oauth.AuthorizationServer;
  client: oauth.Client;
  auth: oauth.ClientAuth;
  /** Options every oauth4webapi request takes (http only for an allowed loopback issuer). */
  options: { [oauth.allowInsecureRequests]?: boolean; [oauth.customFetch]?: typeof bankFetch; signal?: AbortSignal };
};

const DISCOVERY_TTL_MS = 60 * 60_000;
const TIMEOUT_MS = 15_000;
const discovery = new Map<string, { as: oauth.AuthorizationServer; at: number }>();

export function clearDiscoveryCache(): void {
  discovery.clear();
}

/** The issuer rule (lib/banking/issuer-policy.ts) with this deployment's settings; throws a sentence. */
export function assertIssuerAllowed(url: string, what = "issuer"): void {
  const problem = issuerProblem(url, { production: isProduction(), appUrl: env().APP_URL });
  if (problem) throw new Error(`The bank's ${what} ${url} is refused: ${problem}`);
}

function requestOptions(issuer: string): BankClient["options"] {
  // bankFetch retries a GET (discovery, JWKS, userinfo) once after a reset connection, never a POST.
  return { ...(isPlainHttp(issuer) ? { [oauth.allowInsecureRequests]: true } : {}), [oauth.customFetch]: bankFetch, signal: AbortSignal.timeout(TIMEOUT_MS) };
}

/**
 * The bank's metadata, cached per issuer for an hour. processDiscoveryResponse refuses metadata
 * whose `issuer` is not exactly the one configured (mix-up defence, RFC 8414 section 3.3).
 */
async function discover(issuer: string): Promise<oauth.AuthorizationServer> {
  const hit = discovery.get(issuer);
  if (hit && Date.now() - hit.at < DISCOVERY_TTL_MS) return hit.as;
  const url = new URL(issuer);
  const as = await oauth.processDiscoveryResponse(url, await oauth.discoveryRequest(url, requestOptions(issuer)));
  discovery.set(issuer, { as, at: Date.now() });
  return as;
}

export async function bankClient(institution: Institution): Promise<BankClient> {
  assertIssuerAllowed(institution.issuer);
  const as = await discover(institution.issuer);
  const secret = institution.clientSecret ?? "";
  const auth =
    institution.tokenAuthMethod === "client_secret_post"
      ? oauth.ClientSecretPost(secret)
      : institution.tokenAuthMethod === "none"
        ? oauth.None()
        : oauth.ClientSecretBasic(secret);
  return { as, client: { client_id: institution.clientId }, auth, options: requestOptions(institution.issuer) };
}

export function callbackUrl(): string {
  return new URL("/api/banking/callback", env().APP_URL).href;
}

/** Token lifetimes: expires_in when sent, else a conservative five minutes. */
export function accessExpiry(tokens: { expires_in?: number }, at: Date): Date {
  return new Date(at.getTime() + (tokens.expires_in ?? 300) * 1000);
}

/**
 * When the consent ends, if the bank says: non-standard but common token response members
 * (`consent_expires_at` in epoch seconds, `refresh_token_expires_in`). The sandbox bank sends
 * `consent_expires_at`; a bank that sends neither shows "not reported", and the end of consent
 * then arrives as invalid_grant.
 */
export function consentExpiry(tokens: Record<string, unknown>, at: Date): Date | null {
  const abs = tokens.consent_expires_at;
  if (typeof abs === "number" && Number.isFinite(abs) && abs > 0) return new Date(abs * 1000);
  const rel = tokens.refresh_token_expires_in;
  if (typeof rel === "number" && Number.isFinite(rel) && rel > 0) return new Date(at.getTime() + rel * 1000);
  return null;
}
