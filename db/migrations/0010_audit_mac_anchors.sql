CREATE TABLE "audit_anchors" (
	"id" uuid PRIMARY KEY NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"reason" text NOT NULL,
	"key_id" integer NOT NULL,
	"heads_digest" text NOT NULL,
	"body" text NOT NULL,
	"stored" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_legacy_seals" (
	"chain" text PRIMARY KEY NOT NULL,
	"last_seq" bigint NOT NULL,
	"hash" text NOT NULL,
	"key_id" integer,
	"mac" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "audit_chain_heads" ADD COLUMN "mac_key_id" integer;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "mac_key_id" integer;--> statement-breakpoint
CREATE INDEX "audit_anchors_created_idx" ON "audit_anchors" USING btree ("created_at");--> statement-breakpoint
-- Hand-written. The census: every chain that has events now is in the old unkeyed format (v1) up to
-- its current head. The first audit key signs these rows once (lib/crypto/audit-seal.ts); a row
-- added later stays unsigned and verification refuses it.
INSERT INTO "audit_legacy_seals" ("chain", "last_seq", "hash") SELECT "chain", "seq", "hash" FROM "audit_chain_heads";--> statement-breakpoint
-- Seals are append-only except that one signing update (mac null -> set, nothing else changes).
CREATE FUNCTION "audit_legacy_seal_guard"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'UPDATE' AND OLD."mac" IS NULL AND NEW."chain" = OLD."chain" AND NEW."last_seq" = OLD."last_seq"
		AND NEW."hash" = OLD."hash" AND NEW."created_at" = OLD."created_at" THEN
		RETURN NEW;
	END IF;
	RAISE EXCEPTION 'audit legacy seals are append-only: % on % refused', TG_OP, TG_TABLE_NAME
		USING ERRCODE = 'insufficient_privilege';
END;
$$;--> statement-breakpoint
CREATE TRIGGER "audit_legacy_seals_append_only" BEFORE UPDATE OR DELETE ON "audit_legacy_seals" FOR EACH ROW EXECUTE FUNCTION "audit_legacy_seal_guard"();--> statement-breakpoint
CREATE TRIGGER "audit_legacy_seals_no_truncate" BEFORE TRUNCATE ON "audit_legacy_seals" FOR EACH STATEMENT EXECUTE FUNCTION "audit_refuse_change"();
