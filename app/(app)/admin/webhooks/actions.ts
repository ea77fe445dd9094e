"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { boundaryText, confirmSchema } from "@/lib/http";
import { formAction } from "@/lib/gate";
import { createWebhook, deleteWebhook, sendTestWebhook, webhookInputSchema, WEBHOOK_KINDS } from "@/lib/alerts";

const webhookId = z.uuid({ error: "Unknown webhook." });

// The kinds arrive as one checkbox each (kind.alerts=on, kind.audit=on).
const createSchema = z
  .object({ url: boundaryText().max(2000), "kind.alerts": z.literal("on").optional(), "kind.audit": z.literal("on").optional() })
  .transform((f) => ({ url: f.url, kinds: WEBHOOK_KINDS.filter((k) => f[`kind.${k}`] === "on") }))
  .pipe(webhookInputSchema);

export const createWebhookAction = formAction({ auth: true, permission: "security:manage", schema: createSchema }, async (input, { session, meta, db }) => {
  const { secret } = await createWebhook(db, session, input, meta);
  revalidatePath("/admin/webhooks");
  // The one time the secret leaves the server: the form shows it until the page is left.
  return { ok: true, message: "Webhook added. Copy its signing secret now: it is not shown again.", values: { signingSecret: secret } };
});

export const deleteWebhookAction = formAction(
  { auth: true, permission: "security:manage", schema: z.object({ webhookId, confirm: confirmSchema }) },
  async ({ webhookId }, { session, meta, db }) => {
    await deleteWebhook(db, session, webhookId, meta);
    revalidatePath("/admin/webhooks");
    return { ok: true, message: "Webhook removed." };
  },
);

export const testWebhookAction = formAction({ auth: true, permission: "security:manage", schema: z.object({ webhookId }) }, async ({ webhookId }, { session, db }) => {
  const d = await sendTestWebhook(db, session, webhookId);
  revalidatePath("/admin/webhooks");
  return d.status === "delivered"
    ? { ok: true, message: `Test delivered (the receiver answered ${d.lastStatusCode}).` }
    : { ok: false, message: `Test not delivered: ${d.lastError ?? "no answer"}. It will be retried; see the delivery history.` };
});
