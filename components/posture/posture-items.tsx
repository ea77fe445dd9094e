import Link from "next/link";
import type { ShownItem } from "@/lib/posture";
import { StateBadge } from "./state-badge";

function Fix({ item }: { item: ShownItem }) {
  const fix = item.fix;
  if ("command" in fix) {
    return (
      <p className="text-sm">
        {fix.label}: <code className="rounded bg-slate-100 px-1">{fix.command}</code>
      </p>
    );
  }
  if (!item.mayFix) return <p className="text-sm text-slate-700">{fix.label}: ask an owner (it needs the {fix.permission} permission).</p>;
  return (
    <Link href={fix.href} className="inline-block rounded-md border border-blue-700 px-3 py-1 text-sm font-medium text-blue-800 hover:bg-blue-50 focus-visible:outline-2 focus-visible:outline-offset-2">
      {fix.label}
      <span className="sr-only"> ({item.title})</span>
    </Link>
  );
}

/** The checked items, each with its state, what was found, why it matters, the fix, and its points. */
export function PostureItems({ items, label }: { items: ShownItem[]; label: string }) {
  return (
    <ul aria-label={label} className="grid gap-3">
      {items.map((item) => (
        <li key={item.key} data-testid="posture-item" data-key={item.key} data-state={item.state} className="rounded-lg border border-slate-200 bg-white p-4">
          <div className="flex flex-wrap items-center justify-between gap-2">
            <h3 className="text-base font-semibold">{item.title}</h3>
            <div className="flex items-center gap-3">
              <StateBadge state={item.state} />
              {item.operatorOnly ? (
                <span className="text-xs text-slate-600">Platform item, not scored</span>
              ) : (
                <span className="text-xs text-slate-700">
                  {item.points} of {item.weight} points
                </span>
              )}
            </div>
          </div>
          <p className="mt-2 text-sm">{item.finding}</p>
          <p className="mt-1 text-sm text-slate-600">
            <span className="font-medium">Why it matters:</span> {item.why}
          </p>
          <div className="mt-3">
            <Fix item={item} />
          </div>
        </li>
      ))}
    </ul>
  );
}
