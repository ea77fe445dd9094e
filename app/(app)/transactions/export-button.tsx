"use client";

import { useActionState, useEffect } from "react";
import { FormMessage } from "@/components/form";
import { prepareTransactionsExportAction } from "./actions";

/**
 * "Export CSV" for the filters on screen. A server action first checks the step-up (and shows
 * "Verify now" when it is due); only then does the browser follow the export link, which answers
 * with a file download, so the page stays where it is.
 */
export function ExportButton({ query }: { query: string }) {
  const [state, action, pending] = useActionState(prepareTransactionsExportAction, undefined);

  useEffect(() => {
    if (!state?.ok) return;
    const link = document.createElement("a");
    link.href = `/api/reports/transactions.csv${query ? `?${query}` : ""}`;
    link.download = "";
    link.click();
  }, [state, query]);

  return (
    <form action={action} aria-label="Export transactions" className="flex flex-col items-end gap-2">
      <FormMessage state={state} />
      <button type="submit" disabled={pending} className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-semibold text-slate-800 hover:bg-slate-100 disabled:opacity-60">
        Export CSV
      </button>
      <p className="text-xs text-slate-500">The file follows the filters below; exports are recorded in the audit log.</p>
    </form>
  );
}
