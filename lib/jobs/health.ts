import "server-only";
import { getDb, rowsOf } from "@/db";
import { sql } from "drizzle-orm";
import { jobsSchema } from "./boss";

export type QueueHealth = { queue: string; waiting: number; active: number; failed: number; oldestWaitingSeconds: number | null };

/**
 * Per queue: jobs waiting (created or waiting to retry, already due), running, failed (kept until
 * pg-boss archives them), and how long the oldest due one has waited: a growing age means too few
 * workers or a stuck one. Read straight from pg-boss's table in one statement.
 */
export async function queueHealth(): Promise<QueueHealth[]> {
  const schema = sql.identifier(jobsSchema());
  const exists = rowsOf<{ ok: boolean }>(await getDb().execute(sql`select to_regclass(${`${jobsSchema()}.job`}) is not null as ok`));
  if (!exists[0]?.ok) return [];
  const rows = rowsOf<{ queue: string; waiting: string | number; active: string | number; failed: string | number; oldest: string | number | null }>(
    await getDb().execute(sql`
      select q.name as queue,
        count(j.id) filter (where j.state in ('created', 'retry') and j.start_after <= now()) as waiting,
        count(j.id) filter (where j.state = 'active') as active,
        count(j.id) filter (where j.state = 'failed') as failed,
        extract(epoch from now() - min(j.start_after) filter (where j.state in ('created', 'retry') and j.start_after <= now())) as oldest
      from ${schema}.queue q left join ${schema}.job j on j.name = q.name
      where q.name not like '\\_\\_pgboss%'
      group by q.name order by q.name`),
  );
  return rows.map((r) => ({
    queue: r.queue,
    waiting: Number(r.waiting),
    active: Number(r.active),
    failed: Number(r.failed),
    oldestWaitingSeconds: r.oldest === null ? null : Math.floor(Number(r.oldest)),
  }));
}

/** Queue health is platform detail: ChargeKeep's operators get it, anyone else null (never a tenant's page or answer). */
export async function queueHealthFor(ctx: { user: { isOperator: boolean } } | null): Promise<QueueHealth[] | null> {
  return ctx?.user.isOperator ? queueHealth() : null;
}
