import "server-only";
import type PgBoss from "pg-boss";
import { getBoss, stopBoss } from "./boss";
import { ensureQueue, localWorkerIds, type JobDefinition } from "./define";

export type Schedule = { def: JobDefinition<never>; cron: string; data?: object };

function handlerFor(def: JobDefinition<never>) {
  return async ([job]: PgBoss.Job<object>[]) => {
    if (!job) return null;
    return (await def.run(job.data as never, { id: job.id })) ?? null;
  };
}

/**
 * Starts this process's workers (lib/bootstrap in the app, scripts/worker.ts alone) and records the
 * cron schedules. pg-boss keeps one row per schedule and its clock sends each slot's job once,
 * whichever instance's clock gets there first: N instances, one enqueue per cycle.
 */
export async function startWorkers(defs: JobDefinition<never>[], schedules: Schedule[], unschedule: string[] = []): Promise<void> {
  const boss = await getBoss({ maintenance: true });
  const ids = localWorkerIds();
  for (const def of defs) {
    await ensureQueue(boss, def);
    if (ids.has(def.queue)) continue; // already working here (hot reload)
    const started: string[] = [];
    for (let i = 0; i < (def.concurrency ?? 1); i++) {
      started.push(await boss.work(def.queue, { pollingIntervalSeconds: def.pollingIntervalSeconds ?? 2, batchSize: 1 }, handlerFor(def)));
    }
    ids.set(def.queue, started);
  }
  for (const s of schedules) {
    await ensureQueue(boss, s.def);
    await boss.schedule(s.def.queue, s.cron, s.data ?? {}, { tz: "UTC" });
  }
  for (const queue of unschedule) await boss.unschedule(queue);
}

export async function stopWorkers(timeoutMs?: number): Promise<void> {
  localWorkerIds().clear();
  await stopBoss(timeoutMs);
}

/**
 * Runs what is waiting in one queue now, in this process, through the same code and the same
 * complete/fail bookkeeping as a worker (tests; a one-off drain). Returns the jobs it ran.
 */
export async function runQueuedJobs(def: JobDefinition<never>, max = 100): Promise<{ id: string; ok: boolean; output: unknown }[]> {
  const boss = await getBoss();
  await ensureQueue(boss, def);
  const out: { id: string; ok: boolean; output: unknown }[] = [];
  while (out.length < max) {
    const [job] = await boss.fetch<object>(def.queue, { batchSize: 1 });
    if (!job) break;
    try {
      const output = (await def.run(job.data as never, { id: job.id })) ?? null;
      await boss.complete(def.queue, job.id, output as object);
      out.push({ id: job.id, ok: true, output });
    } catch (e) {
      await boss.fail(def.queue, job.id, { message: e instanceof Error ? e.message : String(e) });
      out.push({ id: job.id, ok: false, output: e });
    }
  }
  return out;
}
