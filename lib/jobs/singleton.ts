import "server-only";
import { getDbHandle } from "@/db";
import { getBoss, jobsSchema } from "./boss";
import { ensureQueue, wakeLocalWorkers, type JobDefinition } from "./define";
import { inTransaction } from "./executor";

export type SingletonOutcome = { queued: true; jobId: string } | { queued: false; jobId: string; state: "created" | "retry" | "active" };

/**
 * Enqueues a job of a queue that must never run twice at once nor pile up (the backup): when one is
 * waiting or running, on any instance, its id comes back instead. The look and the insert happen
 * under one transaction-scoped advisory lock named after the queue, so two triggers at the same
 * moment on two instances make one job, not two.
 */
export async function enqueueSingleton<T extends object>(def: JobDefinition<T>, data: T): Promise<SingletonOutcome> {
  const boss = await getBoss();
  await ensureQueue(boss, def as JobDefinition<never>);
  const schema = jobsSchema();
  const outcome = await inTransaction(getDbHandle(), async (tx): Promise<SingletonOutcome> => {
    await tx.executeSql("select pg_advisory_xact_lock(hashtext($1))", [`chargekeep.jobs.singleton:${schema}.${def.queue}`]);
    const { rows } = await tx.executeSql(
      `select id, state::text as state from ${schema}.job where name = $1 and state in ('created', 'retry', 'active') order by (state = 'active') desc, created_on limit 1`,
      [def.queue],
    );
    const existing = rows[0] as { id: string; state: "created" | "retry" | "active" } | undefined;
    if (existing) return { queued: false, jobId: existing.id, state: existing.state };
    const id = await boss.send(def.queue, data, { db: tx });
    if (!id) throw new Error(`The ${def.queue} queue refused a job with nothing waiting or running.`);
    return { queued: true, jobId: id };
  });
  if (outcome.queued) wakeLocalWorkers(boss, def.queue);
  return outcome;
}
