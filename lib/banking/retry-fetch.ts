/**
 * fetch for calls to a bank that retries an idempotent request (GET, HEAD) once when the connection
 * failed under it: a keep-alive socket the bank's server closed just as we reused it ends in
 * ECONNRESET or "other side closed" on a busy machine, though nothing was wrong. Never a POST
 * (the token endpoint spends a code or a refresh token once: a retry could spend it twice, or act
 * twice), and never after the caller's signal fired. No imports and no "server-only": the sandbox
 * bank's test helpers use it too.
 */
const RESET_CODES = new Set(["ECONNRESET", "EPIPE", "UND_ERR_SOCKET", "UND_ERR_CLOSED"]);

export function isConnectionReset(e: unknown): boolean {
  for (let cur = e as { code?: unknown; cause?: unknown } | undefined, i = 0; cur && typeof cur === "object" && i < 5; cur = cur.cause as typeof cur, i++) {
    if (typeof cur.code === "string" && RESET_CODES.has(cur.code)) return true;
  }
  return false;
}

type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export function retryOnReset(base: Fetch = (input, init) => fetch(input, init)): Fetch {
  return async (input, init) => {
    const method = (init?.method ?? (input instanceof Request ? input.method : "GET")).toUpperCase();
    try {
      return await base(input, init);
    } catch (e) {
      if ((method !== "GET" && method !== "HEAD") || !isConnectionReset(e) || init?.signal?.aborted) throw e;
      return base(input, init); // once: a second reset is a real failure
    }
  };
}

export const bankFetch = retryOnReset();
