import { UnlockButton } from "@/app/(app)/admin/defense/unlock-button";
import { UtcTime } from "@/components/admin/utc-time";
import type { DefendedAccount } from "@/lib/defense";

/** Shown on the member page when the member's sign-in is locked or suspended after failed attempts (lib/defense). */
/** `state`: the member's lock-out state (lib/defense memberDefenseState), loaded by the page. */
export function UnlockAccountPanel({ state, userId, name }: { state: DefendedAccount | null; userId: string; name: string }) {
  if (!state) return null;
  return (
    <section className="mb-4 rounded-md border border-amber-300 bg-amber-50 p-4" aria-labelledby="unlock-title">
      <h2 id="unlock-title" className="mb-2 text-lg font-medium">
        Sign-in {state.suspendedAt ? "suspended" : "locked"}
      </h2>
      <p className="mb-3 text-sm text-slate-700">
        {state.suspendedAt ? (
          <>
            {name}&apos;s account was suspended at <UtcTime date={state.suspendedAt} /> after repeated failed sign-ins. They were e-mailed an unlock link.
          </>
        ) : (
          <>
            {name}&apos;s account is locked until <UtcTime date={state.lockedUntil} /> after {state.consecutiveFailures} failed sign-ins in a row.
          </>
        )}
      </p>
      <UnlockButton userId={userId} name={name} from="member" />
    </section>
  );
}
