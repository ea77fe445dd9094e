/**
 * Raw argon2id rate on this machine: @node-rs/argon2 `verify` (what sign-in runs; it costs one
 * hash) with `concurrency` calls in flight for `seconds`, in this process, nothing else around it.
 * The library runs each call on libuv's thread pool, as it does in the server.
 */
import { verify } from "@node-rs/argon2";
import { round } from "./stats";

export type Argon2Rate = { perSecond: number; count: number; seconds: number; concurrency: number; cpuMsPerHash: number };

export async function measureArgon2(encodedHash: string, password: string, concurrency: number, seconds: number): Promise<Argon2Rate> {
  // The server normalises passwords before hashing (lib/auth/password.ts); the bench password is ASCII.
  if (!(await verify(encodedHash, password))) throw new Error("argon2 baseline: the bench password does not match the hash");
  let count = 0;
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        if (!(await verify(encodedHash, password))) throw new Error("argon2 baseline: verify answered false");
        count++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0); // includes the thread pool's threads
  return {
    perSecond: round(count / elapsed, 1),
    count,
    seconds: round(elapsed, 2),
    concurrency,
    cpuMsPerHash: round((cpu.user + cpu.system) / 1000 / count, 3),
  };
}
