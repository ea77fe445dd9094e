/**
 * Builds and runs the production app for benchmarks, on loopback only.
 * - Builds into its own dist dir (.next-bench) so it never touches the `.next` others use.
 * - Starts `npx tsx scripts/server.ts` in its own process group and always kills that group.
 * - Signs in as the demo owner whose password the server prints once at first boot.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, type WriteStream } from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const OUTPUT_DIR = path.join(ROOT, ".test-output");
export const BENCH_DIST_DIR = ".next-bench";
export const DEMO_EMAIL = "owner@acme.example";

const BUILD_TIMEOUT_MS = 15 * 60_000;
const START_TIMEOUT_MS = 180_000;
const STOP_GRACE_MS = 15_000;

/** Inputs of the build: when any is newer than the last bench build, rebuild. */
const BUILD_INPUTS = [
  "app",
  "components",
  "lib",
  "db",
  "public",
  "proxy.ts",
  "instrumentation.ts",
  "next.config.ts",
  "postcss.config.mjs",
  "tsconfig.json",
  "package-lock.json",
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function newestMtime(p: string): number {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(p, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name.startsWith(".") || /\.test\.tsx?$/.test(entry.name)) continue;
    newest = Math.max(newest, newestMtime(path.join(p, entry.name)));
  }
  return newest;
}

/** Every child gets its own process group so that npx -> tsx -> node all die together. */
const liveGroups = new Set<number>();

function killGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false; // already gone
  }
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

let handlersInstalled = false;
function installCleanupHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  // Last resort: never leave a server or build behind, whatever way this process ends.
  process.on("exit", () => {
    for (const pid of liveGroups) killGroup(pid, "SIGKILL");
  });
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(signal, () => {
      console.error(`\nbench: ${signal} received, stopping child processes`);
      for (const pid of liveGroups) killGroup(pid, "SIGKILL");
      process.exit(130);
    });
  }
}

