import type { Metadata } from "next";
import Link from "next/link";
import { UtcTime } from "@/components/admin/utc-time";
import { AuditResult } from "@/components/audit/audit-result";
import { DataTable } from "@/components/data-table";
import { listMyActivity, MY_ACTIVITY_DAYS, summarizeDevices, type DeviceSummary, type MyActivityItem } from "@/lib/audit";
import { describeDevice } from "@/lib/auth";
import { requirePageSession } from "@/lib/gate";
import { ScrollRegion } from "@/components/scroll-region";

export const metadata: Metadata = { title: "Your activity" };

const SIGN_IN_ACTIONS = new Set(["auth.sign_in", "auth.sign_in_failed"]);

function ActivityTable({ caption, items, testId }: { caption: string; items: MyActivityItem[]; testId: string }) {
  if (items.length === 0) return <p className="mb-6 text-sm text-slate-600">Nothing in the last {MY_ACTIVITY_DAYS} days.</p>;
  return (
    <ScrollRegion label={caption} className="mb-8">
      <DataTable
        caption={caption}
        rows={items}
        rowKey={(i) => i.id}
        rowTestId={testId}
        columns={[
          { header: "Time", className: "whitespace-nowrap", cell: (i) => <UtcTime date={i.createdAt} /> },
          { header: "What", rowHeader: true, cell: (i) => i.description },
          { header: "Device", cell: (i) => describeDevice(i.userAgent) },
          { header: "IP address", className: "font-mono text-xs", cell: (i) => i.ip ?? "unknown" },
          { header: "Organization", cell: (i) => i.organizationName ?? "—" },
          { header: "Result", cell: (i) => <AuditResult result={i.result} /> },
        ]}
      />
    </ScrollRegion>
  );
}

function DeviceTable({ devices }: { devices: DeviceSummary[] }) {
  if (devices.length === 0) return <p className="mb-6 text-sm text-slate-600">No sign-ins in the last {MY_ACTIVITY_DAYS} days.</p>;
  return (
    <ScrollRegion label="Devices and addresses you signed in from" className="mb-8">
      <DataTable
        caption="Devices and addresses you signed in from"
        rows={devices}
        rowKey={(d) => `${d.device}|${d.ip ?? ""}`}
        rowTestId="activity-device"
        columns={[
          { header: "Device", rowHeader: true, cell: (d) => d.device },
          { header: "IP address", className: "font-mono text-xs", cell: (d) => d.ip ?? "unknown" },
          { header: "Last sign-in", className: "whitespace-nowrap", cell: (d) => <UtcTime date={d.lastSeen} /> },
          { header: "Sign-ins", cell: (d) => d.signIns },
        ]}
      />
    </ScrollRegion>
  );
}

export default async function ActivityPage() {
  const { session: ctx, db } = await requirePageSession();
  const items = await listMyActivity(db, ctx.user.id);
  const signIns = items.filter((i) => SIGN_IN_ACTIONS.has(i.action));
  const other = items.filter((i) => !SIGN_IN_ACTIONS.has(i.action));
  return (
    <section aria-labelledby="activity-title">
      <h1 id="activity-title" className="mb-2 text-2xl font-semibold">
        Your activity
      </h1>
      <p className="mb-6 max-w-2xl text-sm text-slate-600">
        Sign-ins to your account, two-step verification and session events from the last {MY_ACTIVITY_DAYS} days, newest first, in UTC. If you see something you do not
        recognise, change your password and{" "}
        <Link href="/settings/sessions" className="text-blue-700 underline">
          sign out the sessions you do not know
        </Link>
        .
      </p>
      <h2 className="mb-2 text-lg font-medium">Devices and addresses</h2>
      <DeviceTable devices={summarizeDevices(items, describeDevice)} />
      <h2 className="mb-2 text-lg font-medium">Sign-ins</h2>
      <ActivityTable caption="Recent sign-ins" items={signIns} testId="activity-sign-in" />
      <h2 className="mb-2 text-lg font-medium">Security events</h2>
      <ActivityTable caption="Two-step verification and session events" items={other} testId="activity-event" />
    </section>
  );
}
