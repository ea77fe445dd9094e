import { UtcTime } from "@/components/admin/utc-time";
import type { BackupStatus, CopyState } from "@/lib/backup";
import { DataTable } from "@/components/data-table";

/** Storage locations are infrastructure detail: targets are named by position and kind, also inside error texts. */
function targetLabel(location: string, locations: string[]): string {
  const index = locations.indexOf(location);
  const kind = location.startsWith("s3://") ? "S3-compatible storage" : location.startsWith("azblob://") ? "Azure Blob Storage" : "directory";
  return index >= 0 ? `Target ${index + 1} (${kind})` : `A former target (${kind})`;
}

function formatBytes(n: number | null): string {
  if (!n) return "–";
  const units = ["B", "KB", "MB", "GB", "TB"];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u += 1;
  }
  return `${v.toFixed(u ? 1 : 0)} ${units[u]}`;
}

const STATUS_STYLE: Record<string, string> = {
  succeeded: "bg-green-50 text-green-800",
  verified: "bg-green-50 text-green-800",
  partial: "bg-amber-50 text-amber-900",
  "not checked": "bg-slate-100 text-slate-700",
  failed: "bg-red-50 text-red-800",
  running: "bg-slate-100 text-slate-700",
  interrupted: "bg-amber-50 text-amber-900",
};

function Status({ value }: { value: string }) {
  return <span className={`rounded px-2 py-0.5 text-xs font-medium ${STATUS_STYLE[value] ?? ""}`}>{value}</span>;
}

/** A target's state is its newest copy's check, not just that the files are there. */
function targetState(t: BackupStatus["targets"][number]): string {
  if (t.backups === 0 || t.missingNewest) return "partial";
  if (t.newestCopy === "verified" || t.newestCopy === "failed") return t.newestCopy;
  return "not checked";
}

function copyState(c: CopyState): string {
  return c.state === "unchecked" ? "not checked" : c.state;
}

/** The operators' view: the platform's runs, targets, and every copy's last read-back check. */
export function OperatorBackups({ status, backupNow }: { status: BackupStatus; backupNow?: React.ReactNode }) {
  const locations = status.targets.map((t) => t.location);
  const failedCopies = status.copies.filter((c) => c.state === "failed").length;
  return (
    <>
      <p className="mt-1 max-w-2xl text-sm text-slate-600">
        Operators&apos; view. ChargeKeep backs up its whole database, encrypted, to every configured location, proves each backup by restoring it into a
        scratch database, and then reads back every copy at every target. Times are in UTC.
      </p>

      {status.stale ? (
        <p role="alert" className="mt-4 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          No complete backup in the last 26 hours. The operators have been alerted if a run failed.
        </p>
      ) : null}
      {failedCopies > 0 ? (
        <p role="alert" className="mt-4 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {failedCopies === 1 ? "1 backup copy" : `${failedCopies} backup copies`} failed verification: see Copies below. An alert was raised.
        </p>
      ) : null}

      {backupNow}

      <dl className="mt-6 grid gap-4 sm:grid-cols-3">
        <div className="rounded-md border border-slate-200 p-4">
          <dt className="text-sm text-slate-600">Last complete backup</dt>
          <dd className="mt-1 font-medium">
            <UtcTime date={status.lastSuccessfulBackup?.startedAt ?? null} />
          </dd>
        </div>
        <div className="rounded-md border border-slate-200 p-4">
          <dt className="text-sm text-slate-600">Last backup run</dt>
          <dd className="mt-1 font-medium">
            <UtcTime date={status.lastBackup?.startedAt ?? null} /> {status.lastBackup ? <Status value={status.lastBackup.status} /> : null}
          </dd>
        </div>
        <div className="rounded-md border border-slate-200 p-4">
          <dt className="text-sm text-slate-600">Last verified restore</dt>
          <dd className="mt-1 font-medium">
            <UtcTime date={status.lastVerified?.finishedAt ?? null} />
            {status.lastVerify && status.lastVerify.status !== "succeeded" ? (
              <span className="mt-1 block text-sm text-red-800">The latest verification {status.lastVerify.status === "running" ? "is running" : "failed"}.</span>
            ) : null}
          </dd>
        </div>
      </dl>

      <h2 className="mt-8 text-lg font-semibold">Targets</h2>
      {status.targetError ? (
        <p className="mt-2 text-sm text-red-800">The backup targets could not be read. The server log says why.</p>
      ) : (
        <DataTable
          className="mt-2"
          caption="Backup targets"
          rows={status.targets}
          rowKey={(t) => t.location}
          rowTestId="backup-target"
          columns={[
            { header: "Target", cell: (t) => targetLabel(t.location, locations) },
            { header: "Backups held", cell: (t) => t.backups },
            { header: "Newest", className: "font-mono text-xs", cell: (t) => t.newest ?? "none" },
            { header: "Newest copy", cell: (t) => <Status value={targetState(t)} /> },
          ]}
        />
      )}

      <h2 className="mt-8 text-lg font-semibold">Copies</h2>
      <p className="mt-1 max-w-2xl text-sm text-slate-600">
        After every scheduled backup each copy is read back whole and checked against its sealed manifest: size, SHA-256, every chunk&apos;s
        authentication tag and the complete dump.
      </p>
      {status.copies.length === 0 ? (
        <p className="mt-2 text-sm text-slate-600">No copy to show yet.</p>
      ) : (
        <DataTable
          className="mt-2"
          caption="Backup copies and their last check"
          rows={status.copies}
          rowKey={(c) => `${c.name}|${c.location}`}
          rowTestId="backup-copy"
          columns={[
            { header: "Backup", className: "font-mono text-xs", cell: (c) => c.name },
            { header: "Target", cell: (c) => targetLabel(c.location, locations) },
            { header: "Check", cell: (c) => <Status value={copyState(c)} /> },
            { header: "Last verified", cell: (c) => <UtcTime date={c.verifiedAt} /> },
            { header: "Last checked", cell: (c) => <UtcTime date={c.checkedAt} /> },
            { header: "Why it failed", className: "text-xs", cell: (c) => (c.state === "failed" && c.error ? c.error.replaceAll(c.location, targetLabel(c.location, locations)) : "") },
          ]}
        />
      )}

      <h2 className="mt-8 text-lg font-semibold">History</h2>
      {status.history.length === 0 ? (
        <p className="mt-2 text-sm text-slate-600">No backup has run yet.</p>
      ) : (
        <DataTable
          className="mt-2"
          caption="Backup runs, newest first"
          rows={status.history}
          rowKey={(r) => r.id}
          columns={[
            { header: "Started", cell: (r) => <UtcTime date={r.startedAt} /> },
            { header: "What", cell: (r) => (r.kind === "check" ? "copy check" : r.kind) },
            { header: "Backup", className: "font-mono text-xs", cell: (r) => r.backupName ?? "–" },
            { header: "Trigger", cell: (r) => r.trigger },
            { header: "Size", cell: (r) => formatBytes(r.bytes) },
            { header: "Result", cell: (r) => <Status value={r.status} /> },
          ]}
        />
      )}
    </>
  );
}
