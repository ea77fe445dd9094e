"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db";
import { formAction } from "@/lib/http";
import { deliverToOutbox } from "@/lib/sftp";

/** "Deliver transactions CSV to outbox": reports:export (checked again inside, with transfers:use and step-up). */
export const deliverTransactionsAction = formAction({ auth: true, permission: "reports:export", schema: z.object({}) }, async (_input, { session, meta }) => {
  const { path } = await deliverToOutbox(getDb(), session, meta, "transactions");
  revalidatePath("/transfers");
  return { ok: true, message: `Delivered: download ${path} over SFTP.` };
});

/** "Deliver audit log to outbox": audit:export (checked again inside, with transfers:use and step-up). */
export const deliverAuditLogAction = formAction({ auth: true, permission: "audit:export", schema: z.object({}) }, async (_input, { session, meta }) => {
  const { path } = await deliverToOutbox(getDb(), session, meta, "audit_log");
  revalidatePath("/transfers");
  return { ok: true, message: `Delivered: download ${path} over SFTP.` };
});
