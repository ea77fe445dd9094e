import Link from "next/link";
import type { ConnectionSummary } from "@/lib/reports";

const LABELS: Record<string, string> = {
  pending: "Connecting",
  active: "Connected",
  syncing: "Updating",
  reauth_required: "Needs you to sign in to the bank again",
  error: "Not updating",
  disconnected: "Disconnected",
};

/** Which banks are connected and how they are doing: what every role on the dashboard may see. */
export function ConnectionStatus({ connections }: { connections: ConnectionSummary[] }) {
  return (
    <section aria-labelledby="connections-title" className="rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="connections-title" className="mb-2 text-lg font-medium">Bank connections</h2>
      <ul className="space-y-1 text-sm">
        {connections.map((c) => (
          <li key={c.id} data-testid="connection-status">
            <span className="font-medium">{c.institution}</span>: {LABELS[c.status] ?? c.status}
            {c.lastSyncedAt ? <span className="text-slate-600"> (last updated {c.lastSyncedAt.toISOString().slice(0, 16).replace("T", " ")} UTC)</span> : null}
            {c.lastError && c.status !== "active" ? <span className="block text-xs text-slate-600">{c.lastError}</span> : null}
          </li>
        ))}
      </ul>
      <Link href="/connections" className="mt-2 inline-block text-sm text-blue-700 underline">
        Manage bank connections
      </Link>
    </section>
  );
}
