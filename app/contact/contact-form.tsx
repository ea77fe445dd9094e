"use client";

import { useActionState } from "react";
import { Field, FormMessage, SubmitButton } from "@/components/form";
import { contactAction } from "./actions";

export function ContactForm() {
  const [state, action] = useActionState(contactAction, undefined);
  return (
    <form action={action} noValidate>
      <FormMessage state={state} />
      <Field name="name" label="Your name" autoComplete="name" required maxLength={100} state={state} />
      <Field name="email" label="E-mail" type="email" autoComplete="email" required state={state} />
      <Field name="message" label="Message" required maxLength={5000} multiline state={state} />
      <SubmitButton>Send message</SubmitButton>
    </form>
  );
}
