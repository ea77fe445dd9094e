import { randomUUID } from "node:crypto";
import { index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { users } from "./identity";

/** Messages sent from the public Contact page to the people running ChargeKeep. */
export const contactMessages = pgTable(
  "contact_messages",
  {
    id: uuid("id").primaryKey().$defaultFn(() => randomUUID()),
    name: text("name").notNull(),
    email: text("email").notNull(),
    message: text("message").notNull(),
    senderUserId: uuid("sender_user_id").references(() => users.id, { onDelete: "set null" }),
    ip: text("ip"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("contact_messages_created_idx").on(t.createdAt)],
);
