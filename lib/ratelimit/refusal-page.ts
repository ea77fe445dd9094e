import { NextResponse } from "next/server";

/**
 * Refusals proxy.ts answers itself (429 rate limit, 403 firewall, 413 body size): JSON for /api and
 * scripts, a small readable HTML page for browsers. The page is static, with no scripts
 * or styles at all, so it renders under the proxy's fallback CSP (default-src 'none'). No
 * "server-only": the proxy imports it.
 */
export type Refusal = {
  status: number;
  code: string;
  title: string;
  message: string;
  headers?: Record<string, string>;
};

/** A browser navigation wants HTML; fetches, API clients and scripts get JSON. */
export function wantsHtml(pathname: string, headers: Headers): boolean {
  if (pathname.startsWith("/api/")) return false;
  return (headers.get("accept") ?? "").includes("text/html");
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function refusalHtml(r: Refusal): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(r.title)} · ChargeKeep</title></head>
<body>
<main><h1>${escapeHtml(r.title)}</h1><p>${escapeHtml(r.message)}</p><p><a href="/">ChargeKeep home</a></p></main>
</body></html>`;
}

export function refusalResponse(r: Refusal, html: boolean): NextResponse {
  const headers = { "cache-control": "no-store", ...r.headers };
  if (html) return new NextResponse(refusalHtml(r), { status: r.status, headers: { ...headers, "content-type": "text/html; charset=utf-8" } });
  return NextResponse.json({ error: { code: r.code, message: r.message } }, { status: r.status, headers });
}
