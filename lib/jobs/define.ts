import "server-only";
import type PgBoss from "pg-boss";
import { getDbHandle } from "@/db";
import { getBoss, jobsSchema } from "./boss";
import { inTransaction } from "./executor";

/**
 * A kind of background work: its queue, how pg-boss treats it, and the code that does it. The same
 * definition enqueues (anywhere, including a Vercel function) and works (a process with workers).
 */
export type JobDefinition<T extends object = object> = {
  queue: string;
  /** pg-boss queue policy: "singleton" (one active at a time), "stately" (one queued and one active per key), "standard". */
  policy: "standard" | "singleton" | "stately" | "short";
  retryLimit: number;
  retryDelaySeconds: number;
  retryBackoff: boolean;
  /** A job still active after this long is failed by pg-boss (and retried), so a crashed worker's job comes back. */
  expireInSeconds: number;
  /** Jobs of this queue one process runs at once. */
  concurrency?: number;
  /** How often an idle worker looks for work (pg-boss polls; an enqueue in the same process wakes it at once). */
  pollingIntervalSeconds?: number;
  run: (data: T, job: { id: string }) => Promise<unknown>;
};

const ensured = new WeakMap<PgBoss, Map<string, Promise<void>>>();

/**
 * pg-boss 10 wants a queue created before a job is sent to it. Created once per process, and under
 * an advisory lock across processes: two instances creating the same queue's partition at once
 * deadlock in PostgreSQL (pg-boss's create_queue is not serialised).
 */
export function ensureQueue(boss: PgBoss, def: JobDefinition<never>): Promise<void> {
  const done = ensured.get(boss) ?? new Map<string, Promise<void>>();
  ensured.set(boss, done);
  let pending = done.get(def.queue);
  if (!pending) {
    pending = createQueue(boss, def).catch((e: unknown) => {
      done.delete(def.queue);
      throw e;
    });
    done.set(def.queue, pending);
  }
  return pending;
}

async function createQueue(boss: PgBoss, def: JobDefinition<never>): Promise<void> {
  const options = { policy: def.policy, retryLimit: def.retryLimit, retryDelay: def.retryDelaySeconds, retryBackoff: def.retryBackoff, expireInSeconds: def.expireInSeconds };
  if (!(await boss.getQueue(def.queue))) {
    const schema = jobsSchema();
    await inTransaction(getDbHandle(), async (tx) => {
      await tx.executeSql("select pg_advisory_xact_lock(hashtext($1))", [`chargekeep.jobs.create-queue:${schema}`]);
      await tx.executeSql(`select ${schema}.create_queue($1, $2)`, [def.queue, { name: def.queue, ...options }]);
    });
  }
  // Keeps the queue's options in step with the code after a deploy changes them.
  await boss.updateQueue(def.queue, { name: def.queue, ...options });
}

/** singletonSeconds: at most one job per key in each slot of that many seconds (pg-boss throttling); later sends in the slot return null. */
export type EnqueueOptions = { singletonKey?: string; singletonSeconds?: number; startAfterSeconds?: number; db?: PgBoss.Db };

/** Sends one job; null when the queue's policy refused it (an identical job is already waiting). */
export async function enqueue<T extends object>(def: JobDefinition<T>, data: T, options: EnqueueOptions = {}): Promise<string | null> {
  const boss = await getBoss();
  await ensureQueue(boss, def as JobDefinition<never>);
  const id = await boss.send(def.queue, data, {
    ...(options.singletonKey ? { singletonKey: options.singletonKey } : {}),
    ...(options.startAfterSeconds ? { startAfter: options.startAfterSeconds } : {}),
    ...(options.singletonSeconds ? { singletonSeconds: options.singletonSeconds } : {}),
    ...(options.db ? { db: options.db } : {}),
  });
  if (id) wakeLocalWorkers(boss, def.queue);
  return id;
}

/** Worker ids of this process by queue (on globalThis: Next bundles instrumentation and routes apart). */
const WORKERS = Symbol.for("chargekeep.jobs.workers");
export function localWorkerIds(): Map<string, string[]> {
  const g = globalThis as { [WORKERS]?: Map<string, string[]> };
  return (g[WORKERS] ??= new Map());
}

/** Idle workers poll every few seconds; a job sent from this process wakes this process's workers at once. */
export function wakeLocalWorkers(boss: PgBoss, queue: string): void {
  for (const id of localWorkerIds().get(queue) ?? []) boss.notifyWorker(id);
}
