"use client";

import { useActionState, useState } from "react";
import { regenerateRecoveryCodesAction } from "./recovery-actions";
import { ConfirmCheckbox } from "@/components/admin/confirm-checkbox";
import { FormMessage, SubmitButton } from "@/components/form";
import { RecoveryCodesList } from "@/components/mfa/recovery-codes-list";
import type { RecoveryCodesState } from "@/components/mfa/recovery-codes-state";

/** How many recovery codes are left, and a fresh set on request (shown once, here). */
export function RecoveryCodesPanel({ left, total, enrolled }: { left: number; total: number; enrolled: boolean }) {
  const [state, regenerate] = useActionState(regenerateRecoveryCodesAction, undefined);
  const codes = (state as RecoveryCodesState | undefined)?.recoveryCodes;
  const [savedCodes, setSavedCodes] = useState<string[] | undefined>(undefined);

  if (!enrolled && left === 0) {
    return <p className="text-sm text-slate-700">You get ten recovery codes when you set up your first second factor.</p>;
  }
  return (
    <div>
      <p className="mb-3 text-sm text-slate-800" data-testid="recovery-codes-left">
        {left === 1 ? "You have 1 recovery code left" : `You have ${left} of ${total} recovery codes left`}.
        {left <= 3 ? " Generate new ones before you run out." : ""}
      </p>
      {codes && savedCodes !== codes ? <RecoveryCodesList codes={codes} onSaved={() => setSavedCodes(codes)} /> : null}
      <form action={regenerate} aria-label="Generate new recovery codes" className="mt-4">
        <FormMessage state={codes ? undefined : state} />
        <ConfirmCheckbox id="recovery-regenerate-confirm" label="Yes, replace my recovery codes (the old ones stop working)" state={state} />
        <SubmitButton variant="secondary">Generate new recovery codes</SubmitButton>
      </form>
    </div>
  );
}
