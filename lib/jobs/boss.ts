import "server-only";
import PgBoss from "pg-boss";
import { getDbHandle, type DbHandle } from "@/db";
import { env } from "@/lib/env";
import { executorFor } from "./executor";

/**
 * One pg-boss per process, on the app's own database connections (PGlite in development, the
 * postgres.js pool in production): no second pool, no second TLS setting. pg-boss's maintenance and
 * its cron clock run only where workers run (a Vercel function only enqueues); pg-boss itself
 * coordinates them across instances with advisory locks, so every worker process may run them.
 */
type Holder = { boss?: Promise<PgBoss>; handle?: DbHandle };
const KEY = Symbol.for("chargekeep.jobs.boss");
const holder = (): Holder => ((globalThis as { [KEY]?: Holder })[KEY] ??= {});

export type BossMode = { maintenance: boolean };

export function jobsSchema(): string {
  return env().JOBS_SCHEMA;
}

async function startBoss(handle: DbHandle, mode: BossMode): Promise<PgBoss> {
  const boss = new PgBoss({
    db: executorFor(handle) as PgBoss.Db,
    schema: jobsSchema(),
    migrate: true,
    supervise: mode.maintenance,
    schedule: mode.maintenance,
  });
  // An unhandled 'error' event would end the process; a failed poll is logged and retried by pg-boss.
  boss.on("error", (e: unknown) => console.error("[jobs]", e instanceof Error ? e.message : (e as { message?: string })?.message ?? e));
  await boss.start();
  return boss;
}

/** The process's pg-boss, started on first use. `maintenance` is decided by whoever starts it first (lib/bootstrap, the worker command). */
export function getBoss(mode: BossMode = { maintenance: false }): Promise<PgBoss> {
  const h = holder();
  const handle = getDbHandle();
  if (h.boss && h.handle === handle) return h.boss;
  h.handle = handle;
  h.boss = startBoss(handle, mode).catch((e: unknown) => {
    h.boss = undefined;
    throw e;
  });
  return h.boss;
}

/** Shutdown and tests: stop polling, let running jobs finish (up to `timeoutMs`). */
export async function stopBoss(timeoutMs = 10_000): Promise<void> {
  const h = holder();
  const pending = h.boss;
  h.boss = undefined;
  h.handle = undefined;
  if (!pending) return;
  const boss = await pending.catch(() => null);
  await boss?.stop({ graceful: true, wait: true, close: false, timeout: timeoutMs });
}
