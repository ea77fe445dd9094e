/**
 * Where a server's CPU went, from a V8 .cpuprofile (`npm run bench -- http --cpu-prof` writes them
 * to .test-output/bench-prof/; the server's is the largest file).
 *   npx tsx bench/profile-summary.ts [file.cpuprofile] [--timeline]   (default file: the largest there)
 * Self time is grouped by package / area, then the top functions are listed. --timeline adds a
 * second-by-second split (database / next / gc / rest) to tell the bare and protected phases apart.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { table } from "./lib/stats";

type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] };
type Profile = { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number };

function pickFile(arg: string | undefined): string {
  if (arg) return arg;
  const dir = path.join(process.cwd(), ".test-output", "bench-prof");
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".cpuprofile"))
    .map((f) => path.join(dir, f))
    .sort((a, b) => statSync(b).size - statSync(a).size);
  if (!files[0]) throw new Error(`no .cpuprofile in ${dir}`);
  return files[0];
}

function area(url: string, fn: string): string {
  if (!url) return fn === "(idle)" ? "(idle)" : fn === "(garbage collector)" ? "(gc)" : `(${fn || "native"})`;
  const i = url.lastIndexOf("node_modules/");
  if (i >= 0) {
    const parts = url.slice(i + "node_modules/".length).split("/");
    return parts[0]!.startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  if (url.startsWith("node:")) return "node core";
  if (url.includes("/.next")) return "app bundle (.next*/server)";
  return path.relative(process.cwd(), url.replace(/^file:\/\//, ""));
}

const args = process.argv.slice(2);
const file = pickFile(args.find((a) => !a.startsWith("--")));
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

const areas = new Map<string, number>();
const fns = new Map<string, number>();
let total = 0;
let idle = 0;
for (const [id, us] of selfUs) {
  const n = byId.get(id)!;
  const a = area(n.callFrame.url, n.callFrame.functionName);
  if (a === "(idle)") {
    idle += us;
    continue;
  }
  total += us;
  areas.set(a, (areas.get(a) ?? 0) + us);
  const key = `${n.callFrame.functionName || "(anonymous)"}  [${a}]`;
  fns.set(key, (fns.get(key) ?? 0) + us);
}

const pct = (us: number) => `${((100 * us) / total).toFixed(1)}%`;
const ms = (us: number) => (us / 1000).toFixed(0);
console.log(`${path.relative(process.cwd(), file)}: ${ms(total)} ms busy, ${ms(idle)} ms idle\n`);
console.log(
  table(
    ["area (self time)", "ms", "share"],
    [...areas].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([k, v]) => [k, ms(v), pct(v)]),
  ),
);
console.log("");
console.log(
  table(
    ["function (self time)", "ms", "share"],
    [...fns].sort((a, b) => b[1] - a[1]).slice(0, 20).map(([k, v]) => [k.slice(0, 90), ms(v), pct(v)]),
  ),
);

if (args.includes("--timeline")) {
  const group = (a: string) =>
    a.includes("pglite") || a.startsWith("wasm:") || a === "postgres" || a === "drizzle-orm" ? "database" : a === "next" ? "next" : a === "(gc)" ? "gc" : "rest";
  const seconds = new Map<number, Map<string, number>>();
  let t = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    t += dt;
    const n = byId.get(id)!;
    const a = area(n.callFrame.url, n.callFrame.functionName);
    if (a === "(idle)") return;
    const sec = Math.floor(t / 1e6);
    const m = seconds.get(sec) ?? new Map<string, number>();
    m.set(group(a), (m.get(group(a)) ?? 0) + dt);
    seconds.set(sec, m);
  });
  const cols = ["database", "next", "gc", "rest"];
  const rows = [...seconds]
    .sort((a, b) => a[0] - b[0])
    .map(([sec, m]) => {
      const busy = [...m.values()].reduce((x, y) => x + y, 0);
      return [`${sec} s`, ms(busy), ...cols.map((c) => `${Math.round((100 * (m.get(c) ?? 0)) / busy)}%`)];
    });
  console.log("");
  console.log(table(["second", "busy ms", ...cols], rows));
}
