CREATE TABLE "bank_accounts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"connection_id" uuid,
	"source" text DEFAULT 'oauth' NOT NULL,
	"external_id" text NOT NULL,
	"name" text NOT NULL,
	"type" text DEFAULT 'other' NOT NULL,
	"currency" text NOT NULL,
	"account_number" text,
	"account_number_index" text,
	"mask" text,
	"current_balance_minor" bigint,
	"available_balance_minor" bigint,
	"balance_as_of" timestamp with time zone,
	"sync_state" jsonb,
	"inactive_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "bank_accounts_external_key" UNIQUE NULLS NOT DISTINCT("organization_id","connection_id","external_id"),
	CONSTRAINT "bank_accounts_currency_code" CHECK ("bank_accounts"."currency" ~ '^[A-Z]{3}$'),
	CONSTRAINT "bank_accounts_account_number_encrypted" CHECK ("account_number" ~ '^ck[0-9]+[.][0-9]+[.][A-Za-z0-9_-]{38,}$')
);
--> statement-breakpoint
CREATE TABLE "bank_balances" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"as_of" date NOT NULL,
	"current_minor" bigint NOT NULL,
	"available_minor" bigint,
	"currency" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "bank_categories" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "bank_connection_attempts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"session_id" text NOT NULL,
	"institution_id" uuid NOT NULL,
	"connection_id" uuid,
	"state_hash" text NOT NULL,
	"code_verifier" text NOT NULL,
	"nonce" text NOT NULL,
	"redirect_uri" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"outcome" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "bank_connection_attempts_code_verifier_encrypted" CHECK ("code_verifier" ~ '^ck[0-9]+[.][0-9]+[.][A-Za-z0-9_-]{38,}$'),
	CONSTRAINT "bank_connection_attempts_nonce_encrypted" CHECK ("nonce" ~ '^ck[0-9]+[.][0-9]+[.][A-Za-z0-9_-]{38,}$')
);
--> statement-breakpoint
CREATE TABLE "bank_connections" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"institution_id" uuid NOT NULL,
	"created_by" uuid,
	"status" text DEFAULT 'pending' NOT NULL,
	"external_subject" text,
	"access_token" text,
	"refresh_token" text,
	"access_token_expires_at" timestamp with time zone,
	"scope" text,
	"consent_expires_at" timestamp with time zone,
	"last_synced_at" timestamp with time zone,
	"last_sync_attempt_at" timestamp with time zone,
	"next_sync_at" timestamp with time zone,
	"failure_count" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"sync_lock_token" text,
	"sync_locked_until" timestamp with time zone,
	"disconnected_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "bank_connections_access_token_encrypted" CHECK ("access_token" ~ '^ck[0-9]+[.][0-9]+[.][A-Za-z0-9_-]{38,}$'),
	CONSTRAINT "bank_connections_refresh_token_encrypted" CHECK ("refresh_token" ~ '^ck[0-9]+[.][0-9]+[.][A-Za-z0-9_-]{38,}$')
);
--> statement-breakpoint
CREATE TABLE "bank_institutions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"issuer" text NOT NULL,
	"client_id" text NOT NULL,
	"client_secret" text,
	"token_auth_method" text DEFAULT 'client_secret_basic' NOT NULL,
	"scopes" text DEFAULT 'openid fdx:read' NOT NULL,
	"resource" text NOT NULL,
	"api_base_url" text NOT NULL,
	"consent_days" integer DEFAULT 90 NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "bank_institutions_client_secret_encrypted" CHECK ("client_secret" ~ '^ck[0-9]+[.][0-9]+[.][A-Za-z0-9_-]{38,}$')
);
--> statement-breakpoint
CREATE TABLE "bank_sync_runs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"connection_id" uuid NOT NULL,
	"trigger" text NOT NULL,
	"status" text DEFAULT 'running' NOT NULL,
	"added" integer DEFAULT 0 NOT NULL,
	"modified" integer DEFAULT 0 NOT NULL,
	"removed" integer DEFAULT 0 NOT NULL,
	"error" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "bank_transactions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"external_id" text NOT NULL,
	"status" text NOT NULL,
	"pending_external_id" text,
	"booked_on" date NOT NULL,
	"amount_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"description" text NOT NULL,
	"merchant" text,
	"category_id" uuid,
	"source" text DEFAULT 'oauth' NOT NULL,
	"external_updated_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "bank_transactions_currency_code" CHECK ("bank_transactions"."currency" ~ '^[A-Z]{3}$')
);
--> statement-breakpoint
CREATE TABLE "backup_runs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"backup_name" text,
	"trigger" text NOT NULL,
	"status" text DEFAULT 'running' NOT NULL,
	"bytes" bigint,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"error" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "import_mappings" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"mapping" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sftp_files" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"folder" text NOT NULL,
	"name" text NOT NULL,
	"size_bytes" bigint DEFAULT 0 NOT NULL,
	"storage_key" text NOT NULL,
	"data_key" text,
	"encryption" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"sha256" text,
	"status" text DEFAULT 'uploading' NOT NULL,
	"uploaded_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sftp_files_data_key_encrypted" CHECK ("data_key" ~ '^ck[0-9]+[.][0-9]+[.][A-Za-z0-9_-]{38,}$')
);
--> statement-breakpoint
CREATE TABLE "sftp_host_keys" (
	"id" uuid PRIMARY KEY NOT NULL,
	"algorithm" text NOT NULL,
	"private_key" text NOT NULL,
	"public_key" text NOT NULL,
	"fingerprint" text NOT NULL,
	"retired_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sftp_host_keys_private_key_encrypted" CHECK ("private_key" ~ '^ck[0-9]+[.][0-9]+[.][A-Za-z0-9_-]{38,}$')
);
--> statement-breakpoint
CREATE TABLE "sftp_transfers" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid,
	"user_id" uuid,
	"ssh_key_id" uuid,
	"operation" text NOT NULL,
	"path" text,
	"bytes" bigint,
	"result" text NOT NULL,
	"detail" text,
	"remote_ip" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ssh_keys" (
	"id" uuid PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"name" text NOT NULL,
	"algorithm" text NOT NULL,
	"fingerprint" text NOT NULL,
	"public_key" text NOT NULL,
	"bits" integer,
	"last_used_at" timestamp with time zone,
	"last_used_ip" text,
	"revoked_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "statement_imports" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"file_id" uuid,
	"file_name" text NOT NULL,
	"account_id" uuid,
	"format" text NOT NULL,
	"file_sha256" text NOT NULL,
	"status" text NOT NULL,
	"added" integer DEFAULT 0 NOT NULL,
	"skipped" integer DEFAULT 0 NOT NULL,
	"error_count" integer DEFAULT 0 NOT NULL,
	"errors" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "bank_accounts" ADD CONSTRAINT "bank_accounts_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bank_accounts" ADD CONSTRAINT "bank_accounts_connection_id_bank_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."bank_connections"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bank_balances" ADD CONSTRAINT "bank_balances_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bank_balances" ADD CONSTRAINT "bank_balances_account_id_bank_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."bank_accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bank_categories" ADD CONSTRAINT "bank_categories_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bank_connection_attempts" ADD CONSTRAINT "bank_connection_attempts_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bank_connection_attempts" ADD CONSTRAINT "bank_connection_attempts_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bank_connection_attempts" ADD CONSTRAINT "bank_connection_attempts_institution_id_bank_institutions_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."bank_institutions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bank_connection_attempts" ADD CONSTRAINT "bank_connection_attempts_connection_id_bank_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."bank_connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bank_connections" ADD CONSTRAINT "bank_connections_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bank_connections" ADD CONSTRAINT "bank_connections_institution_id_bank_institutions_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."bank_institutions"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bank_connections" ADD CONSTRAINT "bank_connections_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bank_sync_runs" ADD CONSTRAINT "bank_sync_runs_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bank_sync_runs" ADD CONSTRAINT "bank_sync_runs_connection_id_bank_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."bank_connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bank_transactions" ADD CONSTRAINT "bank_transactions_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bank_transactions" ADD CONSTRAINT "bank_transactions_account_id_bank_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."bank_accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bank_transactions" ADD CONSTRAINT "bank_transactions_category_id_bank_categories_id_fk" FOREIGN KEY ("category_id") REFERENCES "public"."bank_categories"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import_mappings" ADD CONSTRAINT "import_mappings_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import_mappings" ADD CONSTRAINT "import_mappings_account_id_bank_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."bank_accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sftp_files" ADD CONSTRAINT "sftp_files_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sftp_files" ADD CONSTRAINT "sftp_files_uploaded_by_users_id_fk" FOREIGN KEY ("uploaded_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sftp_transfers" ADD CONSTRAINT "sftp_transfers_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sftp_transfers" ADD CONSTRAINT "sftp_transfers_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sftp_transfers" ADD CONSTRAINT "sftp_transfers_ssh_key_id_ssh_keys_id_fk" FOREIGN KEY ("ssh_key_id") REFERENCES "public"."ssh_keys"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ssh_keys" ADD CONSTRAINT "ssh_keys_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "statement_imports" ADD CONSTRAINT "statement_imports_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "statement_imports" ADD CONSTRAINT "statement_imports_file_id_sftp_files_id_fk" FOREIGN KEY ("file_id") REFERENCES "public"."sftp_files"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "statement_imports" ADD CONSTRAINT "statement_imports_account_id_bank_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."bank_accounts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "statement_imports" ADD CONSTRAINT "statement_imports_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "bank_accounts_org_idx" ON "bank_accounts" USING btree ("organization_id");--> statement-breakpoint
