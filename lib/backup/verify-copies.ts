import "server-only";
import { and, eq, sql } from "drizzle-orm";
import type { Database } from "@/db";
import { backupCopies, backupRuns } from "@/db/schema";
import { raiseAlert } from "@/lib/alerts";
import { now } from "@/lib/clock";
import type { KmsProvider } from "@/lib/crypto";
import type { ObjectStore } from "@/lib/storage";
import { fetchVerifiedBackup } from "./fetch-backup";
import { BACKUP_NAME, DATA_KEY, MANIFEST_KEY } from "./manifest";
import { describeError, finishRun, startRun, type RunTrigger } from "./runs";
import { progressRecorder, type OnProgress } from "./progress";
import { backupTargets } from "./targets";

export type CopyCheck = { name: string; location: string; state: "verified" | "failed"; bytes?: number; error?: string };
export type CopiesResult = { runId: string; status: "succeeded" | "failed"; copies: CopyCheck[]; unreadable: { location: string; error: string }[] };

/** The backups one target holds, and which of their two objects it holds. */
async function copiesAt(store: ObjectStore): Promise<Map<string, { data: boolean; manifest: boolean }>> {
  const found = new Map<string, { data: boolean; manifest: boolean }>();
  for (const o of await store.list("")) {
    const [name, file] = o.key.split("/");
    if (!name || !BACKUP_NAME.test(name) || (file !== DATA_KEY && file !== MANIFEST_KEY)) continue;
    const entry = found.get(name) ?? { data: false, manifest: false };
    if (file === DATA_KEY) entry.data = true;
    else entry.manifest = true;
    found.set(name, entry);
  }
  return found;
}

/**
 * Reads one copy back whole with the checks a restore makes (manifest seal, size and SHA-256 against
 * the manifest, every chunk's GCM tag, the final chunk, the whole gzip stream and dump size) and
 * returns its size; throws naming what is wrong. Nothing is restored.
 */
async function checkCopy(store: ObjectStore, name: string, kms: KmsProvider | undefined): Promise<number> {
  const fetched = await fetchVerifiedBackup(store, name, kms);
  await fetched.cleanup();
  return fetched.manifest.sizes.encrypted;
}

/** A copy that vanished was either pruned (a prune run says so) or removed by someone else. */
async function wasPruned(db: Database, name: string): Promise<boolean> {
  const [row] = await db
    .select({ id: backupRuns.id })
    .from(backupRuns)
    .where(and(eq(backupRuns.kind, "prune"), sql`${backupRuns.details} -> 'deleted' @> jsonb_build_array(${name}::text)`))
    .limit(1);
  return Boolean(row);
}

async function record(db: Database, c: CopyCheck, at: Date): Promise<void> {
  const ok = c.state === "verified";
  await db
    .insert(backupCopies)
    .values({ backupName: c.name, location: c.location, state: c.state, checkedAt: at, verifiedAt: ok ? at : null, bytes: c.bytes ?? null, error: c.error?.slice(0, 2000) ?? null })
    .onConflictDoUpdate({
      target: [backupCopies.backupName, backupCopies.location],
      set: { state: c.state, checkedAt: at, error: c.error?.slice(0, 2000) ?? null, ...(c.bytes !== undefined ? { bytes: c.bytes } : {}), ...(ok ? { verifiedAt: at } : {}) },
    });
}

/**
 * Checks every copy of every backup at every target (the schedule runs it after each backup; one
 * restore proves one copy, this proves the others are still whole). Each copy's result and time is
 * recorded in backup_copies; a copy that fails (altered, truncated, partial, gone, or its target
 * unreadable) raises a platform alert for the operators. Copies are read one at a time.
 */
