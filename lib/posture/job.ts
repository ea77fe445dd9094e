import "server-only";
import { getDb } from "@/db";
import type { JobDefinition } from "@/lib/jobs";
import { snapshotAllOrganizations } from "./snapshots";

/** The daily posture snapshot of every organization as a pg-boss job (lib/workers schedules it). */
export const postureSnapshotJob: JobDefinition<object> = {
  queue: "posture-snapshot",
  policy: "singleton",
  retryLimit: 2,
  retryDelaySeconds: 300,
  retryBackoff: true,
  expireInSeconds: 60 * 60,
  run: async () => snapshotAllOrganizations(getDb()),
};

/** 03:23 UTC every day: after midnight's backups, away from the hour marks other crons use. */
export const POSTURE_SNAPSHOT_CRON = "23 3 * * *";
