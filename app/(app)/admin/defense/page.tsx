import type { Metadata } from "next";
import Link from "next/link";
import { StatusNote } from "@/components/admin/status-note";
import { UtcTime } from "@/components/admin/utc-time";
import { DataTable } from "@/components/data-table";
import { requirePagePermission } from "@/lib/gate";
import { listBlockedIps, listDefendedMembers } from "@/lib/defense";
import { env } from "@/lib/env";
import { UnlockButton } from "./unlock-button";
import { ScrollRegion } from "@/components/scroll-region";

export const metadata: Metadata = { title: "Sign-in defense" };

export default async function DefensePage({ searchParams }: { searchParams: Promise<{ unlocked?: string }> }) {
  const { session: ctx, db } = await requirePagePermission("members:manage");
  const { unlocked } = await searchParams;
  const [accounts, blocked] = await Promise.all([listDefendedMembers(db, ctx), listBlockedIps(db, ctx)]);
  const { DEFENSE_LOCK_AFTER_FAILURES: lockAfter, DEFENSE_SUSPEND_AFTER_FAILURES: suspendAfter, DEFENSE_IP_FAILURES_PER_HOUR: perHour } = env();

  return (
    <section aria-labelledby="defense-title">
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
        <ScrollRegion label="Members whose sign-in is locked or suspended" className="mb-6">
          <DataTable
            caption="Members whose sign-in is locked or suspended"
            rows={accounts}
            rowKey={(a) => a.userId}
            rowTestId="defended-account"
            columns={[
              {
                header: "Member",
                rowHeader: true,
                cell: (a) => (
                  <>
                    <Link href={`/admin/members/${a.userId}`} className="text-blue-700 underline">
                      {a.name}
                    </Link>
                    <span className="block text-xs text-slate-600">{a.email}</span>
                  </>
                ),
              },
              {
                header: "State",
                cell: (a) =>
                  a.suspendedAt ? (
                    <>
                      Suspended since <UtcTime date={a.suspendedAt} />
                    </>
                  ) : (
                    <>
                      Locked until <UtcTime date={a.lockedUntil} />
                    </>
                  ),
              },
              { header: "Failures in a row", cell: (a) => a.consecutiveFailures },
              { header: "Last failure", cell: (a) => <UtcTime date={a.lastFailureAt} /> },
              { header: "Actions", srOnly: true, cell: (a) => <UnlockButton userId={a.userId} name={a.name} from="defense" /> },
            ]}
          />
        </ScrollRegion>
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
            <DataTable
              caption="Addresses blocked after failed sign-ins"
              rows={blocked}
              rowKey={(b) => b.ip}
              rowTestId="blocked-ip"
              columns={[
                { header: "Address", rowHeader: true, className: "font-mono text-xs", cell: (b) => b.ip },
                { header: "Blocked until", cell: (b) => <UtcTime date={b.blockedUntil} /> },
                { header: "Times blocked", cell: (b) => b.blocks },
              ]}
            />
          )}
        </>
      ) : null}
    </section>
  );
}
