import "server-only";
import type { Database } from "@/db";
import { accountChecks } from "./account-checks";
import { connectionChecks } from "./connection-checks";
import { mfaChecks } from "./mfa-checks";
import { monitoringChecks } from "./monitoring-checks";
import { networkChecks } from "./network-checks";
import { operatorChecks } from "./operator-checks";
import { scorePosture, withWeight, type PostureScore } from "./score";
import { sessionChecks } from "./session-checks";
import type { PostureItem } from "./types";

export type PostureReport = PostureScore & { items: PostureItem[] };

/**
 * Every check of one organization, scored. The organization id comes from the caller's session (the
 * page) or the job's list of organizations; `operator` adds the platform items (never scored).
 * Authorization is the caller's: the page declares its permission, the job runs for the system.
 */
export async function evaluatePosture(db: Database, organizationId: string, opts: { operator?: boolean } = {}): Promise<PostureReport> {
  const operator = opts.operator ?? false;
  const groups = await Promise.all([
    mfaChecks(db, organizationId),
    sessionChecks(db, organizationId),
    accountChecks(db, organizationId),
    monitoringChecks(db, organizationId),
    networkChecks(db, organizationId, { operator }),
    connectionChecks(db, organizationId),
    operator ? operatorChecks(db) : Promise.resolve([]),
  ]);
  const items = groups.flat().map(withWeight);
  return { items, ...scorePosture(items) };
}
