/**
 * `npm run scan`: vulnerability scans of the production build, signed in.
 * 1. builds (or reuses) the production app in .next-bench and starts it on PGlite, seeded with the
 *    demo organization; signs in as its owner (an operator and owner: every page is reachable);
 * 2. puts the scan guard (scripts/scan-guard.ts) in front of it, so the scanners cannot sign the
 *    session out, and every 5xx is recorded with its request;
 * 3. wapiti (Debian 3.0.4) crawls and attacks with the session cookie;
 * 4. sqlmap (Debian 1.7.2) attacks the JSON APIs (request files) and every form on the pages;
 * 5. applies security/scan-allowlist.json and fails on any high or medium finding left, on a
 *    server error, on a scanner error, or when the session did not survive the scan.
 * Reports: .test-output/scan/ (summary.html, summary.json, wapiti.json, sqlmap logs, server errors).
 * Loopback only. Knobs: SCAN_PORT (3230; the app listens on the next port), SCAN_MAX_MINUTES (wapiti's
 * budget, 25), SCAN_SQLMAP_TARGET_SECONDS (240), SCAN_SQLMAP_LEVEL / SCAN_SQLMAP_RISK (2 / 1),
 * SCAN_WAPITI_MODULES, SCAN_ONLY=wapiti|sqlmap.
 */
import { spawn, spawnSync } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { BENCH_DIST_DIR, ensureBuild, ROOT, signInDemo, startAppServer } from "../bench/lib/app-server";
import { guardedActionIds, startGuard, type GuardStats } from "./scan-guard";
import { judge, loadAllowlist, verdictHtml, wapitiFindings, type Finding } from "./scan-findings";
import { apiTargets, formsIn, formTargets, prepareDirs, runSqlmap, sqlmapFindings, staticPages, type Form, type SqlmapOutcome } from "./scan-sqlmap";

const OUT = path.join(ROOT, ".test-output", "scan");
const ALLOWLIST = path.join(ROOT, "security", "scan-allowlist.json");
const num = (name: string, fallback: number) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};
const PORT = num("SCAN_PORT", 3230);
const WAPITI_MODULES = process.env.SCAN_WAPITI_MODULES ?? "blindsql,cookieflags,csp,exec,file,http_headers,permanentxss,redirect,sql,xss,crlf,csrf,methods";
const ONLY = process.env.SCAN_ONLY;

function run(command: string, args: string[], logFile: string, timeoutS: number): Promise<{ code: number | null; timedOut: boolean }> {
  const log = createWriteStream(logFile);
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], detached: true });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      /* gone */
    }
  }, timeoutS * 1000);
  return new Promise((resolve) =>
    child.on("exit", (code) => {
      clearTimeout(timer);
      log.end(() => resolve({ code, timedOut }));
    }),
  );
}

async function fetchForms(origin: string, cookie: string): Promise<Form[]> {
  const forms: Form[] = [];
  for (const page of staticPages(ROOT)) {
    for (const signedIn of [true, false]) {
      const res = await fetch(new URL(page, origin), { headers: signedIn ? { cookie } : {}, redirect: "manual", signal: AbortSignal.timeout(30_000) });
      if (res.status === 200 && (res.headers.get("content-type") ?? "").includes("text/html")) forms.push(...formsIn(page, await res.text(), signedIn));
    }
  }
  return forms;
}

