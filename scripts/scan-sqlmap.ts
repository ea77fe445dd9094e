/**
 * sqlmap against the app for `npm run scan`: the JSON APIs (raw request files, `-r`) and every form
 * found on the app's pages (server-action forms are multipart POSTs to the page itself; filter
 * forms are GETs). Each target runs alone, bounded in time; its log is kept and read for
 * "identified the following injection point(s)".
 */
import { spawn } from "node:child_process";
import { mkdirSync, readdirSync, writeFileSync, createWriteStream, readFileSync } from "node:fs";
import path from "node:path";
import type { Finding } from "./scan-findings";

export type SqlmapTarget = { name: string; method: string; path: string; args: string[]; note: string };
export type SqlmapOutcome = {
  name: string;
  method: string;
  path: string;
  note: string;
  seconds: number;
  /** "clean" only when sqlmap finished its tests and said so; "not tested" when it gave up (the reason says why). */
  result: "clean" | "injectable" | "timed out" | "not tested";
  reason: string;
  log: string;
};

export type Form = { page: string; method: string; action: string; enctype: string; fields: [string, string][]; signedIn: boolean };

const decode = (s: string) =>
  s.replace(/&quot;/g, '"').replace(/&#x27;|&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
const attr = (tag: string, name: string) => {
  const m = new RegExp(`\\s${name}="([^"]*)"`, "i").exec(tag);
  return m ? decode(m[1]!) : undefined;
};

/** Forms in server-rendered HTML (React's output is regular enough for this; no scripts run). */
export function formsIn(page: string, html: string, signedIn: boolean): Form[] {
  const forms: Form[] = [];
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const [, open, inner] = m as unknown as [string, string, string];
    const fields: [string, string][] = [];
    for (const f of inner.matchAll(/<(input|select|textarea)\b([^>]*)>/gi)) {
      const tag = f[2]!;
      const name = attr(tag, "name");
      if (!name) continue;
      const type = (attr(tag, "type") ?? "text").toLowerCase();
      if (type === "submit" || type === "button" || type === "file" || type === "image") continue;
      if ((type === "checkbox" || type === "radio") && !/\schecked/i.test(tag)) continue;
      let value = attr(tag, "value") ?? "";
      if (f[1]!.toLowerCase() === "select") {
        const rest = inner.slice((f.index ?? 0) + f[0].length);
        value = attr(/<option\b[^>]*>/i.exec(rest)?.[0] ?? "", "value") ?? "";
      }
      // Plausible values where the form has none, so validation lets the request reach the code behind it.
      if (!value && !name.startsWith("$")) value = /mail/i.test(name) ? "scan@example.com" : /password/i.test(name) ? "scan-password-1234" : "scan";
      fields.push([name, value]);
    }
    forms.push({
      page,
      method: (attr(open, "method") ?? "GET").toUpperCase(),
      action: attr(open, "action") ?? "",
      enctype: attr(open, "enctype") ?? "application/x-www-form-urlencoded",
      fields,
      signedIn,
    });
  }
  return forms;
}

/** Static page routes of the App Router (route groups dropped, dynamic segments skipped). */
export function staticPages(root: string): string[] {
  const pages: string[] = [];
  const walk = (dir: string, route: string[]) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) {
        if (e.name.startsWith("[") || e.name.startsWith("_") || e.name === "api") continue;
        walk(path.join(dir, e.name), e.name.startsWith("(") ? route : [...route, e.name]);
      } else if (e.name === "page.tsx") {
        pages.push("/" + route.join("/"));
      }
    }
  };
  walk(path.join(root, "app"), []);
  return pages.sort();
}

