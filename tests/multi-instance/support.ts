/**
 * Two production app processes (scripts/server.ts on the .next-e2e build) on one PostgreSQL database
 * and one Redis, for tests/multi-instance. Each gets its own port and APP_URL and nothing else of
 * its own: what they share is exactly what a customer's two dynos share.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import http from "node:http";

export const BUILD_DIR = ".next-e2e";

export type Instance = { name: string; url: string; child: ChildProcess; log: string[] };

export function assertBuilt(): void {
  if (!existsSync(`${BUILD_DIR}/BUILD_ID`)) {
    throw new Error(`The production build is missing: run \`NEXT_DIST_DIR=${BUILD_DIR} npx next build\` first (npm test builds it before the PostgreSQL pass).`);
  }
}

export function startInstance(name: string, port: number, env: Record<string, string>): Instance {
  const url = `http://localhost:${port}`;
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/server.ts"], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env, NODE_ENV: "production", NEXT_DIST_DIR: BUILD_DIR, PORT: String(port), HOST: "localhost", APP_URL: url },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const log: string[] = [];
  const keep = (chunk: Buffer) => {
    log.push(...chunk.toString().split("\n").filter(Boolean));
    if (log.length > 400) log.splice(0, log.length - 400);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  return { name, url, child, log };
}

/** Waits until the instance answers /api/health (migrations, keyring, workers started), or fails with its log. */
export async function waitReady(instance: Instance, budgetMs: number): Promise<void> {
  const deadline = Date.now() + budgetMs;
  while (Date.now() < deadline) {
    if (instance.child.exitCode !== null) throw new Error(`${instance.name} exited (${instance.child.exitCode}):\n${instance.log.slice(-40).join("\n")}`);
    const status = await request(`${instance.url}/api/health`, { headers: { "x-forwarded-proto": "https", "x-forwarded-for": "192.0.2.250" } }).then((r) => r.status, () => 0);
    if (status === 200) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${instance.name} not ready within ${budgetMs} ms:\n${instance.log.slice(-40).join("\n")}`);
}

export async function stopInstance(instance: Instance | undefined): Promise<void> {
  if (!instance || instance.child.exitCode !== null) return;
  const exited = new Promise((r) => instance.child.once("exit", r));
  instance.child.kill("SIGTERM");
  const timer = setTimeout(() => instance.child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

export type Answer = { status: number; body: string };

/** A plain HTTP request with a fresh connection (no keep-alive pooling across instances). */
export function request(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: opts.method ?? "GET", headers: opts.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.setTimeout(60_000, () => req.destroy(new Error(`timeout: ${url}`)));
    req.end(opts.body);
  });
}

/** Polls `check` until it returns a value (not undefined), or throws after the budget. */
export async function eventually<T>(what: string, budgetMs: number, check: () => Promise<T | undefined>, everyMs = 50): Promise<T> {
  const deadline = Date.now() + budgetMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${budgetMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
