"use client";

import { useState } from "react";

/**
 * Starts SSO with a POST to the route handler (Auth.js needs the request; server actions get none),
 * then follows the identity provider's address it answers with.
 */
export function SsoStartForm({ organizationId, email }: { organizationId?: string; email?: string }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function start(form: FormData) {
    setBusy(true);
    setError(null);
    const body = organizationId ? { organizationId } : { email: String(form.get("email") ?? "") };
    const res = await fetch("/api/auth/sso/start", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const json = (await res.json().catch(() => ({}))) as { redirect?: string; error?: { message?: string } };
    if (res.ok && json.redirect) {
      window.location.assign(json.redirect);
      return;
    }
    setBusy(false);
    setError(json.error?.message ?? "Single sign-on could not start. Try again.");
  }
  return (
    <form action={start} noValidate>
      {error ? (
        <p role="alert" id="sso-error" className="mb-4 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {error}
        </p>
      ) : null}
      {organizationId ? (
        <p className="mb-4 text-sm text-slate-700">Your organization signs in with its own identity provider.</p>
      ) : (
        <>
          <label htmlFor="sso-email" className="mb-1 block text-sm font-medium">
            Work e-mail
          </label>
          <input id="sso-email" name="email" type="email" autoComplete="username" required defaultValue={email} aria-describedby={error ? "sso-error" : undefined} className="mb-4 w-full rounded-md border border-slate-300 px-3 py-2" />
        </>
      )}
      <button type="submit" disabled={busy} className="w-full rounded-md bg-blue-700 px-4 py-2 font-medium text-white hover:bg-blue-800 disabled:opacity-60">
        {busy ? "Going to your identity provider…" : "Continue with SSO"}
      </button>
    </form>
  );
}
