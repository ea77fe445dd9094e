/**
 * The scan's findings in one shape, the reviewed allow-list (security/scan-allowlist.json) applied
 * to them, and the verdict: any high or medium finding not on the list fails the scan.
 */
import { readFileSync } from "node:fs";

export type Severity = "critical" | "high" | "medium" | "low" | "info";
export type Finding = {
  tool: "wapiti" | "sqlmap" | "server";
  category: string;
  severity: Severity;
  method: string;
  path: string;
  parameter: string;
  detail: string;
  /** The request that showed it (wapiti's HTTP request, sqlmap's payload, the guard's record). */
  evidence: string;
};

export type AllowEntry = {
  tool: Finding["tool"];
  category: string;
  /** Regular expression over the path (with its query string); absent = any path. */
  path?: string;
  parameter?: string;
  /** Regular expression over the finding's detail; absent = any. */
  detail?: string;
  reason: string;
  reviewed: string;
};

export type Verdict = { failing: Finding[]; allowed: { finding: Finding; reason: string }[]; lower: Finding[]; unusedAllowEntries: AllowEntry[] };

const WAPITI_LEVEL: Record<string, Severity> = { "4": "critical", "3": "high", "2": "medium", "1": "low", "0": "info" };

type WapitiEntry = { method: string; path: string; info: string; level: number | string; parameter: string; http_request: string };

/** wapiti's JSON report: vulnerabilities and anomalies (500s, timeouts), each with its level. */
export function wapitiFindings(reportPath: string): Finding[] {
  const report = JSON.parse(readFileSync(reportPath, "utf8")) as Record<string, Record<string, WapitiEntry[]>>;
  const out: Finding[] = [];
  for (const section of ["vulnerabilities", "anomalies"] as const) {
    for (const [category, entries] of Object.entries(report[section] ?? {})) {
      for (const e of entries) {
        out.push({
          tool: "wapiti",
          category,
          severity: WAPITI_LEVEL[String(e.level)] ?? "high",
          method: e.method,
          path: e.path,
          parameter: e.parameter ?? "",
          detail: e.info,
          evidence: e.http_request,
        });
      }
    }
  }
  return out;
}

export function loadAllowlist(file: string): AllowEntry[] {
  const data = JSON.parse(readFileSync(file, "utf8")) as { entries?: AllowEntry[] };
  const entries = data.entries ?? [];
  for (const e of entries) {
    if (!e.tool || !e.category || !e.reason?.trim() || !e.reviewed?.trim()) {
      throw new Error(`${file}: every entry needs tool, category, reason and reviewed: ${JSON.stringify(e)}`);
    }
    for (const re of [e.path, e.detail]) if (re !== undefined) new RegExp(re); // fail early on a bad expression
  }
  return entries;
}

function matches(e: AllowEntry, f: Finding): boolean {
  return (
    e.tool === f.tool &&
    e.category === f.category &&
    (e.path === undefined || new RegExp(e.path).test(f.path)) &&
    (e.parameter === undefined || e.parameter === f.parameter) &&
    (e.detail === undefined || new RegExp(e.detail).test(f.detail))
  );
}

export function judge(findings: Finding[], allowlist: AllowEntry[]): Verdict {
  const used = new Set<AllowEntry>();
  const verdict: Verdict = { failing: [], allowed: [], lower: [], unusedAllowEntries: [] };
  for (const f of findings) {
    if (f.severity === "low" || f.severity === "info") {
      verdict.lower.push(f);
      continue;
    }
    const entry = allowlist.find((e) => matches(e, f));
    if (entry) {
      used.add(entry);
      verdict.allowed.push({ finding: f, reason: entry.reason });
    } else {
      verdict.failing.push(f);
    }
  }
  verdict.unusedAllowEntries = allowlist.filter((e) => !used.has(e));
  return verdict;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A self-contained HTML page of the verdict (no scripts, no external resources). */
export function verdictHtml(title: string, verdict: Verdict, facts: [string, string][]): string {
  const rows = (list: Finding[], reason?: (f: Finding) => string) =>
    list
      .map(
        (f) =>
          `<tr><td>${esc(f.severity)}</td><td>${esc(f.tool)}</td><td>${esc(f.category)}</td><td>${esc(f.method)} ${esc(f.path)}</td>` +
          `<td>${esc(f.parameter)}</td><td>${esc(f.detail)}${reason ? `<br><em>${esc(reason(f))}</em>` : ""}<details><summary>evidence</summary><pre>${esc(f.evidence)}</pre></details></td></tr>`,
      )
      .join("\n");
  const head = "<tr><th>severity</th><th>tool</th><th>category</th><th>request</th><th>parameter</th><th>detail</th></tr>";
  const reasons = new Map(verdict.allowed.map((a) => [a.finding, a.reason]));
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2rem}table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:4px;vertical-align:top;text-align:left}pre{white-space:pre-wrap;max-width:60rem}</style></head><body>
<h1>${esc(title)}</h1>
<table>${facts.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join("")}</table>
<h2>Failing: high or medium, not on the allow-list (${verdict.failing.length})</h2><table>${head}${rows(verdict.failing)}</table>
<h2>Allowed by security/scan-allowlist.json (${verdict.allowed.length})</h2><table>${head}${rows(verdict.allowed.map((a) => a.finding), (f) => reasons.get(f) ?? "")}</table>
<h2>Low and informational (${verdict.lower.length})</h2><table>${head}${rows(verdict.lower)}</table>
</body></html>
`;
}
