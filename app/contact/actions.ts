"use server";

import { getSession } from "@/lib/auth";
import { contactMessageSchema, submitContactMessage } from "@/lib/contact";
import { formAction } from "@/lib/gate";
import { enforce } from "@/lib/ratelimit";

export const contactAction = formAction({ auth: false, schema: contactMessageSchema }, async (input, { meta, db }) => {
  await enforce("contact-ip", meta.ip ?? "unknown");
  const session = await getSession();
  await submitContactMessage(db, input, { userId: session?.user.id ?? null, ip: meta.ip });
  return { ok: true, message: "Thank you. Your message reached the ChargeKeep team." };
});
