ALTER TABLE "auth_failures" ADD COLUMN "email_hash" text;--> statement-breakpoint
CREATE INDEX "auth_failures_email_idx" ON "auth_failures" USING btree ("email_hash","created_at");