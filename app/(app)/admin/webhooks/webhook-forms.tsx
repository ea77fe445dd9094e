"use client";

import { useActionState } from "react";
import { ConfirmCheckbox } from "@/components/admin/confirm-checkbox";
import { Field, FormMessage, SubmitButton } from "@/components/form";
import { createWebhookAction, deleteWebhookAction, testWebhookAction } from "./actions";

export function CreateWebhookForm() {
  const [state, action] = useActionState(createWebhookAction, undefined);
  const secret = state?.ok ? state.values?.signingSecret : undefined;
  return (
    <form action={action} noValidate className="rounded-md border border-slate-200 bg-white p-4" aria-labelledby="new-webhook-title">
      <h2 id="new-webhook-title" className="mb-3 text-lg font-semibold">
        Add a webhook
      </h2>
      <FormMessage state={state} />
      {secret ? (
        <div className="mb-4 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm">
          <p className="mb-1 font-semibold">Signing secret (shown once)</p>
          <code data-testid="webhook-secret" className="block break-all font-mono">
            {secret}
          </code>
        </div>
      ) : null}
      <Field name="url" label="Receiver URL" type="url" required maxLength={2000} hint="https:// only. It must reach the public internet." state={state?.ok ? undefined : state} />
      <fieldset className="mb-4">
        <legend className="text-sm font-medium text-slate-800">Send</legend>
        <label className="mt-1 flex items-center gap-2 text-sm">
          <input type="checkbox" name="kind.alerts" defaultChecked className="h-4 w-4" /> Alerts, as they are raised
        </label>
        <label className="mt-1 flex items-center gap-2 text-sm">
          <input type="checkbox" name="kind.audit" className="h-4 w-4" /> Every audit event, in batches (SIEM stream)
        </label>
        {state?.fieldErrors?.kinds ? (
          <p role="alert" className="mt-1 text-sm text-red-700">
            {state.fieldErrors.kinds}
          </p>
        ) : null}
      </fieldset>
      <SubmitButton>Add webhook</SubmitButton>
    </form>
  );
}

export function WebhookControls({ webhookId, label }: { webhookId: string; label: string }) {
  const [testState, test] = useActionState(testWebhookAction, undefined);
  const [deleteState, remove] = useActionState(deleteWebhookAction, undefined);
  return (
    <div className="grid gap-3 md:grid-cols-2">
      <form action={test}>
        <FormMessage state={testState} />
        <input type="hidden" name="webhookId" value={webhookId} />
        <SubmitButton variant="secondary">Send a test</SubmitButton>
      </form>
      <form action={remove} noValidate>
        <FormMessage state={deleteState} />
        <input type="hidden" name="webhookId" value={webhookId} />
        <ConfirmCheckbox id={`confirm-delete-${webhookId}`} label={`Yes, remove the webhook to ${label}`} state={deleteState} />
        <SubmitButton variant="danger">Remove webhook</SubmitButton>
      </form>
    </div>
  );
}
