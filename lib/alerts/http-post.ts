import "server-only";
import http from "node:http";
import https from "node:https";
import { webhookLookup } from "./url-guard";

export type PostResult = { status: number };

/**
 * One POST to a webhook receiver with node:http(s) rather than fetch, for the `lookup` hook: in
 * production every address the socket connects to is checked against the private ranges at that
 * moment (DNS rebinding). No redirects are followed (a 3xx counts as a failure), the response body
 * is discarded, and the whole exchange has a deadline.
 */
export function postJson(url: URL, body: string, headers: Record<string, string>, opts: { production: boolean; timeoutMs: number }): Promise<PostResult> {
  const lib = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(
      url,
      {
        method: "POST",
        headers: { ...headers, "content-type": "application/json", "content-length": Buffer.byteLength(body), "user-agent": "ChargeKeep-Webhooks/1" },
        lookup: webhookLookup(opts.production) as unknown as typeof import("node:dns").lookup,
        timeout: opts.timeoutMs,
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode ?? 0 }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer within ${opts.timeoutMs} ms`)));
    req.on("error", reject);
    req.end(body);
  });
}
