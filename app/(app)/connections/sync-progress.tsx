"use client";

import { useRef, useState } from "react";
import { RefreshOn } from "@/components/refresh-on";
import { usePoll } from "@/components/use-poll";

/** What the page hands over and the progress route answers (dates as text, only what is shown). */
export type ProgressView = {
  connectionStatus: string;
  run: { status: string; accountsTotal: number | null; accountsDone: number; transactions: number } | null;
};

/** A connection whose first run never starts (no worker picked it up) is not polled for ever. */
const NO_RUN_GIVE_UP_MS = 60_000;
const WAITING_STATES = new Set(["pending", "active", "syncing"]);

const count = (n: number) => n.toLocaleString("en-US");
/** Accounts read, or -1 before the bank listed them: a change means the accounts table has news. */
const accountsDoneOf = (p: ProgressView) => (p.run && p.run.accountsTotal !== null ? p.run.accountsDone : -1);

function isRunning(p: ProgressView, waitingForRun: boolean): boolean {
  if (p.run) return p.run.status === "running";
  return waitingForRun && WAITING_STATES.has(p.connectionStatus);
}

/** One sentence for the live region: it changes when an account is done or the run ends, not with every page. */
function headline(p: ProgressView): string {
  const run = p.run;
  if (!run) return "Starting the sync…";
  const accounts = run.accountsTotal === null ? "Listing the accounts at the bank…" : `${run.accountsDone} of ${run.accountsTotal} accounts read.`;
  if (run.status === "running") return `Syncing: ${accounts}`;
  if (run.status === "succeeded") return `Sync finished: ${run.accountsTotal ?? run.accountsDone} accounts, ${count(run.transactions)} transactions stored.`;
  if (run.status === "reauth_required") return `The bank asks you to sign in again: ${count(run.transactions)} transactions were stored before it stopped.`;
  return `The sync stopped (${run.status}) after storing ${count(run.transactions)} transactions. It is retried automatically.`;
}

/**
 * The first (or any running) sync's progress on the connection page: polls the gated progress
 * route while the run is running and stops when it ends. The page itself is re-read (router.refresh)
 * when accounts are listed or finished and when the run ends, so the accounts table fills in
 * without a reload. Transaction counts tick outside the live region so a screen reader is not
 * interrupted every two seconds.
 */
export function SyncProgress({ connectionId, initial, waitingForRun }: { connectionId: string; initial: ProgressView; waitingForRun: boolean }) {
  const [refreshes, setRefreshes] = useState(0);
  const [progress, setProgress] = useState(initial);
  const [shown] = useState(() => isRunning(initial, waitingForRun));
  const seenDone = useRef(accountsDoneOf(initial));
  const running = isRunning(progress, waitingForRun);

  usePoll<ProgressView>(`/api/connections/${connectionId}/progress`, running, (next, elapsedMs) => {
    if (!next.run && elapsedMs > NO_RUN_GIVE_UP_MS) return false;
    const done = accountsDoneOf(next);
    const ended = !isRunning(next, true);
    if (done !== seenDone.current || ended) setRefreshes((n) => n + 1); // accounts (and balances) appear as they are read
    seenDone.current = done;
    setProgress(next);
    return !ended;
  });

  if (!shown) return null;
  const run = progress.run;
  return (
    <div className="mb-4 rounded-md border border-blue-200 bg-blue-50 p-3 text-sm text-slate-800" data-testid="sync-progress">
      <RefreshOn count={refreshes} />
      <p role="status" aria-live="polite" className="font-medium" data-testid="sync-progress-status">
        {headline(progress)}
      </p>
      {running ? (
        run?.accountsTotal ? (
          <progress className="mt-2 h-2 w-full" max={run.accountsTotal} value={run.accountsDone} aria-label="Accounts read">
            {run.accountsDone} of {run.accountsTotal} accounts read
          </progress>
        ) : (
          <progress className="mt-2 h-2 w-full" aria-label="Sync progress" />
        )
      ) : null}
      {run ? (
        <p className="mt-1 tabular-nums text-slate-700" data-testid="sync-progress-counts">
          {count(run.transactions)} transactions stored{running ? " so far" : ""}{run.accountsTotal !== null ? `, ${run.accountsDone} of ${run.accountsTotal} accounts read` : ""}.
        </p>
      ) : null}
    </div>
  );
}
