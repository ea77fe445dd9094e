import type { Metadata } from "next";
import Link from "next/link";
import { AdminNav } from "@/components/admin/admin-nav";
import { loadForPage, requireUuidParam, requirePagePermission } from "@/lib/gate";
import { UtcTime } from "@/components/admin/utc-time";
import { DataTable } from "@/components/data-table";
import { getWebhookWithHistory } from "@/lib/alerts";
import { ScrollRegion } from "@/components/scroll-region";

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
        <ScrollRegion label="Deliveries to this webhook, newest first" className="rounded-md border border-slate-200 bg-white">
          <DataTable
            caption="Deliveries to this webhook, newest first"
            rows={history}
            rowKey={(d) => d.id}
            rowTestId="delivery-row"
            columns={[
              { header: "Queued", cell: (d) => <UtcTime date={d.createdAt} /> },
              { header: "Kind", cell: (d) => d.kind },
              { header: "Status", cell: (d) => d.status },
              { header: "Attempts", cell: (d) => d.attempts },
              { header: "Last answer", cell: (d) => d.lastError ?? (d.lastStatusCode ? `HTTP ${d.lastStatusCode}` : "—") },
              {
                header: "Delivered / next try",
                cell: (d) => (d.status === "delivered" ? <UtcTime date={d.deliveredAt} /> : d.status === "pending" ? <UtcTime date={d.nextAttemptAt} /> : "gave up"),
              },
            ]}
          />
        </ScrollRegion>
      )}
    </section>
  );
}
