"use client";

import { useActionState, useEffect, useRef, useState } from "react";
import { FormMessage, SubmitButton } from "@/components/form";
import { RefreshOn } from "@/components/refresh-on";
import { usePoll } from "@/components/use-poll";
import { startBackupAction } from "./actions";

/** A running run as the page and the progress route give it (lib/backup's progressView): the step in words and its numbers. */
export type RunView = { id: string; kind: string; step: string; text: string; done: number | null; total: number | null };

/** After "Back up now" the job may wait for a worker: poll this long for its run to appear. */
const START_WAIT_MS = 60_000;
const KIND: Record<string, string> = { backup: "Backup", verify: "Test restore", prune: "Pruning", check: "Copy check", restore: "Restore" };

/**
 * "Back up now" and the progress of whatever backup run is running (the schedule's too): polls the
 * operators' progress route while a run runs, and re-reads the page once it ends so the history
 * shows the outcome. The live region names the step only (it changes a few times per run); the
 * byte and row counts tick beside it without being announced.
 */
export function BackupNow({ initial }: { initial: RunView[] }) {
  const [refreshes, setRefreshes] = useState(0);
  const [state, action] = useActionState(startBackupAction, undefined);
  const [runs, setRuns] = useState(initial);
  const [finished, setFinished] = useState(false);
  /** A run was seen running: an empty answer then means it ended (not that the job has yet to start). */
  const seenRun = useRef(initial.length > 0);
  const active = runs.length > 0 || Boolean(state?.ok);

  // The scheduled job is several runs back to back (backup, test restore, prune, copy check): one
  // empty answer may fall between two of them, so the end is two empty answers in a row.
  const empty = useRef(0);
  useEffect(() => {
    empty.current = 0;
    // After a press, an earlier run's end does not count: wait for this job's first run.
    if (state?.ok) seenRun.current = false;
  }, [active, state]);
  usePoll<{ runs: RunView[] }>(
    "/api/admin/backups/progress",
    active,
    ({ runs: next }, elapsedMs) => {
      if (next.length > 0) {
        seenRun.current = true;
        empty.current = 0;
        setRuns(next);
      } else if (seenRun.current) {
        if (++empty.current >= 2) {
          setRuns(next);
          setFinished(true);
          setRefreshes((n) => n + 1);
          return false;
        }
      } else if (elapsedMs > START_WAIT_MS) return false;
      return true;
    },
    state,
  );

  const headline = runs.length
    ? runs.map((r) => `${KIND[r.kind] ?? r.kind}: ${r.step}.`).join(" ")
    : finished
      ? "The backup run finished: its result is in the history below."
      : state?.ok
        ? "Waiting for the backup job to start…"
        : "";
  return (
    <div className="mt-6 rounded-md border border-slate-200 p-4" data-testid="backup-progress">
      <RefreshOn count={refreshes} />
      <form action={action} className="flex flex-wrap items-center gap-3">
        <SubmitButton variant="secondary">Back up now</SubmitButton>
        <p className="text-sm text-slate-600">Runs the scheduled job now: backup, test restore, pruning and a check of every copy.</p>
      </form>
      <FormMessage state={state} />
      <p role="status" aria-live="polite" className="mt-2 text-sm font-medium" data-testid="backup-progress-status">
        {headline}
      </p>
      {runs.map((r) => (
        <div key={r.id} className="mt-2 text-sm">
          <p className="tabular-nums text-slate-700" data-testid="backup-progress-run">
            {KIND[r.kind] ?? r.kind}: {r.text}
          </p>
          {r.total ? (
            <progress className="mt-1 h-2 w-full" max={r.total} value={r.done ?? 0} aria-label={`${KIND[r.kind] ?? r.kind} progress`}>
              {r.text}
            </progress>
          ) : (
            <progress className="mt-1 h-2 w-full" aria-label={`${KIND[r.kind] ?? r.kind} progress`} />
          )}
        </div>
      ))}
    </div>
  );
}