export async function verifyCopies(db: Database, options: { trigger: RunTrigger; targets?: ObjectStore[]; kms?: KmsProvider; onProgress?: OnProgress }): Promise<CopiesResult> {
  const targets = options.targets ?? backupTargets();
  const runId = await startRun(db, "check", options.trigger);
  const report = progressRecorder(db, runId, options.onProgress);
  const result: CopiesResult = { runId, status: "succeeded", copies: [], unreadable: [] };
  const known = await db.select({ name: backupCopies.backupName, location: backupCopies.location }).from(backupCopies);
  const running = new Set(
    (await db.select({ name: backupRuns.backupName }).from(backupRuns).where(and(eq(backupRuns.kind, "backup"), eq(backupRuns.status, "running")))).map((r) => r.name),
  );
  const fail = (name: string, location: string, error: string) => result.copies.push({ name, location, state: "failed", error });
  for (const [i, store] of targets.entries()) {
    report({ phase: "check", unit: "copies", done: result.copies.length, target: i + 1, targets: targets.length });
    const mine = known.filter((k) => k.location === store.location).map((k) => k.name);
    let present: Map<string, { data: boolean; manifest: boolean }>;
    try {
      present = await copiesAt(store);
    } catch (e) {
      const error = `the target could not be read: ${describeError(e)}`;
      result.unreadable.push({ location: store.location, error });
      for (const name of mine) fail(name, store.location, error);
      continue;
    }
    for (const [name, parts] of [...present].sort((a, b) => b[0].localeCompare(a[0]))) {
      if (!parts.data || !parts.manifest) {
        // A backup still being written has its data before its manifest.
        if (!running.has(name)) fail(name, store.location, `${name} in ${store.location} is partial: its ${parts.data ? "manifest" : "data"} is missing.`);
        continue;
      }
      try {
        result.copies.push({ name, location: store.location, state: "verified", bytes: await checkCopy(store, name, options.kms) });
      } catch (e) {
        fail(name, store.location, describeError(e));
      }
      report({ phase: "check", unit: "copies", done: result.copies.length, target: i + 1, targets: targets.length });
    }
    for (const name of mine.filter((n) => !present.has(n))) {
      if (await wasPruned(db, name)) await db.delete(backupCopies).where(and(eq(backupCopies.backupName, name), eq(backupCopies.location, store.location)));
      else fail(name, store.location, `${name} is gone from ${store.location}, and no prune run deleted it.`);
    }
  }
  const at = now();
  for (const c of result.copies) await record(db, c, at);
  const failed = result.copies.filter((c) => c.state === "failed");
  result.status = failed.length || result.unreadable.length ? "failed" : "succeeded";
  report({ phase: "done", unit: "copies", done: result.copies.length, total: result.copies.length });
  await report.flush();
  await finishRun(
    db,
    runId,
    {
      status: result.status,
      details: { copies: result.copies, unreadable: result.unreadable },
      error: result.status === "failed" ? `${failed.length} copy(ies) failed verification${result.unreadable.length ? `; ${result.unreadable.length} target(s) unreadable` : ""}.` : null,
    },
    { action: "backup.copies_checked", metadata: { verified: result.copies.length - failed.length, failed: failed.length, unreadableTargets: result.unreadable.length } },
  );
  await alertFailedCopies(db, result);
  return result;
}

/** One alert per failed copy (a repeat counts on the open one); critical when no sound copy of that backup is left. */
async function alertFailedCopies(db: Database, result: CopiesResult): Promise<void> {
  const warn = (e: unknown) => console.error(`[backup] could not raise the alert: ${describeError(e)}`);
  for (const t of result.unreadable) {
    await raiseAlert(db, {
      organizationId: null,
      rule: "backup.copy_failed",
      severity: "high",
      title: "A backup target could not be read",
      detail: `No copy at ${t.location} could be checked: ${t.error}`,
      dedupeKey: `backup:copy-target:${t.location}`,
    }).catch(warn);
  }
  for (const c of result.copies.filter((x) => x.state === "failed")) {
    const soundElsewhere = result.copies.some((x) => x.name === c.name && x.state === "verified");
    await raiseAlert(db, {
      organizationId: null,
      rule: "backup.copy_failed",
      severity: soundElsewhere ? "high" : "critical",
      title: "A backup copy failed verification",
      detail: `The copy of ${c.name} at ${c.location} failed verification: ${c.error ?? "unknown error"}${soundElsewhere ? "" : " No other target holds a sound copy of it."}`,
      dedupeKey: `backup:copy:${c.name}:${c.location}`,
    }).catch(warn);
  }
}
