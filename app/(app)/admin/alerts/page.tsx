import type { Metadata } from "next";
import { AdminNav } from "@/components/admin/admin-nav";
import { UtcTime } from "@/components/admin/utc-time";
import { DataTable } from "@/components/data-table";
import { AlertsSubnav } from "@/components/alerts/alerts-subnav";
import { SeverityBadge } from "@/components/alerts/severity-badge";
import { listAlerts, type AlertRow } from "@/lib/alerts";
import { requirePagePermission } from "@/lib/gate";
import { can } from "@/lib/rbac";
import { AcknowledgeButton } from "./acknowledge-button";
import { ScrollRegion } from "@/components/scroll-region";

export const metadata: Metadata = { title: "Alerts" };

type Search = Record<string, string | string[] | undefined>;

/**
 * Open and past alerts of the organization. Reading needs audit:read (the alerts summarise the
 * log); acknowledging needs security:manage, because it silences the alert for everyone. An
 * operator may add ?scope=platform to see the platform alerts (5xx, 429, sync failures).
 */
export default async function AlertsPage({ searchParams }: { searchParams: Promise<Search> }) {
  const { session: ctx, db } = await requirePagePermission("audit:read");
  const platform = (await searchParams).scope === "platform" && ctx.user.isOperator;
  const { open, past } = await listAlerts(db, platform ? null : ctx.organization.id);
  const mayAcknowledge = can(ctx, "security:manage");

  return (
    <section aria-labelledby="alerts-title">
      <AdminNav ctx={ctx} current="alerts" />
      <AlertsSubnav ctx={ctx} current="alerts" />
      <h1 id="alerts-title" className="mb-1 text-2xl font-semibold">
        {platform ? "Platform alerts" : "Alerts"}
      </h1>
      <p className="mb-6 text-sm text-slate-600">
        Raised by the rules on the audit log as events happen. Repeats of an open alert are counted on it; acknowledging it closes it, and the next occurrence opens a new one.
      </p>

      <h2 className="mb-2 text-lg font-semibold">Open ({open.length})</h2>
      {open.length === 0 ? <p className="mb-6 text-sm text-slate-600">No open alerts.</p> : <AlertTable caption="Open alerts" rows={open} mayAcknowledge={mayAcknowledge} platform={platform} testId="open-alerts" />}

      <h2 className="mb-2 mt-8 text-lg font-semibold">Acknowledged</h2>
      {past.length === 0 ? <p className="text-sm text-slate-600">None yet.</p> : <AlertTable caption="Past alerts" rows={past} mayAcknowledge={false} platform={platform} testId="past-alerts" />}
    </section>
  );
}

function AlertTable({ caption, rows, mayAcknowledge, platform, testId }: { caption: string; rows: AlertRow[]; mayAcknowledge: boolean; platform: boolean; testId: string }) {
  return (
    <ScrollRegion label={caption} className="mb-6 rounded-md border border-slate-200 bg-white">
      <DataTable
        testId={testId}
        caption={caption}
        rows={rows}
        rowKey={(a) => a.id}
        rowTestId="alert-row"
        columns={[
          { header: "Severity", cell: (a) => <SeverityBadge severity={a.severity} /> },
          {
            header: "Alert",
            cell: (a) => (
              <>
                <p className="font-medium">{a.title}</p>
                <p className="text-slate-700">{a.detail}</p>
                <p className="text-xs text-slate-500">Rule: {a.rule}</p>
              </>
            ),
          },
          { header: "Seen", cell: (a) => `${a.count}×` },
          {
            header: "First / last",
            className: "text-xs",
            cell: (a) => (
              <>
                <UtcTime date={a.firstSeenAt} />
                <br />
                <UtcTime date={a.lastSeenAt} />
                {a.acknowledgedAt ? (
                  <>
                    <br />
                    Acknowledged <UtcTime date={a.acknowledgedAt} />
                  </>
                ) : null}
              </>
            ),
          },
          {
            header: "Action",
            srOnly: true,
            cell: (a) => (mayAcknowledge && a.status === "open" ? <AcknowledgeButton alertId={a.id} title={a.title} platform={platform} /> : null),
          },
        ]}
      />
    </ScrollRegion>
  );
}
