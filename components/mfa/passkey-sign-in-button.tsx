"use client";

import { useWebauthnAssertion } from "./use-webauthn-assertion";

const ENDPOINTS = { options: "/api/auth/passkey/options", verify: "/api/auth/passkey/verify" } as const;

/** Passwordless sign-in: the passkey names the account and verifies the person (PIN or biometrics). */
export function PasskeySignInButton({ next }: { next?: string }) {
  const { busy, error, run: signIn } = useWebauthnAssertion(ENDPOINTS, next);

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
