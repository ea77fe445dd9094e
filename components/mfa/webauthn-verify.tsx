"use client";

import { startAuthentication, type PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/browser";
import { useState } from "react";
import { describeWebauthnError, postJson } from "./webauthn-client";

const ENDPOINTS = {
  sign_in: { options: "/api/mfa/verify/webauthn/options", verify: "/api/mfa/verify/webauthn/verify" },
  step_up: { options: "/api/mfa/step-up/webauthn/options", verify: "/api/mfa/step-up/webauthn/verify" },
} as const;

/** Second factor with a security key or passkey, at sign-in or for step-up. */
export function WebauthnVerifyButton({ purpose, next }: { purpose: "sign_in" | "step_up"; next: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function verify() {
    setBusy(true);
    setError(null);
    try {
      const { options } = await postJson<{ options: PublicKeyCredentialRequestOptionsJSON }>(ENDPOINTS[purpose].options);
      const response = await startAuthentication({ optionsJSON: options });
      const done = await postJson<{ redirect: string }>(ENDPOINTS[purpose].verify, { response, next });
      // A full navigation: the session cookie changed, and every server component must see it.
      window.location.assign(done.redirect);
    } catch (e) {
      setError(describeWebauthnError(e));
      setBusy(false);
    }
  }

  return (
    <div className="mb-6">
      {error ? (
        <p role="alert" className="mb-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {error}
        </p>
      ) : null}
      <button
        type="button"
        onClick={verify}
        disabled={busy}
        aria-disabled={busy}
        className="w-full rounded-md bg-blue-700 px-4 py-2 text-sm font-semibold text-white hover:bg-blue-800 disabled:opacity-60"
      >
        {busy ? "Waiting for your key…" : "Use a security key or passkey"}
      </button>
      <p className="mt-2 text-xs text-slate-500">Your browser will ask you to touch your key or confirm with your device.</p>
    </div>
  );
}
