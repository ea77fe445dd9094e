import { contactMessageSchema, submitContactMessage } from "@/lib/contact";
import { route } from "@/lib/gate";
import { enforce } from "@/lib/ratelimit";

export const POST = route({ auth: false, body: contactMessageSchema, maxBodyBytes: 16 * 1024 }, async ({ body, meta, db }) => {
  await enforce("contact-ip", meta.ip ?? "unknown");
  await submitContactMessage(db, body, { userId: null, ip: meta.ip });
  return Response.json({ ok: true, message: "Thank you. Your message reached the ChargeKeep team." }, { status: 201 });
});
