"use server";

import { revalidatePath } from "next/cache";
import { getDb } from "@/db";
import { alertSettingsFormSchema, saveAlertSettings } from "@/lib/alerts";
import { formAction } from "@/lib/http";

export const saveAlertSettingsAction = formAction({ auth: true, permission: "security:manage", schema: alertSettingsFormSchema }, async (input, { session, meta }) => {
  await saveAlertSettings(getDb(), session, input, meta);
  revalidatePath("/admin/alert-settings");
  return { ok: true, message: "Alert rules and contacts saved." };
});
