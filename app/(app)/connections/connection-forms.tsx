"use client";

import { useActionState } from "react";
import { ConfirmCheckbox } from "@/components/admin/confirm-checkbox";
import { FormMessage, SubmitButton } from "@/components/form";
import { connectBankAction, disconnectConnectionAction, reauthorizeConnectionAction, syncConnectionAction } from "./actions";

export function ConnectBankForm({ institutions }: { institutions: { id: string; name: string }[] }) {
  const [state, action] = useActionState(connectBankAction, undefined);
  const error = state?.fieldErrors?.institutionId;
  return (
    <form action={action} noValidate className="rounded-md border border-slate-200 bg-white p-4" aria-labelledby="connect-title">
      <h2 id="connect-title" className="mb-1 text-lg font-semibold">
        Connect a bank
      </h2>
      <p className="mb-3 text-sm text-slate-600">
        You sign in at your bank&apos;s own page and choose which accounts ChargeKeep may read, and for how long. ChargeKeep never sees your bank password and can
        only read.
      </p>
      <FormMessage state={state} />
      {institutions.length === 0 ? (
        <p className="text-sm text-slate-600">No bank is configured yet. An operator adds one with npm run institutions:add.</p>
      ) : (
        <>
          <div className="mb-4">
            <label htmlFor="institutionId" className="block text-sm font-medium text-slate-800">
              Bank
            </label>
            <select
              id="institutionId"
              name="institutionId"
              defaultValue={state?.values?.institutionId ?? ""}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? "institutionId-error" : undefined}
              className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-blue-600"
            >
              <option value="">Choose a bank…</option>
              {institutions.map((i) => (
                <option key={i.id} value={i.id}>
                  {i.name}
                </option>
              ))}
            </select>
            {error ? (
              <p id="institutionId-error" role="alert" className="mt-1 text-sm text-red-700">
                {error}
              </p>
            ) : null}
          </div>
          <SubmitButton>Continue to the bank</SubmitButton>
        </>
      )}
    </form>
  );
}

export function ReauthorizeForm({ connectionId }: { connectionId: string }) {
  const [state, action] = useActionState(reauthorizeConnectionAction, undefined);
  return (
    <form action={action}>
      <FormMessage state={state} />
      <input type="hidden" name="connectionId" value={connectionId} />
      <SubmitButton>Re-authorize</SubmitButton>
    </form>
  );
}

export function SyncNowForm({ connectionId }: { connectionId: string }) {
  const [state, action] = useActionState(syncConnectionAction, undefined);
  return (
    <form action={action}>
      <FormMessage state={state} />
      <input type="hidden" name="connectionId" value={connectionId} />
      <SubmitButton variant="secondary">Sync now</SubmitButton>
    </form>
  );
}

export function DisconnectForm({ connectionId, label }: { connectionId: string; label: string }) {
  const [state, action] = useActionState(disconnectConnectionAction, undefined);
  return (
    <form action={action} noValidate aria-labelledby={`disconnect-${connectionId}`}>
      <h2 id={`disconnect-${connectionId}`} className="mb-2 text-base font-semibold">
        Disconnect
      </h2>
      <FormMessage state={state} />
      <input type="hidden" name="connectionId" value={connectionId} />
      <ConfirmCheckbox id={`confirm-disconnect-${connectionId}`} label={`Yes, disconnect ${label} and revoke ChargeKeep's access at the bank`} state={state} />
      <SubmitButton variant="danger">Disconnect</SubmitButton>
    </form>
  );
}
