import "server-only";
import IORedis from "ioredis";

const CONNECT_TIMEOUT_MS = 1_000;
const HELD = Symbol.for("chargekeep.ratelimit.redis");

type Held = { url: string; client: IORedis };
const holder = globalThis as { [HELD]?: Held };

/**
 * One connection per process, on globalThis so Next's dev reloads and separate server bundles share
 * it; created on first use. Short timeouts and no offline queue: a dead Redis must answer "no" in
 * about a second, not hold a sign-in request open while ioredis retries.
 */
function redisClient(url: string): IORedis {
  const held = holder[HELD];
  if (held?.url === url) return held.client;
  held?.client.disconnect(); // only tests switch URLs
  const client = new IORedis(url, {
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    commandTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
  });
  // Failures surface on each command and consume() logs them; without a listener ioredis prints every reconnect attempt.
  client.on("error", () => {});
  holder[HELD] = { url, client };
  return client;
}

/**
 * The client once it can take commands. Without an offline queue a command sent while connecting
 * fails at once, so wait for the handshake here (bounded: a server that accepts the connection but
 * never answers must not hang the request); while ioredis is backing off between reconnects, fail
 * immediately instead of waiting.
 */
export async function readyRedis(url: string): Promise<IORedis> {
  const client = redisClient(url);
  switch (client.status) {
    case "ready":
      return client;
    case "wait":
    case "end":
      client.connect().catch(() => {}); // its outcome arrives as the events waitForReady listens to
      await waitForReady(client);
      return client;
    case "connecting":
    case "connect":
      await waitForReady(client);
      return client;
    default:
      throw new Error(`Redis unavailable (${client.status})`);
  }
}

function waitForReady(client: IORedis): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (error?: Error) => {
      clearTimeout(timer);
      client.off("ready", onReady);
      client.off("close", onClosed);
      client.off("end", onClosed);
      if (error) reject(error);
      else resolve();
    };
    const onReady = () => done();
    const onClosed = () => done(new Error("Redis connection closed"));
    const timer = setTimeout(() => done(new Error("Redis connection timed out")), CONNECT_TIMEOUT_MS);
    client.once("ready", onReady);
    client.once("close", onClosed);
    client.once("end", onClosed);
  });
}

/** Tests switch stores and must not leave a socket open. */
export function closeRedisClient(): void {
  holder[HELD]?.client.disconnect();
  delete holder[HELD];
}

/** One message on a Redis channel over the shared connection (lib/firewall's change notices). */
export async function publishRedis(url: string, channel: string, message: string): Promise<void> {
  await (await readyRedis(url)).publish(channel, message);
}