const rawRequest = (method: string, url: URL, headers: Record<string, string>, body: string) =>
  [`${method} ${url.pathname}${url.search} HTTP/1.1`, `Host: ${url.host}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), "", body].join("\r\n");

export type TargetContext = { origin: string; cookie: string; dir: string; level: number; risk: number; guarded: (body: string) => boolean };

function common(ctx: TargetContext, name: string): string[] {
  return [
    "--batch",
    "--ignore-stdin", // stdin is not a terminal here: without this sqlmap reads its targets from it
    `--level=${ctx.level}`,
    `--risk=${ctx.risk}`,
    `--output-dir=${path.join(ctx.dir, "output")}`,
    "--flush-session",
    "--disable-coloring",
    "--dbms=PostgreSQL", // the only database the app runs on (PGlite is PostgreSQL): skips other engines' payloads
    "--time-sec=2",
    "--timeout=20",
    "--retries=1",
    "--answers=follow=N", // never leave the target for a redirect's destination
    // Refusals are answers too (a wrong password is 401, a lock 423, step-up 403, a limit 429): without
    // this sqlmap stops at the first one instead of testing the parameters.
    "--ignore-code=401,403,404,409,423,429",
    `--results-file=${path.join(ctx.dir, `${name}.csv`)}`,
  ];
}

/** The JSON APIs, with bodies that pass validation so the payloads reach the code behind it. */
export function apiTargets(ctx: TargetContext): SqlmapTarget[] {
  const url = (p: string) => new URL(p, ctx.origin);
  const json = { "Content-Type": "application/json", Origin: ctx.origin, Accept: "application/json" };
  const authed = { ...json, Cookie: ctx.cookie };
  const fakeSessionId = "0".repeat(63) + "1";
  const specs: { name: string; method: string; path: string; headers: Record<string, string>; body: string; note: string }[] = [
    { name: "api-sign-in", method: "POST", path: "/api/auth/sign-in", headers: json, body: JSON.stringify({ email: "nobody@scan.example", password: "scan-password-1234" }), note: "JSON sign-in (unknown account)" },
    { name: "api-contact", method: "POST", path: "/api/contact", headers: json, body: JSON.stringify({ name: "Scan", email: "scan@scan.example", message: "A message from the security scan." }), note: "JSON contact form" },
    {
      name: "api-passkey-verify",
      method: "POST",
      path: "/api/auth/passkey/verify",
      headers: json,
      body: JSON.stringify({ id: "c2Nhbg", rawId: "c2Nhbg", type: "public-key", response: { clientDataJSON: "e30", authenticatorData: "AAAA", signature: "AAAA", userHandle: "c2Nhbg" }, clientExtensionResults: {} }),
      note: "JSON passkey sign-in assertion",
    },
    { name: "api-sessions", method: "GET", path: "/api/sessions", headers: authed, body: "", note: "session list (the session cookie and headers are the inputs, level >= 2)" },
    { name: "api-session-delete", method: "DELETE", path: `/api/sessions/${fakeSessionId}*`, headers: authed, body: "", note: "end a session by id (a path parameter; an id that is no session)" },
    { name: "api-audit-export", method: "GET", path: "/api/audit/export?format=csv&actor=scan%40example.com&action=auth.sign_in&result=success&ip=127.0.0.1&from=2026-01-01&to=2026-12-31", headers: authed, body: "", note: "audit export filters (refused without a fresh second factor after parsing)" },
    { name: "api-transactions-csv", method: "GET", path: "/api/reports/transactions.csv?q=rent&from=2026-01-01&to=2026-12-31", headers: authed, body: "", note: "transactions CSV filters (step-up)" },
    { name: "api-me", method: "GET", path: "/api/me", headers: authed, body: "", note: "the signed-in user (cookie and headers)" },
  ];
  return specs.map((s) => {
    const file = path.join(ctx.dir, "requests", `${s.name}.txt`);
    const headers = s.body ? s.headers : Object.fromEntries(Object.entries(s.headers).filter(([k]) => k !== "Content-Type"));
    writeFileSync(file, rawRequest(s.method, url(s.path), headers, s.body));
    return { name: s.name, method: s.method, path: s.path.replace("*", ""), note: s.note, args: ["-r", file, ...common(ctx, s.name)] };
  });
}

/** One target per form on the pages: user-editable fields only (-p), never Next's $ACTION_* plumbing. */
export function formTargets(ctx: TargetContext, forms: Form[]): { targets: SqlmapTarget[]; skipped: string[] } {
  const targets: SqlmapTarget[] = [];
  const skipped: string[] = [];
  const seen = new Set<string>();
  forms.forEach((form, i) => {
    const params = form.fields.map(([n]) => n).filter((n) => !n.startsWith("$"));
    // One server action is the same code on every page that renders it (the header's forms are on all of them).
    const plumbing = JSON.stringify(form.fields.filter(([n]) => n.startsWith("$ACTION")).map(([n, v]) => (n.startsWith("$ACTION_ID_") ? n : v)));
    const key = form.method === "GET" ? `GET ${form.action || form.page} ${params}` : `POST ${plumbing} ${params}`;
    if (seen.has(key)) return;
    seen.add(key);
    const label = `${form.method} ${form.page}${form.signedIn ? "" : " (signed out)"} [${params.join(", ")}]`;
    if (!params.length) return skipped.push(`${label}: no user-editable field`);
    const name = `form-${String(i).padStart(3, "0")}${form.page.replace(/[^a-z0-9]+/gi, "-")}`;
    const url = new URL(form.action || form.page, ctx.origin);
    if (form.method === "GET") {
      for (const [n, v] of form.fields) url.searchParams.set(n, v);
      const cookie = form.signedIn ? [`--cookie=${ctx.cookie}`] : [];
      targets.push({ name, method: "GET", path: form.action || form.page, note: label, args: ["-u", url.toString(), ...cookie, `--headers=Origin: ${ctx.origin}`, "-p", params.join(","), "--text-only", ...common(ctx, name)] });
      return;
    }
    const boundary = "----chargekeepscan" + i;
    const body =
      form.fields.map(([n, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${n}"\r\n\r\n${v}\r\n`).join("") + `--${boundary}--\r\n`;
    if (ctx.guarded(body)) return skipped.push(`${label}: a guarded server action (would end the scan's session)`);
    const file = path.join(ctx.dir, "requests", `${name}.txt`);
    const headers = { Origin: ctx.origin, ...(form.signedIn ? { Cookie: ctx.cookie } : {}), "Content-Type": `multipart/form-data; boundary=${boundary}`, Accept: "text/html" };
    writeFileSync(file, rawRequest("POST", url, headers, body));
    targets.push({ name, method: "POST", path: form.action || form.page, note: label, args: ["-r", file, "-p", params.join(","), "--text-only", ...common(ctx, name)] });
  });
  return { targets, skipped };
}

