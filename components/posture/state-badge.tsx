import type { PostureState } from "@/lib/posture";

const LOOK: Record<PostureState, { label: string; className: string; path: string }> = {
  ok: { label: "OK", className: "border-green-700 bg-green-50 text-green-900", path: "M5 10.5l3.5 3.5L15 7" },
  warning: { label: "Warning", className: "border-amber-700 bg-amber-50 text-amber-900", path: "M10 5v6M10 14.5v.5" },
  failing: { label: "Failing", className: "border-red-700 bg-red-50 text-red-900", path: "M6 6l8 8M14 6l-8 8" },
};

/** An item's state as a word and an icon, never by colour alone (WCAG 1.4.1). */
export function StateBadge({ state }: { state: PostureState }) {
  const look = LOOK[state];
  return (
    <span className={`inline-flex items-center gap-1 rounded border px-2 py-0.5 text-xs font-semibold ${look.className}`} data-state={state}>
      <svg width="14" height="14" viewBox="0 0 20 20" aria-hidden="true" focusable="false">
        <circle cx="10" cy="10" r="9" fill="none" stroke="currentColor" strokeWidth="2" />
        <path d={look.path} fill="none" stroke="currentColor" strokeWidth="2.5" strokeLinecap="round" strokeLinejoin="round" />
      </svg>
      {look.label}
    </span>
  );
}
