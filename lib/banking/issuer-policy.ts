import "server-only";
import { isIPv4 } from "node:net";

/** Host names that only ever mean this machine. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || (isIPv4(h) && h.startsWith("127."));
}

export type IssuerPolicyContext = { production: boolean; appUrl: string };

/**
 * Whether a bank's issuer (or API base) may be used. https always; plain http only for a loopback
 * host (the sandbox bank), and in production only when the app itself runs on a loopback http URL
 * (a local production build, as e2e uses) — a deployed app never talks OAuth in the clear.
 * Returns a sentence for the operator when refused, null when allowed.
 */
export function issuerProblem(raw: string, ctx: IssuerPolicyContext): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "It must be an absolute URL.";
  }
  if (url.username || url.password || url.search || url.hash) return "It must not carry credentials, a query or a fragment.";
  if (url.protocol === "https:") return null;
  if (url.protocol !== "http:") return "It must be an https:// URL.";
  if (!isLoopbackHost(url.hostname)) return "Plain http:// is only allowed for a loopback host (127.0.0.1, localhost).";
  if (ctx.production) {
    const app = new URL(ctx.appUrl);
    if (app.protocol !== "http:" || !isLoopbackHost(app.hostname)) return "Plain http:// is refused in production unless the app itself runs on a loopback http:// URL.";
  }
  return null;
}

/** True when the URL is plain http (already allowed by issuerProblem): oauth4webapi must be told. */
export function isPlainHttp(raw: string): boolean {
  return raw.startsWith("http://");
}
