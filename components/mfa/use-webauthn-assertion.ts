"use client";

import { startAuthentication, type PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/browser";
import { useState } from "react";
import { describeWebauthnError, postJson } from "./webauthn-client";

/**
 * One WebAuthn assertion round trip: fetch options, let the authenticator answer, post the answer,
 * then navigate in full (the session cookie changed, and every server component must see it).
 */
export function useWebauthnAssertion(endpoints: { options: string; verify: string }, next: string | undefined) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function run() {
    setBusy(true);
    setError(null);
    try {
      const { options } = await postJson<{ options: PublicKeyCredentialRequestOptionsJSON }>(endpoints.options);
      const response = await startAuthentication({ optionsJSON: options });
      const done = await postJson<{ redirect: string }>(endpoints.verify, { response, next });
      window.location.assign(done.redirect);
    } catch (e) {
      setError(describeWebauthnError(e));
      setBusy(false);
    }
  }

  return { busy, error, run };
}
