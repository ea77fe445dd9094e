/**
 * The horizontal scroller around a wide table. On a narrow screen the table scrolls sideways; a
 * table without links or buttons gives the keyboard nothing to land on, so the scroller itself takes
 * focus (arrow keys then scroll it) and is named after the table (axe: scrollable-region-focusable).
 */
export function ScrollRegion({ label, className = "", children }: { label: string; className?: string; children: React.ReactNode }) {
  return (
    <div role="region" aria-label={label} tabIndex={0} className={`overflow-x-auto ${className}`.trim()}>
      {children}
    </div>
  );
}
