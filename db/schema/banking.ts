import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { bigint, boolean, check, date, index, integer, jsonb, pgTable, text, timestamp, unique, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { encryptedColumns } from "../../lib/crypto/columns";
import { organizations, users } from "./identity";

const id = () => uuid("id").primaryKey().$defaultFn(() => randomUUID());
const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp("updated_at", { withTimezone: true }).notNull().defaultNow();
const ts = (name: string) => timestamp(name, { withTimezone: true });

const institutionEnc = encryptedColumns("bank_institutions");

/**
 * A financial institution (or aggregator) ChargeKeep can connect to by OAuth 2: configuration, not
 * code. Platform-wide; the client secret is an encrypted column.
 */
export const bankInstitutions = pgTable(
  "bank_institutions",
  {
    id: id(),
    /** Stable short name used in URLs and configuration ("northwind"). */
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    /** OAuth 2 / OpenID issuer identifier; discovery is read from it. */
    issuer: text("issuer").notNull(),
    clientId: text("client_id").notNull(),
    clientSecret: institutionEnc.text("client_secret"),
    /** client_secret_basic | client_secret_post | none */
    tokenAuthMethod: text("token_auth_method").notNull().default("client_secret_basic"),
    scopes: text("scopes").notNull().default("openid fdx:read"),
    /** RFC 8707 resource indicator: the API audience the access token is for. */
    resource: text("resource").notNull(),
    /** Base URL of the FDX-shaped API ("…/fdx"). */
    apiBaseUrl: text("api_base_url").notNull(),
    /** How long the user is asked to consent for, in days (the bank may grant less). */
    consentDays: integer("consent_days").notNull().default(90),
    enabled: boolean("enabled").notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("bank_institutions_slug_key").on(t.slug), ...institutionEnc.checks()],
);

export const CONNECTION_STATUSES = ["pending", "active", "syncing", "reauth_required", "error", "disconnected"] as const;
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];

const connectionEnc = encryptedColumns("bank_connections");

