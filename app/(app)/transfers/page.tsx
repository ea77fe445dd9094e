import type { Metadata } from "next";
import { requirePagePermission } from "@/lib/gate";
import { env } from "@/lib/env";
import { formatBytes, hostKeyFingerprint, listImports, listTransfers } from "@/lib/sftp";

import { DeliverButtons } from "./deliver-form";

export const metadata: Metadata = { title: "Transfers" };

const when = (d: Date) => <time dateTime={d.toISOString()}>{d.toLocaleString("en-GB", { timeZone: "UTC" })} UTC</time>;

export default async function TransfersPage() {
  const { session: ctx, db } = await requirePagePermission("transfers:use");
  // Members see their own; those who may read the audit log see everyone's.
  const everyone = ctx.permissions.has("audit:read");
  const scope = everyone ? {} : { userId: ctx.user.id };
  const [host, transfers, imports] = await Promise.all([hostKeyFingerprint(db), listTransfers(db, ctx.organization.id, scope), listImports(db, ctx.organization.id, scope)]);
  const e = env();
  const command = `sftp -P ${e.SFTP_PORT} ${ctx.organization.id}@${e.SFTP_HOST}`;
  return (
    <section aria-labelledby="transfers-title">
      <h1 id="transfers-title" className="mb-2 text-2xl font-semibold">File transfer (SFTP)</h1>
      <div className="mb-6 max-w-3xl rounded-md border border-slate-200 bg-white p-4 text-sm">
        <h2 className="mb-2 font-semibold">How to connect</h2>
        <ol className="list-decimal space-y-1 pl-5">
          <li>Add your public key in <a className="underline" href="/settings/ssh-keys">SSH keys</a>.</li>
          <li>Connect with any SFTP client: <code className="block break-all rounded bg-slate-100 p-2 font-mono text-xs">{command}</code></li>
          <li>
            On first connection, check that the server&apos;s key fingerprint is exactly{" "}
            <code className="break-all font-mono text-xs" data-testid="host-fingerprint">{host?.fingerprint ?? "(not generated yet: the SFTP server has not started)"}</code>{" "}
            (ED25519). If it differs, do not connect.
          </li>
          <li>Drop CSV or OFX statements in <code>/inbox</code>; collect exports and error reports from <code>/outbox</code>.</li>
        </ol>
        <p className="mt-2 text-xs text-slate-500">Limits: {formatBytes(e.SFTP_MAX_FILE_BYTES)} per file, {formatBytes(e.SFTP_QUOTA_BYTES)} per organization. Files are encrypted at rest.</p>
      </div>
      {ctx.permissions.has("audit:export") || ctx.permissions.has("reports:export") ? (
        <div className="mb-6">
          <DeliverButtons transactions={ctx.permissions.has("reports:export")} auditLog={ctx.permissions.has("audit:export")} />
        </div>
      ) : null}
      <h2 className="mb-2 text-lg font-semibold">Statement imports</h2>
      {imports.length ? (
        <table className="mb-6 w-full border-collapse bg-white text-sm">
          <caption className="sr-only">Recent statement imports</caption>
          <thead>
            <tr className="border-b text-left">
              <th scope="col" className="p-2">When</th><th scope="col" className="p-2">File</th><th scope="col" className="p-2">Result</th><th scope="col" className="p-2">Added</th><th scope="col" className="p-2">Already there</th><th scope="col" className="p-2">Problems</th>
            </tr>
          </thead>
          <tbody>
            {imports.map((i) => (
              <tr key={i.id} className="border-b">
                <td className="p-2">{when(i.createdAt)}</td><td className="p-2">{i.fileName}</td><td className="p-2">{i.status === "imported" ? "Imported" : "Not imported"}</td><td className="p-2">{i.added}</td><td className="p-2">{i.skipped}</td>
                <td className="p-2">{i.errorCount ? `${i.errorCount} (see /outbox/${i.fileName}.errors.txt)` : "none"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="mb-6 text-sm text-slate-600">No statements imported yet.</p>
      )}
      <h2 className="mb-2 text-lg font-semibold">Recent transfers{everyone ? " (everyone)" : " (yours)"}</h2>
      {transfers.length ? (
        <table className="w-full border-collapse bg-white text-sm">
          <caption className="sr-only">Recent SFTP activity</caption>
          <thead>
            <tr className="border-b text-left">
              <th scope="col" className="p-2">When</th><th scope="col" className="p-2">Who</th><th scope="col" className="p-2">What</th><th scope="col" className="p-2">Path</th><th scope="col" className="p-2">Size</th><th scope="col" className="p-2">Result</th><th scope="col" className="p-2">From</th>
            </tr>
          </thead>
          <tbody>
            {transfers.map((t) => (
              <tr key={t.id} className="border-b">
                <td className="p-2">{when(t.createdAt)}</td><td className="p-2">{t.userEmail ?? "unknown"}</td><td className="p-2">{t.operation}</td><td className="p-2 break-all">{t.path ?? ""}</td>
                <td className="p-2">{t.bytes != null ? formatBytes(t.bytes) : ""}</td><td className="p-2">{t.result}{t.detail ? `: ${t.detail}` : ""}</td><td className="p-2">{t.remoteIp ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="text-sm text-slate-600">No transfers yet.</p>
      )}
    </section>
  );
}
