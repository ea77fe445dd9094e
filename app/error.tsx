"use client";

import Link from "next/link";

/**
 * The last resort for an error no form or page handled. An error from the server reaches the browser
 * without its message (only a digest, the reference in the server log); one raised in the browser
 * keeps its message, and that includes a form the proxy refused (too large, unreadable): Next turns
 * the proxy's plain-text sentence into the error, so the person reads why.
 */
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const message = error.digest
    ? `Something went wrong on our side. Try again later (reference ${error.digest}).`
    : error.message || "Something went wrong. Reload the page and try again.";
  return (
    <main className="mx-auto mt-16 max-w-md rounded-lg border border-slate-200 bg-white p-8 shadow-sm">
      <h1 className="mb-4 text-2xl font-semibold">That did not work</h1>
      <p role="alert" className="text-sm text-slate-700">
        {message}
      </p>
      <div className="mt-6 flex gap-4">
        <button type="button" onClick={reset} className="rounded-md bg-blue-700 px-4 py-2 text-sm font-semibold text-white hover:bg-blue-800">
          Try again
        </button>
        <Link href="/" className="py-2 text-sm text-blue-700 underline">
          ChargeKeep home
        </Link>
      </div>
    </main>
  );
}
