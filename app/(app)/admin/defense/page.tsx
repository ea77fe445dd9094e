import type { Metadata } from "next";
import Link from "next/link";
import { AdminNav } from "@/components/admin/admin-nav";
import { StatusNote } from "@/components/admin/status-note";
import { UtcTime } from "@/components/admin/utc-time";
import { requirePagePermission } from "@/lib/gate";
import { listBlockedIps, listDefendedMembers } from "@/lib/defense";
import { env } from "@/lib/env";
import { UnlockButton } from "./unlock-button";

export const metadata: Metadata = { title: "Sign-in defense" };

export default async function DefensePage({ searchParams }: { searchParams: Promise<{ unlocked?: string }> }) {
  const { session: ctx, db } = await requirePagePermission("members:manage");
  const { unlocked } = await searchParams;
  const [accounts, blocked] = await Promise.all([listDefendedMembers(db, ctx), listBlockedIps(db, ctx)]);
  const { DEFENSE_LOCK_AFTER_FAILURES: lockAfter, DEFENSE_SUSPEND_AFTER_FAILURES: suspendAfter, DEFENSE_IP_FAILURES_PER_HOUR: perHour } = env();

  return (
    <section aria-labelledby="defense-title">
      <AdminNav ctx={ctx} current="defense" />
      <h1 id="defense-title" className="text-2xl font-semibold">
        Sign-in defense
      </h1>
      <p className="mt-1 mb-6 max-w-3xl text-sm text-slate-600">
        After {lockAfter} failed sign-ins in a row an account is locked for 1 minute, and each further failure locks it twice as long (at most 15
        minutes). After {suspendAfter} failures within 24 hours it is suspended until the member unlocks it with the e-mailed link or you unlock it
        here. Unlocking needs a recent second factor. Times are in UTC.
      </p>

      {unlocked ? <StatusNote>The account is unlocked: the member can sign in again.</StatusNote> : null}
      <h2 className="mb-2 text-lg font-medium">Locked and suspended members</h2>
      {accounts.length === 0 ? (
        <p className="mb-6 text-sm">No member of {ctx.organization.name} is locked or suspended.</p>
      ) : (
        <div className="mb-6 overflow-x-auto">
          <table className="w-full border-collapse bg-white text-sm">
            <caption className="sr-only">Members whose sign-in is locked or suspended</caption>
            <thead>
              <tr className="border-b text-left">
                <th scope="col" className="p-2">Member</th>
                <th scope="col" className="p-2">State</th>
                <th scope="col" className="p-2">Failures in a row</th>
                <th scope="col" className="p-2">Last failure</th>
                <th scope="col" className="p-2">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {accounts.map((a) => (
                <tr key={a.userId} className="border-b align-top" data-testid="defended-account">
                  <th scope="row" className="p-2 text-left font-normal">
                    <Link href={`/admin/members/${a.userId}`} className="text-blue-700 underline">
                      {a.name}
                    </Link>
                    <span className="block text-xs text-slate-600">{a.email}</span>
                  </th>
                  <td className="p-2">
                    {a.suspendedAt ? (
                      <>
                        Suspended since <UtcTime date={a.suspendedAt} />
                      </>
                    ) : (
                      <>
                        Locked until <UtcTime date={a.lockedUntil} />
                      </>
                    )}
                  </td>
                  <td className="p-2">{a.consecutiveFailures}</td>
                  <td className="p-2">
                    <UtcTime date={a.lastFailureAt} />
                  </td>
                  <td className="p-2">
                    <UnlockButton userId={a.userId} name={a.name} from="defense" />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {blocked ? (
        <>
          <h2 className="mb-2 text-lg font-medium">Blocked addresses</h2>
          <p className="mb-3 max-w-3xl text-sm text-slate-600">
            More than {perHour} failed sign-ins from one address within an hour, across all accounts, block it for an hour; each repeat doubles the
            block. Shown to ChargeKeep operators only. The deny rules are in the firewall, where they can be removed early.
          </p>
          {blocked.length === 0 ? (
            <p className="text-sm">No address is blocked.</p>
          ) : (
            <table className="w-full border-collapse bg-white text-sm">
              <caption className="sr-only">Addresses blocked after failed sign-ins</caption>
              <thead>
                <tr className="border-b text-left">
                  <th scope="col" className="p-2">Address</th>
                  <th scope="col" className="p-2">Blocked until</th>
                  <th scope="col" className="p-2">Times blocked</th>
                </tr>
              </thead>
              <tbody>
                {blocked.map((b) => (
                  <tr key={b.ip} className="border-b" data-testid="blocked-ip">
                    <th scope="row" className="p-2 text-left font-mono text-xs font-normal">
                      {b.ip}
                    </th>
                    <td className="p-2">
                      <UtcTime date={b.blockedUntil} />
                    </td>
                    <td className="p-2">{b.blocks}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      ) : null}
    </section>
  );
}
