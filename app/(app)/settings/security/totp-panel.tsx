"use client";

import { useActionState, useState } from "react";
import { cancelTotpSetupAction, confirmTotpSetupAction, removeTotpAction, startTotpSetupAction } from "./totp-actions";
import { ConfirmCheckbox } from "@/components/admin/confirm-checkbox";
import { UtcTime } from "@/components/admin/utc-time";
import { FormMessage, SubmitButton } from "@/components/form";
import { RecoveryCodesList } from "@/components/mfa/recovery-codes-list";
import type { RecoveryCodesState } from "@/components/mfa/recovery-codes-state";
import { TotpCodeField } from "@/components/mfa/totp-code-field";

export type TotpPanelStatus =
  | { state: "off" }
  | { state: "pending"; secret: string; qrDataUri: string }
  | { state: "on"; confirmedAt: string; lastUsedAt: string | null };

/** "ABCD EFGH ...": easier to type from the screen; apps ignore the spaces. */
const grouped = (secret: string) => secret.match(/.{1,4}/g)?.join(" ") ?? secret;

/**
 * The authenticator-app part of the security page. It stays mounted while the server re-renders
 * the page after each step, so the recovery codes returned by "Turn on" survive the refresh that
 * switches the panel to "on".
 */
export function TotpPanel({ status }: { status: TotpPanelStatus }) {
  const [startState, start] = useActionState(startTotpSetupAction, undefined);
  const [confirmState, confirm] = useActionState(confirmTotpSetupAction, undefined);
  const [, cancel] = useActionState(cancelTotpSetupAction, undefined);
  const [removeState, remove] = useActionState(removeTotpAction, undefined);
  const codes = (confirmState as RecoveryCodesState | undefined)?.recoveryCodes;
  const [savedCodes, setSavedCodes] = useState<string[] | undefined>(undefined);

  if (status.state === "on") {
    return (
      <div>
        <p className="mb-3 text-sm text-slate-800">
          <strong className="text-green-800">Authenticator app is on</strong> (added <UtcTime date={status.confirmedAt} />, last used{" "}
          <UtcTime date={status.lastUsedAt} />
          ). You are asked for a code from it when you sign in.
        </p>
        {codes && savedCodes !== codes ? <RecoveryCodesList codes={codes} onSaved={() => setSavedCodes(codes)} /> : null}
        <form action={remove} aria-label="Remove authenticator app" className="mt-4 border-t border-slate-200 pt-4">
          <FormMessage state={removeState?.ok ? undefined : removeState} />
          <ConfirmCheckbox id="totp-remove-confirm" label="Yes, remove my authenticator app" state={removeState} />
          <SubmitButton variant="danger">Remove authenticator app</SubmitButton>
        </form>
      </div>
    );
  }

  if (status.state === "pending") {
    return (
      <div>
        <ol className="mb-4 list-decimal space-y-3 pl-5 text-sm text-slate-800">
          <li>
            Scan this QR code with your authenticator app (for example Google Authenticator, Microsoft Authenticator, 1Password or Aegis).
            {/* A data: URI of an SVG made on the server: next/image adds nothing here. */}
            {/* eslint-disable-next-line @next/next/no-img-element */}
            <img src={status.qrDataUri} alt="QR code for your authenticator app" width={176} height={176} className="mt-2 h-44 w-44 border border-slate-200 bg-white" />
          </li>
          <li>
            Or enter this key by hand:{" "}
            <code data-testid="totp-secret" className="rounded bg-slate-100 px-2 py-1 font-mono text-sm tracking-wide">
              {grouped(status.secret)}
            </code>
          </li>
          <li>Type the 6-digit code the app shows, to prove it works.</li>
        </ol>
        <form action={confirm} aria-label="Turn on authenticator app">
          <FormMessage state={confirmState} />
          <TotpCodeField state={confirmState} />
          <SubmitButton>Turn on</SubmitButton>
        </form>
        <form action={cancel} className="mt-3">
          <SubmitButton variant="secondary">Cancel setup</SubmitButton>
        </form>
      </div>
    );
  }

  return (
    <div>
      {removeState?.ok ? <FormMessage state={removeState} /> : null}
      <FormMessage state={startState} />
      <p className="mb-3 text-sm text-slate-700">Use an app on your phone that shows a new 6-digit code every 30 seconds.</p>
      <form action={start}>
        <SubmitButton>Set up authenticator app</SubmitButton>
      </form>
    </div>
  );
}
