import type { Metadata } from "next";
import Link from "next/link";
import { UtcTime } from "@/components/admin/utc-time";
import { AlertsSubnav } from "@/components/alerts/alerts-subnav";
import { listWebhooks } from "@/lib/alerts";
import { requirePagePermission } from "@/lib/gate";
import { CreateWebhookForm, WebhookControls } from "./webhook-forms";

export const metadata: Metadata = { title: "Webhooks" };

/** Webhooks of the organization (security:manage; adding and removing one also wants a fresh second factor). */
export default async function WebhooksPage() {
  const { session: ctx, db } = await requirePagePermission("security:manage");
  const hooks = await listWebhooks(db, ctx);
  return (
    <section aria-labelledby="webhooks-title">
      <AlertsSubnav ctx={ctx} current="webhooks" />
      <h1 id="webhooks-title" className="mb-1 text-2xl font-semibold">
        Webhooks
      </h1>
      <p className="mb-6 text-sm text-slate-600">
        Alerts and, optionally, every audit event are POSTed as JSON, signed with HMAC-SHA256 in the ChargeKeep-Signature header (t=timestamp,v1=signature over
        &quot;timestamp.body&quot;). Failed deliveries are retried with increasing delays for several hours.
      </p>
      {hooks.length === 0 ? <p className="mb-6 text-sm text-slate-600">No webhooks yet.</p> : null}
      <ul className="mb-8 divide-y rounded-md border border-slate-200 bg-white empty:hidden">
        {hooks.map((h) => (
          <li key={h.id} className="p-4 text-sm" data-testid="webhook-row">
            <p className="font-mono">{h.url}</p>
            <p className="text-slate-600">
              Sends {h.kinds.map((k) => (k === "alerts" ? "alerts" : "the audit stream")).join(" and ")} · added <UtcTime date={h.createdAt} /> · {h.delivered} delivered, {h.pending} pending, {h.failed} failed
            </p>
            <p className="mb-3">
              <Link className="text-blue-700 underline" href={`/admin/webhooks/${h.id}`}>
                Delivery history
              </Link>
            </p>
            <WebhookControls webhookId={h.id} label={h.url} />
          </li>
        ))}
      </ul>
      <CreateWebhookForm />
    </section>
  );
}
