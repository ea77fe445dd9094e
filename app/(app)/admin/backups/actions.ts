"use server";

import { z } from "zod";
import { formAction } from "@/lib/gate";
import { startBackupFor } from "@/lib/backup";

/** Back up now (operators only, lib/backup decides): the scheduled job's singleton, so never two at once. */
export const startBackupAction = formAction({ auth: true, permission: "backups:read", schema: z.object({}) }, async (_input, { session }) => {
  const outcome = await startBackupFor(session);
  return { ok: true, message: outcome.queued ? "Backup started. Its progress shows below." : "A backup is already waiting or running: its progress shows below." };
});
