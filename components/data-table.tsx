import type { ReactNode } from "react";

/**
 * One column: its heading (`srOnly` keeps it for screen readers only, e.g. an actions column), how a
 * row's cell reads, and whether the cell names the row (`rowHeader`: a `<th scope="row">`, so a screen
 * reader announces it with every other cell of the row).
 */
export type Column<T> = {
  header: string;
  srOnly?: boolean;
  align?: "left" | "right";
  rowHeader?: boolean;
  /** Extra classes for this column's cells (e.g. "font-mono text-xs"). */
  className?: string;
  /** data-testid on each cell of this column. */
  testId?: string;
  cell: (row: T) => ReactNode;
};

/**
 * The table every admin and report page renders: a caption (visually hidden: the page's heading
 * says it), column headers with scope, one row per item. Styling lives here, once.
 */
export function DataTable<T>({
  caption,
  columns,
  rows,
  rowKey,
  rowTestId,
  id,
  testId,
  className = "",
  visibleCaption = false,
}: {
  caption: string;
  /** Show the caption (e.g. the currency of one of several tables under one heading). */
  visibleCaption?: boolean;
  columns: Column<T>[];
  rows: readonly T[];
  rowKey: (row: T) => string;
  rowTestId?: string;
  id?: string;
  testId?: string;
  className?: string;
}) {
  const alignOf = (c: Column<T>) => (c.align === "right" ? "text-right" : "text-left");
  return (
    <table id={id} data-testid={testId} className={`w-full border-collapse bg-white text-sm ${className}`.trim()}>
      <caption className={visibleCaption ? "text-left text-xs font-semibold text-slate-600" : "sr-only"}>{caption}</caption>
      <thead>
        <tr className="border-b">
          {columns.map((c) => (
            <th key={c.header} scope="col" className={`p-2 ${alignOf(c)}`}>
              {c.srOnly ? <span className="sr-only">{c.header}</span> : c.header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={rowKey(row)} className="border-b align-top" data-testid={rowTestId}>
            {columns.map((c) => {
              const cls = `p-2 ${alignOf(c)} ${c.className ?? ""}`.trim();
              return c.rowHeader ? (
                <th key={c.header} scope="row" className={`${cls} font-normal`} data-testid={c.testId}>
                  {c.cell(row)}
                </th>
              ) : (
                <td key={c.header} className={cls} data-testid={c.testId}>
                  {c.cell(row)}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
