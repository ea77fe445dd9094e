"use client";

import { startAuthentication, type PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/browser";
import { useState } from "react";
import { describeWebauthnError, postJson } from "./webauthn-client";

/** Passwordless sign-in: the passkey names the account and verifies the person (PIN or biometrics). */
export function PasskeySignInButton({ next }: { next?: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function signIn() {
    setBusy(true);
    setError(null);
    try {
      const { options } = await postJson<{ options: PublicKeyCredentialRequestOptionsJSON }>("/api/auth/passkey/options");
      const response = await startAuthentication({ optionsJSON: options });
      const done = await postJson<{ redirect: string }>("/api/auth/passkey/verify", { response, next });
      window.location.assign(done.redirect);
    } catch (e) {
      setError(describeWebauthnError(e));
      setBusy(false);
    }
  }

  return (
    <div className="mt-6 border-t border-slate-200 pt-6">
      {error ? (
        <p role="alert" className="mb-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {error}
        </p>
      ) : null}
      <button
        type="button"
        onClick={signIn}
        disabled={busy}
        aria-disabled={busy}
        className="w-full rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-semibold text-slate-800 hover:bg-slate-100 disabled:opacity-60"
      >
        {busy ? "Waiting for your passkey…" : "Sign in with a passkey"}
      </button>
    </div>
  );
}
