"use client";

import { useActionState } from "react";
import { verifyRecoveryCodeSignInAction, verifyRecoveryCodeStepUpAction } from "./actions";
import { Field, FormMessage, SubmitButton } from "@/components/form";

/** One of the ten recovery codes instead of the usual factor; each works once and the user is e-mailed. */
export function RecoveryCodeForm({ purpose, next }: { purpose: "sign_in" | "step_up"; next: string }) {
  const [state, action] = useActionState(purpose === "sign_in" ? verifyRecoveryCodeSignInAction : verifyRecoveryCodeStepUpAction, undefined);
  return (
    <form action={action} aria-label="Verify with a recovery code" className="mt-4">
      <FormMessage state={state} />
      <input type="hidden" name="next" value={next} />
      <Field
        name="recoveryCode"
        label="Recovery code"
        autoComplete="off"
        required
        maxLength={64}
        state={state}
        hint="One of the codes you saved when you set up two-step verification, like k7dq-2mxp-9rtv. Each code works once."
      />
      <SubmitButton variant="secondary">Use recovery code</SubmitButton>
    </form>
  );
}