function spawnGroup(command: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  installCleanupHandlers();
  const child = spawn(command, args, { cwd: ROOT, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  if (child.pid) liveGroups.add(child.pid);
  return child;
}

async function stopGroup(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  if (!pid) return;
  killGroup(pid, "SIGTERM"); // scripts/server.ts closes the app and exits 0 (lets --cpu-prof write its file)
  const deadline = Date.now() + STOP_GRACE_MS;
  while (groupAlive(pid) && Date.now() < deadline) await sleep(100);
  if (groupAlive(pid)) killGroup(pid, "SIGKILL");
  liveGroups.delete(pid);
}

/** Environment for children: the caller's, minus anything that would point them elsewhere. */
function baseEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
  for (const key of ["DATABASE_URL", "TLS_CERT_FILE", "TLS_KEY_FILE", "SMTP_URL", "TRUST_PROXY", "NODE_OPTIONS", "NEXT_DIST_DIR", "MASTER_KEY"]) {
    delete env[key];
  }
  return env;
}

export type BuildInfo = { built: boolean; reason: string; seconds: number; warnings: string[] };

/**
 * `NEXT_DIST_DIR=.next-bench npx next build`, unless a bench build newer than every input exists.
 * BENCH_REBUILD=1 forces a build.
 */
export async function ensureBuild(): Promise<BuildInfo> {
  const buildId = path.join(ROOT, BENCH_DIST_DIR, "BUILD_ID");
  let reason = "no bench build yet";
  if (existsSync(buildId)) {
    const builtAt = statSync(buildId).mtimeMs;
    const newest = Math.max(...BUILD_INPUTS.map((p) => newestMtime(path.join(ROOT, p))));
    if (process.env.BENCH_REBUILD === "1") reason = "BENCH_REBUILD=1";
    else if (newest > builtAt) reason = "sources changed since the last bench build";
    else return { built: false, reason: "up to date", seconds: 0, warnings: [] };
  }
  console.log(`bench: building the production app into ${BENCH_DIST_DIR}/ (${reason}); log: .test-output/bench-build.log`);
  mkdirSync(OUTPUT_DIR, { recursive: true });
  const watched = ["tsconfig.json", "next-env.d.ts"].map((f) => path.join(ROOT, f));
  const before = watched.map((f) => (existsSync(f) ? readFileSync(f, "utf8") : ""));
  const started = performance.now();
  const log = createWriteStream(path.join(OUTPUT_DIR, "bench-build.log"));
  const child = spawnGroup("npx", ["--no-install", "next", "build"], {
    ...baseEnv(),
    NODE_ENV: "production",
    NEXT_DIST_DIR: BENCH_DIST_DIR,
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => {
      console.error(`bench: build exceeded ${BUILD_TIMEOUT_MS / 60_000} min, killing it`);
      void stopGroup(child);
    }, BUILD_TIMEOUT_MS);
    child.on("exit", (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  await stopGroup(child); // reaps anything the build left in its group
  await new Promise((r) => log.end(r));
  if (code !== 0) throw new Error(`next build failed (exit ${code}); see .test-output/bench-build.log`);
  const warnings: string[] = [];
  watched.forEach((f, i) => {
    const after = existsSync(f) ? readFileSync(f, "utf8") : "";
    if (after !== before[i]) {
      warnings.push(
        `next build rewrote ${path.basename(f)} (it adds ${BENCH_DIST_DIR}/types to tsconfig "include" and points next-env.d.ts at it); ` +
          `commit those include entries to stop the rewrite`,
      );
    }
  });
  return { built: true, reason, seconds: (performance.now() - started) / 1000, warnings };
}

async function assertPortFree(port: number, host: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", (e: NodeJS.ErrnoException) =>
      reject(new Error(e.code === "EADDRINUSE" ? `port ${port} on ${host} is already in use: refusing to benchmark someone else's server` : e.message)),
    );
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

/** .env files that would hand the child a DATABASE_URL behind the benchmark's back (scripts/server.ts loads them). */
function envFilesWithDatabaseUrl(): string[] {
  return [".env", ".env.local", ".env.production", ".env.production.local"].filter((f) => {
    const p = path.join(ROOT, f);
    if (!existsSync(p)) return false;
    return readFileSync(p, "utf8")
      .split("\n")
      .some((line) => /^DATABASE_URL\s*=/.test(line.trim().replace(/^export\s/, "").trimStart()));
  });
}

export type AppServer = {
  origin: string;
  /** The scratch database's URL on PostgreSQL (the harness may add rows the benchmark needs). */
  databaseUrl?: string;
  /** The mail outbox folder (file transport), for flows that need an e-mailed link. */
  outboxDir: string;
  pid: number;
  backend: "pglite" | "postgres";
  demo: { email: string; password: string };
  stop: () => Promise<void>;
};

export type StartOptions = {
  port: number;
  /** Postgres to benchmark instead of PGlite; must be a fresh database (the demo password is printed only when the demo is created). */
  databaseUrl?: string;
  /** Directory for V8 CPU profiles of the server processes (--cpu-prof); the file is written when the server exits. */
  cpuProfDir?: string;
  /** Names the server's database folder, outbox and log under .test-output/ (default "bench"). */
  label?: string;
  /** Extra variables for the server (the harness's own configuration; announced by the caller). */
  env?: Record<string, string>;
};

export async function startAppServer(options: StartOptions): Promise<AppServer> {
  const host = "localhost"; // loopback only; WebAuthn and the app's cookies expect a name, not an IP
  const origin = `http://${host}:${options.port}`;
  await assertPortFree(options.port, host);
  if (!options.databaseUrl) {
    const files = envFilesWithDatabaseUrl();
    if (files.length) {
      throw new Error(
        `${files.join(", ")} set(s) DATABASE_URL, which scripts/server.ts would load: the benchmark would seed a demo into that database. ` +
          `Set BENCH_DATABASE_URL to benchmark on Postgres (a scratch database is made there), or move DATABASE_URL out of those files.`,
      );
    }
  }

  const label = options.label ?? "bench";
  const pgliteDir = path.join(OUTPUT_DIR, `${label}-pglite`);
  const outboxDir = path.join(OUTPUT_DIR, `${label}-outbox`);
  rmSync(pgliteDir, { recursive: true, force: true });
  rmSync(outboxDir, { recursive: true, force: true });
  mkdirSync(OUTPUT_DIR, { recursive: true });

  const env: NodeJS.ProcessEnv = {
    ...baseEnv(),
    NODE_ENV: "production",
    NEXT_DIST_DIR: BENCH_DIST_DIR,
    PORT: String(options.port),
    HOST: host,
    APP_URL: origin,
    ALLOW_PGLITE_IN_PRODUCTION: "1",
    PGLITE_DIR: path.relative(ROOT, pgliteDir),
    MAIL_OUTBOX_DIR: path.relative(ROOT, outboxDir),
    SEED_DEMO: "true",
    TRUST_PROXY: "none",
    // Production requires a key-encryption key; the database is new each run, so a new key is too.
    MASTER_KEY: randomBytes(32).toString("base64"),
    ...options.env,
  };
  if (options.databaseUrl) env.DATABASE_URL = options.databaseUrl;
  // Node refuses --cpu-prof in NODE_OPTIONS: when profiling, run node with tsx as an --import hook instead of npx tsx.
  let command = "npx";
  let args = ["--no-install", "tsx", "scripts/server.ts"];
  if (options.cpuProfDir) {
    mkdirSync(options.cpuProfDir, { recursive: true });
    command = process.execPath;
    args = ["--cpu-prof", `--cpu-prof-dir=${options.cpuProfDir}`, "--import", "tsx", "scripts/server.ts"];
  }

  const log: WriteStream = createWriteStream(path.join(OUTPUT_DIR, `${label}-server.log`));
  const child = spawnGroup(command, args, env);
  const pid = child.pid!;
  const state = {
    password: process.env.BENCH_DEMO_PASSWORD as string | undefined,
    backend: undefined as "pglite" | "postgres" | undefined,
    listening: false,
    exited: null as number | null,
    tail: [] as string[],
  };

  const onLine = (line: string) => {
    const pw = /^\s*password:\s*(\S+)\s*$/.exec(line);
    if (pw) state.password = pw[1];
    const ready = /ChargeKeep ready on (embedded PGlite|PostgreSQL)/.exec(line);
    if (ready) state.backend = ready[1] === "PostgreSQL" ? "postgres" : "pglite";
    if (/ChargeKeep listening on/.test(line)) state.listening = true;
    const shown = pw ? line.replace(pw[1]!, "<redacted>") : line;
    log.write(shown + "\n");
    state.tail.push(shown);
    if (state.tail.length > 40) state.tail.shift();
  };
  for (const stream of [child.stdout, child.stderr]) {
    let buffer = "";
    stream?.setEncoding("utf8");
    stream?.on("data", (chunk: string) => {
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf("\n")) >= 0) {
        onLine(buffer.slice(0, nl));
        buffer = buffer.slice(nl + 1);
      }
    });
  }
  child.on("exit", (code) => {
    state.exited = code ?? -1;
  });

  const stop = async () => {
    await stopGroup(child);
    await new Promise((r) => log.end(r));
  };

  try {
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!(state.listening && state.backend)) {
      if (state.exited !== null) throw new Error(`the server exited with code ${state.exited} while starting`);
      if (Date.now() > deadline) throw new Error(`the server did not become ready within ${START_TIMEOUT_MS / 1000} s`);
      await sleep(100);
    }
    if (!state.password) {
      throw new Error(
        "the server did not print the demo owner's password: the demo already existed in that database. " +
          "The benchmark needs an empty database (or BENCH_DEMO_PASSWORD).",
      );
    }
    // The route handlers may still be loading: wait until the bare route answers.
    while ((await fetch(`${origin}/api/ping`, { signal: AbortSignal.timeout(10_000) }).catch(() => null))?.status !== 200) {
      if (Date.now() > deadline) throw new Error("GET /api/ping never answered 200");
      await sleep(250);
    }
  } catch (e) {
    await stop();
    const detail = state.tail.slice(-15).join("\n");
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n--- last server output ---\n${detail}`);
  }

  const { password, backend } = state;
  if (!password || !backend) {
    await stop();
    throw new Error("unreachable: readiness was checked above");
  }
  return { origin, databaseUrl: options.databaseUrl, outboxDir, pid, backend, demo: { email: DEMO_EMAIL, password }, stop };
}

/** POST /api/auth/sign-in as the demo owner; returns the Cookie header value to send. */
export async function signInDemo(server: AppServer): Promise<string> {
  const res = await fetch(`${server.origin}/api/auth/sign-in`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: server.origin },
    body: JSON.stringify({ email: server.demo.email, password: server.demo.password }),
    signal: AbortSignal.timeout(15_000),
  });
  if (res.status !== 200) throw new Error(`sign-in answered ${res.status}: ${await res.text()}`);
  for (const header of res.headers.getSetCookie()) {
    const m = /^(ck_session|__Host-ck_session)=([^;]+)/.exec(header);
    if (m) return `${m[1]}=${m[2]}`;
  }
  throw new Error("sign-in answered 200 but set no ck_session cookie");
}
