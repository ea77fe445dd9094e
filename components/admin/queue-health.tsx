import type { QueueHealth } from "@/lib/jobs";

function age(seconds: number | null): string {
  if (seconds === null) return "–";
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.floor(seconds / 60)} min`;
  return `${Math.floor(seconds / 3600)} h`;
}

/** Background job queues (pg-boss) for the operators: a growing oldest wait means too few workers or a stuck one. */
export function QueueHealthTable({ queues }: { queues: QueueHealth[] }) {
  const stuck = queues.filter((q) => (q.oldestWaitingSeconds ?? 0) > 600);
  return (
    <section aria-labelledby="queues-title" className="mt-8">
      <h2 id="queues-title" className="text-lg font-semibold">
        Background jobs
      </h2>
      <p className="mt-1 max-w-2xl text-sm text-slate-600">
        Backups, bank syncs, webhook delivery and alerts run as jobs on the app&apos;s PostgreSQL database, worked by every instance that runs workers.
      </p>
      {stuck.length ? (
        <p role="alert" className="mt-3 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
          Jobs have waited over 10 minutes in {stuck.map((q) => q.queue).join(", ")}: check that a worker is running.
        </p>
      ) : null}
      {queues.length === 0 ? (
        <p className="mt-3 text-sm text-slate-600">No job has been queued yet.</p>
      ) : (
        <table className="mt-3 w-full max-w-3xl text-left text-sm">
          <thead>
            <tr className="border-b border-slate-200 text-slate-600">
              <th scope="col" className="py-2 pr-4 font-medium">Queue</th>
              <th scope="col" className="py-2 pr-4 font-medium">Waiting</th>
              <th scope="col" className="py-2 pr-4 font-medium">Active</th>
              <th scope="col" className="py-2 pr-4 font-medium">Failed</th>
              <th scope="col" className="py-2 pr-4 font-medium">Oldest waiting</th>
            </tr>
          </thead>
          <tbody>
            {queues.map((q) => (
              <tr key={q.queue} className="border-b border-slate-100">
                <th scope="row" className="py-2 pr-4 font-medium">{q.queue}</th>
                <td className="py-2 pr-4">{q.waiting}</td>
                <td className="py-2 pr-4">{q.active}</td>
                <td className={`py-2 pr-4 ${q.failed ? "text-red-800" : ""}`}>{q.failed}</td>
                <td className="py-2 pr-4">{age(q.oldestWaitingSeconds)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
