import type { Metadata } from "next";
import Link from "next/link";
import { UtcTime } from "@/components/admin/utc-time";
import { AuditResult } from "@/components/audit/audit-result";
import { listMyActivity, MY_ACTIVITY_DAYS, summarizeDevices, type DeviceSummary, type MyActivityItem } from "@/lib/audit";
import { describeDevice } from "@/lib/auth";
import { requirePageSession } from "@/lib/gate";

export const metadata: Metadata = { title: "Your activity" };

const SIGN_IN_ACTIONS = new Set(["auth.sign_in", "auth.sign_in_failed"]);

function ActivityTable({ caption, items, testId }: { caption: string; items: MyActivityItem[]; testId: string }) {
  if (items.length === 0) return <p className="mb-6 text-sm text-slate-600">Nothing in the last {MY_ACTIVITY_DAYS} days.</p>;
  return (
    <div className="mb-8 overflow-x-auto">
      <table className="w-full border-collapse bg-white text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr className="border-b text-left">
            <th scope="col" className="p-2">Time</th>
            <th scope="col" className="p-2">What</th>
            <th scope="col" className="p-2">Device</th>
            <th scope="col" className="p-2">IP address</th>
            <th scope="col" className="p-2">Organization</th>
            <th scope="col" className="p-2">Result</th>
          </tr>
        </thead>
        <tbody>
          {items.map((i) => (
            <tr key={i.id} className="border-b" data-testid={testId}>
              <td className="p-2 whitespace-nowrap">
                <UtcTime date={i.createdAt} />
              </td>
              <th scope="row" className="p-2 text-left font-normal">
                {i.description}
              </th>
              <td className="p-2">{describeDevice(i.userAgent)}</td>
              <td className="p-2 font-mono text-xs">{i.ip ?? "unknown"}</td>
              <td className="p-2">{i.organizationName ?? "—"}</td>
              <td className="p-2">
                <AuditResult result={i.result} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function DeviceTable({ devices }: { devices: DeviceSummary[] }) {
  if (devices.length === 0) return <p className="mb-6 text-sm text-slate-600">No sign-ins in the last {MY_ACTIVITY_DAYS} days.</p>;
  return (
    <div className="mb-8 overflow-x-auto">
      <table className="w-full border-collapse bg-white text-sm">
        <caption className="sr-only">Devices and addresses you signed in from</caption>
        <thead>
          <tr className="border-b text-left">
            <th scope="col" className="p-2">Device</th>
            <th scope="col" className="p-2">IP address</th>
            <th scope="col" className="p-2">Last sign-in</th>
            <th scope="col" className="p-2">Sign-ins</th>
          </tr>
        </thead>
        <tbody>
          {devices.map((d) => (
            <tr key={`${d.device}|${d.ip ?? ""}`} className="border-b" data-testid="activity-device">
              <th scope="row" className="p-2 text-left font-normal">
                {d.device}
              </th>
              <td className="p-2 font-mono text-xs">{d.ip ?? "unknown"}</td>
              <td className="p-2 whitespace-nowrap">
                <UtcTime date={d.lastSeen} />
              </td>
              <td className="p-2">{d.signIns}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
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
