import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { bigint, boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { encryptedColumns } from "../../lib/crypto/columns";
import { organizations, users } from "./identity";

const id = () => uuid("id").primaryKey().$defaultFn(() => randomUUID());
const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();

export const ALERT_SEVERITIES = ["low", "medium", "high", "critical"] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];
export const ALERT_STATUSES = ["open", "acknowledged"] as const;

/**
 * Alerts raised by the rules in lib/alerts. `organization_id` null is a platform alert (5xx or 429
 * bursts, sync failures) for the operators. At most one OPEN alert per (organization, dedupe key):
 * a recurrence bumps `count` and `last_seen_at` instead of adding a row, until someone acknowledges it.
 */
export const alerts = pgTable(
  "alerts",
  {
    id: id(),
    organizationId: uuid("organization_id").references(() => organizations.id, { onDelete: "cascade" }),
    rule: text("rule").notNull(),
    severity: text("severity", { enum: ALERT_SEVERITIES }).notNull(),
    title: text("title").notNull(),
    detail: text("detail").notNull(),
    dedupeKey: text("dedupe_key").notNull(),
    firstSeenAt: timestamp("first_seen_at", { withTimezone: true }).notNull(),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull(),
    count: integer("count").notNull().default(1),
    status: text("status", { enum: ALERT_STATUSES }).notNull().default("open"),
    acknowledgedBy: uuid("acknowledged_by").references(() => users.id, { onDelete: "set null" }),
    acknowledgedAt: timestamp("acknowledged_at", { withTimezone: true }),
  },
  (t) => [
    // coalesce: platform alerts (null organization) deduplicate too (NULLs are distinct in a plain unique index).
    uniqueIndex("alerts_open_dedupe_key")
      .on(sql`coalesce(${t.organizationId}, '00000000-0000-0000-0000-000000000000'::uuid)`, t.dedupeKey)
      .where(sql`status = 'open'`),
    index("alerts_org_last_seen_idx").on(t.organizationId, t.lastSeenAt),
  ],
);

const settingsEnc = encryptedColumns("alert_settings", { idColumn: "organization_id" });

/**
 * Per-organization overrides of the rule thresholds (validated by lib/alerts/thresholds.ts; rules
 * missing here use the defaults), and who gets alert e-mails. Contacts are personal data: encrypted;
 * null means "every member holding security:manage".
 */
export const alertSettings = pgTable(
  "alert_settings",
  {
    organizationId: uuid("organization_id")
      .primaryKey()
      .references(() => organizations.id, { onDelete: "cascade" }),
    thresholds: jsonb("thresholds").$type<Record<string, unknown>>().notNull().default({}),
    securityContacts: settingsEnc.json<string[]>("security_contacts"),
    updatedBy: uuid("updated_by").references(() => users.id, { onDelete: "set null" }),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  () => [...settingsEnc.checks()],
);

export const WEBHOOK_KINDS = ["alerts", "audit"] as const;
export type WebhookKind = (typeof WEBHOOK_KINDS)[number];

const webhookEnc = encryptedColumns("webhooks");

/**
 * Webhook endpoints of an organization. `kinds`: "alerts" (each new alert) and/or "audit" (every
 * audit event of the organization, batched: the SIEM stream, read from `audit_cursor` onwards).
 * The signing secret is sealed to its row and shown to the admin once, at creation.
 */
export const webhooks = pgTable(
  "webhooks",
  {
    id: id(),
    organizationId: uuid("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    /** Encrypted: chat-tool webhook URLs carry a bearer token in their path. */
    url: webhookEnc.text("url").notNull(),
    secret: webhookEnc.sealed("secret").notNull(),
    kinds: jsonb("kinds").$type<WebhookKind[]>().notNull(),
    active: boolean("active").notNull().default(true),
    /** SIEM stream position: the last audit event (its chain sequence number) already queued. */
    auditCursor: bigint("audit_cursor", { mode: "number" }).notNull().default(0),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [index("webhooks_org_idx").on(t.organizationId), ...webhookEnc.checks()],
);

export const WEBHOOK_DELIVERY_STATUSES = ["pending", "delivered", "failed"] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

/** The outbox of webhook calls: one row per payload, retried with backoff by deliverDueWebhooks(). */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: id(),
    webhookId: uuid("webhook_id")
      .notNull()
      .references(() => webhooks.id, { onDelete: "cascade" }),
    /** "alert", "audit" (a SIEM batch) or "test". */
    kind: text("kind").notNull(),
    /** The exact JSON body sent (and signed) on every attempt. */
    payload: text("payload").notNull(),
    /** A SIEM batch's first chain seq: batches of one webhook go out strictly in this order. */
    auditFromSeq: bigint("audit_from_seq", { mode: "number" }),
    status: text("status", { enum: WEBHOOK_DELIVERY_STATUSES }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull(),
    lastStatusCode: integer("last_status_code"),
    lastError: text("last_error"),
    createdAt: createdAt(),
    deliveredAt: timestamp("delivered_at", { withTimezone: true }),
  },
  (t) => [
    index("webhook_deliveries_due_idx").on(t.nextAttemptAt).where(sql`status = 'pending'`),
    index("webhook_deliveries_webhook_idx").on(t.webhookId, t.createdAt),
  ],
);
