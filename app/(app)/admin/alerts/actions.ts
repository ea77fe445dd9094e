"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db";
import { acknowledgeAlert } from "@/lib/alerts";
import { formAction } from "@/lib/http";

export const acknowledgeAlertAction = formAction(
  { auth: true, permission: "security:manage", schema: z.object({ alertId: z.uuid({ error: "Unknown alert." }), scope: z.enum(["organization", "platform"]).default("organization") }) },
  async ({ alertId, scope }, { session, meta }) => {
    const row = await acknowledgeAlert(getDb(), session, alertId, meta, { platform: scope === "platform" });
    revalidatePath("/admin/alerts");
    return { ok: true, message: `Acknowledged: ${row.title}.` };
  },
);
