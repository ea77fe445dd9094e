ALTER TABLE "bank_sync_runs" ADD COLUMN "accounts_total" integer;--> statement-breakpoint
ALTER TABLE "bank_sync_runs" ADD COLUMN "accounts_done" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "bank_sync_runs" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "backup_runs" ADD COLUMN "progress" jsonb;