"use client";

import Link from "next/link";
import { DATABASE_UNAVAILABLE_DIGEST, DATABASE_UNAVAILABLE_MESSAGE } from "@/lib/gate/client";

/**
 * The last resort for an error no form or page handled. An error boundary cannot set the status
 * (Next answers 500); while the database is known to be down the proxy answers 503 itself, so the
 * "unavailable" text here is what the first requests of an outage see (the gate marks database
 * failures with a digest, db/errors.ts). Any other server error reaches the browser without its
 * message (only a digest, the reference in the server log); one raised in the browser keeps its
 * message, and that includes a form the proxy refused (too large, unreadable): Next turns the
 * proxy's plain-text sentence into the error, so the person reads why.
 */
export default function ErrorPage({ error, retry }: { error: Error & { digest?: string }; retry: () => void }) {
  const unavailable = error.digest === DATABASE_UNAVAILABLE_DIGEST;
  const message = unavailable
    ? DATABASE_UNAVAILABLE_MESSAGE
    : error.digest
      ? `Something went wrong on our side. Try again later (reference ${error.digest}).`
      : error.message || "Something went wrong. Reload the page and try again.";
  return (
    <main className="mx-auto mt-16 max-w-md rounded-lg border border-slate-200 bg-white p-8 shadow-sm">
      <h1 className="mb-4 text-2xl font-semibold">{unavailable ? "Temporarily unavailable" : "That did not work"}</h1>
      <p role="alert" className="text-sm text-slate-700">
        {message}
      </p>
      <div className="mt-6 flex gap-4">
        <button type="button" onClick={retry} className="rounded-md bg-blue-700 px-4 py-2 text-sm font-semibold text-white hover:bg-blue-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-500 focus-visible:ring-offset-2">
          Try again
        </button>
        <Link href="/" className="py-2 text-sm text-blue-700 underline">
          ChargeKeep home
        </Link>
      </div>
    </main>
  );
}
