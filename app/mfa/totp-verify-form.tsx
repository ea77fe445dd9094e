"use client";

import { useActionState } from "react";
import { verifyTotpSignInAction, verifyTotpStepUpAction } from "./actions";
import { FormMessage, SubmitButton } from "@/components/form";
import { TotpCodeField } from "@/components/mfa/totp-code-field";

/** A code from the authenticator app, at sign-in (MFA-pending session) or for step-up (full session). */
export function TotpVerifyForm({ purpose, next }: { purpose: "sign_in" | "step_up"; next: string }) {
  const [state, action] = useActionState(purpose === "sign_in" ? verifyTotpSignInAction : verifyTotpStepUpAction, undefined);
  return (
    <form action={action} aria-label="Verify with your authenticator app" className="mb-6">
      <FormMessage state={state} />
      <input type="hidden" name="next" value={next} />
      <TotpCodeField state={state} hint="Open your authenticator app and type the 6-digit code it shows for ChargeKeep." />
      <SubmitButton>Verify</SubmitButton>
    </form>
  );
}
