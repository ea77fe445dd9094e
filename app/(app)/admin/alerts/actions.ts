"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { acknowledgeAlert } from "@/lib/alerts";
import { formAction } from "@/lib/gate";

export const acknowledgeAlertAction = formAction(
  { auth: true, permission: "security:manage", schema: z.object({ alertId: z.uuid({ error: "Unknown alert." }), scope: z.enum(["organization", "platform"]).default("organization") }) },
  async ({ alertId, scope }, { session, meta, db }) => {
    const row = await acknowledgeAlert(db, session, alertId, meta, { platform: scope === "platform" });
    revalidatePath("/admin/alerts");
    return { ok: true, message: `Acknowledged: ${row.title}.` };
  },
);
