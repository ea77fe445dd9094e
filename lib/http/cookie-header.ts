/**
 * The one reader of the Cookie request header: proxy.ts (presence), the route wrapper and the page and
 * action gate (through next/headers' request headers) all parse it here. A value that is not valid
 * percent-encoding counts as absent, never as an error (no token of ours needs decoding).
 */
export function cookieValue(header: string | null | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
