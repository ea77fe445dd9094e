import { randomUUID } from "node:crypto";
import { index, pgTable, timestamp, uuid } from "drizzle-orm/pg-core";
import { encryptedColumns } from "../../lib/crypto/columns";
import { users } from "./identity";

const enc = encryptedColumns("contact_messages");

/** Messages sent from the public Contact page to the people running ChargeKeep. Personal data: encrypted. */
export const contactMessages = pgTable(
  "contact_messages",
  {
    id: uuid("id").primaryKey().$defaultFn(() => randomUUID()),
    name: enc.text("name").notNull(),
    email: enc.text("email").notNull(),
    message: enc.text("message").notNull(),
    senderUserId: uuid("sender_user_id").references(() => users.id, { onDelete: "set null" }),
    ip: enc.text("ip"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("contact_messages_created_idx").on(t.createdAt), ...enc.checks()],
);
