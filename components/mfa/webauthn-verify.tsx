"use client";

import { useWebauthnAssertion } from "./use-webauthn-assertion";

const ENDPOINTS = {
  sign_in: { options: "/api/mfa/verify/webauthn/options", verify: "/api/mfa/verify/webauthn/verify" },
  step_up: { options: "/api/mfa/step-up/webauthn/options", verify: "/api/mfa/step-up/webauthn/verify" },
} as const;

/** Second factor with a security key or passkey, at sign-in or for step-up. */
export function WebauthnVerifyButton({ purpose, next }: { purpose: "sign_in" | "step_up"; next: string }) {
  const { busy, error, run: verify } = useWebauthnAssertion(ENDPOINTS[purpose], next);

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
