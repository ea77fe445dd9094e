"use client";

import { useActionState } from "react";
import { Field, FormMessage, SubmitButton } from "@/components/form";
import { createOrganizationAction } from "./actions";

export function CreateOrgForm() {
  const [state, action] = useActionState(createOrganizationAction, undefined);
  return (
    <form action={action} noValidate className="max-w-md">
      <FormMessage state={state} />
      <Field name="name" label="New organization name" required maxLength={100} state={state} />
      <SubmitButton>Create organization</SubmitButton>
    </form>
  );
}
