import "server-only";
import IORedis from "ioredis";
import type postgres from "postgres";
import { getDbHandle } from "@/db";
import { env } from "@/lib/env";
import { refreshFirewall, startFirewallTimer, stopFirewallTimer } from "./cache";

/**
 * Firewall changes pushed to every instance (issue 21). A change bumps firewall_state.version and,
 * in the same transaction, sends `NOTIFY chargekeep_firewall` (PostgreSQL delivers it at commit,
 * never for a rolled-back change); after the commit it is also published on Redis when REDIS_URL is
 * set, because LISTEN does not work through a transaction-pooling PgBouncer (common on Heroku).
 * Each instance re-reads the rules when either arrives (within milliseconds), and on every
 * (re)connect of a listener, since a message sent while it was away is lost. A timer
 * (startFirewallTimer) catches anything else, so no request is decided by rules whose last check is
 * older than FIREWALL_REFRESH_SECONDS, even on an idle instance.
 */
export const FIREWALL_CHANNEL = "chargekeep_firewall";

type Held = { pg?: { unlisten: () => Promise<void> }; redis?: IORedis };
const KEY = Symbol.for("chargekeep.firewall.push");
const held = (): Held => ((globalThis as { [KEY]?: Held })[KEY] ??= {});

function redisChannel(): string {
  return `${env().RATE_LIMIT_PREFIX}:firewall`;
}

const onChange = () => void refreshFirewall(true);

/** Boot (lib/bootstrap): the timer, the PostgreSQL listener and, with REDIS_URL, the Redis subscriber. Idempotent. */
export async function keepFirewallFresh(): Promise<void> {
  startFirewallTimer();
  const h = held();
  const handle = getDbHandle();
  if (handle.kind === "postgres" && !h.pg) {
    const client = (handle.db as unknown as { $client: postgres.Sql }).$client;
    // postgres.js keeps one dedicated connection for LISTEN and reconnects it; onlisten runs on every (re)connect.
    h.pg = await client.listen(FIREWALL_CHANNEL, onChange, onChange);
  }
  const url = env().REDIS_URL;
  if (url && !h.redis) {
    // A subscriber needs a connection of its own (Redis allows nothing else on it).
    const sub = new IORedis(url, { lazyConnect: true, maxRetriesPerRequest: null, connectTimeout: 2_000 });
    sub.on("error", () => {}); // it reconnects by itself; the timer covers the gap
    sub.on("message", onChange);
    sub.on("ready", onChange);
    h.redis = sub;
    try {
      await sub.connect();
      await sub.subscribe(redisChannel());
    } catch (e) {
      console.warn(`[firewall] Redis subscription not ready (${e instanceof Error ? e.message : String(e)}); the PostgreSQL notification and the timer still apply changes`);
    }
  }
}

/** After a change committed: tell the other instances through Redis too (PostgreSQL's NOTIFY went with the commit). Never throws. */
export async function publishFirewallChange(version: number): Promise<void> {
  const url = env().REDIS_URL;
  if (!url) return;
  try {
    const { publishRedis } = await import("@/lib/ratelimit");
    await publishRedis(url, redisChannel(), String(version));
  } catch (e) {
    console.warn(`[firewall] could not publish the change on Redis (${e instanceof Error ? e.message : String(e)}); other instances apply it from PostgreSQL or their timer`);
  }
}

/** Tests and shutdown. */
export async function stopFirewallPush(): Promise<void> {
  stopFirewallTimer();
  const h = held();
  const { pg, redis } = h;
  h.pg = undefined;
  h.redis = undefined;
  await pg?.unlisten().catch(() => {});
  redis?.disconnect();
}
