import "server-only";
import { Redis } from "@upstash/redis";
import { env, type Env } from "@/lib/env";
import { MemoryStore } from "./memory-store";
import { IoredisScriptAdapter } from "./redis-adapter";
import { closeRedisClient, readyRedis } from "./redis-client";
import type { LimitStore } from "./store";
import { UpstashStore } from "./upstash-store";

const MEMORY = Symbol.for("chargekeep.ratelimit.memory");
// On globalThis so route handlers, server actions and the proxy bundle count in one place.
const holder = globalThis as { [MEMORY]?: MemoryStore };
const memoryStore = () => (holder[MEMORY] ??= new MemoryStore());

let chosen: { signature: string; store: LimitStore } | undefined;

/** Upstash REST if configured, else REDIS_URL, else memory. Re-chosen only when the configuration changes (tests). */
export function activeStore(): LimitStore {
  const config = env();
  const signature = [config.UPSTASH_REDIS_REST_URL, config.REDIS_URL, config.RATE_LIMIT_PREFIX].join("|");
  if (chosen?.signature !== signature) chosen = { signature, store: createStore(config) };
  return chosen.store;
}

function createStore(config: Env): LimitStore {
  const prefix = config.RATE_LIMIT_PREFIX;
  if (config.UPSTASH_REDIS_REST_URL && config.UPSTASH_REDIS_REST_TOKEN) {
    const redis = new Redis({
      url: config.UPSTASH_REDIS_REST_URL,
      token: config.UPSTASH_REDIS_REST_TOKEN,
      // Its default of 5 retries with exponential backoff outlasts the request; one quick retry is enough.
      retry: { retries: 1, backoff: () => 100 },
      enableTelemetry: false,
    });
    return new UpstashStore({ kind: "upstash", redis, prefix });
  }
  if (config.REDIS_URL) {
    const url = config.REDIS_URL;
    return new UpstashStore({ kind: "redis", redis: new IoredisScriptAdapter(() => readyRedis(url)), prefix });
  }
  return memoryStore();
}

/** Forget counts, the chosen store and the Redis connection, so a test starts clean and can switch env. */
export function resetStores(): void {
  holder[MEMORY]?.clear();
  chosen = undefined;
  closeRedisClient();
}
