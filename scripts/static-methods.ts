import type http from "node:http";

/**
 * Next's server answers any method but GET and HEAD on its build files (/_next/static/...) with a
 * 500 (found by `npm run scan`: wapiti's OPTIONS probe). They are files: anything else gets a 405
 * with Allow, before Next sees the request. Returns true when it answered.
 */
export function refuseNonReadOnStaticFiles(req: http.IncomingMessage, res: http.ServerResponse): boolean {
  if (req.method === "GET" || req.method === "HEAD" || !req.url?.startsWith("/_next/static/")) return false;
  res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", "x-content-type-options": "nosniff" });
  res.end("Method Not Allowed");
  return true;
}
