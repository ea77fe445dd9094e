"use client";

import { useState } from "react";

/** A real round trip through the identity provider; the result comes back to this page. */
export function TestConnectionButton() {
  const [error, setError] = useState<string | null>(null);
  async function run() {
    setError(null);
    const res = await fetch("/api/auth/sso/test", { method: "POST" });
    const json = (await res.json().catch(() => ({}))) as { redirect?: string; error?: { message?: string } };
    if (res.ok && json.redirect) window.location.assign(json.redirect);
    else setError(json.error?.message ?? "The test could not start.");
  }
  return (
    <div>
      <button type="button" onClick={run} className="rounded-md border border-slate-300 px-4 py-2 text-sm font-medium hover:bg-slate-100">
        Test connection
      </button>
      {error ? (
        <p role="alert" className="mt-2 text-sm text-red-800">
          {error}
        </p>
      ) : null}
    </div>
  );
}
