import type { Metadata } from "next";
import Link from "next/link";
import { AdminNav } from "@/components/admin/admin-nav";
import { loadForPage, requireUuidParam, requirePagePermission } from "@/lib/gate";
import { UtcTime } from "@/components/admin/utc-time";
import { getWebhookWithHistory } from "@/lib/alerts";

export const metadata: Metadata = { title: "Webhook deliveries" };

export default async function WebhookHistoryPage({ params }: { params: Promise<{ webhookId: string }> }) {
  const { session: ctx, db } = await requirePagePermission("security:manage");
  const id = requireUuidParam((await params).webhookId);
  const { webhook, history } = await loadForPage(() => getWebhookWithHistory(db, ctx, id));
  return (
    <section aria-labelledby="history-title">
      <AdminNav ctx={ctx} current="alerts" />
      <p className="mb-2 text-sm">
        <Link href="/admin/webhooks" className="text-blue-700 underline">
          ← Webhooks
        </Link>
      </p>
      <h1 id="history-title" className="mb-1 text-2xl font-semibold">
        Deliveries to <span className="font-mono text-lg">{webhook.url}</span>
      </h1>
      <p className="mb-4 text-sm text-slate-600">The latest {history.length} deliveries, newest first.</p>
      {history.length === 0 ? (
        <p className="text-sm text-slate-600">Nothing sent yet.</p>
      ) : (
        <div className="overflow-x-auto rounded-md border border-slate-200 bg-white">
          <table className="w-full text-left text-sm">
            <thead className="bg-slate-50 text-xs uppercase text-slate-600">
              <tr>
                <th scope="col" className="px-3 py-2">Queued</th>
                <th scope="col" className="px-3 py-2">Kind</th>
                <th scope="col" className="px-3 py-2">Status</th>
                <th scope="col" className="px-3 py-2">Attempts</th>
                <th scope="col" className="px-3 py-2">Last answer</th>
                <th scope="col" className="px-3 py-2">Delivered / next try</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {history.map((d) => (
                <tr key={d.id} data-testid="delivery-row">
                  <td className="px-3 py-2">
                    <UtcTime date={d.createdAt} />
                  </td>
                  <td className="px-3 py-2">{d.kind}</td>
                  <td className="px-3 py-2">{d.status}</td>
                  <td className="px-3 py-2">{d.attempts}</td>
                  <td className="px-3 py-2">{d.lastError ?? (d.lastStatusCode ? `HTTP ${d.lastStatusCode}` : "—")}</td>
                  <td className="px-3 py-2">{d.status === "delivered" ? <UtcTime date={d.deliveredAt} /> : d.status === "pending" ? <UtcTime date={d.nextAttemptAt} /> : "gave up"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