export async function runSqlmap(target: SqlmapTarget, dir: string, timeoutS: number): Promise<SqlmapOutcome> {
  const logFile = path.join(dir, "logs", `${target.name}.log`);
  const log = createWriteStream(logFile);
  const started = performance.now();
  const child = spawn("sqlmap", target.args, { stdio: ["ignore", "pipe", "pipe"], detached: true });
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
  const code = await new Promise<number | null>((r) => child.on("exit", r));
  clearTimeout(timer);
  await new Promise((r) => log.end(r));
  const text = readFileSync(logFile, "utf8");
  const seconds = Math.round((performance.now() - started) / 100) / 10;
  const injectable = /identified the following injection point/.test(text);
  const finished = /do not appear to be injectable/.test(text);
  const result = injectable ? "injectable" : timedOut ? "timed out" : finished ? "clean" : "not tested";
  const critical = /\[CRITICAL\] ([^\n]*)/.exec(text)?.[1] ?? (code === 0 ? "" : `sqlmap exited ${code}`);
  return { name: target.name, method: target.method, path: target.path, note: target.note, seconds, result, reason: result === "clean" ? "" : critical, log: path.relative(process.cwd(), logFile) };
}

/** "Parameter: email (JSON)\n    Type: ...\n    Title: ...\n    Payload: ..." blocks of an injectable target's log. */
export function sqlmapFindings(outcome: SqlmapOutcome): Finding[] {
  if (outcome.result !== "injectable") return [];
  const text = readFileSync(outcome.log, "utf8");
  const block = text.split(/identified the following injection point\(s\)[^\n]*\n/)[1]?.split(/\n---\n/)[0] ?? text;
  return [...block.matchAll(/Parameter: ([^\n]+)\n([\s\S]*?)(?=\nParameter: |$)/g)].map((m) => ({
    tool: "sqlmap" as const,
    category: "SQL Injection",
    severity: "high" as const,
    method: outcome.method,
    path: outcome.path,
    parameter: m[1]!.trim(),
    detail: `sqlmap: ${outcome.note}`,
    evidence: m[2]!.trim(),
  }));
}

export function prepareDirs(dir: string) {
  for (const d of ["requests", "logs", "output"]) mkdirSync(path.join(dir, d), { recursive: true });
}
