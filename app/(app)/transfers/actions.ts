"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { formAction } from "@/lib/gate";
import { deliverToOutbox } from "@/lib/sftp";

/** "Deliver transactions CSV to outbox": reports:export (checked again inside, with transfers:use and step-up). */
export const deliverTransactionsAction = formAction({ auth: true, permission: "reports:export", schema: z.object({}) }, async (_input, { session, meta, db }) => {
  const { path } = await deliverToOutbox(db, session, meta, "transactions");
  revalidatePath("/transfers");
  return { ok: true, message: `Delivered: download ${path} over SFTP.` };
});

/** "Deliver audit log to outbox": audit:export (checked again inside, with transfers:use and step-up). */
export const deliverAuditLogAction = formAction({ auth: true, permission: "audit:export", schema: z.object({}) }, async (_input, { session, meta, db }) => {
  const { path } = await deliverToOutbox(db, session, meta, "audit_log");
  revalidatePath("/transfers");
  return { ok: true, message: `Delivered: download ${path} over SFTP.` };
});
