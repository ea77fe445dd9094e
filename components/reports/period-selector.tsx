import Link from "next/link";

/**
 * The dashboard's period as links (?period=N), so the choice is in the URL, works without
 * JavaScript and is announced as the current page. None is current when the dates were typed.
 */
export function PeriodSelector({ periods, current, hrefFor }: { periods: readonly number[]; current: number | null; hrefFor: (months: number) => string }) {
  return (
    <nav aria-label="Period" className="flex flex-wrap items-center gap-2 text-sm">
      <span className="text-slate-700">Show the last</span>
      {periods.map((m) => (
        <Link
          key={m}
          href={hrefFor(m)}
          aria-current={m === current ? "page" : undefined}
          className={`rounded-md border px-3 py-1 ${m === current ? "border-blue-800 bg-blue-800 font-semibold text-white" : "border-slate-300 bg-white text-slate-800 hover:bg-slate-100"}`}
        >
          {m} months
        </Link>
      ))}
      {current === null ? <span className="text-slate-700">(showing the dates chosen below)</span> : null}
    </nav>
  );
}
