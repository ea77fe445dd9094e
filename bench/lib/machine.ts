/** What ran the benchmark, recorded next to every result. */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ROOT, OUTPUT_DIR } from "./app-server";

function git(args: string[]): string | null {
  try {
    return execFileSync("git", args, { cwd: ROOT, encoding: "utf8", timeout: 5_000, stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return null;
  }
}

function packageVersion(name: string): string | null {
  try {
    return (JSON.parse(readFileSync(path.join(ROOT, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;
  } catch {
    return null;
  }
}

export function machineInfo() {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model ?? "unknown",
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
    next: packageVersion("next"),
    autocannon: packageVersion("autocannon"),
    gitCommit: git(["rev-parse", "--short", "HEAD"]),
    gitDirty: (git(["status", "--porcelain"]) ?? "") !== "",
  };
}

/** Writes `.test-output/<file>` and returns its path relative to the repository. */
export function writeResult(file: string, data: unknown): string {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  const full = path.join(OUTPUT_DIR, file);
  writeFileSync(full, JSON.stringify(data, null, 2) + "\n");
  return path.relative(ROOT, full);
}

/** What each benchmark hands back to bench/run.ts. */
export type BenchOutcome = {
  name: string;
  /** false when the measurement itself is invalid (errors, non-2xx); a missed target is still ok. */
  ok: boolean;
  summary: string;
  jsonPath: string;
};
