import type { Metadata } from "next";
import { requirePagePermission } from "@/lib/gate";
import { backupStatusFor, progressView, runningRunsFor } from "@/lib/backup";
import { queueHealthFor } from "@/lib/jobs";
import { QueueHealthTable } from "@/components/admin/queue-health";
import { BackupNow } from "./backup-progress";
import { OperatorBackups } from "./operator-view";
import { OrganizationBackups } from "./organization-view";

export const metadata: Metadata = { title: "Backups" };
export const dynamic = "force-dynamic";

/**
 * An organization's owner sees that its data is backed up and when a restore last proved it;
 * ChargeKeep's operators see the platform's runs, targets and every copy's check (lib/backup/status.ts
 * decides, so the platform data never reaches a tenant's page), and the background job queues.
 */
export default async function BackupsPage() {
  const { session: ctx, db } = await requirePagePermission("backups:read");
  const [data, queues] = await Promise.all([backupStatusFor(db, ctx), queueHealthFor(ctx)]);
  // Operators start a backup here and watch it (issue 22); an organization's view has neither.
  const running = data.view === "operator" ? (await runningRunsFor(db, ctx)).map(progressView) : null;
  return (
    <section aria-labelledby="backups-title">
      <h1 id="backups-title" className="text-2xl font-semibold">
        Backups
      </h1>
      {data.view === "operator" ? <OperatorBackups status={data.status} backupNow={running ? <BackupNow initial={running} /> : null} /> : <OrganizationBackups summary={data.summary} />}
      {queues ? <QueueHealthTable queues={queues} /> : null}
    </section>
  );
}
