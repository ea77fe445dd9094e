"use server";

import { revalidatePath } from "next/cache";
import { alertSettingsFormSchema, saveAlertSettings } from "@/lib/alerts";
import { formAction } from "@/lib/gate";

export const saveAlertSettingsAction = formAction({ auth: true, permission: "security:manage", schema: alertSettingsFormSchema }, async (input, { session, meta, db }) => {
  await saveAlertSettings(db, session, input, meta);
  revalidatePath("/admin/alert-settings");
  return { ok: true, message: "Alert rules and contacts saved." };
});
