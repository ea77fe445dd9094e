"use client";

import { DATABASE_UNAVAILABLE_DIGEST, DATABASE_UNAVAILABLE_MESSAGE } from "@/db/errors";

/**
 * Any page that fails while rendering. An error boundary cannot set the status (Next answers 500);
 * while the database is known to be down the proxy answers 503 itself (lib/http/unavailable.ts), so
 * this page is what the first requests of an outage see. The digest tells the two cases apart: the
 * gate marks database failures with it (db/errors.ts); the server's message never reaches the browser.
 */
export default function ErrorPage({ error, retry }: { error: unknown; retry: () => void }) {
  const digest = (error as { digest?: unknown } | null)?.digest;
  const unavailable = digest === DATABASE_UNAVAILABLE_DIGEST;
  return (
    <main className="mx-auto mt-16 max-w-md rounded-lg border border-slate-200 bg-white p-8 shadow-sm">
      <h1 className="mb-4 text-2xl font-semibold">{unavailable ? "Temporarily unavailable" : "Something went wrong"}</h1>
      <p className="text-sm text-slate-700">
        {unavailable ? DATABASE_UNAVAILABLE_MESSAGE : "Something went wrong on our side. Try again in a moment."}
      </p>
      {typeof digest === "string" && !unavailable ? <p className="mt-2 text-xs text-slate-500">Reference {digest}</p> : null}
      <button type="button" onClick={retry} className="mt-6 rounded bg-blue-700 px-4 py-2 text-sm font-semibold text-white focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-500 focus-visible:ring-offset-2">
        Try again
      </button>
    </main>
  );
}
