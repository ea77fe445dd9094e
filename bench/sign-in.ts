/**
 * Full password sign-ins per second over HTTP against raw argon2id hashes per second, in one run.
 * - raw:  @node-rs/argon2 verify in this process, `connections` calls in flight (bench/lib/argon2-rate.ts)
 * - http: POST /api/auth/sign-in with JSON, `connections` connections: proxy (firewall, per-IP
 *         limits), route wrapper, the sign-in rate limits, lock-out checks, argon2id, the session
 *         insert and the audit event with its alert rules; every answer must be 200
 * Rounds alternate raw, http, raw, http so drift hits both; medians are reported.
 * Then, in this process against the same database, the stages of signIn() one at a time and
 * signIn() with the same concurrency (bench/lib/sign-in-stages.ts): where the difference goes.
 * Target: http >= 70 % of raw (the hashing, not our code, is the limit).
 * PostgreSQL only (BENCH_DATABASE_URL: a scratch database is made and dropped): the accounts are
 * added with SQL next to the demo owner, sharing its password hash.
 */
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { ensureBuild, signInDemo, startAppServer, type AppServer } from "./lib/app-server";
import { measureArgon2, type Argon2Rate } from "./lib/argon2-rate";
import { idleCheck } from "./lib/cpu";
import { benchLimitsEnv, BENCH_IP_MULTIPLIER, portFromEnv } from "./lib/limits";
import { assertAll2xx, runLoad, type LoadResult } from "./lib/load";
import { machineInfo, writeResult, type BenchOutcome } from "./lib/machine";
import { withScratchDatabase } from "./lib/scratch-db";
import { profileSignInStages, type StageProfile } from "./lib/sign-in-stages";
import { median, round, table } from "./lib/stats";

export const TARGET_SHARE_OF_RAW = 0.7;
const PORT = portFromEnv(3200) + 20;
/** The per-account limit is 10 per 15 minutes (not per IP, so not raised): each account signs in at most this often. */
const USES_PER_ACCOUNT = 9;
const BUSY_CORES = 0.25;

const intFromEnv = (name: string, fallback: number) => {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v > 0 ? v : fallback;
};

/** `count` accounts in the demo organization (role member), with the demo owner's password hash. */
async function addAccounts(databaseUrl: string, demoEmail: string, prefix: string, count: number): Promise<{ emails: string[]; hash: string }> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const [demo] = await sql<{ password_hash: string; organization_id: string; role_id: string }[]>`
      select u.password_hash, m.organization_id, r.id as role_id
      from users u join memberships m on m.user_id = u.id join roles r on r.organization_id = m.organization_id and r.key = 'member'
      where u.email = ${demoEmail}`;
    if (!demo) throw new Error("the demo owner or its organization's member role is missing");
    await sql`
      with added as (
        insert into users (id, email, name, password_hash, email_verified_at)
        select gen_random_uuid(), ${prefix} || g || '@bench.example', 'Bench ' || g, ${demo.password_hash}, now() from generate_series(1, ${count}::int) g
        returning id)
      insert into memberships (user_id, organization_id, role_id) select id, ${demo.organization_id}, ${demo.role_id} from added`;
    return { emails: Array.from({ length: count }, (_, i) => `${prefix}${i + 1}@bench.example`), hash: demo.password_hash };
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** One sign-in request per account in turn; the body changes per request. */
function signInRequests(server: AppServer, emails: string[], password: string) {
  let next = 0;
  return [
    {
      method: "POST",
      path: "/api/auth/sign-in",
      headers: { "content-type": "application/json", origin: server.origin, "user-agent": "chargekeep-bench" },
      setupRequest: (req: { body?: string }) => ({ ...req, body: JSON.stringify({ email: emails[next++ % emails.length], password }) }),
    },
  ];
}

