"use server";

import { getDb } from "@/db";
import { getSession } from "@/lib/auth";
import { contactMessageSchema, submitContactMessage } from "@/lib/contact";
import { formAction } from "@/lib/http";
import { enforce } from "@/lib/ratelimit";

export const contactAction = formAction({ auth: false, schema: contactMessageSchema }, async (input, { meta }) => {
  await enforce("contact-ip", meta.ip ?? "unknown");
  const session = await getSession();
  await submitContactMessage(getDb(), input, { userId: session?.user.id ?? null, ip: meta.ip });
  return { ok: true, message: "Thank you. Your message reached the ChargeKeep team." };
});
