"use client";

import { useActionState } from "react";
import { FormMessage, SubmitButton } from "@/components/form";
import { unlockAccountAction } from "./actions";

/** One member's unlock; a missing second factor shows the "Verify now" step-up link. */
export function UnlockButton({ userId, name, from }: { userId: string; name: string; from: "defense" | "member" }) {
  const [state, action] = useActionState(unlockAccountAction, undefined);
  return (
    <form action={action} noValidate aria-label={`Unlock ${name}`}>
      <FormMessage state={state} />
      <input type="hidden" name="userId" value={userId} />
      <input type="hidden" name="from" value={from} />
      <SubmitButton>Unlock {name}</SubmitButton>
    </form>
  );
}
