import "server-only";
import { getDb } from "@/db";
import type { JobDefinition } from "@/lib/jobs";
import { recheckVerifiedDomains } from "./domains";

/**
 * The daily DNS re-check of verified domains as a pg-boss job: lib/workers runs it hourly for the
 * cluster, and each run checks the domains whose last check is over a day old.
 */
export const domainRecheckJob: JobDefinition<object> = {
  queue: "domain-recheck",
  policy: "singleton",
  retryLimit: 2,
  retryDelaySeconds: 60,
  retryBackoff: true,
  expireInSeconds: 30 * 60,
  run: async () => {
    const result = await recheckVerifiedDomains(getDb());
    if (result.lost) console.warn(`[domains] ${result.lost} domain(s) lost their verification: the TXT record is gone`);
    return result;
  },
};

export const DOMAIN_RECHECK_CRON = "17 * * * *";