async function main(): Promise<number> {
  if (spawnSync("bash", [path.join(ROOT, "scripts", "scan-ensure-tools.sh")], { stdio: "inherit" }).status !== 0) return 2;
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });

  const build = await ensureBuild();
  const actionIds = guardedActionIds(ROOT, BENCH_DIST_DIR);
  const origin = `http://localhost:${PORT}`;
  console.warn(
    "scan: the app under scan runs with RATE_LIMIT_IP_MULTIPLIER=100000 and DEFENSE_IP_FAILURES_PER_HOUR=1000000: every scanner request " +
      "comes from 127.0.0.1, and a blocked or throttled scanner would scan the refusal page, not the app (the limits have their own tests)",
  );
  const server = await startAppServer({
    port: PORT + 1,
    label: "scan",
    env: {
      APP_URL: origin, // the guard's origin: scanners, redirects and the CSRF origin check all see it
      RATE_LIMIT_IP_MULTIPLIER: "100000",
      DEFENSE_IP_FAILURES_PER_HOUR: "1000000",
      RATE_LIMIT_PREFIX: `ck:rl:scan:${Date.now()}-${process.pid}`,
      SFTP_SERVER: "off",
      BANK_SYNC_SCHEDULER: "off",
    },
  });
  const cookie = await signInDemo(server);
  const cookieName = cookie.split("=")[0]!;
  const guard = await startGuard({ listenPort: PORT, appPort: PORT + 1, actionIds, sessionCookie: cookie });
  console.log(`scan: app on ${server.origin} (${server.backend}), scanners through the guard on ${origin}, signed in as ${server.demo.email}`);

  const findings: Finding[] = [];
  const problems: string[] = [];
  const sqlmapOutcomes: SqlmapOutcome[] = [];
  let skippedForms: string[] = [];
  let wapitiSummary = "not run";
  const started = Date.now();
  try {
    // ---- wapiti -------------------------------------------------------------------------------
    if (ONLY !== "sqlmap") {
      const wdir = path.join(OUT, "wapiti");
      mkdirSync(wdir, { recursive: true });
      const cookieFile = path.join(wdir, "cookie.json");
      const [name, value] = [cookieName, cookie.slice(cookieName.length + 1)];
      writeFileSync(cookieFile, JSON.stringify({ ".localhost.local": { "/": { [name]: { value, expires: null, secure: false, port: null, version: 0 } } } }));
      const budget = num("SCAN_MAX_MINUTES", 25) * 60;
      const modules = WAPITI_MODULES.split(",").length;
      const publicStarts = ["/sign-in", "/sign-up", "/forgot-password", "/contact", "/reset-password?token=scan-token-0000", "/unlock?token=scan-token-0000", "/verify-email?token=scan-token-0000", "/invite?token=scan-token-0000"];
      const args = [
        "-u", `${origin}/`, "--scope", "folder", "-m", WAPITI_MODULES, "-c", cookieFile,
        // No -x: Debian's wapiti 3.0.4 crashes on any exclusion under Python 3.11 (its wildcard regex puts
        // "(?ms)" at the end); the guard refuses sign-out instead, which also covers the sign-out form.
        ...publicStarts.flatMap((p) => ["-s", `${origin}${p}`]),
        ...["/dashboard", "/transactions?q=scan", "/admin/audit?actor=scan", "/settings/security"].flatMap((p) => ["-s", `${origin}${p}`]),
        "-H", `Origin: ${origin}`, "--flush-session", "--store-session", path.join(wdir, "session"), "--store-config", path.join(wdir, "config"),
        // A quarter of the budget to crawl, the rest shared by the modules.
        "--max-scan-time", String(Math.floor(budget / 4)), "--max-attack-time", String(Math.max(30, Math.floor((budget * 3) / 4 / modules))), "-t", "20",
        "-f", "json", "-o", path.join(OUT, "wapiti.json"), "--no-bugreport", "-v", "1",
      ];
      console.log(`scan: wapiti (${WAPITI_MODULES}), at most ${budget / 60} min; log .test-output/scan/wapiti.log`);
      const t = Date.now();
      const { code, timedOut } = await run("wapiti", args, path.join(OUT, "wapiti.log"), budget + 600);
      wapitiSummary = `exit ${code}${timedOut ? " (killed: over its budget)" : ""}, ${Math.round((Date.now() - t) / 1000)} s`;
      if (!existsSync(path.join(OUT, "wapiti.json"))) problems.push(`wapiti wrote no report (${wapitiSummary}); see .test-output/scan/wapiti.log`);
      else findings.push(...wapitiFindings(path.join(OUT, "wapiti.json")));
      console.log(`scan: wapiti done: ${wapitiSummary}`);
    }

    // ---- sqlmap -------------------------------------------------------------------------------
    if (ONLY !== "wapiti") {
      const sdir = path.join(OUT, "sqlmap");
      prepareDirs(sdir);
      const ctx = {
        origin,
        cookie,
        dir: sdir,
        level: num("SCAN_SQLMAP_LEVEL", 2),
        risk: num("SCAN_SQLMAP_RISK", 1),
        guarded: (body: string) => [...actionIds.keys()].some((id) => body.includes(id)),
      };
      const forms = await fetchForms(origin, cookie);
      const fromForms = formTargets(ctx, forms);
      skippedForms = fromForms.skipped;
      const targets = [...apiTargets(ctx), ...fromForms.targets];
      const perTarget = num("SCAN_SQLMAP_TARGET_SECONDS", 240);
      console.log(`scan: sqlmap, ${targets.length} targets (${forms.length} forms found, ${fromForms.targets.length} distinct with fields), at most ${perTarget} s each`);
      for (const target of targets) {
        const outcome = await runSqlmap(target, sdir, perTarget);
        sqlmapOutcomes.push(outcome);
        console.log(`scan: sqlmap ${outcome.result.padEnd(10)} ${String(outcome.seconds).padStart(6)} s  ${target.name}: ${target.note}${outcome.reason ? ` (${outcome.reason})` : ""}`);
        findings.push(...sqlmapFindings(outcome));
        if (outcome.result === "not tested") problems.push(`sqlmap did not test ${target.name} (${outcome.reason}); see ${outcome.log}`);
      }
    }

    // wapiti flags every form without a token field ("Lack of anti CSRF token"): the app's defence is
    // the Origin check instead (proxy.ts and Next's server actions) plus SameSite=Lax cookies. The
    // allow-list entry for it stands only while this probe shows a foreign Origin refused.
    findings.push(...(await csrfProbe(origin, cookie)));

    // The scan must have stayed signed in, or the authenticated pages were not really scanned.
    const me = await fetch(`${origin}/api/me`, { headers: { cookie }, signal: AbortSignal.timeout(15_000) });
    if (me.status !== 200) problems.push(`the scan's session no longer works at the end (GET /api/me answered ${me.status}): the authenticated part of the scan is incomplete`);
  } finally {
    await guard.close();
    await server.stop();
  }

  findings.push(...serverErrorFindings(guard.stats));
  const allowlist = loadAllowlist(ALLOWLIST);
  const verdict = judge(findings, allowlist);
  const minutes = Math.round((Date.now() - started) / 6000) / 10;
  const facts: [string, string][] = [
    ["target", `production build (${BENCH_DIST_DIR}, ${build.built ? "rebuilt" : "reused"}) on ${server.backend}, signed in as the demo owner`],
    ["duration", `${minutes} min`],
    ["wapiti", `${WAPITI_MODULES}: ${wapitiSummary}`],
    ["sqlmap", `${sqlmapOutcomes.length} targets: ${countBy(sqlmapOutcomes.map((o) => o.result))}`],
    ["requests through the guard", `${guard.stats.requests}; statuses ${JSON.stringify(guard.stats.byStatus)}`],
    ["blocked by the guard (session-ending actions)", JSON.stringify(guard.stats.blocked)],
    ["signed-in requests answered as signed out", String(guard.stats.unauthenticatedWithCookie)],
    ["forms not attacked by sqlmap", skippedForms.join("; ") || "none"],
    ["problems", problems.join("; ") || "none"],
  ];
  writeFileSync(path.join(OUT, "summary.json"), JSON.stringify({ date: new Date().toISOString(), facts: Object.fromEntries(facts), verdict, sqlmap: sqlmapOutcomes, serverErrors: guard.stats.serverErrors }, null, 2) + "\n");
  writeFileSync(path.join(OUT, "server-errors.json"), JSON.stringify(guard.stats.serverErrors, null, 2) + "\n");
  writeFileSync(path.join(OUT, "summary.html"), verdictHtml("ChargeKeep security scan", verdict, facts));

  console.log("");
  for (const [k, v] of facts) console.log(`scan: ${k}: ${v}`);
  const allowedBy = new Map<string, number>();
  for (const a of verdict.allowed) allowedBy.set(`${a.finding.tool} ${a.finding.category}`, (allowedBy.get(`${a.finding.tool} ${a.finding.category}`) ?? 0) + 1);
  for (const [what, n] of allowedBy) console.log(`scan: allowed by security/scan-allowlist.json: ${n} x ${what}`);
  for (const f of verdict.failing) console.log(`scan: FINDING   ${f.severity.padEnd(6)} ${f.tool} ${f.category}: ${f.method} ${f.path} [${f.parameter}] ${f.detail}`);
  for (const e of verdict.unusedAllowEntries) console.log(`scan: note: allow-list entry matched nothing this run (stale?): ${e.tool} ${e.category} ${e.path ?? ""}`);
  console.log(`scan: ${verdict.lower.length} low/informational findings; reports in .test-output/scan/ (summary.html, summary.json, wapiti.json, sqlmap/logs)`);
  const failed = verdict.failing.length > 0 || problems.length > 0;
  console.log(failed ? `scan: FAILED: ${verdict.failing.length} high/medium finding(s), ${problems.length} problem(s)` : "scan: passed: no high or medium finding outside the allow-list");
  return failed ? 1 : 0;
}

