import { UtcTime } from "@/components/admin/utc-time";
import type { OrganizationBackupSummary } from "@/lib/backup";

/** What a tenant may know about the platform's backups, and nothing more. */
export function OrganizationBackups({ summary }: { summary: OrganizationBackupSummary }) {
  return (
    <>
      <p className="mt-1 max-w-2xl text-sm text-slate-600">
        ChargeKeep backs up all of its data, yours included, encrypted and to more than one place, and regularly proves the backups by restoring
        them. Times are in UTC.
      </p>
      <dl className="mt-6 grid gap-4 sm:grid-cols-2">
        <div className="rounded-md border border-slate-200 p-4">
          <dt className="text-sm text-slate-600">Your data</dt>
          <dd className="mt-1 font-medium" data-testid="backup-state">
            {summary.backedUp ? "Backed up" : "The latest complete backup is more than a day old. ChargeKeep's operators are alerted when a backup fails."}
          </dd>
        </div>
        <div className="rounded-md border border-slate-200 p-4">
          <dt className="text-sm text-slate-600">Last verified by a test restore</dt>
          <dd className="mt-1 font-medium">
            <UtcTime date={summary.lastVerifiedAt} />
          </dd>
        </div>
      </dl>
    </>
  );
}
