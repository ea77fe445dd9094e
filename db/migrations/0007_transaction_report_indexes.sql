-- Hand-written (drizzle-kit cannot express INCLUDE or operator classes in this version; see db/schema/banking.ts).
-- Reports aggregate a date range of one organization's transactions: a covering index answers them
-- from the index alone. Search matches any part of a description or merchant: trigram GIN indexes.
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE INDEX "bank_transactions_org_booked_cover_idx" ON "bank_transactions" USING btree ("organization_id","booked_on") INCLUDE ("amount_minor","currency","category_id","merchant","status");--> statement-breakpoint
CREATE INDEX "bank_transactions_description_trgm_idx" ON "bank_transactions" USING gin ("description" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "bank_transactions_merchant_trgm_idx" ON "bank_transactions" USING gin ("merchant" gin_trgm_ops);
