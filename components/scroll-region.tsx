/**
 * A wide table's frame: on a narrow screen it scrolls sideways by itself instead of the whole page.
 * Focusable and named, so a keyboard user can reach it and scroll it with the arrow keys, and a
 * screen reader says what it holds (axe: scrollable-region-focusable).
 */
export function ScrollRegion({ label, className = "", children }: { label: string; className?: string; children: React.ReactNode }) {
  return (
    <div role="region" aria-label={label} tabIndex={0} className={`overflow-x-auto ${className}`.trim()}>
      {children}
    </div>
  );
}
