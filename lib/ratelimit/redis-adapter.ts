import "server-only";
// Redis names scripts by their SHA-1; this is script identity, not a security use of a hash.
import { createHash } from "node:crypto";
import type IORedis from "ioredis";

const SHEBANG = /^#!lua[^\n]*\n/;

const sha1 = (text: string) => createHash("sha1").update(text).digest("hex");

// The SDK passes numbers, and null for unused arguments.
const toRedisArg = (a: unknown): string | number => (typeof a === "number" ? a : a === null || a === undefined ? "" : String(a));

/**
 * The two commands @upstash/ratelimit's sliding window sends (evalsha, falling back to eval on
 * NOSCRIPT), over ioredis. Its scripts start with `#!lua flags=allow-key-locking`, which Redis 7.0
 * refuses, so eval() runs them without that line and remembers which stripped script each of the
 * SDK's hashes stands for; evalsha() then calls the stripped one. An unknown hash answers NOSCRIPT,
 * which makes the SDK send the script (again after a Redis restart flushes its script cache).
 */
export class IoredisScriptAdapter {
  private readonly strippedHash = new Map<string, string>();

  constructor(private readonly client: () => Promise<IORedis>) {}

  async evalsha<TArgs extends unknown[], TData = unknown>(sha: string, keys: string[], args: TArgs): Promise<TData> {
    const local = this.strippedHash.get(sha);
    if (!local) throw new Error(`NOSCRIPT ${sha} has not been sent through this adapter yet`);
    return (await (await this.client()).evalsha(local, keys.length, ...keys, ...args.map(toRedisArg))) as TData;
  }

  async eval<TArgs extends unknown[], TData = unknown>(script: string, keys: string[], args: TArgs): Promise<TData> {
    const body = script.replace(SHEBANG, "");
    const result = (await (await this.client()).eval(body, keys.length, ...keys, ...args.map(toRedisArg))) as TData;
    // Recorded after success: Redis caches a script it has run, so evalsha can find it now.
    this.strippedHash.set(sha1(script), sha1(body));
    return result;
  }
}
