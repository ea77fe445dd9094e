import "server-only";
import { now } from "@/lib/clock";
import { env } from "@/lib/env";
import { sha256Hex } from "@/lib/crypto";
import { setSharedEdgeCounter, type EdgeDecision, type EdgePolicyName } from "./edge";
import { effectivePolicy, policies } from "./policies";
import { readyRedis } from "./redis-client";
import { activeStore } from "./select-store";

/**
 * The longest a request waits on the shared store before the edge lets it through on the local
 * count (RATE_LIMIT_EDGE_WAIT_MS, default 1 s, the Redis client's own command timeout; also applied
 * to Upstash's REST calls). Not lower: a busy server's event loop can stall for a few hundred
 * milliseconds, and a reply that arrived during the stall must still count (a shorter race let most
 * of a burst through on local counts alone).
 */
export const edgeSharedTimeoutMs = (): number => env().RATE_LIMIT_EDGE_WAIT_MS;
/** After the store failed or was slow, the edge uses the local count alone this long (no added wait per request during an outage). */
export const EDGE_SHARED_PAUSE_MS = 5_000;

const PAUSE = Symbol.for("chargekeep.ratelimit.edge.paused-until");
const paused = globalThis as { [PAUSE]?: number };

function timeout(ms: number): Promise<null> {
  return new Promise((resolve) => setTimeout(resolve, ms, null).unref?.());
}

async function countShared(name: EdgePolicyName, ip: string): Promise<EdgeDecision | null> {
  if ((paused[PAUSE] ?? 0) > Date.now()) return null;
  const rule = effectivePolicy(policies[name], env().RATE_LIMIT_IP_MULTIPLIER);
  const store = activeStore();
  if (store.kind === "memory") return null; // configuration changed (tests): the local count is the only one
  const counted = store.limit(name, rule, sha256Hex(ip)).then(
    (d) => ({ ...d, retryAfterSeconds: d.success ? 0 : Math.max(1, Math.ceil((d.resetAt - now().getTime()) / 1000)) }),
    (e: unknown) => {
      console.warn(`[ratelimit] edge limits: ${store.kind} store unavailable (${e instanceof Error ? e.message.split("\n")[0] : String(e)}); counting per process for ${EDGE_SHARED_PAUSE_MS / 1000} s`);
      return null;
    },
  );
  const d = await Promise.race([counted, timeout(edgeSharedTimeoutMs())]);
  if (!d) paused[PAUSE] = Date.now() + EDGE_SHARED_PAUSE_MS; // fail open, and stop asking for a while
  return d;
}

/**
 * Boot (lib/bootstrap): with REDIS_URL or Upstash, the proxy's per-IP limits (global-ip, api-ip)
 * count across every instance; without, per process as before. Safe to call again.
 */
export function registerSharedEdgeLimits(): boolean {
  const config = env();
  const configured = Boolean(config.REDIS_URL || (config.UPSTASH_REDIS_REST_URL && config.UPSTASH_REDIS_REST_TOKEN));
  setSharedEdgeCounter(configured ? countShared : undefined);
  delete paused[PAUSE];
  // Connect now, not on the first request: a connection's handshake must not use up a request's budget.
  if (config.REDIS_URL && !(config.UPSTASH_REDIS_REST_URL && config.UPSTASH_REDIS_REST_TOKEN)) readyRedis(config.REDIS_URL).catch(() => {});
  return configured;
}
