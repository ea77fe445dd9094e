"use client";

import { useId, useState } from "react";

/**
 * Freshly made recovery codes, shown this once (the server keeps only their hashes). The person
 * confirms they saved them, which hides them from the page.
 */
export function RecoveryCodesList({ codes, onSaved }: { codes: string[]; onSaved: () => void }) {
  const titleId = useId();
  const [copied, setCopied] = useState<"" | "yes" | "no">("");
  const copy = () => {
    navigator.clipboard.writeText(codes.join("\n")).then(
      () => setCopied("yes"),
      () => setCopied("no"),
    );
  };
  return (
    <section aria-labelledby={titleId} className="mt-4 rounded-md border border-amber-300 bg-amber-50 p-4">
      <h3 id={titleId} className="mb-1 font-semibold text-amber-950">
        Save your recovery codes
      </h3>
      <p className="mb-3 text-sm text-amber-950">
        If you lose your authenticator app or security key, each of these codes lets you sign in once. Keep them somewhere safe, such as a password
        manager. They are shown only now.
      </p>
      <ol className="mb-4 grid grid-cols-2 gap-x-6 gap-y-1 font-mono text-base sm:w-96">
        {codes.map((code) => (
          <li key={code} data-testid="recovery-code">
            {code}
          </li>
        ))}
      </ol>
      <div className="flex flex-wrap items-center gap-3">
        <button type="button" onClick={copy} className="rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-semibold text-slate-800 hover:bg-slate-100">
          Copy codes
        </button>
        <button type="button" onClick={onSaved} className="rounded-md bg-blue-700 px-4 py-2 text-sm font-semibold text-white hover:bg-blue-800">
          I have saved these codes
        </button>
        <span role="status" className="text-sm text-slate-700">
          {copied === "yes" ? "Copied." : copied === "no" ? "Copying failed: select the codes and copy them yourself." : ""}
        </span>
      </div>
    </section>
  );
}
