import "server-only";
import { systemSignalJob, webhookDeliveryJob } from "@/lib/alerts";
import { auditAnchorCron, auditAnchorJob } from "@/lib/audit";
import { backupJob } from "@/lib/backup";
import { env } from "@/lib/env";
import { startWorkers, stopWorkers, type JobDefinition, type Schedule } from "@/lib/jobs";
import { postureSnapshotJob, POSTURE_SNAPSHOT_CRON } from "@/lib/posture";
import { domainRecheckJob, DOMAIN_RECHECK_CRON } from "@/lib/sso";
import { syncConnectionJob, syncScheduleJob } from "@/lib/sync";

/**
 * Every kind of background work this app runs on pg-boss, in one list: lib/jobs is generic, each
 * capability defines its job, and this wires them to the workers of a process (the app's own by
 * default, or `npm run worker` alone on a dedicated dyno).
 */
export function jobDefinitions(): JobDefinition<never>[] {
  return [backupJob, syncScheduleJob, syncConnectionJob, webhookDeliveryJob, systemSignalJob, auditAnchorJob, domainRecheckJob, postureSnapshotJob] as JobDefinition<never>[];
}

export function jobSchedules(): { schedules: Schedule[]; unschedule: string[] } {
  const config = env();
  // BANK_SYNC_SCHEDULER=off removes the cron row for the whole cluster (a scheduler calls /api/cron/sync instead).
  const sync = config.BANK_SYNC_SCHEDULER === "on";
  // WEBHOOK_WORKER=off: no cron for deliveries either (/api/cron/alerts enqueues them).
  const webhooks = config.WEBHOOK_WORKER === "on";
  const schedules: Schedule[] = [];
  const unschedule: string[] = [];
  if (sync) schedules.push({ def: syncScheduleJob as JobDefinition<never>, cron: "* * * * *" });
  else unschedule.push(syncScheduleJob.queue);
  if (webhooks) schedules.push({ def: webhookDeliveryJob as JobDefinition<never>, cron: "* * * * *" });
  else unschedule.push(webhookDeliveryJob.queue);
  // Signed chain heads to the backup targets and the SIEM stream when a chain moved (AUDIT_ANCHOR_INTERVAL_SECONDS=0: none).
  const anchorCron = auditAnchorCron(config.AUDIT_ANCHOR_INTERVAL_SECONDS);
  if (anchorCron) schedules.push({ def: auditAnchorJob as JobDefinition<never>, cron: anchorCron });
  else unschedule.push(auditAnchorJob.queue);
  // Verified e-mail domains: each checked again about once a day.
  schedules.push({ def: domainRecheckJob as JobDefinition<never>, cron: DOMAIN_RECHECK_CRON });
  // Each organization's security posture score once a day, so its history has a point even when nobody looks.
  schedules.push({ def: postureSnapshotJob as JobDefinition<never>, cron: POSTURE_SNAPSHOT_CRON });
  return { schedules, unschedule };
}

/** Starts this process's workers unless JOBS_WORKERS=off (an enqueue-only web process) or in tests. */
export async function startBackgroundWork(opts: { force?: boolean } = {}): Promise<boolean> {
  const config = env();
  if (!opts.force && (config.JOBS_WORKERS === "off" || config.NODE_ENV === "test")) return false;
  const { schedules, unschedule } = jobSchedules();
  await startWorkers(jobDefinitions(), schedules, unschedule);
  return true;
}

export { stopWorkers as stopBackgroundWork };
