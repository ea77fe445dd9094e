import type { Metadata } from "next";
import { UtcTime } from "@/components/admin/utc-time";
import { getDb } from "@/db";
import { requirePagePermission } from "@/lib/auth";
import { backupStatus } from "@/lib/backup";

export const metadata: Metadata = { title: "Backups" };
export const dynamic = "force-dynamic";

/** Storage locations and error texts are infrastructure detail: the page shows kinds and states only. */
function targetLabel(location: string, index: number): string {
  return `Target ${index + 1} (${location.startsWith("s3://") ? "S3-compatible storage" : "directory"})`;
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
  partial: "bg-amber-50 text-amber-900",
  failed: "bg-red-50 text-red-800",
  running: "bg-slate-100 text-slate-700",
  interrupted: "bg-amber-50 text-amber-900",
};

function Status({ value }: { value: string }) {
  return <span className={`rounded px-2 py-0.5 text-xs font-medium ${STATUS_STYLE[value] ?? ""}`}>{value}</span>;
}

export default async function BackupsPage() {
  await requirePagePermission("backups:read");
  const status = await backupStatus(getDb());

  return (
    <section aria-labelledby="backups-title">
      <h1 id="backups-title" className="text-2xl font-semibold">
        Backups
      </h1>
      <p className="mt-1 max-w-2xl text-sm text-slate-600">
        ChargeKeep backs up its whole database, encrypted, to every configured location, and proves each backup by restoring it into a scratch database. Times are in UTC.
      </p>

      {status.stale ? (
        <p role="alert" className="mt-4 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          No complete backup in the last 26 hours. The operators have been alerted if a run failed.
        </p>
      ) : null}

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
        <p className="mt-2 text-sm text-red-800">The backup targets could not be read. The operators can see why in the server log.</p>
      ) : (
        <table className="mt-2 w-full text-left text-sm">
          <thead>
            <tr className="border-b border-slate-200">
              <th scope="col" className="py-2 pr-4">Target</th>
              <th scope="col" className="py-2 pr-4">Backups held</th>
              <th scope="col" className="py-2 pr-4">Newest</th>
              <th scope="col" className="py-2">State</th>
            </tr>
          </thead>
          <tbody>
            {status.targets.map((t, i) => (
              <tr key={t.location} className="border-b border-slate-100">
                <td className="py-2 pr-4">{targetLabel(t.location, i)}</td>
                <td className="py-2 pr-4">{t.backups}</td>
                <td className="py-2 pr-4 font-mono text-xs">{t.newest ?? "none"}</td>
                <td className="py-2">{t.missingNewest || t.backups === 0 ? <Status value="partial" /> : <Status value="succeeded" />}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2 className="mt-8 text-lg font-semibold">History</h2>
      {status.history.length === 0 ? (
        <p className="mt-2 text-sm text-slate-600">No backup has run yet.</p>
      ) : (
        <table className="mt-2 w-full text-left text-sm">
          <thead>
            <tr className="border-b border-slate-200">
              <th scope="col" className="py-2 pr-4">Started</th>
              <th scope="col" className="py-2 pr-4">What</th>
              <th scope="col" className="py-2 pr-4">Backup</th>
              <th scope="col" className="py-2 pr-4">Trigger</th>
              <th scope="col" className="py-2 pr-4">Size</th>
              <th scope="col" className="py-2">Result</th>
            </tr>
          </thead>
          <tbody>
            {status.history.map((r) => (
              <tr key={r.id} className="border-b border-slate-100">
                <td className="py-2 pr-4">
                  <UtcTime date={r.startedAt} />
                </td>
                <td className="py-2 pr-4">{r.kind}</td>
                <td className="py-2 pr-4 font-mono text-xs">{r.backupName ?? "–"}</td>
                <td className="py-2 pr-4">{r.trigger}</td>
                <td className="py-2 pr-4">{formatBytes(r.bytes)}</td>
                <td className="py-2">
                  <Status value={r.status} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