/** A signed-in form post and a JSON post from a foreign Origin must both be refused (403). */
async function csrfProbe(origin: string, cookie: string): Promise<Finding[]> {
  const out: Finding[] = [];
  const probes: { path: string; headers: Record<string, string>; body: string }[] = [
    { path: "/settings/sessions", headers: { cookie, "content-type": "application/x-www-form-urlencoded" }, body: "name=csrf-probe" },
    { path: "/api/contact", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "Probe", email: "probe@scan.example", message: "CSRF probe from the scan." }) },
  ];
  for (const p of probes) {
    const res = await fetch(`${origin}${p.path}`, { method: "POST", headers: { ...p.headers, origin: "https://attacker.example" }, body: p.body, redirect: "manual", signal: AbortSignal.timeout(15_000) });
    if (res.status !== 403) {
      out.push({ tool: "server", category: "CSRF origin check", severity: "high", method: "POST", path: p.path, parameter: "Origin", detail: `a POST with Origin https://attacker.example answered ${res.status}, not 403`, evidence: (await res.text()).slice(0, 2000) });
    }
  }
  console.log(`scan: CSRF probe: ${out.length ? "FAILED" : "foreign-Origin posts refused (403)"}`);
  return out;
}

/** Each distinct (method, path, status) the guard saw answered 5xx, with the first request as evidence. */
function serverErrorFindings(stats: GuardStats): Finding[] {
  const groups = new Map<string, GuardStats["serverErrors"]>();
  for (const e of stats.serverErrors) {
    const key = `${e.method} ${e.url.split("?")[0]} ${e.status}`;
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  return [...groups.values()].map((list) => {
    const e = list[0]!;
    return {
      tool: "server" as const,
      category: "Server error (5xx)",
      severity: "medium" as const,
      method: e.method,
      path: e.url,
      parameter: "",
      detail: `${e.status} x ${list.length} (first from ${e.userAgent || "unknown client"})`,
      evidence: `request body (first 2,000 bytes):\n${e.requestBody}\n\nresponse (first bytes):\n${e.responseBody}`,
    };
  });
}

const countBy = (xs: string[]) => Object.entries(xs.reduce<Record<string, number>>((a, x) => ({ ...a, [x]: (a[x] ?? 0) + 1 }), {})).map(([k, n]) => `${n} ${k}`).join(", ") || "none";

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`scan: failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    process.exit(1); // bench/lib/app-server.ts's exit handler kills the server's process group
  },
);