export async function runSignInBench(): Promise<BenchOutcome> {
  const adminUrl = process.env.BENCH_DATABASE_URL;
  if (!adminUrl) return { name: "sign-in", ok: false, summary: "sign-in: needs BENCH_DATABASE_URL (PostgreSQL, a role with CREATEDB)", jsonPath: "" };
  const connections = intFromEnv("BENCH_CONNECTIONS", 50);
  const durationS = intFromEnv("BENCH_DURATION", 10);
  const warmupS = intFromEnv("BENCH_WARMUP", 3);
  const rounds = intFromEnv("BENCH_ROUNDS", 2);
  const build = await ensureBuild();
  return withScratchDatabase(adminUrl, async (databaseUrl) => {
    const masterKey = randomBytes(32).toString("base64");
    const serverEnv = { ...benchLimitsEnv("sign-in"), SFTP_SERVER: "off", BANK_SYNC_SCHEDULER: "off" };
    console.log(`bench: starting the app on http://localhost:${PORT} (scratch database on BENCH_DATABASE_URL)`);
    const server = await startAppServer({ port: PORT, databaseUrl, label: "bench-sign-in", env: { ...serverEnv, MASTER_KEY: masterKey } });
    const raw: Argon2Rate[] = [];
    const http: LoadResult[] = [];
    let profile: StageProfile;
    let idle: number | null;
    try {
      await signInDemo(server); // the route answers before anything is measured
      idle = await idleCheck();
      if (idle !== null && idle > BUSY_CORES) console.warn(`bench: warning: the machine is busy with other work (${idle} cores while idle): results will be noisy`);

      // The raw rate first: it sizes the accounts the HTTP runs need (each signs in at most 9 times).
      const { hash } = await addAccounts(databaseUrl, server.demo.email, "probe-", 1);
      raw.push(await measureArgon2(hash, server.demo.password, connections, durationS));
      console.log(`bench: raw argon2id ${raw[0]!.perSecond}/s (${connections} in flight)`);
      const expected = Math.ceil((raw[0]!.perSecond * 2 * (warmupS + rounds * durationS)) / USES_PER_ACCOUNT) + 100;
      const { emails } = await addAccounts(databaseUrl, server.demo.email, "http-", expected);
      const requests = signInRequests(server, emails, server.demo.password);
      const url = server.origin;

      assertAll2xx("sign-in warm-up", await runLoad({ url, requests, connections, durationS: warmupS, serverPgid: server.pid }));
      for (let r = 1; r <= rounds; r++) {
        if (r > 1) raw.push(await measureArgon2(hash, server.demo.password, connections, durationS));
        process.stdout.write(`bench: round ${r}/${rounds} raw ${raw.at(-1)!.perSecond}/s; http ${durationS} s x ${connections} connections ... `);
        const res = await runLoad({ url, requests, connections, durationS, serverPgid: server.pid });
        assertAll2xx(`sign-in round ${r}`, res);
        http.push(res);
        const cpu = res.cpu ? `; cores: server ${res.cpu.serverCores}, load gen ${res.cpu.loadGeneratorCores}, other ${res.cpu.otherCores}` : "";
        console.log(`${res.rps} sign-ins/s, p50 ${res.latencyMs.p50} ms${cpu}`);
      }

      // Where the difference goes: in this process, same database, server idle.
      console.log("bench: profiling signIn() stages in-process");
      const seq = await addAccounts(databaseUrl, server.demo.email, "stage-", 200);
      const conc = await addAccounts(databaseUrl, server.demo.email, "inproc-", Math.ceil((raw[0]!.perSecond * 2 * durationS) / USES_PER_ACCOUNT) + 50);
      profile = await profileSignInStages({
        databaseUrl,
        masterKey,
        appUrl: server.origin,
        password: server.demo.password,
        sequentialEmails: seq.emails,
        concurrentEmails: conc.emails,
        concurrency: connections,
        seconds: durationS,
        serverEnv,
      });
    } finally {
      await server.stop();
    }

    const rawRate = round(median(raw.map((r) => r.perSecond)), 1);
    const httpRate = round(median(http.map((r) => r.rps)), 1);
    const share = round(httpRate / rawRate, 3);
    const cpuPerSignIn = (pick: (r: LoadResult) => number | undefined) => {
      const v = http.map(pick).filter((x): x is number => x !== undefined);
      return v.length ? round(median(v), 3) : null;
    };
    const serverCpuMs = cpuPerSignIn((r) => r.cpu?.serverCpuMsPerRequest);
    const otherCpuMs = cpuPerSignIn((r) => (r.cpu ? (r.cpu.otherCores * 1000) / r.rps : undefined));
    const loadGenCpuMs = cpuPerSignIn((r) => (r.cpu ? (r.cpu.loadGeneratorCores * 1000) / r.rps : undefined));
    const argon2CpuMs = round(median(raw.map((r) => r.cpuMsPerHash)), 3);
    // During the runs "other" is mostly PostgreSQL itself: judge the neighbours by the idle check.
    const quiet = (idle ?? 0) <= BUSY_CORES;
    const result = {
      benchmark: "sign-in",
      date: new Date().toISOString(),
      machine: machineInfo(),
      config: { connections, durationS, warmupS, rounds, database: server.backend, rateLimitIpMultiplier: BENCH_IP_MULTIPLIER, rateLimitStore: process.env.REDIS_URL ? "redis" : "memory", build: { rebuilt: build.built, reason: build.reason } },
      summary: {
        rawArgon2PerSecond: rawRate,
        httpSignInsPerSecond: httpRate,
        shareOfRaw: share,
        target: `http sign-ins/s >= ${TARGET_SHARE_OF_RAW * 100} % of raw argon2id verifications/s`,
        meetsTarget: share >= TARGET_SHARE_OF_RAW,
        inProcessSignInPerSecond: profile.concurrent.perSecond,
        cpuMsPerSignIn: { server: serverCpuMs, argon2Alone: argon2CpuMs, serverBesideArgon2: serverCpuMs === null ? null : round(serverCpuMs - argon2CpuMs, 3), postgresAndOther: otherCpuMs, loadGenerator: loadGenCpuMs },
        httpLatencyMs: { p50: round(median(http.map((r) => r.latencyMs.p50)), 3), p99: round(median(http.map((r) => r.latencyMs.p99)), 3) },
        idleOtherCores: idle,
        quietMachine: quiet,
      },
      stages: profile,
      notes: [
        "raw: @node-rs/argon2 verify (same parameters as the stored hash) in the bench process with `connections` calls in flight; sign-in runs verify, which costs one hash",
        "cpuMsPerSignIn.postgresAndOther: CPU used by everything but the server and the load generator during the HTTP runs, per sign-in (mostly PostgreSQL, plus any neighbour)",
        "stages: in-process, one sign-in at a time, server idle; the bench accounts are members of the demo organization, so every sign-in event goes to one audit chain",
        "cpuMsPerSignIn.server includes the server's background work (schedulers, alert delivery) divided by the sign-ins: at low rates (a busy machine) it overstates the per-sign-in cost",
      ],
      raw,
      rounds: http,
    };
    const jsonPath = writeResult("bench-sign-in.json", result);
    const summary = [
      `Password sign-ins (${connections} connections, median of ${rounds} x ${durationS} s; PostgreSQL)`,
      table(
        ["what", "per second"],
        [
          ["raw argon2id verify (bench process)", rawRate],
          ["signIn() in-process (no HTTP)", profile.concurrent.perSecond],
          ["POST /api/auth/sign-in over HTTP", httpRate],
        ],
      ),
      `http / raw: ${share} (${share >= TARGET_SHARE_OF_RAW ? "meets" : "MISSES"} the target >= ${TARGET_SHARE_OF_RAW})`,
      `CPU ms per sign-in: server ${serverCpuMs} (argon2 alone ${argon2CpuMs}), PostgreSQL+other ${otherCpuMs}, load generator ${loadGenCpuMs}`,
      "stages (one at a time, mean ms):",
      table(["stage", "p50 ms", "mean ms"], profile.stages.map((s) => [s.stage, s.p50Ms, s.meanMs])),
      `sum of stages ${profile.stagesMeanTotalMs} ms; signIn() alone ${profile.signInMeanMs} ms`,
      ...(quiet ? [] : [`NOISY: other processes used ${idle} cores while idle; rerun on a quiet machine`]),
    ].join("\n");
    return { name: "sign-in", ok: true, summary, jsonPath };
  });
}