CREATE INDEX "bank_accounts_number_idx" ON "bank_accounts" USING btree ("organization_id","account_number_index");--> statement-breakpoint
CREATE UNIQUE INDEX "bank_balances_account_day_key" ON "bank_balances" USING btree ("account_id","as_of");--> statement-breakpoint
CREATE INDEX "bank_balances_org_idx" ON "bank_balances" USING btree ("organization_id","as_of");--> statement-breakpoint
CREATE UNIQUE INDEX "bank_categories_org_name_key" ON "bank_categories" USING btree ("organization_id","name");--> statement-breakpoint
CREATE UNIQUE INDEX "bank_connection_attempts_state_key" ON "bank_connection_attempts" USING btree ("state_hash");--> statement-breakpoint
CREATE INDEX "bank_connections_org_idx" ON "bank_connections" USING btree ("organization_id","status");--> statement-breakpoint
CREATE INDEX "bank_connections_next_sync_idx" ON "bank_connections" USING btree ("next_sync_at");--> statement-breakpoint
CREATE UNIQUE INDEX "bank_institutions_slug_key" ON "bank_institutions" USING btree ("slug");--> statement-breakpoint
CREATE INDEX "bank_sync_runs_connection_idx" ON "bank_sync_runs" USING btree ("connection_id","started_at" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "bank_transactions_external_key" ON "bank_transactions" USING btree ("account_id","external_id");--> statement-breakpoint
CREATE INDEX "bank_transactions_org_booked_idx" ON "bank_transactions" USING btree ("organization_id","booked_on" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "bank_transactions_account_booked_idx" ON "bank_transactions" USING btree ("account_id","booked_on" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "bank_transactions_pending_ref_idx" ON "bank_transactions" USING btree ("account_id","pending_external_id");--> statement-breakpoint
CREATE INDEX "bank_transactions_category_idx" ON "bank_transactions" USING btree ("organization_id","category_id");--> statement-breakpoint
CREATE INDEX "backup_runs_kind_started_idx" ON "backup_runs" USING btree ("kind","started_at" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "import_mappings_account_key" ON "import_mappings" USING btree ("account_id");--> statement-breakpoint
CREATE UNIQUE INDEX "sftp_files_path_key" ON "sftp_files" USING btree ("organization_id","folder","name");--> statement-breakpoint
CREATE INDEX "sftp_transfers_org_idx" ON "sftp_transfers" USING btree ("organization_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "ssh_keys_live_fingerprint_key" ON "ssh_keys" USING btree ("fingerprint") WHERE "ssh_keys"."revoked_at" is null;--> statement-breakpoint
CREATE INDEX "ssh_keys_user_idx" ON "ssh_keys" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "statement_imports_org_idx" ON "statement_imports" USING btree ("organization_id","created_at" DESC NULLS LAST);--> statement-breakpoint
-- Hand-written: owners of existing organizations get the new backups:read permission.
INSERT INTO "role_permissions" ("role_id", "permission")
SELECT r."id", 'backups:read' FROM "roles" r WHERE r."key" = 'owner' AND r."built_in"
ON CONFLICT DO NOTHING;