/** One OAuth grant from one institution to one organization. Tokens are sealed to the row. */
export const bankConnections = pgTable(
  "bank_connections",
  {
    id: id(),
    organizationId: uuid("organization_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
    institutionId: uuid("institution_id").notNull().references(() => bankInstitutions.id, { onDelete: "restrict" }),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    status: text("status", { enum: CONNECTION_STATUSES }).notNull().default("pending"),
    /** The bank's subject for the consenting user (id token `sub`), to spot a different bank login on re-authorization. */
    externalSubject: text("external_subject"),
    accessToken: connectionEnc.sealed("access_token"),
    refreshToken: connectionEnc.sealed("refresh_token"),
    accessTokenExpiresAt: ts("access_token_expires_at"),
    scope: text("scope"),
    consentExpiresAt: ts("consent_expires_at"),
    lastSyncedAt: ts("last_synced_at"),
    lastSyncAttemptAt: ts("last_sync_attempt_at"),
    nextSyncAt: ts("next_sync_at"),
    /** Consecutive failures: drives the backoff. */
    failureCount: integer("failure_count").notNull().default(0),
    /** A sentence a person can act on; never a raw error or token. */
    lastError: text("last_error"),
    /** Per-connection lock: a sync holds it until `sync_locked_until` (a crashed holder's lock lapses). */
    syncLockToken: text("sync_lock_token"),
    syncLockedUntil: ts("sync_locked_until"),
    disconnectedAt: ts("disconnected_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("bank_connections_org_idx").on(t.organizationId, t.status),
    index("bank_connections_next_sync_idx").on(t.nextSyncAt),
    ...connectionEnc.checks(),
  ],
);

const attemptEnc = encryptedColumns("bank_connection_attempts");

/**
 * One trip to the bank's authorization page: state (hashed: only compared), PKCE verifier and
 * nonce (sealed: sent back to the bank), bound to the session that started it, single use.
 */
export const bankConnectionAttempts = pgTable(
  "bank_connection_attempts",
  {
    id: id(),
    organizationId: uuid("organization_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
    userId: uuid("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    /** sessions.id (the SHA-256 of the session token) of the browser session that started it. */
    sessionId: text("session_id").notNull(),
    institutionId: uuid("institution_id").notNull().references(() => bankInstitutions.id, { onDelete: "cascade" }),
    /** Set when re-authorizing an existing connection. */
    connectionId: uuid("connection_id").references(() => bankConnections.id, { onDelete: "cascade" }),
    stateHash: text("state_hash").notNull(),
    codeVerifier: attemptEnc.sealed("code_verifier").notNull(),
    nonce: attemptEnc.sealed("nonce").notNull(),
    redirectUri: text("redirect_uri").notNull(),
    expiresAt: ts("expires_at").notNull(),
    usedAt: ts("used_at"),
    /** completed | refused | failed: what came of it, for the user and the log. */
    outcome: text("outcome"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("bank_connection_attempts_state_key").on(t.stateHash), ...attemptEnc.checks()],
);

const accountEnc = encryptedColumns("bank_accounts");

/**
 * An account at a bank. The full number is encrypted and found by a blind index (statement imports
 * match on it); only the mask is ever shown. `connection_id` is null for accounts fed by imports.
 */
export const bankAccounts = pgTable(
  "bank_accounts",
  {
    id: id(),
    organizationId: uuid("organization_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
    connectionId: uuid("connection_id").references(() => bankConnections.id, { onDelete: "set null" }),
    /** oauth | import */
    source: text("source").notNull().default("oauth"),
    externalId: text("external_id").notNull(),
    name: text("name").notNull(),
    /** checking | savings | credit_card | loan | other */
    type: text("type").notNull().default("other"),
    currency: text("currency").notNull(),
    accountNumber: accountEnc.text("account_number"),
    accountNumberIndex: text("account_number_index"),
    mask: text("mask"),
    currentBalanceMinor: bigint("current_balance_minor", { mode: "number" }),
    availableBalanceMinor: bigint("available_balance_minor", { mode: "number" }),
    balanceAsOf: ts("balance_as_of"),
    /** The sync's resumable position for this account (lib/sync owns its shape). */
    syncState: jsonb("sync_state").$type<Record<string, unknown>>(),
    /** No longer shared by the bank (consent narrowed) or closed: kept for history, not synced. */
    inactiveAt: ts("inactive_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique("bank_accounts_external_key").on(t.organizationId, t.connectionId, t.externalId).nullsNotDistinct(),
    index("bank_accounts_org_idx").on(t.organizationId),
    index("bank_accounts_number_idx").on(t.organizationId, t.accountNumberIndex),
    check("bank_accounts_currency_code", sql`${t.currency} ~ '^[A-Z]{3}$'`),
    ...accountEnc.checks(),
  ],
);

/** One balance per account per day: the history behind "balances over time". */
export const bankBalances = pgTable(
  "bank_balances",
  {
    id: id(),
    organizationId: uuid("organization_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
    accountId: uuid("account_id").notNull().references(() => bankAccounts.id, { onDelete: "cascade" }),
    asOf: date("as_of", { mode: "string" }).notNull(),
    currentMinor: bigint("current_minor", { mode: "number" }).notNull(),
    availableMinor: bigint("available_minor", { mode: "number" }),
    currency: text("currency").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("bank_balances_account_day_key").on(t.accountId, t.asOf), index("bank_balances_org_idx").on(t.organizationId, t.asOf)],
);

/** Categories per organization, created as transactions name them. */
export const bankCategories = pgTable(
  "bank_categories",
  {
    id: id(),
    organizationId: uuid("organization_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("bank_categories_org_name_key").on(t.organizationId, t.name)],
);

export const TRANSACTION_STATUSES = ["pending", "posted"] as const;

/**
 * Transactions in integer minor units (never floats), signed: money in is positive, out negative.
 * Keyed by (account, external id) so every sync is an idempotent upsert.
 * Migration 0007 (hand-written) adds a covering index for the reports and trigram indexes for search.
 */
export const bankTransactions = pgTable(
  "bank_transactions",
  {
    id: id(),
    organizationId: uuid("organization_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
    accountId: uuid("account_id").notNull().references(() => bankAccounts.id, { onDelete: "cascade" }),
    externalId: text("external_id").notNull(),
    status: text("status", { enum: TRANSACTION_STATUSES }).notNull(),
    /** The pending transaction a posted one replaces (FDX referenceTransactionId). */
    pendingExternalId: text("pending_external_id"),
    /** The day the money moved (posted date, or the transaction date while pending). */
    bookedOn: date("booked_on", { mode: "string" }).notNull(),
    amountMinor: bigint("amount_minor", { mode: "number" }).notNull(),
    currency: text("currency").notNull(),
    description: text("description").notNull(),
    merchant: text("merchant"),
    categoryId: uuid("category_id").references(() => bankCategories.id, { onDelete: "set null" }),
    /** oauth | import: statement imports write here too. */
    source: text("source").notNull().default("oauth"),
    /** The bank's own last-change time, when it tells. */
    externalUpdatedAt: ts("external_updated_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("bank_transactions_external_key").on(t.accountId, t.externalId),
    index("bank_transactions_org_booked_idx").on(t.organizationId, t.bookedOn.desc(), t.id.desc()),
    index("bank_transactions_account_booked_idx").on(t.accountId, t.bookedOn.desc(), t.id.desc()),
    index("bank_transactions_pending_ref_idx").on(t.accountId, t.pendingExternalId),
    index("bank_transactions_category_idx").on(t.organizationId, t.categoryId),
    check("bank_transactions_currency_code", sql`${t.currency} ~ '^[A-Z]{3}$'`),
  ],
);

export const SYNC_TRIGGERS = ["initial", "scheduled", "manual"] as const;

/** One sync run of one connection: what it did, for the connection page and the benchmarks. */
export const bankSyncRuns = pgTable(
  "bank_sync_runs",
  {
    id: id(),
    organizationId: uuid("organization_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
    connectionId: uuid("connection_id").notNull().references(() => bankConnections.id, { onDelete: "cascade" }),
    trigger: text("trigger", { enum: SYNC_TRIGGERS }).notNull(),
    /** running | succeeded | failed | reauth_required */
    status: text("status").notNull().default("running"),
    added: integer("added").notNull().default(0),
    modified: integer("modified").notNull().default(0),
    removed: integer("removed").notNull().default(0),
    error: text("error"),
    /** Progress while running (issue 22): accounts the bank returned, and how many are read whole. Null until the accounts are listed. */
    accountsTotal: integer("accounts_total"),
    accountsDone: integer("accounts_done").notNull().default(0),
    startedAt: ts("started_at").notNull().defaultNow(),
    /** Moves with every committed page (added/modified are written with it), so a reader sees how fresh the counts are. */
    updatedAt: ts("updated_at").notNull().defaultNow(),
    finishedAt: ts("finished_at"),
  },
  (t) => [index("bank_sync_runs_connection_idx").on(t.connectionId, t.startedAt.desc())],
);
