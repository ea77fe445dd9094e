/**
 * A loopback pass-through between the scanners and the app under scan (`npm run scan`).
 * - Keeps the scan signed in: crawlers submit every form they find, and every app page carries the
 *   sign-out form (a server action posted to the page's own URL, so no URL exclusion can skip it).
 *   Requests that invoke a listed server action (its id is in the body or the Next-Action header)
 *   or POST /api/auth/sign-out get a 403 from here and never reach the app.
 * - Records every 5xx with the request that caused it, and counts answers, so the report can list
 *   server errors and show how much of the scan was authenticated.
 * The Host header is passed through unchanged: the app's APP_URL is this guard's origin.
 */
import { readFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import zlib from "node:zlib";

/** Server actions the scanners must not run: each would end or replace the scan's session. */
export const GUARDED_ACTIONS: Record<string, string> = {
  signOutAction: "ends the scan's session",
  switchOrganizationAction: "rotates the session id",
  createOrganizationAction: "switches the session to the new organization",
  refreshSessionAction: "rotates the session id",
  revokeMemberSessionsAction: "the only member is the scan's own user: ends its sessions",
  forcePasswordResetAction: "the only member is the scan's own user: ends its sessions",
  suspendMemberAction: "the only member is the scan's own user",
  removeMemberAction: "the only member is the scan's own user",
};

/** Ids of the guarded actions in this build (Next's server-reference manifest maps ids to exports). */
export function guardedActionIds(root: string, distDir: string): Map<string, string> {
  const manifest = JSON.parse(readFileSync(path.join(root, distDir, "server", "server-reference-manifest.json"), "utf8")) as {
    node: Record<string, { exportedName?: string }>;
  };
  const ids = new Map<string, string>();
  for (const [id, entry] of Object.entries(manifest.node)) {
    if (entry.exportedName && entry.exportedName in GUARDED_ACTIONS) ids.set(id, entry.exportedName);
  }
  const missing = Object.keys(GUARDED_ACTIONS).filter((name) => ![...ids.values()].includes(name));
  if (missing.length) throw new Error(`scan guard: no server action id for ${missing.join(", ")} in the build (renamed?): update GUARDED_ACTIONS`);
  return ids;
}

export type ServerError = { at: string; method: string; url: string; status: number; userAgent: string; requestBody: string; responseBody: string };

export type GuardStats = {
  requests: number;
  byStatus: Record<string, number>;
  blocked: Record<string, number>;
  serverErrors: ServerError[];
  /** Requests that carried the scan's own session cookie, unaltered, and were answered 401 or sent to /sign-in. */
  unauthenticatedWithCookie: number;
};

const MAX_BODY = 8 * 1024 * 1024;
const excerpt = (b: Buffer) => b.subarray(0, 2000).toString("latin1");

/** The start of a (possibly compressed, possibly cut short) response body, readable. */
function readable(b: Buffer, encoding: string | undefined): string {
  try {
    if (encoding === "gzip") return excerpt(zlib.gunzipSync(b, { finishFlush: zlib.constants.Z_SYNC_FLUSH }));
    if (encoding === "br") return excerpt(zlib.brotliDecompressSync(b, { finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH }));
    if (encoding === "deflate") return excerpt(zlib.inflateSync(b, { finishFlush: zlib.constants.Z_SYNC_FLUSH }));
  } catch {
    return `(${encoding} body, not decodable from its first bytes)`;
  }
  return excerpt(b);
}

export function startGuard(options: { listenPort: number; appPort: number; actionIds: Map<string, string>; sessionCookie: string }) {
  const stats: GuardStats = { requests: 0, byStatus: {}, blocked: {}, serverErrors: [], unauthenticatedWithCookie: 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on("end", () => {
      stats.requests++;
      const body = Buffer.concat(chunks);
      const url = req.url ?? "/";
      const text = body.toString("latin1");
      const header = String(req.headers["next-action"] ?? "");
      let blockedBy: string | undefined;
      if (req.method === "POST" && url.split("?")[0] === "/api/auth/sign-out") blockedBy = "POST /api/auth/sign-out";
      for (const [id, name] of options.actionIds) if (header === id || (body.length && text.includes(id))) blockedBy = name;
      if (blockedBy) {
        stats.blocked[blockedBy] = (stats.blocked[blockedBy] ?? 0) + 1;
        res.writeHead(403, { "content-type": "text/plain" }).end(`blocked by the scan guard (${blockedBy}): it would end the scan's session`);
        return;
      }
      if (size > MAX_BODY) {
        // Oversized bodies are other tests' business; the guard does not buffer them.
        stats.blocked["body over 8 MiB"] = (stats.blocked["body over 8 MiB"] ?? 0) + 1;
        res.writeHead(413).end();
        return;
      }
      const upstream = http.request(
        { host: "localhost", port: options.appPort, method: req.method, path: url, headers: req.headers },
        (up) => {
          const status = up.statusCode ?? 0;
          stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
          // sqlmap also injects into the cookie itself: only the scan's real cookie counts here.
          const hadCookie = (req.headers.cookie ?? "").split(/;\s*/).includes(options.sessionCookie);
          const toSignIn = String(up.headers.location ?? "").includes("/sign-in");
          if (hadCookie && (status === 401 || toSignIn)) stats.unauthenticatedWithCookie++;
          res.writeHead(status, up.headers);
          const kept: Buffer[] = [];
          up.on("data", (c: Buffer) => {
            if (status >= 500 && kept.length < 16) kept.push(c);
            res.write(c);
          });
          up.on("end", () => {
            res.end();
            if (status >= 500) {
              stats.serverErrors.push({
                at: new Date().toISOString(),
                method: req.method ?? "?",
                url,
                status,
                userAgent: String(req.headers["user-agent"] ?? ""),
                requestBody: excerpt(body),
                responseBody: readable(Buffer.concat(kept), up.headers["content-encoding"]),
              });
            }
          });
        },
      );
      upstream.on("error", (e) => {
        stats.byStatus["proxy-error"] = (stats.byStatus["proxy-error"] ?? 0) + 1;
        if (!res.headersSent) res.writeHead(502);
        res.end(String(e.message));
      });
      upstream.end(body);
    });
  });
  return new Promise<{ stats: GuardStats; close: () => Promise<void> }>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.listenPort, "127.0.0.1", () =>
      resolve({ stats, close: () => new Promise<void>((r) => server.close(() => r())) }),
    );
  });
}
