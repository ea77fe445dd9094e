-- Per-copy verification of backups (lib/backup/verify-copies.ts).
CREATE TABLE "backup_copies" (
	"backup_name" text NOT NULL,
	"location" text NOT NULL,
	"state" text NOT NULL,
	"checked_at" timestamp with time zone NOT NULL,
	"verified_at" timestamp with time zone,
	"bytes" bigint,
	"error" text,
	CONSTRAINT "backup_copies_backup_name_location_pk" PRIMARY KEY("backup_name","location")
);
