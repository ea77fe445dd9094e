CREATE TABLE "keyring" (
	"id" integer PRIMARY KEY NOT NULL,
	"purpose" text NOT NULL,
	"wrapped_key" text NOT NULL,
	"kek_id" text NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"activates_at" timestamp with time zone NOT NULL,
	"retired_at" timestamp with time zone,
	CONSTRAINT "keyring_id_positive" CHECK ("keyring"."id" > 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX "keyring_one_blind_index_key" ON "keyring" USING btree ("purpose") WHERE purpose = 'blind_index';--> statement-breakpoint
-- Hand-edited: NOT VALID (new writes are checked; rows written before encryption are not yet).
-- The app encrypts those rows at start-up, then VALIDATEs each constraint (lib/crypto/legacy.ts).
ALTER TABLE "contact_messages" ADD CONSTRAINT "contact_messages_name_encrypted" CHECK ("name" ~ '^ck[0-9]+[.][0-9]+[.][A-Za-z0-9_-]{38,}$') NOT VALID;--> statement-breakpoint
ALTER TABLE "contact_messages" ADD CONSTRAINT "contact_messages_email_encrypted" CHECK ("email" ~ '^ck[0-9]+[.][0-9]+[.][A-Za-z0-9_-]{38,}$') NOT VALID;--> statement-breakpoint
ALTER TABLE "contact_messages" ADD CONSTRAINT "contact_messages_message_encrypted" CHECK ("message" ~ '^ck[0-9]+[.][0-9]+[.][A-Za-z0-9_-]{38,}$') NOT VALID;--> statement-breakpoint
ALTER TABLE "contact_messages" ADD CONSTRAINT "contact_messages_ip_encrypted" CHECK ("ip" ~ '^ck[0-9]+[.][0-9]+[.][A-Za-z0-9_-]{38,}$') NOT VALID;