/**
 * CPU accounting around a load run (Linux /proc; absent elsewhere): how many cores the server's
 * process group, this load-generating process and everything else used. On a 2-core machine a
 * busy neighbour (a test suite, a build) skews latency badly; "other" makes that visible.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

type Snapshot = { at: number; total: number; idle: number; group: number; self: number };

function systemTicks(): { total: number; idle: number } {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0]!; // "cpu  user nice system idle iowait irq softirq steal ..."
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
  return { total, idle };
}

function groupTicks(pgid: number): number {
  let sum = 0;
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // fields[0] = state (field 3)
      if (Number(fields[2]) !== pgid) continue; // field 5: pgrp
      sum += Number(fields[11]) + Number(fields[12]); // fields 14, 15: utime, stime
    } catch {
      /* the process ended meanwhile */
    }
  }
  return sum;
}

export const cpuAccountingAvailable = existsSync("/proc/stat");

export function cpuSnapshot(pgid: number): Snapshot | null {
  if (!cpuAccountingAvailable) return null;
  const { total, idle } = systemTicks();
  const u = process.cpuUsage();
  return { at: performance.now(), total, idle, group: groupTicks(pgid), self: (u.user + u.system) / 1e6 };
}

export type CpuUse = {
  /** average cores busy over the run */
  serverCores: number;
  loadGeneratorCores: number;
  otherCores: number;
  /** server CPU time per answered request, in ms */
  serverCpuMsPerRequest: number;
};

export function cpuBetween(a: Snapshot | null, b: Snapshot | null, requests: number): CpuUse | null {
  if (!a || !b) return null;
  const seconds = (b.at - a.at) / 1000;
  const busy = (b.total - b.idle - (a.total - a.idle)) / TICKS_PER_SECOND;
  const server = (b.group - a.group) / TICKS_PER_SECOND;
  const self = b.self - a.self;
  const r = (x: number) => Math.round(x * 100) / 100;
  return {
    serverCores: r(server / seconds),
    loadGeneratorCores: r(self / seconds),
    otherCores: r(Math.max(0, busy - server - self) / seconds),
    serverCpuMsPerRequest: requests ? Math.round(((server * 1000) / requests) * 1000) / 1000 : 0,
  };
}

/** Share of the machine busy with other work over a short idle window, in cores. */
export async function idleCheck(ms = 2000): Promise<number | null> {
  if (!cpuAccountingAvailable) return null;
  const a = systemTicks();
  const u0 = process.cpuUsage();
  await new Promise((r) => setTimeout(r, ms));
  const b = systemTicks();
  const u1 = process.cpuUsage(u0);
  const busy = (b.total - b.idle - (a.total - a.idle)) / TICKS_PER_SECOND - (u1.user + u1.system) / 1e6;
  return Math.round((Math.max(0, busy) / (ms / 1000)) * 100) / 100;
}
