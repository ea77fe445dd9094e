"use client";

import { useActionState, useEffect, useRef } from "react";
import { FormMessage } from "@/components/form";
import { prepareAuditExportAction } from "./actions";

type Format = "csv" | "jsonl";

const button = "rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-semibold text-slate-800 hover:bg-slate-100 disabled:opacity-60";

/**
 * "Export CSV" / "Export JSON Lines" for the filters on screen. A server action first checks the
 * step-up (and shows "Verify now" when it is due); only then does the browser go to the export
 * route, which answers with a file download, so the page stays where it is.
 */
export function ExportButtons({ query }: { query: string }) {
  const chosen = useRef<Format>("csv");
  const [state, action, pending] = useActionState(prepareAuditExportAction, undefined);

  useEffect(() => {
    if (!state?.ok) return;
    const params = new URLSearchParams(query);
    params.set("format", chosen.current);
    // A link with `download`: the browser saves the streamed file and the page stays as it is.
    const link = document.createElement("a");
    link.href = `/api/audit/export?${params.toString()}`;
    link.download = "";
    link.click();
  }, [state, query]);

  return (
    <form action={action} aria-label="Export the audit log" className="flex flex-col items-end gap-2">
      <FormMessage state={state} />
      <div className="flex gap-2">
        <button type="submit" className={button} disabled={pending} onClick={() => (chosen.current = "csv")}>
          Export CSV
        </button>
        <button type="submit" className={button} disabled={pending} onClick={() => (chosen.current = "jsonl")}>
          Export JSON Lines
        </button>
      </div>
      <p className="text-xs text-slate-500">Exports follow the filters above and are recorded in this log.</p>
    </form>
  );
}
