"use client";

import { useActionState } from "react";
import { FormMessage, SubmitButton } from "@/components/form";
import { acknowledgeAlertAction } from "./actions";

export function AcknowledgeButton({ alertId, title, platform = false }: { alertId: string; title: string; platform?: boolean }) {
  const [state, action] = useActionState(acknowledgeAlertAction, undefined);
  return (
    <form action={action} aria-label={`Acknowledge ${title}`}>
      <FormMessage state={state} />
      <input type="hidden" name="alertId" value={alertId} />
      <input type="hidden" name="scope" value={platform ? "platform" : "organization"} />
      <SubmitButton variant="secondary">Acknowledge</SubmitButton>
    </form>
  );
}
