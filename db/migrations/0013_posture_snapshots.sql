CREATE TABLE "posture_snapshots" (
	"organization_id" uuid NOT NULL,
	"day" date NOT NULL,
	"score" integer NOT NULL,
	"breakdown" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "posture_snapshots_organization_id_day_pk" PRIMARY KEY("organization_id","day"),
	CONSTRAINT "posture_snapshots_score_range" CHECK ("posture_snapshots"."score" between 0 and 100)
);
--> statement-breakpoint
ALTER TABLE "posture_snapshots" ADD CONSTRAINT "posture_snapshots_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;