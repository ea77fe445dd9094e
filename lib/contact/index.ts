import "server-only";
import { desc } from "drizzle-orm";
import { z } from "zod";
import { boundaryText } from "@/lib/http";
import type { Database } from "@/db";
import { contactMessages } from "@/db/schema";
import type { SessionContext } from "@/lib/auth";
import { emailSchema } from "@/lib/credentials";
import { forbidden } from "@/lib/errors";

export const contactMessageSchema = z.object({
  name: boundaryText({ error: "Enter your name." }).trim().min(1, "Enter your name.").max(100, "Use at most 100 characters."),
  email: emailSchema,
  message: boundaryText({ error: "Write a message." })
    .trim()
    .min(10, "Write at least 10 characters.")
    .max(5000, "Use at most 5,000 characters."),
});

/** Name, e-mail, message and IP are personal data: the schema's column types encrypt them (lib/crypto). */
export async function submitContactMessage(
  db: Database,
  input: z.infer<typeof contactMessageSchema>,
  sender: { userId: string | null; ip: string | null },
): Promise<{ id: string }> {
  const [row] = await db
    .insert(contactMessages)
    .values({ ...input, senderUserId: sender.userId, ip: sender.ip })
    .returning({ id: contactMessages.id });
  return { id: row!.id };
}

/** Only the people operating ChargeKeep read what visitors send. */
export async function listContactMessages(db: Database, ctx: SessionContext, limit = 100) {
  if (!ctx.user.isOperator) throw forbidden("Only ChargeKeep operators can read contact messages.");
  return db.select().from(contactMessages).orderBy(desc(contactMessages.createdAt)).limit(limit);
}
